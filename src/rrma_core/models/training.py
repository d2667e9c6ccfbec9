"""Trainings the networks run, their sessions, registrations and evaluations."""

from __future__ import annotations

from typing import Annotated, Self

from pydantic import AfterValidator, AwareDatetime, Field, model_validator

from rrma_core.models._base import (
    ActorRef,
    LocalizedText,
    Model,
    Person,
    Place,
    Price,
    Record,
    check_span,
    personal_field,
    span_id,
    unique,
)
from rrma_core.models._types import SDG, DateOrDateTime, HttpURL, SectorCode, TrainingThemeCode
from rrma_core.vocabularies._closed import RegistrationStatus, TrainingFormat

__all__ = ["Registration", "SessionEvaluation", "Training", "TrainingSession"]


class Registration(Model):
    """One trainee's registration to a session.

    The trainee is personal data: when they are forgotten the registration stays, without
    them, so attendance figures remain right.
    """

    trainee: Person | None = personal_field(default_factory=lambda: None)
    status: RegistrationStatus = RegistrationStatus.REGISTERED
    registered_at: AwareDatetime | None = None
    hours_attended: float | None = Field(default=None, ge=0)
    satisfaction: int | None = Field(default=None, ge=1, le=5, description="Score from 1 to 5.")


class SessionEvaluation(Model):
    """What trainees said of a session, in figures."""

    responses: int = Field(default=0, ge=0)
    satisfaction: float | None = Field(default=None, ge=1, le=5, description="Mean, 1 to 5.")
    summary: str | None = None


class TrainingSession(Model):
    """One session of a training: its dates, place, trainers and trainees."""

    id: str = Field(
        default="", description="Stable id; made from the start (and end) when not given."
    )
    start: DateOrDateTime
    end: DateOrDateTime | None = None
    venue: Place | None = None
    online_url: HttpURL | None = None
    trainers: list[Person] = personal_field(description="Who teaches it.")
    capacity: int | None = Field(default=None, ge=0)
    registrations: list[Registration] = Field(default_factory=list)
    evaluation: SessionEvaluation | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        check_span(self.start, self.end)
        if not self.id:
            object.__setattr__(self, "id", span_id("session", self.start, self.end))
        return self

    @property
    def generated_id(self) -> bool:
        """Whether the id was made from the dates (rather than given)."""
        return self.id == span_id("session", self.start, self.end)

    def count(self, *statuses: RegistrationStatus) -> int:
        """How many registrations have one of ``statuses``."""
        return sum(1 for r in self.registrations if r.status in statuses)

    @property
    def registered(self) -> int:
        """Registrations not cancelled and not on the waiting list."""
        active = (
            RegistrationStatus.REGISTERED,
            RegistrationStatus.ATTENDED,
            RegistrationStatus.ABSENT,
        )
        return self.count(*active)

    @property
    def attended(self) -> int:
        """Trainees who attended."""
        return self.count(RegistrationStatus.ATTENDED)

    @property
    def fill_rate(self) -> float | None:
        """Registered trainees over capacity (``None`` without a capacity)."""
        if not self.capacity:
            return None
        return self.registered / self.capacity


class Training(Record):
    """A training offered by a network: its themes, format and sessions.

    Example:
        >>> t = Training(title="Monter un projet de solidarité internationale",
        ...              themes=["gestion de projet"], training_format="short-cycle", hours=14,
        ...              sessions=[{"start": "2027-02-04T09:30:00+01:00",
        ...                         "end": "2027-02-04T17:00:00+01:00", "capacity": 12}])
        >>> t.themes
        ['gestion-de-projet']
    """

    record_type = "training"

    title: LocalizedText
    description: LocalizedText | None = None
    themes: Annotated[list[TrainingThemeCode], AfterValidator(unique)] = Field(default_factory=list)
    sectors: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    training_format: TrainingFormat | None = None
    hours: float | None = Field(default=None, ge=0, description="Length of the whole training.")
    organiser: ActorRef | None = None
    sessions: list[TrainingSession] = Field(default_factory=list)
    price: Price | None = None
    supports: list[HttpURL] = Field(
        default_factory=list, description="Slides, handbooks and other supports."
    )
    url: HttpURL | None = None

    @model_validator(mode="after")
    def _unique_sessions(self) -> Self:
        # Sessions given without ids get one from their dates; parallel sessions (same
        # dates, two groups) are told apart by their position.
        seen: dict[str, int] = {}
        for session in self.sessions:
            if session.generated_id and session.id in seen:
                seen[session.id] += 1
                object.__setattr__(session, "id", f"{session.id}-{seen[session.id]}")
            seen.setdefault(session.id, 1)
        ids = [s.id for s in self.sessions]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"session ids must be unique; repeated: {', '.join(duplicates)}")
        return self

    def session(self, session_id: str) -> TrainingSession:
        """The session with this id (``KeyError`` if there is none)."""
        for session in self.sessions:
            if session.id == session_id:
                return session
        raise KeyError(f"training {self.id} has no session {session_id!r}")
