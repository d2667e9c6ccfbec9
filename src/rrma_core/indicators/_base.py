"""The indicator contract: what an indicator declares, and how its figures become a DataFrame."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from sqlalchemy import Executable, select

from rrma_core.errors import ConfigError, RrmaError
from rrma_core.indicators._labels import dimension_label, is_missing, text_in
from rrma_core.indicators._sql import local_midnight
from rrma_core.models import DateRange, Record
from rrma_core.models._types import _pad_code
from rrma_core.storage._store import records_t
from rrma_core.vocabularies import check_lang, use_registry

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = ["ADDITIVE_UNITS", "Indicator", "PeriodLike", "Scope", "as_period", "pandas"]

#: What a period may be given as: a year, a ``DateRange``, a ``(start, end)`` pair of dates,
#: or ``None`` for all time.
PeriodLike = DateRange | int | tuple[date, date] | None

_WORK_MEM = (
    "SELECT set_config('work_mem', '64MB', true) "
    "WHERE pg_size_bytes(current_setting('work_mem')) < 64 * 1024 * 1024"
)

#: Units whose values add up (and are 0 when nothing was counted); the others (rates, means,
#: scores) are missing rather than 0 when there is nothing to measure.
ADDITIVE_UNITS = frozenset({"count", "hours"})


def pandas() -> Any:
    """The ``pandas`` module, imported on first use.

    Raises:
        RrmaError: when pandas is not installed, saying how to install it.
    """
    try:
        import pandas as pd
    except ImportError:
        raise RrmaError(
            "indicators are pandas DataFrames: pip install 'rrma-core[pandas]' "
            "(or pip install pandas)"
        ) from None
    return pd


def as_period(value: PeriodLike | str) -> DateRange | None:
    """A period as a ``DateRange``: ``2026`` (or ``"2026"``) is the calendar year.

    Raises:
        ConfigError: for anything else, or an end before the start.
    """
    if value is None or isinstance(value, DateRange):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        if not 1900 <= value <= 2999:
            raise ConfigError(f"year {value} is out of range")
        return DateRange.year(value)
    if isinstance(value, tuple) and len(value) == 2:
        start, end = value
        if end < start:
            raise ConfigError(f"period end {end} is before its start {start}")
        return DateRange(start=start, end=end)
    raise ConfigError(
        f"a period is a year, a DateRange or a (start, end) pair of dates, not {value!r}"
    )


@dataclass(frozen=True)
class Scope:
    """What an indicator is computed on: a workspace, a period, a région, a language.

    Attributes:
        ws: The workspace whose database is counted.
        period: The calendar days counted (both ends included, in the workspace time zone);
            ``None`` for all time.
        region: The INSEE code of the région whose records are counted; ``None`` for every
            record of the database (the national total when several networks share it).
        lang: The language of labels and texts (``"fr"`` or ``"en"``).
    """

    ws: Workspace
    period: DateRange | None = None
    region: str | None = None
    lang: str = "fr"

    @classmethod
    def make(
        cls,
        ws: Workspace,
        *,
        period: PeriodLike | str = None,
        region: str | int | None = None,
        lang: str = "fr",
    ) -> Scope:
        """A scope with the period read by [`as_period`][rrma_core.indicators.as_period] and
        the région code checked.

        Raises:
            ConfigError: for a bad period, an unknown région code or a language other
                than ``"fr"`` and ``"en"``.
        """
        code = None
        if region is not None and str(region).strip():
            code = str(_pad_code(str(region)))
            if code not in ws.vocabularies.get("regions"):
                raise ConfigError(
                    f"unknown région code {region!r} (INSEE codes of the 18 regions, such as 84)"
                )
        return cls(ws, as_period(period), code, check_lang(lang))

    @property
    def tz(self) -> ZoneInfo:
        """The workspace time zone: days, months and years are counted in it."""
        return self.ws.timezone

    @property
    def dialect(self) -> str:
        """The database: ``"sqlite"`` or ``"postgresql"``."""
        return str(self.ws.store.engine.dialect.name)

    @property
    def low(self) -> datetime | None:
        """The instant the period starts (local midnight of its first day), in UTC."""
        return local_midnight(self.period.start, self.tz) if self.period else None

    @property
    def high(self) -> datetime | None:
        """The instant the period ends (local midnight after its last day), in UTC; excluded."""
        if self.period is None:
            return None
        return local_midnight(self.period.end + timedelta(days=1), self.tz)

    def local_day(self, value: date | datetime) -> date:
        """The day of ``value`` in the workspace time zone (a date is its own day)."""
        if isinstance(value, datetime):
            return value.astimezone(self.tz).date()
        return value

    def contains(self, value: date | datetime) -> bool:
        """Whether ``value`` falls on a day of the period (always true without a period)."""
        return self.period is None or self.local_day(value) in self.period

    def departements(self) -> list[str]:
        """The codes of the région's départements (empty without a région)."""
        if self.region is None:
            return []
        return [
            term.code
            for term in self.ws.vocabularies.get("departements")
            if str(term.data.get("region")) == self.region
        ]

    def execute(self, query: Executable) -> list[tuple[Any, ...]]:
        """Run a SQLAlchemy Core query on the workspace database and return its rows.

        On PostgreSQL the query may use 64 MB of memory to group and sort (``work_mem``, for
        this transaction only, when the server's setting is lower): the distinct events of
        a million occurrences then group in memory instead of in files on disk.
        """
        with self.ws.store.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(_WORK_MEM)
            return [tuple(row) for row in conn.execute(query)]

    def load(self, model: type[Record], *conditions: Any) -> list[Any]:
        """The records of ``model`` in the database matching ``conditions`` (SQL expressions
        on the ``records`` table), withdrawn ones left out, validated with the workspace's
        vocabularies."""
        query = select(records_t.c.data).where(
            records_t.c.record_type == model.record_type,
            records_t.c.withdrawn_at.is_(None),
            *conditions,
        )
        rows = self.execute(query.order_by(records_t.c.id))
        with use_registry(self.ws.vocabularies):
            return [model.model_validate_json(data) for (data,) in rows]


