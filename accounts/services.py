"""Writes to users: creation (email unique even under races), sign-in with throttling,
profile and email changes, passwords, password resets, staff."""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.template.loader import render_to_string
from pynamodb.exceptions import TransactWriteError, UpdateError

from accounts.identity import SignInResult, TotpSetup, identity_service
from accounts.models import EmailClaim, User, UserAddress
from accounts.selectors import normalize_email, user_get_by_email
from accounts.throttles import (
    ACCOUNT,
    ADDRESS,
    throttle_check,
    throttle_clear,
    throttle_release,
    throttle_take,
)
from accounts.tokens import reset_token_is_valid, reset_token_make
from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import failed_actions, is_conditional_failure, is_conflict
from cloudshelf.errors import ApplicationError

log = logging.getLogger(__name__)

EMAIL_SENTINEL_PREFIX = "email#"
TRANSACTION_ATTEMPTS = 3


class EmailTaken(ApplicationError):
    message = "An account with this email already exists."


class WrongPassword(ApplicationError):
    message = "Your current password is not correct."


class AccountChanged(ApplicationError):
    message = "Your account was changed elsewhere in the meantime. Please try again."


class ResetLinkInvalid(ApplicationError):
    message = (
        "This password-reset link is not valid: it has expired or has already been "
        "used. You can ask for a new one."
    )


