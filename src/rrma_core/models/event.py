"""Events: rencontres, projection-débats, school activities... and their occurrences."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Self

from pydantic import AfterValidator, Field, model_validator

from rrma_core.models._base import (
    ActorRef,
    LocalizedText,
    Model,
    Place,
    Price,
    Record,
    check_span,
    unique,
)
from rrma_core.models._types import SDG, DateOrDateTime, HttpURL, SectorCode
from rrma_core.vocabularies._closed import AttendanceMode, Audience, EventKind, EventStatus

__all__ = ["Event", "Occurrence"]


def _as_datetime(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(), UTC)


def _end_instant(occurrence: Occurrence) -> datetime:
    """When an occurrence is over: its end, or the day after its last day when all-day."""
    end = occurrence.end or occurrence.start
    if isinstance(end, datetime):
        return end
    return _as_datetime(end + timedelta(days=1))


class Occurrence(Model):
    """One time an event takes place.

    ``start`` and ``end`` are both timezone-aware date-times, or both dates for an all-day
    occurrence (``end`` then is the last day, included).
    """

    start: DateOrDateTime
    end: DateOrDateTime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        check_span(self.start, self.end)
        return self

    @property
    def all_day(self) -> bool:
        """Whether the occurrence is given as whole days."""
        return not isinstance(self.start, datetime)

    @property
    def sort_key(self) -> datetime:
        """The start as an aware date-time (midnight UTC for a date), for ordering."""
        return _as_datetime(self.start)


class Event(Record):
    """Something people can attend: a rencontre, a projection-débat, a school activity...

    Example:
        >>> event = Event(title={"fr": "Projection-débat « Nourrir »", "en": "Screening"},
        ...               event_kind="projection-debat",
        ...               occurrences=[{"start": "2026-11-20T20:00:00+01:00"}],
        ...               venue={"name": "Cinéma Le Zola",
        ...                      "address": {"commune": "69266", "city": "Villeurbanne"}})
        >>> event.venue.region, event.title.get("en")
        ('84', 'Screening')
    """

    record_type = "event"

    title: LocalizedText
    description: LocalizedText | None = None
    occurrences: list[Occurrence] = Field(min_length=1)
    venue: Place | None = None
    online_url: HttpURL | None = None
    attendance_mode: AttendanceMode = AttendanceMode.OFFLINE
    organisers: list[ActorRef] = Field(default_factory=list)
    event_kind: EventKind = EventKind.OTHER
    audiences: Annotated[list[Audience], AfterValidator(unique)] = Field(default_factory=list)
    price: Price | None = None
    registration_url: HttpURL | None = None
    status: EventStatus = EventStatus.SCHEDULED
    campaign_edition: str | None = Field(
        default=None, description="The id of the CampaignEdition it belongs to."
    )
    themes: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    keywords: list[str] = Field(default_factory=list, description="The source's own tags.")
    url: HttpURL | None = None

    @model_validator(mode="after")
    def _check_event(self) -> Self:
        if self.attendance_mode == AttendanceMode.ONLINE and self.venue and self.venue.address:
            raise ValueError(
                "an online-only event has no venue address (use attendance_mode mixed)"
            )
        return self

    @property
    def start(self) -> date | datetime:
        """When the first occurrence starts."""
        return min(self.occurrences, key=lambda o: o.sort_key).start

    @property
    def end(self) -> date | datetime:
        """When the last occurrence ends (or starts, when it has no end)."""
        last = max(self.occurrences, key=_end_instant)
        return last.end or last.start

    def next_occurrence(self, after: datetime) -> Occurrence | None:
        """The first occurrence not over at ``after`` (an aware date-time), if any."""
        coming = [o for o in self.occurrences if _end_instant(o) > after]
        return min(coming, key=lambda o: o.sort_key, default=None)

    @property
    def departement(self) -> str | None:
        """The venue's département code, when known."""
        return self.venue.departement if self.venue else None

    @property
    def region(self) -> str | None:
        """The venue's région code, when known."""
        return self.venue.region if self.venue else None
