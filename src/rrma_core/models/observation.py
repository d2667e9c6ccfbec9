"""Observations: indicator values, declared or computed, with their dimensions."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, field_validator

from rrma_core.models._base import DateRange, Record
from rrma_core.models._types import (
    _check_country,
    _check_departement,
    _check_region,
    _pad_code,
    _parse_sdg,
    _upper,
    finite,
    vocabulary_code,
)
from rrma_core.vocabularies._closed import ActorType, ObservationOrigin

__all__ = ["DIMENSIONS", "Observation"]

_KEY = r"^[a-z][a-z0-9_.-]*$"


def _as_text(value: Any) -> Any:
    """Spreadsheets give codes as numbers (département 1): read them as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _actor_type(value: str) -> str:
    return ActorType(value).value


#: Dimensions whose values are checked (and normalised); any other slug key is kept as given.
DIMENSIONS: dict[str, Callable[[str], str]] = {
    "region": lambda v: _check_region(_pad_code(v)),
    "departement": lambda v: _check_departement(_pad_code(v)),
    "country": lambda v: _check_country(_upper(v)),
    "actor_type": _actor_type,
    "sector": vocabulary_code("sectors", "sector"),
    "sdg": lambda v: str(_parse_sdg(v)),
}


class Observation(Record):
    """The value of an indicator for a period, along some dimensions.

    Its id derives from the indicator, period and dimensions, so recomputing a figure
    updates the stored one instead of adding another.

    Example:
        >>> o = Observation(indicator="actors.count", value=412, period={"start": "2025-01-01",
        ...                 "end": "2025-12-31"}, dimensions={"departement": "69",
        ...                 "actor_type": "association"}, origin="computed")
        >>> o.dimensions
        {'actor_type': 'association', 'departement': '69'}
    """

    record_type = "observation"

    indicator: str = Field(pattern=_KEY, description='A key such as "actors.count".')
    value: Annotated[float, AfterValidator(finite)]
    unit: str = Field(default="count", min_length=1)
    period: DateRange
    dimensions: dict[str, Annotated[str, BeforeValidator(_as_text)]] = Field(
        default_factory=dict,
        description="Territory, actor type, sector, SDG, country, campaign... of the value.",
    )
    source: str | None = Field(default=None, description="Where the figure comes from.")
    method: str | None = Field(default=None, description="How it was counted or computed.")
    origin: ObservationOrigin = ObservationOrigin.DECLARED

    has_natural_id = True

    def natural_id(self) -> str:
        """A hash of the indicator, the period and the (normalised) dimensions."""
        key = {
            "indicator": self.indicator,
            "period": [self.period.start.isoformat(), self.period.end.isoformat()],
            "dimensions": self.dimensions,
        }
        text = json.dumps(key, sort_keys=True)
        return "observation-" + hashlib.sha256(text.encode()).hexdigest()[:32]

    @field_validator("dimensions")
    @classmethod
    def _check_dimensions(cls, dimensions: dict[str, str]) -> dict[str, str]:
        checked = {}
        for key, value in dimensions.items():
            if not re.fullmatch(_KEY, key):
                raise ValueError(f"dimension name {key!r} must be a lower-case slug")
            check = DIMENSIONS.get(key)
            try:
                checked[key] = check(value) if check else value
            except ValueError as error:
                raise ValueError(f"dimension {key}: {error}") from None
        return dict(sorted(checked.items()))
