"""Catch what the payment webhook missed: confirm orders whose PaymentIntent succeeded,
release the stock of orders still awaiting payment past PAYMENT_TIME_LIMIT_MINUTES (once:
the release is conditioned on the order still awaiting that intent, and their intent is
cancelled first), and retry refunds that did not reach Stripe.

Idempotent: a second run finds nothing to do. One Scan of the orders table, filtered; run
it every few minutes (on Lambda, deploy/streams.yaml's schedule, through cloudshelf.jobs)."""

from django.core.management.base import BaseCommand

from store.payments.services import payments_sweep


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, **options):
        counts = payments_sweep(dry_run=options["dry_run"])
        verb = "would confirm" if options["dry_run"] else "confirmed"
        changes = counts["confirmed"] + counts["released"] + counts["refunded"]
        style = self.style.SUCCESS if changes else self.style.NOTICE
        self.stdout.write(
            style(
                f"{verb} {counts['confirmed']} paid orders; released {counts['released']} "
                f"unpaid past the time limit; refunded {counts['refunded']}; "
                f"{counts['waiting']} still waiting"
            )
        )
