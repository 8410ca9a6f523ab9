"""What follows a change of the orders table (cloudshelf/streams/): the daily sales figures
and the confirmation email. Both are idempotent under redelivery, duplicates and records
arriving late or out of order.

**daily-sales.** Each order contributes to the day it was placed (``order_date``): one
order, its total as revenue, its copies per book and one to its status; a cancelled order
contributes one cancellation and nothing else, to that same day, whenever it was
cancelled. A ledger item per order (SalesLedger) holds what the order contributes now.
Whatever record arrives, the projection re-reads the order (consistent GetItem) and its
ledger, and applies the difference to the day items in ONE transaction with the new
ledger, conditioned on the ledger's version: a record seen again, or one whose change
another record already brought, finds no difference and writes nothing; two deliveries
racing on one order cannot both apply theirs.

**order-confirmation-email.** Sent once an order is placed (its status becomes
``confirmed``), from the order as placed (the record's new image) to the user it belongs
to: see ``order_confirmation_email_apply``.
"""

import logging
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pynamodb.exceptions import PutError, TransactWriteError

from accounts.selectors import user_get
from cloudshelf.dynamo import transaction, utcnow
from cloudshelf.dynamo_errors import (
    failed_actions,
    is_conditional_failure,
    is_conflict,
    retry_pause,
)
from cloudshelf.streams.projections import Projection
from cloudshelf.streams.records import INSERT, MODIFY, Change
from store.orders.emails import order_confirmation_send
from store.orders.models import (
    EMAIL_SENT_PK,
    SALES_DAY_PK,
    SALES_LEDGER_PK,
    EmailSent,
    Order,
    OrderLine,
    SalesDay,
    SalesLedger,
)
from store.orders.services import AWAITING_PAYMENT, CANCELLED, CONFIRMED, PAYMENT_FAILED

log = logging.getLogger(__name__)

ZERO = Decimal("0.00")
APPLY_ATTEMPTS = 5
SALES_FIELDS = ("order_date", "total", "status", "items")


# --- daily-sales ---------------------------------------------------------------------------


@dataclass
class Figures:
    """Sales figures: of one order (its contribution) or of a day (the sum of them)."""

    orders: int = 0
    revenue: Decimal = ZERO
    cancellations: int = 0
    copies: Counter = field(default_factory=Counter)  # "category#book_id" -> copies
    statuses: Counter = field(default_factory=Counter)

    def add(self, other: "Figures", sign: int = 1) -> None:
        self.orders += sign * other.orders
        self.revenue += sign * other.revenue
        self.cancellations += sign * other.cancellations
        for key, copies in other.copies.items():
            self.copies[key] += sign * copies
        for status, count in other.statuses.items():
            self.statuses[status] += sign * count

    def normal(self) -> "Figures":
        """The same figures without the books and statuses at zero (a day item keeps a
        book whose copies were cancelled again at 0)."""
        return Figures(
            orders=self.orders,
            revenue=self.revenue,
            cancellations=self.cancellations,
            copies=Counter({k: n for k, n in self.copies.items() if n}),
            statuses=Counter({k: n for k, n in self.statuses.items() if n}),
        )

    @property
    def is_zero(self) -> bool:
        return self.normal() == Figures()

    @classmethod
    def of_item(cls, item: SalesDay | SalesLedger) -> "Figures":
        return cls(
            orders=item.orders or 0,
            revenue=Decimal(item.revenue or 0),
            cancellations=item.cancellations or 0,
            copies=Counter({k: int(n) for k, n in item.copies.as_dict().items()}),
            statuses=Counter({k: int(n) for k, n in item.statuses.as_dict().items()}),
        ).normal()


def book_key(line: OrderLine) -> str:
    return f"{line.category or ''}#{line.book_id}"


