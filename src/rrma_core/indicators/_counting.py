"""Counting records in SQL: by an indexed column, by a multi-valued facet, or by local month.

Each family (actors, events, calls) says which records it counts (its SQL conditions on the
``records`` table, from the scope); these classes do the grouping. Every statement is
SQLAlchemy Core, the same on SQLite and PostgreSQL; only the month buckets differ (see
``_sql.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, not_, select

from rrma_core.indicators._base import Indicator, Scope
from rrma_core.indicators._sql import month_bucket
from rrma_core.storage._store import records_t, terms_t

__all__ = ["ByColumn", "ByFacet", "SqlIndicator", "has_term"]

records = records_t
terms = terms_t
_TICK = timedelta(microseconds=1)


def has_term(facet: str, codes: Iterable[str] | None = None) -> ColumnElement[bool]:
    """SQL: the record has a term under ``facet`` (one of ``codes``, when given)."""
    # An alias, so that the subquery correlates with ``records`` only, also inside a query
    # that joins ``record_terms`` itself.
    term = terms.alias()
    parts = [term.c.record_id == records.c.id, term.c.facet == facet]
    if codes is not None:
        parts.append(term.c.code.in_(list(codes)))
    return exists().where(and_(*parts))


class SqlIndicator(Indicator):
    """An indicator counted by the database. Subclasses give ``conditions(scope)``."""

    computed_in = "sql"

    def conditions(self, scope: Scope) -> list[ColumnElement[bool]]:
        """The SQL conditions on ``records`` that select what is counted in ``scope``."""
        raise NotImplementedError

    def count(self, scope: Scope) -> int:
        """How many records the conditions select."""
        query = select(func.count()).select_from(records).where(*self.conditions(scope))
        return int(scope.execute(query)[0][0] or 0)


class ByColumn(SqlIndicator):
    """Records counted by the value of indexed columns of ``records`` (one row per record).

    ``columns`` maps each dimension to its column: ``{"actor_type": "category"}``.
    """

    columns: ClassVar[Mapping[str, str]] = {}

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """One row per combination of the columns' values, with how many records have it."""
        selected = [records.c[column] for column in self.columns.values()]
        query = select(*selected, func.count()).where(*self.conditions(scope)).group_by(*selected)
        found = []
        for row in scope.execute(query):
            values, count = row[:-1], row[-1]
            found.append({**dict(zip(self.columns, values, strict=True)), "value": int(count)})
        return found


class ByFacet(SqlIndicator):
    """Records counted under each code of a multi-valued facet of ``record_terms``.

    A record counts once under each of its codes, and once under ``None`` when it has none:
    the values add up to more than the number of records, which ``total`` gives.
    """

    facet: ClassVar[str] = ""

    def group(self, code: ColumnElement[Any]) -> ColumnElement[Any] | None:
        """The expression grouping a term's code (``None``: group by the code itself)."""
        return None

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        """One row per code (or group of codes), plus the records without any."""
        dimension = self.dimensions[0]
        joined = terms.join(records, records.c.id == terms.c.record_id)
        where = [terms.c.facet == self.facet, *self.conditions(scope)]
        grouped = self.group(terms.c.code)
        if grouped is None:
            # (record_id, facet, code) is the primary key: count(*) counts distinct records.
            query = (
                select(terms.c.code, func.count())
                .select_from(joined)
                .where(*where)
                .group_by(terms.c.code)
            )
        else:
            # Several codes make one group: a record counts once in it. The group is computed
            # in a subquery, so that GROUP BY names a column and not an expression with bound
            # parameters (which PostgreSQL would not match with the SELECT's).
            pairs = (
                select(grouped.label("grp"), terms.c.record_id)
                .select_from(joined)
                .where(*where)
                .subquery()
            )
            query = select(pairs.c.grp, func.count(pairs.c.record_id.distinct())).group_by(
                pairs.c.grp
            )
        found = [{dimension: code, "value": int(count)} for code, count in scope.execute(query)]
        none = (
            select(func.count())
            .select_from(records)
            .where(*self.conditions(scope), not_(has_term(self.facet)))
        )
        missing = int(scope.execute(none)[0][0] or 0)
        if missing:
            found.append({dimension: None, "value": missing})
        return found

    def total(self, scope: Scope) -> float | None:
        """How many records were counted (each once, whatever its number of codes)."""
        return self.count(scope)


class ByMonth(SqlIndicator):
    """Counted by the local month of a date-time column (see ``_sql.month_bucket``)."""

    period_dimension = "month"
    sort_by_value = False
    dimensions = ("month",)
    #: Count an instant at local midnight in the month it ends (deadlines).
    end_inclusive: ClassVar[bool] = False

    def bounds(self, scope: Scope, column: Any, where: list[Any], joined: Any) -> tuple[date, date]:
        """The first and last local days the values fall on: the period's, else the data's."""
        if scope.period is not None:
            return scope.period.start, scope.period.end
        query = select(func.min(column), func.max(column)).select_from(joined).where(*where)
        low, high = scope.execute(query)[0]
        if low is None or high is None:
            today = date.today()
            return today, today
        if self.end_inclusive:
            # An instant at local midnight belongs to the month before it.
            low, high = low - _TICK, high - _TICK
        return scope.local_day(low), scope.local_day(high)

    def monthly(
        self,
        scope: Scope,
        column: Any,
        counted: Any,
        where: list[Any],
        joined: Any,
        *,
        distinct: bool,
    ) -> list[dict[str, Any]]:
        """Rows ``{"month": "2026-11", "value": n}``, in month order.

        Args:
            scope: The scope.
            column: The UTC date-time column bucketed by local month.
            counted: What is counted (a record id column).
            where: The conditions (the period's bounds on ``column`` included).
            joined: The FROM clause.
            distinct: Count distinct values of ``counted`` (else rows).
        """
        first, last = (None, None)
        if scope.dialect != "postgresql":
            first, last = self.bounds(scope, column, where, joined)
        bucket = month_bucket(
            column,
            dialect=scope.dialect,
            tz=scope.tz,
            first=first,
            last=last,
            end_inclusive=self.end_inclusive,
        )
        pairs = (
            select(bucket.label("month"), counted.label("counted"))
            .select_from(joined)
            .where(*where)
            .subquery()
        )
        measure = func.count(pairs.c.counted.distinct()) if distinct else func.count()
        query = select(pairs.c.month, measure).group_by(pairs.c.month).order_by(pairs.c.month)
        return [{"month": month, "value": int(n)} for month, n in scope.execute(query)]


def case_groups(code: ColumnElement[Any], groups: Mapping[str, Iterable[str]]) -> Any:
    """SQL ``CASE``: the name of the group whose codes include ``code`` (else ``"other"``)."""
    return case(
        *[(code.in_(sorted(codes)), literal(name)) for name, codes in groups.items()],
        else_=literal("other"),
    )
