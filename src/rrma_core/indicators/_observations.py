"""Indicator figures as Observation records: converting them, and storing them in a workspace."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from rrma_core.errors import ConfigError
from rrma_core.indicators._base import PeriodLike, as_period
from rrma_core.indicators._labels import is_missing
from rrma_core.indicators._registry import indicators
from rrma_core.models import DateRange, Observation
from rrma_core.models._base import utcnow
from rrma_core.storage._store import records_t
from rrma_core.vocabularies import use_registry
from rrma_core.vocabularies._closed import ObservationOrigin

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = ["StoreResult", "store_observations", "to_observations"]


def _month(value: str, period: DateRange) -> DateRange | None:
    """The days of month ``"2026-11"`` that are in ``period``."""
    year, month = int(value[:4]), int(value[5:7])
    start = max(date(year, month, 1), period.start)
    end = min(date(year, month, calendar.monthrange(year, month)[1]), period.end)
    return DateRange(start=start, end=end) if start <= end else None


def to_observations(
    df: Any,
    period: PeriodLike | str = None,
    *,
    source: str | None = None,
    period_dimension: str | None = None,
) -> list[Observation]:
    """The rows of an indicator's DataFrame as Observation records (origin ``computed``).

    Each row becomes one Observation: its ``indicator`` is the frame's key, its dimensions
    the row's dimension values, its ``unit``, ``method`` and ``source`` (the workspace name)
    those of the frame. A frame computed for a région adds the dimension ``region``, so that
    regional and national figures are stored side by side. A missing dimension value is left
    out and named in the dimension ``unspecified`` (``{"unspecified": "departement"}``); a
    row without a value (a rate with nothing to measure) is skipped. For an indicator by
    month, each row's period is its month (within the frame's period).

    Observations are validated against the current vocabularies: in a workspace whose
    plugins add sectors, call this inside ``use_registry(ws.vocabularies)`` (as
    [`store_observations`][rrma_core.indicators.store_observations] does).

    Args:
        df: A DataFrame from [`compute`][rrma_core.indicators.compute] (its ``attrs`` say
            which indicator, period and région it holds).
        period: The period of the figures, when the frame was computed without one.
        source: Who computed the figures (default: the workspace name).
        period_dimension: The dimension holding each row's period (default: the
            indicator's, for the built-in and the workspace's indicators).

    Raises:
        ConfigError: when the frame holds no indicator, or has no period to store.
    """
    attrs = df.attrs
    key = attrs.get("indicator")
    if not key:
        raise ConfigError("this DataFrame holds no indicator (compute it with compute())")
    chosen = as_period(period) or attrs.get("period")
    if chosen is None:
        raise ConfigError(
            f"the figures of {key} have no period: compute them for a period (a year) to store them"
        )
    if period_dimension is None:
        known = indicators().get(key)
        period_dimension = known.period_dimension if known else None
        if period_dimension is None and "month" in df.columns:
            period_dimension = "month"
    dimensions = [c for c in df.columns if c not in {"label", "value", "unit"}]
    region = attrs.get("region")
    found = []
    for row in df.to_dict("records"):
        value = row["value"]
        if is_missing(value):
            continue
        row_period = chosen
        dims: dict[str, str] = {}
        unspecified = []
        for name in dimensions:
            cell = row[name]
            if is_missing(cell):
                unspecified.append(name)
            elif name == period_dimension:
                row_period = _month(str(cell), chosen)
            else:
                dims[name] = str(cell)
        if row_period is None:
            continue
        if unspecified:
            dims["unspecified"] = ",".join(unspecified)
        if region is not None:
            dims.setdefault("region", region)
        unit = row.get("unit")
        found.append(
            Observation(
                indicator=key,
                value=float(value),
                unit=str(unit) if not is_missing(unit) and unit else attrs.get("unit") or "count",
                period=row_period,
                dimensions=dims,
                source=source or attrs.get("source"),
                method=attrs.get("method") or None,
                origin=ObservationOrigin.COMPUTED,
            )
        )
    return found


@dataclass(frozen=True)
class StoreResult:
    """What [`store_observations`][rrma_core.indicators.store_observations] did.

    Attributes:
        new: Observations stored for the first time.
        updated: Stored ones whose value (or unit, method...) changed.
        unchanged: Stored ones left as they were.
        withdrawn: Computed ones of the same indicator, period and scope that the new figures
            no longer have (a département with no actor left), now withdrawn.
    """

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0

    @property
    def stored(self) -> int:
        """How many observations the figures make."""
        return self.new + self.updated + self.unchanged


def _same_scope(observation: Observation, dimensions: tuple[str, ...], region: str | None) -> bool:
    if region is not None:
        return observation.dimensions.get("region") == region
    return "region" in dimensions or "region" not in observation.dimensions


def store_observations(ws: Workspace, df: Any, period: PeriodLike | str = None) -> StoreResult:
    """Store an indicator's figures as Observation records, in one transaction.

    Recomputing updates the stored figures (an Observation's id comes from its indicator,
    period and dimensions); unchanged ones are not rewritten. Computed observations of the
    same indicator, within the same period and for the same région (or nationally) that the
    new figures lack are withdrawn. Declared observations are never touched.

    Returns:
        How many were new, updated, unchanged and withdrawn.

    Raises:
        ConfigError: see [`to_observations`][rrma_core.indicators.to_observations].
        InvalidRecord: when a figure does not make a valid Observation.
    """
    with use_registry(ws.vocabularies):
        observations = to_observations(df, period, source=ws.name)
    key = str(df.attrs["indicator"])
    scope_period = as_period(period) or df.attrs["period"]
    region = df.attrs.get("region")
    known = indicators(ws).get(key)
    dimensions = known.dimensions if known else tuple(df.columns)
    now = utcnow()
    new, updated, unchanged, withdrawn = [], [], 0, []
    store = ws.store
    with store.transaction() as conn:
        existing = store.rows(conn, [o.id for o in observations])
        for observation in observations:
            row = existing.get(observation.id)
            if row is None:
                new.append(observation.model_copy(update={"created_at": now, "updated_at": now}))
            elif row.withdrawn_at is not None or row.content_hash != observation.content_hash():
                updated.append(
                    observation.model_copy(
                        update={
                            "created_at": row.created_at,
                            "updated_at": max(now, row.created_at),
                        }
                    )
                )
            else:
                unchanged += 1
        ids = {o.id for o in observations}
        query = select(records_t.c.data).where(
            records_t.c.record_type == "observation",
            records_t.c.category == key,
            records_t.c.withdrawn_at.is_(None),
        )
        with use_registry(ws.vocabularies):
            for (data,) in conn.execute(query):
                stored = Observation.model_validate_json(data)
                if (
                    stored.id not in ids
                    and stored.origin == ObservationOrigin.COMPUTED
                    and scope_period.start <= stored.period.start
                    and stored.period.end <= scope_period.end
                    and _same_scope(stored, dimensions, region)
                ):
                    withdrawn.append(
                        stored.model_copy(update={"withdrawn_at": now, "updated_at": now})
                    )
        store.write_many(conn, new, [*updated, *withdrawn])
    return StoreResult(len(new), len(updated), unchanged, len(withdrawn))