def order_contribution(order: Order) -> Figures:
    """What ``order`` adds to its day's figures: nothing until it is paid for (awaiting
    payment), nor when its payment never came (its stock went back)."""
    if order.status in (AWAITING_PAYMENT, PAYMENT_FAILED):
        return Figures()
    if order.status == CANCELLED:
        return Figures(cancellations=1, statuses=Counter({CANCELLED: 1}))
    copies: Counter[str] = Counter()
    for line in order.items:
        copies[book_key(line)] += line.quantity
    return Figures(
        orders=1, revenue=order.total, copies=copies, statuses=Counter({order.status: 1})
    )


def ledger_key(user_id: str, order_id: str) -> str:
    return f"{user_id}#{order_id}"


def _get(model: Any, *keys: str) -> Any:
    try:
        return model.get(*keys, consistent_read=True)
    except model.DoesNotExist:
        return None


def _ledger_item(sk: str, day: str, figures: Figures, version: int) -> SalesLedger:
    return SalesLedger(
        sk=sk,
        day=day,
        orders=figures.orders,
        revenue=figures.revenue,
        cancellations=figures.cancellations,
        copies=dict(figures.copies),
        statuses=dict(figures.statuses),
        version=version,
    )


def _day_item(day: str, figures: Figures) -> SalesDay:
    return SalesDay(
        sk=day,
        orders=figures.orders,
        revenue=figures.revenue,
        cancellations=figures.cancellations,
        copies=dict(figures.copies),
        statuses=dict(figures.statuses),
    )


def _day_actions(delta: Figures) -> list:
    actions = []
    if delta.orders:
        actions.append(SalesDay.orders.add(delta.orders))
    if delta.revenue:
        actions.append(SalesDay.revenue.add(delta.revenue))
    if delta.cancellations:
        actions.append(SalesDay.cancellations.add(delta.cancellations))
    for name, counts in (("copies", delta.copies), ("statuses", delta.statuses)):
        attribute = getattr(SalesDay, name)
        for key, count in counts.items():
            if count:
                actions.append(attribute[key].set((attribute[key] | 0) + count))
    return actions


def _day_ensure(day: str) -> None:
    """Give a day item its two maps, so that a transaction can add to their entries."""
    SalesDay(sk=day).update(
        actions=[
            SalesDay.copies.set(SalesDay.copies | {}),
            SalesDay.statuses.set(SalesDay.statuses | {}),
        ]
    )


def _sales_write(*, sk: str, ledger: SalesLedger | None, order: Order | None) -> bool:
    """Bring the days and the ledger from what the ledger says the order contributes to
    what it contributes now: one transaction, or nothing when they agree. Returns False
    when it must be tried again (the ledger moved meanwhile, or a day had no maps yet)."""
    old = Figures.of_item(ledger) if ledger else Figures()
    new = order_contribution(order).normal() if order else Figures()
    old_day = ledger.day if ledger else None
    new_day = order.order_date if order else None
    if old == new and old_day == new_day:
        return True
    deltas: defaultdict[str, Figures] = defaultdict(Figures)
    if old_day:
        deltas[old_day].add(old, sign=-1)
    if new_day:
        deltas[new_day].add(new)
    version = ledger.version if ledger else 0
    same_version = SalesLedger.version == version if ledger else SalesLedger.sk.does_not_exist()
    try:
        with transaction() as tx:
            for day, delta in deltas.items():
                if not delta.is_zero:
                    tx.update(
                        SalesDay(sk=day),
                        actions=_day_actions(delta),
                        condition=SalesDay.copies.exists() & SalesDay.statuses.exists(),
                        name=f"day:{day}",
                    )
            if order is None:
                tx.delete(SalesLedger(SALES_LEDGER_PK, sk), condition=same_version, name="ledger")
            else:
                tx.save(
                    _ledger_item(sk, order.order_date, new, version + 1),
                    condition=same_version,
                    name="ledger",
                )
    except TransactWriteError as error:
        failed = failed_actions(error)
        days = [name.split(":", 1)[1] for name in failed if name.startswith("day:")]
        for day in days:
            _day_ensure(day)
        if days or "ledger" in failed or is_conflict(error):
            return False
        raise
    return True


