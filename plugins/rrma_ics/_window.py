"""The expansion window, and which occurrences an event keeps when it has too many."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TypeVar

__all__ = ["FAR_FUTURE", "FAR_PAST", "Window", "instant", "keep_occurrences"]

#: Where a recurrence that ends is unrolled from: its very beginning.
FAR_PAST = datetime(1000, 1, 1, tzinfo=UTC)
#: Where explicit dates (RDATE, overrides of a one-off event) are read up to: all of them.
FAR_FUTURE = datetime(3000, 1, 1, tzinfo=UTC)

T = TypeVar("T")


def instant(value: date | datetime, zone: tzinfo) -> datetime:
    """``value`` as an aware date-time: a date is its midnight in ``zone``."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime(value.year, value.month, value.day, tzinfo=zone)


def _first_of_month(day: date) -> date:
    return day.replace(day=1)


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


@dataclass(frozen=True, slots=True)
class Window:
    """The span open-ended recurrences are unrolled over.

    Its ends are rounded outward to whole months, in the workspace's time zone, so that a
    weekly event's list of occurrences (and with it the stored record) changes once a month
    as time passes, not every day.

    Example:
        >>> from zoneinfo import ZoneInfo
        >>> w = Window.around(datetime(2026, 11, 27, 9, tzinfo=UTC), 30, 365,
        ...                   ZoneInfo("Europe/Paris"))
        >>> w.start.isoformat(), w.end.isoformat()
        ('2026-10-01T00:00:00+02:00', '2027-12-01T00:00:00+01:00')
    """

    start: datetime
    end: datetime

    @classmethod
    def around(cls, now: datetime, past_days: int, future_days: int, zone: tzinfo) -> Window:
        """The window from ``past_days`` before ``now`` to ``future_days`` after it."""
        first = _first_of_month((now - timedelta(days=past_days)).astimezone(zone).date())
        last = _first_of_next_month((now + timedelta(days=future_days)).astimezone(zone).date())
        return cls(instant(first, zone), instant(last, zone))

    def to_dict(self) -> dict[str, str]:
        """The window as ISO 8601 strings (for the source's state)."""
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def keep_occurrences(
    occurrences: Sequence[T], starts: Sequence[datetime], limit: int, from_: datetime
) -> list[T]:
    """At most ``limit`` of the sorted ``occurrences``: those from ``from_`` on first, then
    the latest ones before it.

    Args:
        occurrences: The occurrences, sorted by start.
        starts: Their starts as aware date-times, in the same order.
        limit: How many to keep.
        from_: The start of the window.
    """
    if len(occurrences) <= limit:
        return list(occurrences)
    first = next((i for i, start in enumerate(starts) if start >= from_), len(starts))
    begin = max(0, min(first, len(occurrences) - limit))
    return list(occurrences[begin : begin + limit])