class Indicator:
    """An indicator of the observatory: a figure counted along some dimensions.

    Subclasses declare what the indicator is (class attributes) and compute its rows in
    [`rows`][rrma_core.indicators.Indicator.rows];
    [`compute`][rrma_core.indicators.Indicator.compute] turns them into a tidy DataFrame.
    Plugins add indicators the same way, through the ``rrma_indicators`` hook.

    Attributes:
        key: The indicator's unique key, such as ``"actors.by_type"`` (a lower-case slug
            with dots); it is the ``indicator`` of the Observations stored from it.
        labels: Its title per language: ``{"fr": ..., "en": ...}``.
        unit: The unit of its values (``"count"``, ``"hours"``, ``"percent"``...); rows may
            give their own in a ``unit`` column.
        dimensions: The columns that identify a row, in order (``("actor_type",)``).
        label_dimensions: The dimensions the ``label`` column is made of (default: all).
        method: How it is counted, for a report's methodology section: a string, or one
            per language.
        note: How its values add up (the totals rule), per language; ``None`` when the values
            add up to the number of things counted.
        computed_in: ``"sql"`` when the database does the counting, ``"python"`` when
            records are read and counted in Python.
        record_type: The record type it counts (``"actor"``...), for documentation.
        period_dimension: A dimension whose values are periods (``"month"``): stored
            observations take that period instead of the computed one.
        sort_by_value: Sort rows by decreasing value (else keep the order ``rows`` gives).
        units_per_row: Rows have units of their own (a ``unit`` column), as indicators with
            a ``measure`` dimension do.
    """

    key: ClassVar[str] = ""
    labels: ClassVar[Mapping[str, str]] = {}
    unit: ClassVar[str] = "count"
    dimensions: ClassVar[tuple[str, ...]] = ()
    label_dimensions: ClassVar[tuple[str, ...] | None] = None
    method: ClassVar[str | Mapping[str, str]] = ""
    note: ClassVar[str | Mapping[str, str] | None] = None
    computed_in: ClassVar[str] = "python"
    record_type: ClassVar[str | None] = None
    period_dimension: ClassVar[str | None] = None
    sort_by_value: ClassVar[bool] = True
    units_per_row: ClassVar[bool] = False

    def __repr__(self) -> str:
        return f"<Indicator {self.key!r}>"

    # --- what to implement ---------------------------------------------------------------------

    def rows(self, scope: Scope) -> Iterable[Mapping[str, Any]]:
        """The figures: one mapping per row, with a value for each dimension and ``value``.

        A row may also give its ``label`` (else it is made from the dimension values) and its
        ``unit``. A dimension value of ``None`` means "not given" (an actor without a known
        head office, a training without a format).
        """
        raise NotImplementedError(f"{type(self).__qualname__} must implement rows(scope)")

    def total(self, scope: Scope) -> float | None:
        """How many distinct things were counted, when the values do not add up to it.

        ``None`` (the default) means that the values do add up.
        """
        return None

    def figures(self, scope: Scope) -> tuple[list[Mapping[str, Any]], float | None]:
        """The rows and the total together: ``(list(rows(scope)), total(scope))``.

        Indicators that can get both from one query override this instead.
        """
        return list(self.rows(scope)), self.total(scope)

    def dimension_label(self, dimension: str, value: Any, scope: Scope) -> str:
        """The label of one dimension value (override for dimensions of your own)."""
        return dimension_label(dimension, value, scope.lang, scope.ws.vocabularies)

    # --- what every indicator gets -------------------------------------------------------------

    @classmethod
    def title(cls, lang: str = "fr") -> str:
        """The indicator's title in ``lang``."""
        return text_in(cls.labels, lang) or cls.key

    @classmethod
    def method_text(cls, lang: str = "fr") -> str:
        """How it is counted, in ``lang``."""
        return text_in(cls.method, lang)

    @classmethod
    def note_text(cls, lang: str = "fr") -> str | None:
        """The totals rule in ``lang``, if the values do not simply add up."""
        return text_in(cls.note, lang) or None

    @classmethod
    def describe(cls, lang: str = "fr") -> dict[str, Any]:
        """What the indicator is, as a JSON-able dict (``rrma indicators`` lists these)."""
        return {
            "key": cls.key,
            "label": cls.title(lang),
            "unit": cls.unit,
            "dimensions": list(cls.dimensions),
            "computed_in": cls.computed_in,
            "method": cls.method_text(lang),
            "note": cls.note_text(lang),
        }

    def compute(
        self,
        ws: Workspace,
        *,
        period: PeriodLike | str = None,
        region: str | int | None = None,
        lang: str = "fr",
    ) -> Any:
        """Compute the indicator: a tidy pandas DataFrame, one row per combination of values.

        Its columns are the dimensions, ``label`` (the dimension values' labels in ``lang``)
        and ``value`` (plus ``unit`` when rows have their own). ``df.attrs`` holds the
        indicator's ``indicator`` key, ``title``, ``unit``, ``method``, ``note`` (the totals
        rule), ``computed_in``, ``period`` (a ``DateRange`` or ``None``), ``region``,
        ``lang``, ``source`` (the workspace name) and ``total`` (how many distinct things
        were counted, when the values do not add up to it).

        Args:
            ws: The workspace.
            period: A year, a ``DateRange`` or ``(start, end)`` dates; ``None`` for all time.
            region: Count only the records of this région (INSEE code); ``None`` for all.
            lang: The language of labels and texts.

        Raises:
            ConfigError: for a bad period or région.
            RrmaError: when pandas is not installed.
        """
        pd = pandas()
        scope = Scope.make(ws, period=period, region=region, lang=lang)
        found, total = self.figures(scope)
        rows = [dict(row) for row in found]
        labelled = self.label_dimensions if self.label_dimensions is not None else self.dimensions
        for row in rows:
            if "label" not in row:
                row["label"] = " · ".join(
                    self.dimension_label(d, row.get(d), scope) for d in labelled
                )
        if self.sort_by_value:
            rows.sort(key=lambda r: (_missing_first(r, self.dimensions), -_number(r), r["label"]))
        columns = [*self.dimensions, "label", "value"]
        if self.units_per_row or any("unit" in row for row in rows):
            columns.append("unit")
            for row in rows:
                row.setdefault("unit", self.unit)
        frame = pd.DataFrame([{c: row.get(c) for c in columns} for row in rows], columns=columns)
        if rows and all(isinstance(row["value"], int) for row in rows):
            frame["value"] = frame["value"].astype("int64")
        else:
            frame["value"] = frame["value"].astype("float64")
        frame.attrs.update(
            indicator=self.key,
            title=self.title(lang),
            unit=self.unit,
            method=self.method_text(lang),
            note=self.note_text(lang),
            computed_in=self.computed_in,
            period=scope.period,
            region=scope.region,
            lang=lang,
            source=ws.name,
            total=total,
        )
        return frame


def _missing_first(row: Mapping[str, Any], dimensions: Sequence[str]) -> bool:
    """Sort key part: rows with a missing dimension value go last."""
    return any(is_missing(row.get(d)) for d in dimensions)


def _number(row: Mapping[str, Any]) -> float:
    value = row.get("value")
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return -math.inf
    return float(value)
