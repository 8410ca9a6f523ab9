"""What a refused DynamoDB write means, in one place: the condition of a single-item write
failed, which actions of a cancelled transaction failed and why (by the names given to
them in cloudshelf.dynamo.Transaction), and the jittered pause before trying again.

Anything else (throttling, a timeout, a bug) is not a condition failing: callers re-raise
it, and cloudshelf.middleware turns a dependency fault into the 503 page."""

import random
import time

CONDITION_FAILED = "ConditionalCheckFailed"
TRANSACTION_CONFLICT = "TransactionConflict"


def is_conditional_failure(error: BaseException) -> bool:
    """True when a PutItem, UpdateItem or DeleteItem (PutError, UpdateError, DeleteError)
    was refused by its condition. A timeout's cause carries no response: False."""
    response = getattr(getattr(error, "cause", None), "response", None)
    code = response.get("Error", {}).get("Code") if isinstance(response, dict) else None
    return code == CONDITION_FAILED + "Exception"


def cancellation_codes(error: BaseException) -> dict[str, str]:
    """``{action name: reason code}`` for the actions that cancelled a transaction (a
    TransactWriteError raised by cloudshelf.dynamo.Transaction); empty for any other
    error, or a transaction refused as a whole (throttled, for example)."""
    return dict(getattr(error, "cancelled_actions", None) or {})


def failed_actions(error: BaseException, code: str = CONDITION_FAILED) -> set[str]:
    """The names of the actions that failed with ``code`` (by default, their condition)."""
    return {name for name, reason in cancellation_codes(error).items() if reason == code}


def is_conflict(error: BaseException) -> bool:
    """True when DynamoDB cancelled the transaction because it raced another one on the
    same item: trying again may succeed."""
    return bool(failed_actions(error, TRANSACTION_CONFLICT))


def retry_pause(attempt: int, *, low: float = 0.0, high: float = 0.01) -> None:
    """Sleep a random while (between ``low`` and ``high`` seconds, times the attempt
    number from 1) so that requests that collided do not collide again."""
    time.sleep(random.uniform(low, high) * (attempt + 1))