def _duration_text(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _send_email(*, template: str, to: str, context: dict[str, Any]) -> None:
    """Send one email from ``templates/accounts/email/<template>{_subject,}.txt``. A failure
    is logged, not raised: the account change it reports has already happened, and at a
    password reset an error would tell whether the address has an account."""
    subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
    body = render_to_string(f"accounts/email/{template}.txt", context)
    try:
        send_mail(subject, body, None, [to])
    except Exception:  # any backend (SES, SMTP) and any fault of it
        log.exception("could not send the %s email", template)


def user_create(
    *,
    email: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    password_hash: str | None = None,
    account_status: str = "active",
    user_id: str | None = None,
) -> User:
    """Create a user. The email is claimed by a sentinel item written in the same
    transaction, so two racing registrations leave exactly one user. ``password_hash``
    (the Cognito service's marker) replaces the hash of ``password`` when given."""
    email = normalize_email(email)
    now = utcnow()
    user = User(
        user_id or f"user-{uuid.uuid4().hex}",
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        password=password_hash or make_password(password),
        is_staff=is_staff,
        created_at=now,
        account_status=account_status,
    )
    claim = EmailClaim(EMAIL_SENTINEL_PREFIX + email, owner_id=user.user_id)
    for attempt in range(1, TRANSACTION_ATTEMPTS + 1):
        try:
            with transaction() as tx:
                tx.save(claim, condition=EmailClaim.user_id.does_not_exist(), name="claim")
                tx.save(user, condition=User.user_id.does_not_exist(), name="user")
            return user
        except TransactWriteError as error:
            if failed_actions(error):
                raise EmailTaken() from error
            # DynamoDB cancels a transaction that races another on the same item (the
            # other registration of this email): try again, and the claim decides.
            if not is_conflict(error) or attempt == TRANSACTION_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def user_authenticate(*, email: str, password: str) -> SignInResult:
    """The identity service's answer to these credentials: the active user, a second step
    to take (a TOTP code), or neither (same work either way)."""
    return identity_service().authenticate(email=email, password=password)


def _throttled_attempt(
    *, email: str, client_address: str, scope: str = "sign-in"
) -> dict[str, str]:
    subjects = {ACCOUNT: normalize_email(email), ADDRESS: client_address}
    throttle_check(scope=scope, subjects=subjects)
    # The attempt is counted before the password is checked, atomically, so that
    # parallel guesses cannot all pass the check above together.
    throttle_take(scope=scope, subjects=subjects)
    return subjects


def _throttle_succeeded(subjects: dict[str, str], scope: str = "sign-in") -> None:
    throttle_clear(scope=scope, kind=ACCOUNT, subject=subjects[ACCOUNT])
    throttle_release(scope=scope, kind=ADDRESS, subject=subjects[ADDRESS])


def user_sign_in_check(*, email: str, password: str, client_address: str) -> SignInResult:
    """``user_authenticate`` with throttling: raises ``Throttled`` while the account or the
    client address has too many recent failures (checked before the password, so a
    throttled guess tells nothing). Failures are counted whether or not the email has an
    account; a success clears the account's count (a second step still to take counts as
    an attempt until its code is right)."""
    subjects = _throttled_attempt(email=email, client_address=client_address)
    result = user_authenticate(email=email, password=password)
    if result.user is not None:
        _throttle_succeeded(subjects)
    return result


def user_sign_in_code_check(*, email: str, session: str, code: str, client_address: str) -> User:
    """The second step of a sign-in (a TOTP code), throttled like the password."""
    subjects = _throttled_attempt(email=email, client_address=client_address, scope="code")
    user = identity_service().challenge_respond(email=email, session=session, code=code)
    _throttle_succeeded(subjects, scope="code")
    _throttle_succeeded(subjects)  # the whole sign-in succeeded: its password step too
    return user


def user_register(
    *, email: str, password: str, first_name: str, last_name: str, site_url: str
) -> User:
    """Create a shopper's account. With a service that confirms registrations by an
    emailed code, the account waits for ``user_registration_confirm``; otherwise the
    welcome email goes now."""
    identity = identity_service()
    user = identity.register(
        email=email, password=password, first_name=first_name, last_name=last_name
    )
    if not identity.confirms_registration:
        _send_email(
            template="welcome", to=user.email, context={"user": user, "site_url": site_url}
        )
    return user


def user_registration_confirm(
    *, email: str, code: str, client_address: str, site_url: str
) -> User:
    """Check the emailed verification code (throttled like a password), activate the
    account and send the welcome email."""
    subjects = _throttled_attempt(email=email, client_address=client_address, scope="code")
    user = identity_service().registration_confirm(email=email, code=code)
    _throttle_succeeded(subjects, scope="code")
    _send_email(template="welcome", to=user.email, context={"user": user, "site_url": site_url})
    return user


def user_registration_code_resend(*, email: str, client_address: str) -> None:
    """Send a new verification code if this email's account is still unconfirmed. Says
    nothing either way (the page shows the same message), and the throttle counts every
    request, as for reset requests: each one may send an email."""
    email = normalize_email(email)
    subjects = {ACCOUNT: email, ADDRESS: client_address}
    throttle_check(scope="code-resend", subjects=subjects)
    throttle_take(scope="code-resend", subjects=subjects)
    user = user_get_by_email(email=email)
    if user is None or user.account_status != "unconfirmed":
        return
    identity_service().registration_code_resend(user=user)


def user_password_verify(*, user: User, password: str, client_address: str) -> None:
    """Check a signed-in user's current password (before a password or email change), with
    the same throttle as sign-in: a stolen session cannot be used to guess it."""
    subjects = {ACCOUNT: user.email, ADDRESS: client_address}
    throttle_check(scope="sign-in", subjects=subjects)
    throttle_take(scope="sign-in", subjects=subjects)  # counted first: see user_sign_in_check
    if not identity_service().password_check(user=user, password=password):
        raise WrongPassword()
    throttle_release(scope="sign-in", kind=ACCOUNT, subject=user.email)
    throttle_release(scope="sign-in", kind=ADDRESS, subject=client_address)


def user_password_set(*, user: User, password: str) -> User:
    """Store a new password hash, only if the stored hash is still the one ``user`` holds
    (so a password-reset link cannot be used twice, even by two requests at once). Every
    session made with the old password ends on its next request."""
    try:
        user.update(
            actions=[User.password.set(make_password(password))],
            condition=User.password == user.password,
        )
    except UpdateError as error:
        if is_conditional_failure(error):
            raise AccountChanged() from error
        raise
    return user


def user_password_change(
    *, user: User, old_password: str, new_password: str, client_address: str
) -> User:
    """Change the password through the identity service, after checking the current one
    (throttled as at sign-in). Every other session of the user ends."""
    identity = identity_service()
    if identity.name == "builtin":
        user_password_verify(user=user, password=old_password, client_address=client_address)
        return user_password_set(user=user, password=new_password)
    subjects = {ACCOUNT: user.email, ADDRESS: client_address}
    throttle_check(scope="sign-in", subjects=subjects)
    throttle_take(scope="sign-in", subjects=subjects)
    identity.password_change(user=user, old_password=old_password, new_password=new_password)
    throttle_release(scope="sign-in", kind=ACCOUNT, subject=user.email)
    throttle_release(scope="sign-in", kind=ADDRESS, subject=client_address)
    return user


def user_profile_update(
    *,
    user: User,
    first_name: str,
    last_name: str,
    phone: str | None,
    address: dict[str, Any] | None,
    email: str,
    current_password: str = "",
    client_address: str = "",
) -> User:
    """Save names, phone and postal address (``address``: a dict of the seed's keys, or
    None). A new email needs the current password, and moves the email's claim in the same
    transaction as the user, so it stays unique."""
    changes: dict[str, Any] = {
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "phone": phone or None,
        "address": UserAddress(**address) if address else None,
    }
    actions = [
        getattr(User, name).set(value) if value is not None else getattr(User, name).remove()
        for name, value in changes.items()
    ]
    new_email, old_email = normalize_email(email), user.email
    if new_email == old_email:
        try:
            user.update(actions=actions, condition=User.user_id.exists())
        except UpdateError as error:
            if is_conditional_failure(error):
                raise AccountChanged() from error
            raise
        return user

    user_password_verify(user=user, password=current_password, client_address=client_address)
    identity_service().email_change(user=user, new_email=new_email)
    try:
        with transaction() as tx:
            tx.delete(
                EmailClaim(EMAIL_SENTINEL_PREFIX + old_email),
                condition=(EmailClaim.owner_id == user.user_id)
                | EmailClaim.owner_id.does_not_exist(),
                name="old_claim",
            )
            tx.save(
                EmailClaim(EMAIL_SENTINEL_PREFIX + new_email, owner_id=user.user_id),
                condition=EmailClaim.user_id.does_not_exist(),
                name="new_claim",
            )
            tx.update(
                user,
                actions=[*actions, User.email.set(new_email)],
                condition=User.email == old_email,
                name="user",
            )
    except TransactWriteError as error:
        failed = failed_actions(error)
        if "new_claim" in failed:
            raise EmailTaken() from error
        if failed or is_conflict(error):
            raise AccountChanged() from error
        raise
    for name, value in {**changes, "email": new_email}.items():
        setattr(user, name, value)
    return user


def user_staff_grant(*, user: User) -> User:
    """Make an existing user staff (idempotent)."""
    if not user.is_staff:
        user.update(actions=[User.is_staff.set(True)], condition=User.user_id.exists())
    return user


def password_reset_request(
    *, email: str, client_address: str, link_for: Callable[[str], str]
) -> None:
    """Email a single-use, expiring reset link if the address belongs to an active account.
    Says nothing either way: the caller shows the same page whatever happens, and the
    throttle counts every request, whether or not the email has an account."""
    email = normalize_email(email)
    subjects = {ACCOUNT: email, ADDRESS: client_address}
    throttle_check(scope="password-reset", subjects=subjects)
    throttle_take(scope="password-reset", subjects=subjects)  # atomic: parallel requests too
    user = user_get_by_email(email=email)
    if user is None or not user.is_active:
        return
    identity = identity_service()
    if identity.resets_by_code:
        identity.password_reset_send(user=user)
        return
    token = reset_token_make(user=user)
    # Sent to the stored address, not to what was typed.
    _send_email(
        template="password_reset",
        to=user.email,
        context={
            "user": user,
            "reset_url": link_for(token),
            "valid_for": _duration_text(settings.PASSWORD_RESET_TIMEOUT),
        },
    )


def password_reset_complete(*, user: User, token: str, password: str) -> User:
    """Set a new password through a reset link. The link dies with the old password hash;
    the conditional write makes it single-use even for two requests at once. Signing in is
    no longer throttled for the account, since the reset proved it is the owner."""
    if not reset_token_is_valid(user=user, token=token):
        raise ResetLinkInvalid()
    try:
        user_password_set(user=user, password=password)
    except AccountChanged as error:
        raise ResetLinkInvalid() from error
    throttle_clear(scope="sign-in", kind=ACCOUNT, subject=user.email)
    return user


def password_reset_code_complete(
    *, email: str, code: str, password: str, client_address: str
) -> User:
    """Set a new password with the code the identity service emailed (Cognito). Guessing
    codes is throttled like guessing passwords; a success clears the account's count."""
    subjects = _throttled_attempt(email=email, client_address=client_address, scope="code")
    user = identity_service().password_reset_confirm(email=email, code=code, password=password)
    _throttle_succeeded(subjects, scope="code")
    return user


def user_sign_out_everywhere(*, user: User) -> None:
    """Sign the user out of the identity service too (Cognito: every refresh token ends)."""
    try:
        identity_service().sign_out_everywhere(user=user)
    except Exception:  # signing out here must never fail; the session is deleted anyway
        log.exception("could not sign %s out of the identity service", user.user_id)


def user_totp_start(*, user: User, password: str, client_address: str) -> TotpSetup:
    """Begin TOTP set-up (the password is checked, throttled as at sign-in)."""
    subjects = {ACCOUNT: user.email, ADDRESS: client_address}
    throttle_check(scope="sign-in", subjects=subjects)
    throttle_take(scope="sign-in", subjects=subjects)
    return identity_service().totp_associate(user=user, password=password)


class StaffKeepTotp(ApplicationError):
    message = (
        "Staff accounts must keep two-step sign-in on: staff pages ask for it. If you have "
        "lost your authenticator app, ask an operator to reset it (manage.py "
        "reset_two_factor), then set it up again."
    )


def user_totp_disable(*, user: User, password: str, code: str, client_address: str) -> None:
    """Turn a shopper's TOTP off (password and a current code, throttled as at sign-in).
    Staff are refused: with Cognito they must keep a second factor."""
    if user.is_staff:
        raise StaffKeepTotp()
    subjects = {ACCOUNT: user.email, ADDRESS: client_address}
    for scope in ("sign-in", "code"):  # a password and a code are guessed here
        throttle_check(scope=scope, subjects=subjects)
    for scope in ("sign-in", "code"):
        throttle_take(scope=scope, subjects=subjects)
    identity_service().totp_disable(user=user, password=password, code=code)
    for scope in ("sign-in", "code"):
        throttle_clear(scope=scope, kind=ACCOUNT, subject=user.email)
        throttle_release(scope=scope, kind=ADDRESS, subject=client_address)
    log.info("two-step sign-in turned off by %s", user.user_id)


def user_totp_reset(*, user: User) -> None:
    """An operator clears the user's TOTP (``manage.py reset_two_factor``)."""
    identity_service().totp_reset(user=user)
    log.warning("two-step sign-in reset by an operator for %s", user.user_id)


def user_totp_enable(*, user: User, password: str, code: str, client_address: str) -> None:
    """Confirm TOTP with a first code; the user's other sessions end."""
    subjects = {ACCOUNT: user.email, ADDRESS: client_address}
    throttle_check(scope="sign-in", subjects=subjects)
    throttle_take(scope="sign-in", subjects=subjects)
    identity_service().totp_enable(user=user, password=password, code=code)
    throttle_release(scope="sign-in", kind=ACCOUNT, subject=user.email)
    throttle_release(scope="sign-in", kind=ADDRESS, subject=client_address)