def daily_sales_apply(change: Change) -> None:
    """Bring the order's day up to date with the order as it is now. Costs two consistent
    GetItems (the order, its ledger) and, when its figures changed, one transaction of the
    ledger and its day (two days if the order moved day); a day's first order also
    pays one UpdateItem that gives the day item its maps."""
    user_id, order_id = change.keys["user_id"], change.keys["order_id"]
    sk = ledger_key(user_id, order_id)
    for attempt in range(APPLY_ATTEMPTS):
        order = _get(Order, user_id, order_id)
        ledger = _get(SalesLedger, SALES_LEDGER_PK, sk)
        if _sales_write(sk=sk, ledger=ledger, order=order):
            return
        retry_pause(attempt, low=0.005, high=0.02)
    raise RuntimeError(f"daily-sales: order {order_id} kept changing; try again later")


def daily_sales_wants(change: Change) -> bool:
    """Skips a change that touched none of the figures (a new placement token, say)."""
    return change.event_name != MODIFY or change.changed(*SALES_FIELDS)


def daily_sales_rebuild(
    *, dry_run: bool = False, progress: Callable[[int], object] | None = None
) -> int:
    """Recompute every day and every order's ledger from the orders table (one Scan, read
    consistently), write the items that differ, delete those no order accounts for.
    Returns how many items it wrote or deleted (would, with ``dry_run``): a second run
    writes none. Meant for a quiet stream: a change applied between the Scan and the
    writes can be overwritten, and the next run (or the order's next change) repairs it."""
    days: defaultdict[str, Figures] = defaultdict(Figures)
    ledgers: dict[str, tuple[str, Figures]] = {}
    for order in Order.scan(consistent_read=True):
        figures = order_contribution(order).normal()
        ledgers[ledger_key(order.user_id, order.order_id)] = (order.order_date, figures)
        days[order.order_date].add(figures)
        if progress:
            progress(1)
    kept_days = {d.sk: d for d in SalesDay.query(SALES_DAY_PK, consistent_read=True)}
    kept_ledgers = {
        item.sk: item for item in SalesLedger.query(SALES_LEDGER_PK, consistent_read=True)
    }

    puts: list[Any] = []
    deletes: list[Any] = []
    for day, figures in days.items():
        kept = kept_days.get(day)
        if kept is None or Figures.of_item(kept) != figures.normal():
            puts.append(_day_item(day, figures.normal()))
    deletes += [kept for day, kept in kept_days.items() if day not in days]
    for sk, (day, figures) in ledgers.items():
        ledger = kept_ledgers.get(sk)
        if ledger is None or ledger.day != day or Figures.of_item(ledger) != figures:
            puts.append(_ledger_item(sk, day, figures, (ledger.version if ledger else 0) + 1))
    deletes += [kept for sk, kept in kept_ledgers.items() if sk not in ledgers]
    if not dry_run:
        for model in (SalesDay, SalesLedger):
            with model.batch_write() as batch:
                for item in puts:
                    if isinstance(item, model):
                        batch.save(item)
                for item in deletes:
                    if isinstance(item, model):
                        batch.delete(item)
    return len(puts) + len(deletes)


daily_sales = Projection(
    name="daily-sales",
    table_setting="ORDERS_TABLE_NAME",
    apply=daily_sales_apply,
    rebuild=daily_sales_rebuild,
    wants=daily_sales_wants,
    description="per-day orders, revenue, cancellations and copies sold (staff dashboard)",
)


# --- order-confirmation-email --------------------------------------------------------------

SENDING, SENT, SKIPPED = "sending", "sent", "skipped"
EMAIL_CLAIM_SECONDS = 300


