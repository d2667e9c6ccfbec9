"""Queries: filters on the indexed columns and terms, the same SQL on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select

from rrma_core.models._base import utcnow
from rrma_core.storage._store import occurrences_t, records_t, row_columns, term_filter

__all__ = ["RecordQuery"]

Values = str | int | Sequence[str | int] | None


def _many(value: Values) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str | int):
        return [str(value)]
    return [str(v) for v in value]


class RecordQuery:
    """A query on one record type, built up filter by filter.

    Example:
        ```python
        query = RecordQuery("event", tz).where_region("84").where_term("theme", ["eau"])
        rows = store.select_rows(query.select())
        ```
    """

    def __init__(self, record_type: str, tz: tzinfo, *, include_withdrawn: bool = False) -> None:
        self.record_type = record_type
        self.tz = tz
        self.conditions: list[Any] = [records_t.c.record_type == record_type]
        if not include_withdrawn:
            self.conditions.append(records_t.c.withdrawn_at.is_(None))
        self.order: list[Any] = []

    def _day_bounds(self, day: date | datetime) -> tuple[datetime, datetime]:
        if isinstance(day, datetime):
            return day, day
        start = datetime.combine(day, time(), self.tz)
        return start, datetime.combine(day + timedelta(days=1), time(), self.tz)

    def where_column(self, column: str, value: Values) -> RecordQuery:
        """Keep records whose indexed ``column`` is one of ``value``."""
        values = _many(value)
        if values:
            self.conditions.append(records_t.c[column].in_(values))
        return self

    def where_term(self, facet: str, value: Values) -> RecordQuery:
        """Keep records that have one of ``value`` under ``facet`` (theme, sdg, country...)."""
        values = _many(value)
        if values:
            self.conditions.append(term_filter(facet, values))
        return self

    def where_campaign(self, value: Values) -> RecordQuery:
        """Keep records of a campaign edition (``alimenterre-2026``) or of any edition of a
        campaign (``alimenterre``)."""
        values = _many(value)
        if values:
            column = records_t.c.campaign_edition
            # "alimenterre" means every edition: alimenterre-2026, alimenterre-2026-84
            # (not another campaign whose code starts the same: alimenterre-jeunes-2026).
            conditions = []
            for value in values:
                escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                conditions += [
                    column == value,
                    column.like(f"{escaped}-____", escape="\\"),
                    column.like(f"{escaped}-____-%", escape="\\"),
                ]
            self.conditions.append(or_(*conditions))
        return self

    def where_upcoming(self, now: datetime | None = None) -> RecordQuery:
        """Keep records (events, trainings) not over at ``now``."""
        now = now or utcnow()
        if self.record_type == "event":
            self.conditions.append(
                exists().where(
                    and_(occurrences_t.c.record_id == records_t.c.id, occurrences_t.c.end_at > now)
                )
            )
        else:
            self.conditions.append(or_(records_t.c.end_at > now, records_t.c.end_at.is_(None)))
        return self

    def where_between(
        self, start: date | datetime | None, end: date | datetime | None
    ) -> RecordQuery:
        """Keep events with an occurrence (other records: a span) overlapping ``[start, end]``."""
        if start is None and end is None:
            return self
        low = self._day_bounds(start)[0] if start is not None else None
        high = self._day_bounds(end)[1] if end is not None else None
        if self.record_type == "event":
            parts = [occurrences_t.c.record_id == records_t.c.id]
            if low is not None:
                parts.append(occurrences_t.c.end_at > low)
            if high is not None:
                # A day's upper bound is the next midnight, excluded; a date-time is included.
                parts.append(
                    occurrences_t.c.start_at < high
                    if not isinstance(end, datetime)
                    else occurrences_t.c.start_at <= high
                )
            self.conditions.append(exists().where(and_(*parts)))
        else:
            if low is not None:
                self.conditions.append(or_(records_t.c.end_at > low, records_t.c.end_at.is_(None)))
            if high is not None:
                before = (
                    records_t.c.start_at < high
                    if not isinstance(end, datetime)
                    else records_t.c.start_at <= high
                )
                self.conditions.append(or_(before, records_t.c.start_at.is_(None)))
        return self

    def where_open_on(self, day: date | datetime) -> RecordQuery:
        """Keep calls for projects that can be answered on ``day``."""
        first, last = self._day_bounds(day)
        self.conditions.append(or_(records_t.c.deadline.is_(None), records_t.c.deadline > first))
        if isinstance(day, datetime):
            self.conditions.append(
                or_(records_t.c.start_at.is_(None), records_t.c.start_at <= last)
            )
        else:
            self.conditions.append(or_(records_t.c.start_at.is_(None), records_t.c.start_at < last))
        return self

    def order_by_next_occurrence(self, now: datetime | None = None) -> RecordQuery:
        """Sort events by their next occurrence not over at ``now`` (a recurring event that
        began years ago comes by its next date, not its first)."""
        now = now or utcnow()
        next_start = (
            select(func.min(occurrences_t.c.start_at))
            .where(occurrences_t.c.record_id == records_t.c.id, occurrences_t.c.end_at > now)
            .scalar_subquery()
        )
        self.order.extend([next_start.is_(None), next_start])
        return self

    def order_by(self, *columns: str) -> RecordQuery:
        """Sort by these indexed columns (nulls last), then by id."""
        for name in columns:
            column = records_t.c[name]
            self.order.extend([column.is_(None), column])
        return self

    def select(self, limit: int | None = None) -> Select[Any]:
        """The SQL query."""
        query = select(*row_columns()).where(*self.conditions)
        query = query.order_by(*self.order, records_t.c.id)
        if limit is not None:
            query = query.limit(limit)
        return query
