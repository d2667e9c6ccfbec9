"""Indicators of the observatory (the yearly "baromètre"), as tidy pandas DataFrames.

Each indicator counts records of the workspace database along some dimensions: actors by
type, territory, country and continent of intervention, sector and SDG; calls for projects by
funder, theme and closing month; events by campaign edition, département, kind and month;
trainings by format and theme; multi-actor spaces by kind. Counting is done by the database
(SQL, the same statements on SQLite and PostgreSQL) where the volumes are, and in Python for
the few trainings and spaces whose measures live in the records' JSON. Plugins add their own
through the ``rrma_indicators`` hook.

pandas is the optional extra ``rrma-core[pandas]``.

Example:
    ```python
    from rrma_core import Workspace
    from rrma_core.indicators import compare_periods, compute, store_observations

    with Workspace.open("mon-reseau") as ws:
        df = compute(ws, "actors.by_country", period=2026)
        print(df.attrs["note"])  # an actor counts once per country...
        yoy = compare_periods(ws, "events.by_kind", 2025, 2026)
        store_observations(ws, df)  # Observation records, with their method and source
    ```
"""

from __future__ import annotations

from rrma_core.indicators._base import ADDITIVE_UNITS, Indicator, PeriodLike, Scope, as_period
from rrma_core.indicators._continents import (
    CONTINENT_OF,
    CONTINENTS,
    continent_label,
    continent_of,
)
from rrma_core.indicators._labels import MEASURES, dimension_label
from rrma_core.indicators._observations import StoreResult, store_observations, to_observations
from rrma_core.indicators._registry import (
    BUILTIN_INDICATORS,
    compare_periods,
    compare_region,
    compute,
    get_indicator,
    indicators,
)
from rrma_core.indicators._sql import month_bucket

__all__ = [
    "ADDITIVE_UNITS",
    "BUILTIN_INDICATORS",
    "CONTINENTS",
    "CONTINENT_OF",
    "MEASURES",
    "Indicator",
    "PeriodLike",
    "Scope",
    "StoreResult",
    "as_period",
    "compare_periods",
    "compare_region",
    "compute",
    "continent_label",
    "continent_of",
    "dimension_label",
    "get_indicator",
    "indicators",
    "month_bucket",
    "store_observations",
    "to_observations",
]
