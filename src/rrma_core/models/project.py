"""Projects and programmes, IATI-compatible in spirit."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AfterValidator, BeforeValidator, Field, model_validator

from rrma_core.models._base import ActorRef, DateRange, LocalizedText, Model, Record, unique
from rrma_core.models._types import SDG, CountryCode, HttpURL, SectorCode, finite
from rrma_core.vocabularies._closed import ActivityStatus, ActorType, PartnerRole, ProgrammeKind

__all__ = ["Budget", "Partner", "Programme", "Project"]


class Budget(Model):
    """An amount of money over a period."""

    amount: Annotated[float, AfterValidator(finite)] = Field(ge=0)
    currency: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    period: DateRange | None = None


class Partner(Model):
    """An organisation taking part in a project, with its IATI role."""

    actor: ActorRef
    role: PartnerRole


def _check_dates(start: date | None, end: date | None) -> None:
    if start and end and end < start:
        raise ValueError(f"end {end} is before start {start}")


class Project(Record):
    """A cooperation project: partners, countries, sectors, budget and dates.

    Example:
        >>> p = Project(title="Accès à l'eau à Kaya", countries=["BF"], sectors=["eau"],
        ...             dac_sectors=["14030"], partners=[{"actor": {"name": "Ville de Kaya"},
        ...             "role": "implementing"}], start="2025-01-01", end="2027-12-31")
        >>> p.partners[0].role.iati_code
        '4'
    """

    record_type = "project"

    title: LocalizedText
    description: LocalizedText | None = None
    iati_identifier: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*-[^\s]+$",
        description="The IATI activity identifier (reporting org prefix + local id).",
    )
    status: ActivityStatus | None = None
    partners: list[Partner] = Field(default_factory=list)
    countries: Annotated[list[CountryCode], AfterValidator(unique)] = Field(default_factory=list)
    sectors: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    dac_sectors: Annotated[
        list[Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v)]],
        AfterValidator(unique),
    ] = Field(
        default_factory=list, description="OECD DAC 5-digit purpose codes (IATI vocabulary 1)."
    )
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    budget: Budget | None = None
    start: date | None = None
    end: date | None = None
    programme: str | None = Field(default=None, description="The id of its Programme.")
    url: HttpURL | None = None

    @model_validator(mode="after")
    def _check_project(self) -> Self:
        _check_dates(self.start, self.end)
        for code in self.dac_sectors:
            if not (len(code) == 5 and code.isdigit()):
                raise ValueError(f"DAC sector code {code!r} must be 5 digits (such as 14030)")
        return self


class Programme(Record):
    """A pooled programme or a funding scheme ("dispositif") a network runs or relays."""

    record_type = "programme"

    title: LocalizedText
    programme_kind: ProgrammeKind
    description: LocalizedText | None = None
    operator: ActorRef | None = Field(default=None, description="Who runs it.")
    funders: list[ActorRef] = Field(default_factory=list)
    budget: Budget | None = None
    start: date | None = None
    end: date | None = None
    countries: Annotated[list[CountryCode], AfterValidator(unique)] = Field(default_factory=list)
    sectors: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    eligible_actor_types: Annotated[list[ActorType], AfterValidator(unique)] = Field(
        default_factory=list
    )
    url: HttpURL | None = None

    @model_validator(mode="after")
    def _check_programme(self) -> Self:
        _check_dates(self.start, self.end)
        return self
