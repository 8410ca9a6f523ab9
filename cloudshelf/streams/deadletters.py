"""Reading and replaying dead letters (cloudshelf.streams.models.DeadLetter)."""

import json

from cloudshelf.streams.dispatcher import change_apply
from cloudshelf.streams.models import DEAD_LETTER_PK, DeadLetter
from cloudshelf.streams.projections import projection_get
from cloudshelf.streams.records import Change


def dead_letters_list(*, limit: int | None = None) -> list[DeadLetter]:
    """The dead letters, oldest first (one Query a page)."""
    return list(DeadLetter.query(DEAD_LETTER_PK, limit=limit))


def dead_letters_count() -> int:
    return DeadLetter.count(DEAD_LETTER_PK)


def dead_letter_replay(letter: DeadLetter) -> bool:
    """Apply the letter's change to its projection again; delete the letter on success.
    Returns True when applied."""
    projection = projection_get(letter.projection)
    if projection is None:
        return False
    change = Change.from_record(json.loads(letter.record), table_name=letter.table_name)
    error = change_apply(projection, change)
    if error is not None:
        letter.update(
            actions=[
                DeadLetter.error.set(f"{type(error).__name__}: {error}"[:2000]),
                DeadLetter.attempts.add(1),
            ]
        )
        return False
    letter.delete()
    return True