class EmailClaimHeld(Exception):
    """Another delivery is sending this email right now (or died doing so less than
    EMAIL_CLAIM_SECONDS ago): try later."""


def _email_claim(sk: str) -> str | None:
    """Claim the right to send: a conditional PutItem that succeeds for a first claim or
    over a claim left stale by a delivery that died. Returns the claim's token, None when
    the email is already done, raises EmailClaimHeld when a live claim holds it."""
    token = uuid.uuid4().hex
    now = int(time.time())
    try:
        EmailSent(sk=sk, state=SENDING, claim=token, claimed_until=now + EMAIL_CLAIM_SECONDS).save(
            condition=EmailSent.sk.does_not_exist()
            | ((EmailSent.state == SENDING) & (EmailSent.claimed_until < now))
        )
        return token
    except PutError as error:
        if not is_conditional_failure(error):
            raise
    marker = _get(EmailSent, EMAIL_SENT_PK, sk)
    if marker is not None and marker.state in (SENT, SKIPPED):
        return None
    raise EmailClaimHeld(f"the confirmation email {sk} is being sent by another delivery")


def _email_mark(sk: str, token: str, state: str) -> None:
    EmailSent(sk=sk, state=state, claim=token, done_at=utcnow()).save()


def _email_release(sk: str, token: str) -> None:
    EmailSent(EMAIL_SENT_PK, sk).delete(condition=EmailSent.claim == token)


def order_confirmation_email_apply(change: Change) -> None:
    """Send the order's confirmation email exactly once: claim a marker item with a
    conditional PutItem, send, then mark it sent. A redelivered or duplicate record finds
    the marker and sends nothing. If the mail backend raises, the claim is released and
    the error raised, so the dispatcher retries and, after its attempts, keeps a dead
    letter that ``manage.py replay_dead_letters`` sends later.

    The one window left: a process that dies after the mail backend accepted the email
    and before the marker says ``sent``. Its claim goes stale after EMAIL_CLAIM_SECONDS;
    the retried record then sends the email a second time. No store can close it: the
    mail backend and DynamoDB cannot commit together.

    Costs a PutItem (the claim), a GetItem (the user) and a PutItem (sent); a record seen
    again costs the refused PutItem and one GetItem of the marker."""
    order = change.new_as(Order)
    if order is None:  # wants() passes only records with a new image
        return
    sk = ledger_key(order.user_id, order.order_id)
    token = _email_claim(sk)
    if token is None:
        return
    if order.guest_email:  # a guest: their address, and a link that opens this order only
        from store.orders.guest import guest_url

        try:
            order_confirmation_send(
                order=order,
                email=order.guest_email,
                name=order.guest_name or "",
                link=guest_url(order),
            )
        except Exception:
            _email_release(sk, token)
            raise
        _email_mark(sk, token, SENT)
        return
    user = user_get(user_id=order.user_id)
    if user is None or not user.email:
        log.warning("order %s: no user or address to confirm it to", order.order_id)
        _email_mark(sk, token, SKIPPED)
        return
    try:
        order_confirmation_send(order=order, email=user.email, name=user.first_name)
    except Exception:
        _email_release(sk, token)
        raise
    _email_mark(sk, token, SENT)


def order_confirmation_email_wants(change: Change) -> bool:
    """An order that has just become confirmed: placed (INSERT), or confirmed later."""
    if change.event_name not in (INSERT, MODIFY) or change.new is None:
        return False
    was = (change.old or {}).get("status")
    return change.new.get("status") == CONFIRMED and was != CONFIRMED


order_confirmation_email = Projection(
    name="order-confirmation-email",
    table_setting="ORDERS_TABLE_NAME",
    apply=order_confirmation_email_apply,
    rebuild=None,  # emails are never sent again from the tables
    wants=order_confirmation_email_wants,
    description="the order confirmation email, sent once per order (nothing to rebuild)",
)
