"""The registry of indicators (built-in and plugins'), computing and comparing them."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from rrma_core.errors import ConfigError
from rrma_core.indicators._activities import (
    SpacesByKind,
    SpacesMembersByActorType,
    TrainingsByFormat,
    TrainingsByTheme,
)
from rrma_core.indicators._actors import (
    ActorsByContinent,
    ActorsByCountry,
    ActorsByDepartement,
    ActorsByRegion,
    ActorsBySdg,
    ActorsBySector,
    ActorsByType,
)
from rrma_core.indicators._base import ADDITIVE_UNITS, Indicator, PeriodLike, as_period, pandas
from rrma_core.indicators._calls import CallsByFunder, CallsByMonth, CallsByTheme
from rrma_core.indicators._events import (
    EventsByCampaign,
    EventsByDepartement,
    EventsByKind,
    EventsByMonth,
    OccurrencesByMonth,
)
from rrma_core.indicators._labels import month_label

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = [
    "BUILTIN_INDICATORS",
    "compare_periods",
    "compare_region",
    "compute",
    "get_indicator",
    "indicators",
]

#: The indicators rrma_core provides, in the order ``rrma indicators`` lists them.
BUILTIN_INDICATORS: tuple[type[Indicator], ...] = (
    ActorsByType,
    ActorsByDepartement,
    ActorsByRegion,
    ActorsByCountry,
    ActorsByContinent,
    ActorsBySector,
    ActorsBySdg,
    CallsByFunder,
    CallsByTheme,
    CallsByMonth,
    EventsByCampaign,
    EventsByDepartement,
    EventsByKind,
    EventsByMonth,
    OccurrencesByMonth,
    TrainingsByFormat,
    TrainingsByTheme,
    SpacesByKind,
    SpacesMembersByActorType,
)


def indicators(ws: Workspace | None = None) -> dict[str, type[Indicator]]:
    """Every indicator: the built-in ones, then those of the workspace's plugins.

    Args:
        ws: The workspace whose plugins may add indicators (the ``rrma_indicators`` hook);
            ``None`` for the built-in ones only.

    Returns:
        ``{key: Indicator subclass}``, built-in ones first.

    Raises:
        PluginError: when a plugin's indicator is not an Indicator class with a key, or its key
            is taken (by a built-in indicator or another plugin's), naming the plugin.
    """
    found = {cls.key: cls for cls in BUILTIN_INDICATORS}
    if ws is not None:
        found.update(ws.plugins.indicators())
    return found


def get_indicator(ws: Workspace | None, key: str) -> Indicator:
    """The indicator ``key`` (built-in or a plugin's), ready to compute.

    Raises:
        ConfigError: when there is no such indicator (suggesting a close key).
    """
    known = indicators(ws)
    if key not in known:
        close = difflib.get_close_matches(key, list(known), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(
            f"no indicator named {key!r}{hint} (rrma indicators lists them: "
            f"{', '.join(sorted(known))})"
        )
    return known[key]()


def compute(
    ws: Workspace,
    key: str,
    *,
    period: PeriodLike | str = None,
    region: str | int | None = None,
    lang: str = "fr",
) -> Any:
    """Compute the indicator ``key``: a tidy DataFrame (see
    [`Indicator.compute`][rrma_core.indicators.Indicator.compute]).

    Example:
        ```python
        df = compute(ws, "actors.by_type", period=2026, region="84")
        ```

    Raises:
        ConfigError: for an unknown indicator, a bad period or région.
        RrmaError: when pandas is not installed.
    """
    return get_indicator(ws, key).compute(ws, period=period, region=region, lang=lang)


def _dimension_keys(indicator: Indicator) -> list[str]:
    return [d for d in indicator.dimensions if d != indicator.period_dimension]


def compare_periods(
    ws: Workspace,
    key: str,
    a: PeriodLike | str,
    b: PeriodLike | str,
    *,
    region: str | int | None = None,
    lang: str = "fr",
) -> Any:
    """Compare an indicator between two periods (year over year: ``a=2025, b=2026``).

    Rows are matched on their dimension values; for an indicator by month, on the month's
    rank in its period (January with January when both periods are years), with the two
    months in ``month_a`` and ``month_b``. A row missing from one period is 0 there for
    counts and hours, and missing (NaN) for rates, means and scores.

    Returns:
        A DataFrame with the dimensions, ``label``, ``value_a``, ``value_b``, ``change``
        (``value_b - value_a``) and ``change_pct`` (the change in % of ``value_a``; NaN
        when ``value_a`` is 0 or missing); ``attrs`` has ``period_a`` and ``period_b`` and the
        indicator's ``unit``, ``note`` and ``method``.

    Raises:
        ConfigError: for an unknown indicator, or a missing or bad period.
    """
    pd = pandas()
    period_a, period_b = as_period(a), as_period(b)
    if period_a is None or period_b is None:
        raise ConfigError("compare_periods needs two periods (such as 2025 and 2026)")
    indicator = get_indicator(ws, key)
    frames = []
    for period in (period_a, period_b):
        frame = indicator.compute(ws, period=period, region=region, lang=lang).copy()
        month = indicator.period_dimension
        if month is not None:
            start = period.start.year * 12 + period.start.month
            frame["rank"] = [
                int(m[:4]) * 12 + int(m[5:7]) - start + 1 if isinstance(m, str) else None
                for m in frame[month]
            ]
            frame["label"] = [
                month_label(m, lang, year=False) if isinstance(m, str) else label
                for m, label in zip(frame[month], frame["label"], strict=True)
            ]
        frames.append(frame)
    keys = _dimension_keys(indicator) + (["rank"] if indicator.period_dimension else [])
    if "unit" in frames[0].columns and "unit" in frames[1].columns:
        keys.append("unit")
    merged = _merge(pd, frames[0], frames[1], keys, ("_a", "_b"))
    if indicator.period_dimension is not None:
        dimension = indicator.period_dimension
        merged = merged.rename(columns={f"{dimension}_a": "month_a", f"{dimension}_b": "month_b"})
    _fill_additive(merged, indicator.unit, ("value_a", "value_b"))
    merged["change"] = merged["value_b"] - merged["value_a"]
    base = merged["value_a"].where(merged["value_a"] != 0)
    merged["change_pct"] = merged["change"] / base * 100
    columns = [
        *_dimension_keys(indicator),
        *(["month_a", "month_b"] if indicator.period_dimension else []),
        "label",
        "value_a",
        "value_b",
        "change",
        "change_pct",
        *(["unit"] if "unit" in merged.columns else []),
    ]
    result = merged[columns].reset_index(drop=True)
    result.attrs.update(_attrs(frames[0]), period_a=period_a, period_b=period_b)
    return result


def compare_region(
    ws: Workspace,
    key: str,
    region: str | int | None = None,
    *,
    period: PeriodLike | str = None,
    lang: str = "fr",
) -> Any:
    """Compare an indicator in one région with the whole database (the national total, when
    several networks share a database).

    Args:
        ws: The workspace.
        key: The indicator.
        region: The région's INSEE code; by default the workspace's (``rrma.toml``).
        period: The period of both figures.
        lang: The language of labels and texts.

    Returns:
        A DataFrame with the dimensions, ``label``, ``value_region``, ``value_national`` and
        ``share_pct`` (the région's value in % of the national one, for counts and hours);
        ``attrs`` has ``region`` and the indicator's ``unit``, ``note``, ``method``.

    Raises:
        ConfigError: for an unknown indicator or région, or no région given nor configured.
    """
    pd = pandas()
    region = region if region is not None else ws.config.workspace.region
    if region is None:
        raise ConfigError(
            "compare_region needs a région: give one, or set region in rrma.toml's [workspace]"
        )
    indicator = get_indicator(ws, key)
    regional = indicator.compute(ws, period=period, region=region, lang=lang)
    national = indicator.compute(ws, period=period, region=None, lang=lang)
    keys = list(indicator.dimensions)
    if "unit" in national.columns and "unit" in regional.columns:
        keys.append("unit")
    merged = _merge(pd, regional, national, keys, ("_region", "_national"))
    _fill_additive(merged, indicator.unit, ("value_region", "value_national"))
    additive = _units_of(merged, indicator.unit).isin(list(ADDITIVE_UNITS))
    national_value = merged["value_national"].where(merged["value_national"] != 0)
    merged["share_pct"] = (merged["value_region"] / national_value * 100).where(additive)
    columns = [
        *indicator.dimensions,
        "label",
        "value_region",
        "value_national",
        "share_pct",
        *(["unit"] if "unit" in merged.columns else []),
    ]
    result = merged[columns].reset_index(drop=True)
    result.attrs.update(_attrs(national), region=regional.attrs["region"])
    return result


def _attrs(frame: Any) -> dict[str, Any]:
    keep = ("indicator", "title", "unit", "method", "note", "computed_in", "lang", "source")
    return {k: frame.attrs.get(k) for k in keep}


def _merge(pd: Any, left: Any, right: Any, keys: list[str], suffixes: tuple[str, str]) -> Any:
    """Outer join of two indicator frames on ``keys`` (missing values matching each other),
    keeping the first frame's label where it has the row."""
    left = left.rename(columns={"value": f"value{suffixes[0]}"})
    right = right.rename(columns={"value": f"value{suffixes[1]}"})
    # Missing dimension values (None, NaN) are matched as one "missing" key.
    marker = "\x00missing"
    for frame in (left, right):
        for key in keys:
            frame[key] = frame[key].astype(object).where(frame[key].notna(), marker)
    merged = pd.merge(left, right, on=keys, how="outer", suffixes=suffixes, sort=False)
    merged["label"] = merged[f"label{suffixes[0]}"].combine_first(merged[f"label{suffixes[1]}"])
    for key in keys:
        merged[key] = merged[key].where(merged[key] != marker, None)
    order = [
        *[i for i in range(len(merged)) if pd.notna(merged[f"label{suffixes[0]}"].iloc[i])],
        *[i for i in range(len(merged)) if pd.isna(merged[f"label{suffixes[0]}"].iloc[i])],
    ]
    return merged.iloc[order]


def _units_of(frame: Any, unit: str) -> Any:
    pd = pandas()
    if "unit" in frame.columns:
        return frame["unit"]
    return pd.Series([unit] * len(frame), index=frame.index)


def _fill_additive(frame: Any, unit: str, columns: tuple[str, str]) -> None:
    """A row missing on one side is 0 there when its unit adds up (counts, hours)."""
    additive = _units_of(frame, unit).isin(list(ADDITIVE_UNITS))
    for column in columns:
        frame[column] = frame[column].astype("float64")
        frame.loc[additive & frame[column].isna(), column] = 0.0
