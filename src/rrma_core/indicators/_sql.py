"""SQL helpers of the indicators: period bounds and month buckets in the workspace time zone.

Dates are stored as naive UTC (see ``UTCDateTime``), but a month of events is a month of the
network's calendar: an event at 00:30 on 1 November in Paris started at 23:30 UTC on
31 October, and belongs to November. Both databases bucket in the workspace time zone:

- PostgreSQL converts each value with its own time-zone database:
  ``to_char(timezone('Europe/Paris', timezone('UTC', start_at)), 'YYYY-MM')``.
- SQLite has no time-zone database. The boundaries of the local months (the UTC instants of
  local midnight on each first of the month, computed with ``zoneinfo``) are bound into a
  balanced ``CASE`` expression: a value finds its month in about log2(months) comparisons of
  the stored text, which sorts like the instants it holds.

Both give the same months, daylight saving time included; the tests run the same fixtures on
both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from sqlalchemy import ColumnElement, String, case, func, literal, literal_column

__all__ = ["local_midnight", "month_bucket", "month_starts", "months_between"]


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The UTC instant of midnight at the start of ``day`` in ``tz``."""
    return datetime.combine(day, time(), tz).astimezone(UTC)


def _add_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first days of every month from ``first``'s month to ``last``'s, both included."""
    months = []
    current = date(first.year, first.month, 1)
    while current <= last:
        months.append(current)
        current = _add_month(current)
    return months


def month_starts(first: date, last: date, tz: tzinfo) -> tuple[list[str], list[datetime]]:
    """Month labels (``"2026-11"``) from ``first`` to ``last`` and the UTC instants where each
    starts, plus the instant where the last one ends (one more instant than labels)."""
    months = months_between(first, last)
    labels = [f"{m.year:04d}-{m.month:02d}" for m in months]
    bounds = [local_midnight(m, tz) for m in [*months, _add_month(months[-1])]]
    return labels, bounds


def _tree(
    column: ColumnElement[Any],
    labels: Sequence[str],
    bounds: Sequence[datetime],
    lo: int,
    hi: int,
    end_inclusive: bool,
) -> ColumnElement[Any]:
    """A nested CASE: the label ``i`` of the interval of ``bounds`` holding ``column``."""
    if hi - lo == 1:
        return literal(labels[lo], String)
    mid = (lo + hi) // 2
    below = column <= bounds[mid] if end_inclusive else column < bounds[mid]
    return case(
        (below, _tree(column, labels, bounds, lo, mid, end_inclusive)),
        else_=_tree(column, labels, bounds, mid, hi, end_inclusive),
    )


def month_bucket(
    column: Any,
    *,
    dialect: str,
    tz: tzinfo,
    first: date | None = None,
    last: date | None = None,
    end_inclusive: bool = False,
) -> ColumnElement[Any]:
    """The local month (``"YYYY-MM"``) of a stored UTC date-time column, as SQL.

    Args:
        column: A ``UTCDateTime`` column (such as ``occurrences.start_at``).
        dialect: ``engine.dialect.name``: ``"postgresql"`` or ``"sqlite"``.
        tz: The workspace time zone, whose months are counted.
        first: On SQLite, the first local day the values may fall on (required there).
        last: On SQLite, the last local day the values may fall on (required there).
        end_inclusive: Count an instant that is exactly local midnight in the month that
            ends there (deadlines: a call open "until 31 January" is stored as
            1 February 00:00 and closes in January).

    Returns:
        A text expression; values outside ``first``..``last`` on SQLite get the nearest
        month, so filter the rows on the same bounds.
    """
    if dialect == "postgresql":
        value = column - literal_column("INTERVAL '1 microsecond'") if end_inclusive else column
        local = func.timezone(str(tz), func.timezone("UTC", value))
        return func.to_char(local, "YYYY-MM")
    if first is None or last is None:
        raise ValueError("month_bucket needs the first and last days on this database")
    labels, bounds = month_starts(first, last, tz)
    return _tree(column, labels, bounds, 0, len(labels), end_inclusive)
