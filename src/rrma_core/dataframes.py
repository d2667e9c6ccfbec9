"""Records as pandas DataFrames, for notebooks (pandas is the optional extra ``[pandas]``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from enum import StrEnum
from types import UnionType
from typing import Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from rrma_core.errors import RrmaError
from rrma_core.models import ActorRef, LocalizedText, Model, Place, Record
from rrma_core.models._base import PERSONAL_DATA
from rrma_core.models.event import Event
from rrma_core.storage._index import instant

_PARIS = ZoneInfo("Europe/Paris")

__all__ = ["to_dataframe"]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise RrmaError(
            "to_dataframe() needs pandas: pip install 'rrma-core[pandas]' (or pip install pandas)"
        ) from None
    return pandas


def _cell(value: Any, lang: str) -> Any:
    if isinstance(value, LocalizedText):
        return value.get(lang)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, ActorRef):
        return value.name or value.id
    if isinstance(value, list):
        return [_cell(v, lang) for v in value]
    if isinstance(value, Model):
        return value.model_dump(mode="json")
    return value


def _row(record: Record, lang: str, personal_data: bool, tz: tzinfo) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, info in type(record).model_fields.items():
        extra = info.json_schema_extra
        if not personal_data and isinstance(extra, dict) and extra.get(PERSONAL_DATA):
            continue
        value = getattr(record, name)
        if name == "provenance":
            row["sources"] = [p.source for p in value]
            continue
        if isinstance(value, Place) or (
            value is None and info.annotation is not None and "Place" in str(info.annotation)
        ):
            address = value.address if value else None
            row[f"{name}_name"] = value.name if value else None
            row[f"{name}_commune"] = address.commune if address else None
            row[f"{name}_departement"] = address.departement if address else None
            row[f"{name}_region"] = address.region if address else None
            coords = value.coordinates if value else None
            row[f"{name}_lat"] = coords.lat if coords else None
            row[f"{name}_lon"] = coords.lon if coords else None
            continue
        row[name] = _cell(value, lang)
    if isinstance(record, Event):
        row["start"] = instant(record.start, tz)
        row["end"] = instant(record.end, tz, end=True)
        row["occurrences"] = len(record.occurrences)
    return row


def _enum_of(annotation: Any) -> type[StrEnum] | None:
    """The StrEnum of a field typed ``Enum`` or ``Enum | None`` (not a list of them)."""
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    if get_origin(annotation) in (Union, UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _enum_of(members[0])
    return None


def to_dataframe(
    records: Sequence[Record],
    *,
    lang: str = "fr",
    personal_data: bool = False,
    tz: tzinfo = _PARIS,
) -> Any:
    """One row per record, with typed columns.

    - date-times become timezone-aware (UTC) ``datetime64`` columns, dates naive ones;
    - fields coded by a closed vocabulary (kinds, types, statuses) become categoricals;
    - an event's ``start`` and ``end`` columns are aware date-times (all-day ones from
      midnight in ``tz``, the workspace's time zone when called from a query result);
    - multilingual text is given in ``lang`` (falling back to French);
    - lists (themes, SDGs, countries...) stay lists; places are spread over
      ``<field>_departement``, ``<field>_region``, ``<field>_lat``... columns;
    - personal data (contacts, trainees...) is left out unless ``personal_data`` is true.

    Raises:
        RrmaError: when pandas is not installed, saying how to install it.
    """
    pd = _pandas()
    rows = [_row(r, lang, personal_data, tz) for r in records]
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    model = type(records[0])
    for name, info in model.model_fields.items():
        annotation = info.annotation
        enum = _enum_of(annotation)
        if enum is not None and name in frame:
            frame[name] = pd.Categorical(frame[name], categories=[m.value for m in enum])
    for column in frame.columns:
        sample = frame[column].dropna()
        if sample.empty:
            continue
        first = sample.iloc[0]
        if isinstance(first, datetime):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        elif isinstance(first, date) and all(
            isinstance(v, date) and not isinstance(v, datetime) for v in sample
        ):
            frame[column] = pd.to_datetime(frame[column])
    return frame
