"""Recompute the 7- and 30-day best-seller lists (overall and per category) for today.

The lists are recomputed when an order or a listed book changes; on days without sales they
would keep covering the window of the last change. This moves them: one Query of the last
30 days' counters, BatchGetItem of the ranked books, one Query of the stored lists and a
write per list that changed. No Scan, so it costs the same whatever the number of orders
(unlike `rebuild_projections discovery-sales`, which scans the orders table). Idempotent;
on Lambda, run daily by deploy/streams.yaml's schedule."""

from django.core.management.base import BaseCommand

from store.discovery.projections import best_sellers_refresh, today


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        as_of = today()
        written = best_sellers_refresh(as_of=as_of)
        self.stdout.write(
            self.style.SUCCESS(f"best sellers as of {as_of.isoformat()}: {written} lists written")
        )
