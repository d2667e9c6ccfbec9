"""Trainings: sessions, registrations with a waiting list, attendance, evaluation, figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from rrma_core import Workspace
from rrma_core.manage import (
    ManagementError,
    add_session,
    cancel,
    mark_attendance,
    record_evaluation,
    register,
    training_figures,
)
from rrma_core.models import Training
from rrma_core.vocabularies._closed import RegistrationStatus as S

PARIS_SPRING = timezone(timedelta(hours=2))


def _training(ws: Workspace) -> None:
    """Two sessions, eight trainees: the figures below are counted by hand from this."""
    ws.add(
        Training.parse(
            {
                "id": "training-ecsi",
                "title": "Concevoir et animer une action d'ECSI",
                "themes": ["ecsi"],
                "training_format": "in-person",
                "hours": 14,
            }
        )
    )
    trainer = {"name": "Formatrice Z", "email": "z@example.org"}
    add_session(ws, "training-ecsi", id="s-lyon", start=date(2026, 3, 5), end=date(2026, 3, 6),
                capacity=3, trainers=[trainer])  # fmt: skip
    add_session(
        ws, "training-ecsi", id="s-grenoble", capacity=2,
        start=datetime(2026, 5, 7, 9, 30, tzinfo=PARIS_SPRING),
        end=datetime(2026, 5, 7, 17, 0, tzinfo=PARIS_SPRING),
    )  # fmt: skip
    for letter in "ABCDE":
        register(ws, "training-ecsi", "s-lyon", f"Stagiaire {letter}",
                 email=f"{letter.lower()}@example.org")  # fmt: skip
    for letter in "FGH":
        register(ws, "training-ecsi", "s-grenoble", f"Stagiaire {letter}")


def _statuses(ws: Workspace, session: str) -> dict[str, str]:
    training = ws.get("training-ecsi")
    assert isinstance(training, Training)
    return {
        r.trainee.name[-1]: r.status.value
        for r in training.session(session).registrations
        if r.trainee is not None
    }


def test_a_full_session_fills_its_waiting_list_and_a_cancellation_promotes(
    ws: Workspace,
) -> None:
    _training(ws)
    assert _statuses(ws, "s-lyon") == {
        "A": "registered", "B": "registered", "C": "registered",
        "D": "waiting-list", "E": "waiting-list",
    }  # fmt: skip
    done = cancel(ws, "training-ecsi", "s-lyon", "b@example.org")
    assert done.cancelled.status == S.CANCELLED
    assert done.promoted is not None
    assert done.promoted.trainee is not None
    assert done.promoted.trainee.name == "Stagiaire D"  # the first waiting, not E
    # Leaving the waiting list frees no place: nobody is promoted.
    assert cancel(ws, "training-ecsi", "s-lyon", "Stagiaire E").promoted is None
    # Registering again after cancelling: the session is full, so the waiting list.
    again = register(ws, "training-ecsi", "s-lyon", "Stagiaire E", email="e@example.org")
    assert again.status == S.WAITING_LIST
    assert _statuses(ws, "s-lyon") == {
        "A": "registered", "B": "cancelled", "C": "registered",
        "D": "registered", "E": "waiting-list",
    }  # fmt: skip


def _run_session(ws: Workspace) -> None:
    _training(ws)
    cancel(ws, "training-ecsi", "s-lyon", "b@example.org")  # D is promoted
    cancel(ws, "training-ecsi", "s-lyon", "e@example.org")
    register(ws, "training-ecsi", "s-lyon", "Stagiaire E", email="e@example.org")
    mark_attendance(ws, "training-ecsi", "s-lyon", "stagiaire a")  # 14 h / 2 sessions = 7
    mark_attendance(ws, "training-ecsi", "s-lyon", "c@example.org", hours=3.5)
    mark_attendance(ws, "training-ecsi", "s-lyon", "Stagiaire D", attended=False)
    record_evaluation(ws, "training-ecsi", "s-lyon", scores={"a@example.org": 5, "Stagiaire C": 4})
    mark_attendance(ws, "training-ecsi", "s-grenoble", "Stagiaire F", hours=7)
    mark_attendance(ws, "training-ecsi", "s-grenoble", "Stagiaire G", hours=7)
    record_evaluation(
        ws, "training-ecsi", "s-grenoble", scores={"Stagiaire F": 1},
        responses=2, satisfaction=3.0, summary="Trop court, très concret",
    )  # fmt: skip


def test_figures_are_counted_from_statuses(ws: Workspace) -> None:
    _run_session(ws)
    figures = training_figures(ws, "training-ecsi")
    lyon, grenoble = figures.sessions
    assert (lyon.registered, lyon.waiting_list, lyon.cancelled) == (3, 1, 1)
    assert (lyon.attended, lyon.absent, lyon.fill_rate) == (2, 1, 1.0)
    assert (lyon.hours_attended, lyon.satisfaction, lyon.responses) == (10.5, 4.5, 2)
    assert (grenoble.registered, grenoble.waiting_list, grenoble.attended) == (2, 1, 2)
    # The session's evaluation wins over the one trainee's own score.
    assert (grenoble.hours_attended, grenoble.satisfaction, grenoble.responses) == (14.0, 3.0, 2)
    assert (figures.registered, figures.attended, figures.hours_attended) == (5, 4, 24.5)
    assert figures.fill_rate == 1.0
    assert figures.satisfaction == pytest.approx((4.5 * 2 + 3.0 * 2) / 4)  # 3.75
    data = figures.to_dict()
    assert data["sessions"][0]["start"] == "2026-03-05"
    frame = figures.to_dataframe()
    assert list(frame["registered"]) == [3, 2]
    training = ws.get("training-ecsi")
    assert isinstance(training, Training)
    evaluation = training.session("s-grenoble").evaluation
    assert evaluation is not None
    assert evaluation.summary == "Trop court, très concret"


def test_the_indicator_agrees_with_the_figures(ws: Workspace) -> None:
    _run_session(ws)
    df = ws.indicator("trainings.by_format")
    values = {r.measure: r.value for r in df.itertuples() if r.training_format == "in-person"}
    assert values == {
        "trainings": 1, "sessions": 2, "hours": 14.0, "registered": 5, "participants": 4,
        "fill_rate": 100.0, "satisfaction": 3.75,
    }  # fmt: skip


def test_wrong_operations_say_what_is_wrong(ws: Workspace) -> None:
    _run_session(ws)
    with pytest.raises(ManagementError, match=r"Stagiaire A is already on session 's-lyon'"):
        register(ws, "training-ecsi", "s-lyon", "Stagiaire A", email="a@example.org")
    with pytest.raises(ManagementError, match=r"is attended: it cannot be cancelled"):
        cancel(ws, "training-ecsi", "s-lyon", "a@example.org")
    with pytest.raises(ManagementError, match=r"is waiting-list: only registered trainees"):
        mark_attendance(ws, "training-ecsi", "s-lyon", "Stagiaire E")
    with pytest.raises(ManagementError, match=r"must be 1 to 5"):
        record_evaluation(ws, "training-ecsi", "s-lyon", scores={"Stagiaire A": 6})
    with pytest.raises(ManagementError, match=r"no session 's-paris' \(sessions: s-lyon, s-gre"):
        register(ws, "training-ecsi", "s-paris", "Stagiaire Z")
    with pytest.raises(ManagementError, match=r"'Stagiaire Q' is not registered"):
        cancel(ws, "training-ecsi", "s-lyon", "Stagiaire Q")
    with pytest.raises(ManagementError, match=r"already has a session 's-lyon'"):
        add_session(ws, "training-ecsi", id="s-lyon", start=date(2026, 9, 1))
    assert training_figures(ws, "training-ecsi").registered == 5  # nothing changed
