"""Create a staff user (or make an existing user staff), as createsuperuser would.

Interactive by default: asks for the email, the names and the password (twice), and checks
the password against AUTH_PASSWORD_VALIDATORS. Answers may be piped in on standard input.
For scripts, --no-input with --email, and the password in the CLOUDSHELF_STAFF_PASSWORD
environment variable (or --password, which other users of the machine can see in the
process list).

Idempotent-ish: an email that already has an account is made staff, keeping its password
and names (a password given for it is not applied: use the password reset); an account that
is already staff is left alone and the command says so. --dry-run only reports."""

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from accounts.passwords import PasswordOwner, password_validate
from accounts.selectors import normalize_email, user_get_by_email
from accounts.services import EmailTaken, user_create, user_staff_grant

PASSWORD_ENV = "CLOUDSHELF_STAFF_PASSWORD"


class Command(BaseCommand):
    help = __doc__
    stealth_options = ("stdin",)  # tests feed the answers through call_command(stdin=...)

    def add_arguments(self, parser):
        parser.add_argument("--email", help="the staff member's email (the sign-in name)")
        parser.add_argument("--first-name", help="first name (asked for when interactive)")
        parser.add_argument("--last-name", help="last name (asked for when interactive)")
        parser.add_argument(
            "--password", help=f"the password; prefer the {PASSWORD_ENV} environment variable"
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="ask nothing: for scripts",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be done, write nothing"
        )

    def handle(self, *args, **options):
        self.stdin = options.get("stdin") or sys.stdin
        self.dry_run = options["dry_run"]
        interactive = options["interactive"]
        email = self._email(options["email"], interactive)
        existing = user_get_by_email(email=email)
        if existing is not None:
            return self._promote(
                existing,
                interactive,
                password_given=bool(
                    options["password"] or (not interactive and os.environ.get(PASSWORD_ENV))
                ),
            )
        first_name = self._name(options["first_name"], "First name", interactive)
        last_name = self._name(options["last_name"], "Last name", interactive)
        owner = PasswordOwner(email=email, first_name=first_name, last_name=last_name)
        password = options["password"] or (None if interactive else os.environ.get(PASSWORD_ENV))
        if password:
            self._check_password(password, owner)
        elif interactive:
            password = self._ask_password(owner)
        else:
            raise CommandError(f"No password: set {PASSWORD_ENV} (or pass --password).")
        if self.dry_run:
            self.stdout.write(self.style.NOTICE(f"Would create staff user {email}."))
            return
        try:
            user = user_create(
                email=email,
                password=password,
                first_name=first_name,
                last_name=last_name,
                is_staff=True,
            )
        except EmailTaken as error:
            raise CommandError(
                f"{email}: {error.message} Run the command again to make it staff."
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Staff user {user.email} created ({user.user_id})."))

    # --- steps ---------------------------------------------------------------------------

    def _email(self, given, interactive):
        while True:
            email = normalize_email(
                given if given is not None else (self._ask("Email: ") if interactive else "")
            )
            given = None
            try:
                validate_email(email)
                return email
            except ValidationError:
                if not interactive:
                    raise CommandError("Give a valid --email.") from None
                self.stderr.write("Error: enter a valid email address.")

    def _name(self, given, label, interactive):
        if given is not None:
            return given.strip()
        return self._ask(f"{label}: ").strip() if interactive else ""

    def _promote(self, user, interactive, password_given):
        if user.is_staff:
            self.stdout.write(
                self.style.NOTICE(f"{user.email} is already staff; nothing changed.")
            )
            return
        if interactive:
            answer = self._ask(f"{user.email} already has an account. Make it staff? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                self.stdout.write(self.style.NOTICE("Nothing changed."))
                return
        if self.dry_run:
            self.stdout.write(self.style.NOTICE(f"Would make {user.email} staff."))
            return
        user_staff_grant(user=user)
        self.stdout.write(self.style.SUCCESS(f"{user.email} is now staff."))
        if password_given:
            self.stdout.write(
                self.style.WARNING(
                    "The password given was not applied to the existing account; "
                    "its owner can change it, or reset it from the sign-in page."
                )
            )

    def _check_password(self, password, owner):
        try:
            password_validate(password, owner=owner)
        except ValidationError as error:
            raise CommandError("Password refused: " + " ".join(error.messages)) from error

    def _ask_password(self, owner):
        while True:
            password = self._ask("Password: ", secret=True)
            if password != self._ask("Password (again): ", secret=True):
                self.stderr.write("Error: the two passwords do not match.")
                continue
            if not password.strip():
                self.stderr.write("Error: a blank password is not allowed.")
                continue
            try:
                password_validate(password, owner=owner)
                return password
            except ValidationError as error:
                self.stderr.write("Error: " + " ".join(error.messages))

    def _ask(self, prompt, secret=False):
        """One answer from a person at a terminal (passwords not echoed) or from piped
        standard input."""
        if secret and self.stdin.isatty():
            return getpass.getpass(prompt)
        self.stdout.write(prompt, ending="")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise CommandError("Aborted: no more input.")
        return line.rstrip("\r\n")
