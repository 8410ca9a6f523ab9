"""Recompute projections from the tables: after adding a projection, after an outage, or
when a figure looks wrong. Idempotent (a second run writes nothing new) and safe while the
store runs: each projection rebuilds from the items as they are now, and the stream keeps
delivering changes meanwhile.

    manage.py rebuild_projections --list
    manage.py rebuild_projections search-index catalog-summary --dry-run
    manage.py rebuild_projections              (all of them)
"""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cloudshelf.streams.projections import projections_all


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="projections to rebuild (default: all)")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )
        parser.add_argument(
            "--list", dest="list_only", action="store_true", help="list the projections"
        )

    def handle(self, *args, names, dry_run, list_only, **options):
        known = {p.name: p for p in projections_all()}
        if list_only:
            for projection in known.values():
                self.stdout.write(f"{projection.name}: {projection.description}")
            return
        unknown = [name for name in names if name not in known]
        if unknown:
            raise CommandError(
                f"no projection named {', '.join(unknown)}; known: {', '.join(known)}"
            )
        for projection in [known[name] for name in names] or known.values():
            if projection.rebuild is None:
                self.stdout.write(f"{projection.name}: nothing to rebuild")
                continue
            with tqdm(desc=projection.name, unit=" items", disable=None) as bar:
                written = projection.rebuild(dry_run=dry_run, progress=bar.update)
            verb = "would write" if dry_run else "wrote"
            style = self.style.SUCCESS if written else self.style.NOTICE
            self.stdout.write(style(f"{projection.name}: {verb} {written} items"))
