"""Managing trainings: sessions, registrations (with a waiting list), attendance, evaluations.

A registration keeps its figures (status, hours attended, score) beside the trainee, who is
personal data: when a trainee is erased (GDPR) the registration stays without them, so the
figures below, and the indicators, do not change. The figures never read a name.

Every operation reads the stored training, changes it, validates it again and stores it in
one transaction ([`Workspace.modify`][rrma_core.Workspace.modify]).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic

from rrma_core.errors import InvalidRecord
from rrma_core.manage._common import ManagementError, PersonLike, change, load, person
from rrma_core.models import Person, Place, Registration, SessionEvaluation, Training
from rrma_core.models._base import utcnow
from rrma_core.models.training import TrainingSession
from rrma_core.storage._index import fold_name
from rrma_core.vocabularies._closed import RegistrationStatus

if TYPE_CHECKING:
    from rrma_core.workspace import Workspace

__all__ = [
    "Cancellation",
    "SessionFigures",
    "TrainingFigures",
    "add_session",
    "cancel",
    "mark_attendance",
    "record_evaluation",
    "register",
    "training_figures",
]

S = RegistrationStatus
_ACTIVE = (S.REGISTERED, S.ATTENDED, S.ABSENT)


def add_session(
    ws: Workspace,
    training: Training | str,
    *,
    start: date | datetime,
    end: date | datetime | None = None,
    capacity: int | None = None,
    venue: Place | Mapping[str, Any] | None = None,
    online_url: str | None = None,
    trainers: Iterable[PersonLike] = (),
    id: str | None = None,
) -> TrainingSession:
    """Add a session to a training.

    Args:
        ws: The workspace.
        training: The training, or its id.
        start: When it starts (a day, or a date-time with its offset).
        end: When it ends.
        capacity: How many places; registrations beyond go on the waiting list.
        venue: Where (a ``Place`` or its fields).
        online_url: The link of an online session.
        trainers: Who teaches it (personal data).
        id: The session's id (default: made from its dates).

    Raises:
        ManagementError: when the training has a session with that id already.
        InvalidRecord: for a bad date span, URL or place.
    """
    data: dict[str, Any] = {
        "start": start,
        "end": end,
        "capacity": capacity,
        "venue": venue,
        "online_url": online_url,
        "trainers": [person(t) for t in trainers],
    }
    if id:
        data["id"] = id
    try:
        session = TrainingSession.model_validate({k: v for k, v in data.items() if v is not None})
    except pydantic.ValidationError as error:
        raise InvalidRecord.from_validation_error(error, item="session") from None

    def edit(stored: Training) -> Training:
        if any(s.id == session.id for s in stored.sessions):
            raise ManagementError(
                f"training {stored.id!r} already has a session {session.id!r}: give another id"
            )
        return stored.model_copy(update={"sessions": [*stored.sessions, session]})

    change(ws, training, Training, edit)
    return session


def _session(training: Training, session_id: str) -> tuple[int, TrainingSession]:
    for index, session in enumerate(training.sessions):
        if session.id == session_id:
            return index, session
    known = ", ".join(s.id for s in training.sessions) or "none"
    raise ManagementError(
        f"training {training.id!r} has no session {session_id!r} (sessions: {known})"
    )


def _matches(trainee: Person | None, who: PersonLike) -> bool:
    if trainee is None:
        return False
    if isinstance(who, Person):
        return trainee.id == who.id
    if isinstance(who, Mapping):
        return trainee.id == person(who).id
    text = who.strip()
    if text == trainee.id:
        return True
    if "@" in text:
        return (trainee.email or "").casefold() == text.casefold()
    return fold_name(trainee.name) == fold_name(text)


def _registration(
    training: Training, session: TrainingSession, who: PersonLike
) -> tuple[int, Registration]:
    found = [(i, r) for i, r in enumerate(session.registrations) if _matches(r.trainee, who)]
    label = who.name if isinstance(who, Person) else who
    if not found:
        raise ManagementError(
            f"{label!r} is not registered to session {session.id!r} of training {training.id!r}"
        )
    live = [(i, r) for i, r in found if r.status != S.CANCELLED] or found
    ids = {r.trainee.id for _, r in live if r.trainee}
    if len(ids) > 1:
        raise ManagementError(
            f"{label!r} matches several trainees of session {session.id!r}: "
            f"{', '.join(sorted(ids))}; give a person id or e-mail"
        )
    return live[-1]


def _usable(
    training: Training,
    session: TrainingSession,
    who: PersonLike,
    statuses: tuple[RegistrationStatus, ...],
    why: str,
) -> tuple[int, Registration]:
    """As ``_registration``, for a change that only registrations of ``statuses`` allow."""
    position, found = _registration(training, session, who)
    if found.status not in statuses:
        raise ManagementError(
            f"the registration of {who!s} to session {session.id!r} is {found.status.value}: {why}"
        )
    return position, found


_T = TypeVar("_T")

#: What changes a session: from the stored training and session, the result to hand back
#: and the session's fields to update.
_SessionEdit = Callable[[Training, TrainingSession], tuple[_T, dict[str, Any]]]


def _change_session(
    ws: Workspace, training: Training | str, session_id: str, edit: _SessionEdit[_T]
) -> _T:
    """Apply ``edit`` to session ``session_id`` of the stored ``training``, in one transaction
    (see ``change``), and return what ``edit`` handed back."""
    result: list[_T] = []

    def apply(stored: Training) -> Training:
        index, current = _session(stored, session_id)
        value, updates = edit(stored, current)
        result.append(value)
        sessions = list(stored.sessions)
        sessions[index] = current.model_copy(update=updates)
        return stored.model_copy(update={"sessions": sessions})

    change(ws, training, Training, apply)
    return result[0]


def register(
    ws: Workspace,
    training: Training | str,
    session: str,
    trainee: PersonLike,
    *,
    email: str | None = None,
    registered_at: datetime | None = None,
) -> Registration:
    """Register a trainee to a session; when the session is full, on its waiting list.

    Args:
        ws: The workspace.
        training: The training, or its id.
        session: The session's id.
        trainee: A ``Person``, a dict of its fields, or a name.
        email: The trainee's e-mail (with a name).
        registered_at: When (default: now); the waiting list is served in this order.

    Returns:
        The registration, ``registered`` or ``waiting-list``. A trainee who had cancelled
        gets a new registration in place of the cancelled one (at the end of the queue).

    Raises:
        ManagementError: when the trainee is already registered or waiting.
    """
    who = person(trainee, email)
    when = registered_at or utcnow()

    def edit(stored: Training, current: TrainingSession) -> tuple[Registration, dict[str, Any]]:
        active = current.count(*_ACTIVE)
        full = current.capacity is not None and active >= current.capacity
        status = S.WAITING_LIST if full else S.REGISTERED
        registrations = list(current.registrations)
        for position, existing in enumerate(registrations):
            if existing.trainee is not None and existing.trainee.id == who.id:
                if existing.status != S.CANCELLED:
                    raise ManagementError(
                        f"{who.name} is already on session {session!r} of training "
                        f"{stored.id!r} (status {existing.status.value})"
                    )
                registrations.pop(position)
                break
        registration = Registration(trainee=who, status=status, registered_at=when)
        registrations.append(registration)
        return registration, {"registrations": registrations}

    return _change_session(ws, training, session, edit)


@dataclass(frozen=True)
class Cancellation:
    """What cancelling a registration did.

    Attributes:
        cancelled: The registration, now ``cancelled``.
        promoted: The first registration of the waiting list, now ``registered``, if a
            place was freed and someone was waiting.
    """

    cancelled: Registration
    promoted: Registration | None = None


def cancel(
    ws: Workspace, training: Training | str, session: str, trainee: PersonLike
) -> Cancellation:
    """Cancel a registration; the place it frees goes to the first on the waiting list.

    Raises:
        ManagementError: when the trainee is not registered or waiting (already cancelled,
            or already marked attended or absent).
    """

    def edit(stored: Training, current: TrainingSession) -> tuple[Cancellation, dict[str, Any]]:
        position, found = _usable(
            stored, current, trainee, (S.REGISTERED, S.WAITING_LIST), "it cannot be cancelled"
        )
        registrations = list(current.registrations)
        cancelled = found.model_copy(update={"status": S.CANCELLED})
        registrations[position] = cancelled
        promoted = None
        if found.status == S.REGISTERED:
            active = sum(1 for r in registrations if r.status in _ACTIVE)
            if current.capacity is None or active < current.capacity:
                waiting = [
                    (i, r) for i, r in enumerate(registrations) if r.status == S.WAITING_LIST
                ]
                if waiting:
                    first, chosen = min(waiting, key=lambda item: (_when(item[1]), item[0]))
                    promoted = chosen.model_copy(update={"status": S.REGISTERED})
                    registrations[first] = promoted
        return Cancellation(cancelled, promoted), {"registrations": registrations}

    return _change_session(ws, training, session, edit)


def _when(registration: Registration) -> datetime:
    return registration.registered_at or datetime.max.replace(tzinfo=utcnow().tzinfo)


def mark_attendance(
    ws: Workspace,
    training: Training | str,
    session: str,
    trainee: PersonLike,
    *,
    attended: bool = True,
    hours: float | None = None,
) -> Registration:
    """Mark a registered trainee as attended (with the hours they attended) or absent.

    Args:
        ws: The workspace.
        training: The training, or its id.
        session: The session's id.
        trainee: The trainee: a person id, an e-mail or a name (as registered).
        attended: ``False`` for absent.
        hours: Hours attended. Default: for an absent trainee 0; for one who attended, the
            training's ``hours`` shared equally among its sessions, when known.

    Raises:
        ManagementError: when the trainee is on the waiting list or cancelled.
    """

    def edit(stored: Training, current: TrainingSession) -> tuple[Registration, dict[str, Any]]:
        position, found = _usable(
            stored, current, trainee, _ACTIVE, "only registered trainees attend"
        )
        spent = hours
        if spent is None:
            share = stored.hours / len(stored.sessions) if stored.hours else None
            spent = share if attended else 0.0
        updated = found.model_copy(
            update={"status": S.ATTENDED if attended else S.ABSENT, "hours_attended": spent}
        )
        registrations = list(current.registrations)
        registrations[position] = Registration.model_validate(updated.model_dump())
        return registrations[position], {"registrations": registrations}

    return _change_session(ws, training, session, edit)


def record_evaluation(
    ws: Workspace,
    training: Training | str,
    session: str,
    *,
    scores: Mapping[str, int] | None = None,
    responses: int | None = None,
    satisfaction: float | None = None,
    summary: str | None = None,
) -> TrainingSession:
    """Record what trainees said of a session: their own scores and/or the session's summary.

    Args:
        ws: The workspace.
        training: The training, or its id.
        session: The session's id.
        scores: Each trainee's satisfaction, 1 to 5, by person id, e-mail or name.
        responses: How many trainees answered the evaluation.
        satisfaction: The mean satisfaction, 1 to 5.
        summary: What they said, in a few words (no names).

    Returns:
        The session as stored.

    Raises:
        ManagementError: for a trainee not registered, or a score out of 1-5.
    """

    def edit(stored: Training, current: TrainingSession) -> tuple[TrainingSession, dict[str, Any]]:
        registrations = list(current.registrations)
        for who, score in (scores or {}).items():
            if not 1 <= score <= 5:
                raise ManagementError(f"the score of {who!r} is {score}: it must be 1 to 5")
            position, found = _registration(stored, current, who)
            registrations[position] = found.model_copy(update={"satisfaction": score})
        evaluation = current.evaluation
        given = {
            k: v
            for k, v in (
                ("responses", responses),
                ("satisfaction", satisfaction),
                ("summary", summary),
            )
            if v is not None
        }
        if given:
            base = evaluation.model_dump() if evaluation else {}
            try:
                evaluation = SessionEvaluation.model_validate({**base, **given})
            except pydantic.ValidationError as error:
                raise InvalidRecord.from_validation_error(error, item="evaluation") from None
        updates = {"registrations": registrations, "evaluation": evaluation}
        return current.model_copy(update=updates), updates

    return _change_session(ws, training, session, edit)


@dataclass(frozen=True)
class SessionFigures:
    """One session's figures, counted from registration statuses (never from names).

    Attributes:
        session_id: The session.
        start: When it starts.
        capacity: Its places, if known.
        registered: Registrations neither cancelled nor waiting (registered, attended or
            absent), as the indicators count them.
        waiting_list: Registrations on the waiting list.
        cancelled: Cancelled registrations.
        attended: Trainees marked attended.
        absent: Trainees marked absent.
        fill_rate: ``registered / capacity`` (``None`` without a capacity).
        hours_attended: The hours attended, summed over trainees.
        satisfaction: The mean score out of 5: the session's evaluation if it has one, else
            the trainees' own scores.
        responses: How many answers that mean rests on.
    """

    session_id: str
    start: date | datetime
    capacity: int | None
    registered: int
    waiting_list: int
    cancelled: int
    attended: int
    absent: int
    fill_rate: float | None
    hours_attended: float
    satisfaction: float | None
    responses: int

    @classmethod
    def of(cls, session: TrainingSession) -> SessionFigures:
        """The figures of one session."""
        evaluation = session.evaluation
        if evaluation is not None and evaluation.satisfaction is not None:
            satisfaction: float | None = evaluation.satisfaction
            responses = evaluation.responses
        else:
            scores = [r.satisfaction for r in session.registrations if r.satisfaction]
            satisfaction = sum(scores) / len(scores) if scores else None
            responses = len(scores)
        return cls(
            session_id=session.id,
            start=session.start,
            capacity=session.capacity,
            registered=session.registered,
            waiting_list=session.count(S.WAITING_LIST),
            cancelled=session.count(S.CANCELLED),
            attended=session.attended,
            absent=session.count(S.ABSENT),
            fill_rate=session.fill_rate,
            hours_attended=sum(r.hours_attended or 0.0 for r in session.registrations),
            satisfaction=satisfaction,
            responses=responses,
        )

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        data = asdict(self)
        data["start"] = self.start.isoformat()
        return data


@dataclass(frozen=True)
class TrainingFigures:
    """A training's figures: per session, and in total.

    Attributes:
        training_id: The training.
        title: Its title (French, else any language).
        sessions: Each session's figures, in the training's order.
        registered: Registered trainees, over all sessions.
        attended: Trainees who attended, over all sessions.
        hours_attended: Hours attended, over all sessions and trainees.
        fill_rate: Registered over places, for the sessions whose capacity is known.
        satisfaction: The mean score, each session's weighted by its responses (as the
            indicator ``trainings.by_format`` weighs them).
    """

    training_id: str
    title: str
    sessions: list[SessionFigures] = field(default_factory=list)
    registered: int = 0
    attended: int = 0
    hours_attended: float = 0.0
    fill_rate: float | None = None
    satisfaction: float | None = None

    @classmethod
    def of(cls, training: Training) -> TrainingFigures:
        """The figures of one training."""
        sessions = [SessionFigures.of(s) for s in training.sessions]
        capacity = sum(s.capacity for s in sessions if s.capacity)
        in_capacity = sum(s.registered for s in sessions if s.capacity)
        weights = sum(s.responses or 1 for s in sessions if s.satisfaction is not None)
        scores = sum(
            s.satisfaction * (s.responses or 1) for s in sessions if s.satisfaction is not None
        )
        return cls(
            training_id=training.id,
            title=str(training.title),
            sessions=sessions,
            registered=sum(s.registered for s in sessions),
            attended=sum(s.attended for s in sessions),
            hours_attended=sum(s.hours_attended for s in sessions),
            fill_rate=in_capacity / capacity if capacity else None,
            satisfaction=scores / weights if weights else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON-ready data."""
        data = asdict(self)
        data["sessions"] = [s.to_dict() for s in self.sessions]
        return data

    def to_dataframe(self) -> Any:
        """One row per session (pandas is the optional extra ``rrma-core[pandas]``)."""
        from rrma_core.dataframes import _pandas

        columns = list(SessionFigures.__dataclass_fields__)
        return _pandas().DataFrame([asdict(s) for s in self.sessions], columns=columns)


def training_figures(ws: Workspace, training: Training | str) -> TrainingFigures:
    """The figures of a stored training: registered, attended, fill rate, hours, satisfaction.

    Example:
        ```python
        figures = training_figures(ws, "formation-2027-monter-projet")
        print(figures.registered, figures.fill_rate)
        ```
    """
    return TrainingFigures.of(load(ws, training, Training))
