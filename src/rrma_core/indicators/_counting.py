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

from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    null,
    select,
    union_all,
)

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

    def figures(self, scope: Scope) -> tuple[list[Mapping[str, Any]], float | None]:
        """One row per code (or group of codes), plus the records without any; and how many
        records were counted. Two queries."""
        dimension = self.dimensions[0]
        conditions = self.conditions(scope)
        joined = terms.join(records, records.c.id == terms.c.record_id)
        where = [terms.c.facet == self.facet, *conditions]
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
        found: list[Mapping[str, Any]] = [
            {dimension: code, "value": int(count)} for code, count in scope.execute(query)
        ]
        without = case((not_(has_term(self.facet)), 1), else_=0)
        counts = select(func.count(), func.sum(without)).select_from(records).where(*conditions)
        total, missing = scope.execute(counts)[0]
        if missing:
            found.append({dimension: None, "value": int(missing)})
        return found, int(total or 0)

    def rows(self, scope: Scope) -> list[Mapping[str, Any]]:
        """One row per code (or group of codes), plus the records without any."""
        return self.figures(scope)[0]

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

    def bounds(self, scope: Scope, column: Any) -> tuple[date, date]:
        """The first and last local days the values may fall on: the period's, else those of
        the whole column (read from its index: a wider range than the rows counted only adds
        months that stay empty)."""
        if scope.period is not None:
            return scope.period.start, scope.period.end
        low, high = scope.execute(select(func.min(column), func.max(column)))[0]
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
    ) -> tuple[list[Mapping[str, Any]], int | None]:
        """Rows ``{"month": "2026-11", "value": n}`` in month order, and (when ``distinct``)
        how many distinct things were counted over all months.

        One statement: the distinct (month, counted) pairs are a common table expression,
        counted by month and, for the total, once more (both databases materialise a CTE used
        twice, so the rows are read once).

        Args:
            scope: The scope.
            column: The UTC date-time column bucketed by local month.
            counted: What is counted (a record id column).
            where: The conditions (the period's bounds on ``column`` included).
            joined: The FROM clause.
            distinct: Count distinct values of ``counted`` (else rows), and give the total.
        """
        first, last = self.bounds(scope, column)
        bucket = month_bucket(
            column, tz=scope.tz, first=first, last=last, end_inclusive=self.end_inclusive
        )
        pairs = (
            select(bucket.label("month"), counted.label("counted"))
            .select_from(joined)
            .where(*where)
            .cte("pairs")
        )
        if not distinct:
            query = select(pairs.c.month, func.count()).group_by(pairs.c.month)
            rows = scope.execute(query.order_by(pairs.c.month))
            return [{"month": month, "value": int(n)} for month, n in rows], None
        # Distinct (month, thing) pairs first: one sort, then plain counts per month, and the
        # distinct things over the (fewer) pairs for the total.
        unique = select(pairs.c.month, pairs.c.counted).distinct().cte("unique_pairs")
        by_month = select(unique.c.month, func.count()).group_by(unique.c.month)
        things = select(unique.c.counted).distinct().subquery()
        overall = select(null().label("month"), func.count()).select_from(things)
        found = scope.execute(union_all(by_month, overall))
        total = next((int(n) for month, n in found if month is None), 0)
        months = sorted((month, int(n)) for month, n in found if month is not None)
        return [{"month": month, "value": n} for month, n in months], total


def case_groups(code: ColumnElement[Any], groups: Mapping[str, Iterable[str]]) -> Any:
    """SQL ``CASE``: the name of the group whose codes include ``code`` (else ``"other"``)."""
    return case(
        *[(code.in_(sorted(codes)), literal(name)) for name, codes in groups.items()],
        else_=literal("other"),
    )
