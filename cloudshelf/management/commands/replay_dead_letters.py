"""Apply the stream changes that a projection gave up on (dead letters) once more, e.g.
after fixing the fault. A dead letter that now succeeds is deleted; one that fails again
stays, with its new error. ``--dry-run`` lists them without applying anything."""

import json

from django.core.management.base import BaseCommand

from cloudshelf.streams.deadletters import dead_letter_replay, dead_letters_list


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--projection", help="only this projection's dead letters")
        parser.add_argument("--dry-run", action="store_true", help="list them, apply nothing")

    def handle(self, *args, projection=None, dry_run=False, **options):
        letters = [
            d for d in dead_letters_list() if projection is None or d.projection == projection
        ]
        if not letters:
            self.stdout.write(self.style.SUCCESS("no dead letters"))
            return
        replayed = 0
        for letter in letters:
            keys = json.loads(letter.keys)
            line = f"{letter.projection} {letter.event_name} {keys}: {letter.error}"
            if dry_run:
                self.stdout.write(line)
                continue
            if dead_letter_replay(letter):
                replayed += 1
                self.stdout.write(self.style.SUCCESS(f"applied: {line}"))
            else:
                self.stdout.write(self.style.ERROR(f"failed again: {line}"))
        if not dry_run:
            self.stdout.write(f"{replayed} of {len(letters)} applied")
