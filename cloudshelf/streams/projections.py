"""What a projection is, and which ones there are (``settings.STREAM_PROJECTIONS``)."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from cloudshelf.streams.records import Change

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Projection:
    """Something derived from one table's changes.

    ``apply(change)`` must be idempotent and safe under redelivery and reordering (re-read
    the item's current state where order matters). ``rebuild(dry_run=..., progress=...)``
    recomputes everything it keeps from the tables and returns how many items it wrote (or
    would write). ``wants(change)``, if given, skips changes it does not care about."""

    name: str
    table_setting: str  # the settings name of its source table, e.g. "BOOKS_TABLE_NAME"
    apply: Callable[[Change], object]
    rebuild: Callable[..., int] | None = None
    wants: Callable[[Change], bool] | None = None
    description: str = ""

    @property
    def table_name(self) -> str:
        return getattr(settings, self.table_setting)

    def cares_about(self, change: Change) -> bool:
        if change.table_name != self.table_name or self.wants is None:
            return change.table_name == self.table_name
        try:
            return self.wants(change)
        except Exception:  # noqa: BLE001 (an image of an unexpected shape)
            # ``apply`` re-reads the item and, if it fails too, keeps a dead letter.
            log.warning("projection %s could not judge %s", self.name, change.sequence_number)
            return True


@cache
def _load(path: str) -> Projection:
    return import_string(path)


def projections_all() -> list[Projection]:
    return [_load(path) for path in settings.STREAM_PROJECTIONS]


def projection_get(name: str) -> Projection | None:
    return next((p for p in projections_all() if p.name == name), None)


def projections_for(change: Change) -> list[Projection]:
    return [p for p in projections_all() if p.cares_about(change)]
