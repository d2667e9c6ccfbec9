"""Campaigns (Festival ALIMENTERRE, Festisol...) and their yearly editions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from rrma_core.models._base import ActorRef, LocalizedText, Record
from rrma_core.models._types import HttpURL, RegionCode, finite
from rrma_core.vocabularies._core import current_registry

__all__ = ["Campaign", "CampaignEdition"]

_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


class Campaign(Record):
    """A recurring awareness campaign, national (relayed by the networks) or a network's own.

    [`Campaign.from_vocabulary`][rrma_core.models.Campaign.from_vocabulary] builds the national
    ones from the ``campaigns`` vocabulary.

    Example:
        >>> festisol = Campaign.from_vocabulary("festisol")
        >>> festisol.id, festisol.coordinator_role, festisol.usual_start
        ('campaign-festisol', 'coras', '11-14')
    """

    record_type = "campaign"

    code: str = Field(pattern=_SLUG, description='A short code, such as "alimenterre".')
    name: LocalizedText
    description: LocalizedText | None = None
    organiser: ActorRef | None = Field(default=None, description="Who runs it nationally.")
    national: bool = False
    usual_start: str | None = Field(default=None, pattern=_MONTH_DAY, description='"MM-DD".')
    usual_end: str | None = Field(default=None, pattern=_MONTH_DAY, description='"MM-DD".')
    coordinator_role: str = Field(
        default="coordinator",
        description='What a regional coordinator is called ("coras" for Festisol).',
    )
    url: HttpURL | None = None

    has_natural_id = True

    def natural_id(self) -> str:
        """``campaign-<code>``."""
        return f"campaign-{self.code}"

    @classmethod
    def from_vocabulary(cls, code: str) -> Campaign:
        """The national campaign ``code``: alimenterre, festisol, mois-ess or migrantscene."""
        term = current_registry().get("campaigns")[code]
        organiser = term.data.get("organiser") or {}
        period = term.data.get("usual_period") or {}
        return cls(
            code=term.code,
            name=dict(term.labels),
            organiser=ActorRef(name=organiser.get("name")) if organiser.get("name") else None,
            national=True,
            usual_start=period.get("start"),
            usual_end=period.get("end"),
            coordinator_role=term.data.get("coordinator_role", "coordinator"),
            url=organiser.get("url"),
        )


class CampaignEdition(Record):
    """One year of a campaign, as seen by a network: its period, coordinators and figures.

    Its id is ``"{campaign}-{year}"``, or ``"{campaign}-{year}-{region}"`` for a regional
    edition, so events can name it in ``Event.campaign_edition`` before it is stored.
    """

    record_type = "campaign-edition"

    campaign: str = Field(pattern=_SLUG, description="The campaign's code.")
    year: int = Field(ge=1990, le=2100)
    start: date | None = None
    end: date | None = None
    region: RegionCode | None = Field(default=None, description="For a regional edition.")
    coordinators: list[ActorRef] = Field(
        default_factory=list,
        description="Regional coordinators, with their role (such as CORAS for Festisol).",
    )
    participants: list[ActorRef] = Field(default_factory=list)
    figures: dict[str, Annotated[float, AfterValidator(finite)]] = Field(
        default_factory=dict, description='Counts reported for the edition ({"events": 120}).'
    )

    has_natural_id = True

    def natural_id(self) -> str:
        """``<campaign>-<year>``, or ``<campaign>-<year>-<region>`` for a regional edition."""
        return f"{self.campaign}-{self.year}" + (f"-{self.region}" if self.region else "")

    @field_validator("figures")
    @classmethod
    def _sorted_figures(cls, figures: dict[str, float]) -> dict[str, float]:
        return dict(sorted(figures.items()))

    @model_validator(mode="after")
    def _check_edition(self) -> Self:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        for day in (self.start, self.end):
            if day and abs(day.year - self.year) > 1:
                raise ValueError(f"the {self.year} edition cannot run on {day}")
        for key, value in self.figures.items():
            if value < 0:
                raise ValueError(f"figure {key!r} cannot be negative ({value})")
        return self
