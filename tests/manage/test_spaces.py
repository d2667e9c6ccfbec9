"""Multi-actor spaces: members, roles, meetings and activity, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta, timezone

import pytest

from rrma_core import Workspace
from rrma_core.errors import InvalidRecord
from rrma_core.manage import (
    ManagementError,
    add_member,
    change_role,
    create_space,
    current_members,
    end_membership,
    record_meeting,
    space_activity,
)
from rrma_core.models import MultiActorSpace

from .conftest import Opener

PARIS_WINTER = timezone(timedelta(hours=1))


def _senegal(ws: Workspace) -> MultiActorSpace:
    return create_space(
        ws, id="space-senegal", name="Groupe pays Sénégal", space_kind="geographic",
        countries=["SN"], regions=["84"],
    )  # fmt: skip


def _animate(ws: Workspace) -> None:
    """The hand-made history every test below counts on."""
    _senegal(ws)
    add_member(ws, "space-senegal", "resacoop", role="animator", since=date(2026, 1, 15))
    add_member(ws, "space-senegal", "actor-terre-partage", since=date(2026, 2, 1))
    add_member(ws, "space-senegal", "Association Teranga Lyon", since=date(2026, 3, 10))
    end_membership(ws, "space-senegal", "Terre et Partage Rhône", until=date(2026, 9, 30))
    change_role(ws, "space-senegal", "association teranga lyon", "observer")
    record_meeting(
        ws, "space-senegal",
        start=datetime(2026, 3, 12, 18, 0, tzinfo=PARIS_WINTER),
        end=datetime(2026, 3, 12, 20, 0, tzinfo=PARIS_WINTER),
        title="Réunion de lancement",
        organisations_present=["RESACOOP", "actor-terre-partage"],
        participants=[
            {"name": "Awa Diop", "email": "awa.diop@example.org"},
            {"name": "Jean Martin"},
            {"name": "Fatou Sow", "email": "fatou.sow@example.org"},
        ],
    )  # fmt: skip
    record_meeting(ws, "space-senegal", start=date(2026, 6, 18), title="Bilan", attendance=12)
    record_meeting(ws, "space-senegal", start=date(2025, 12, 1), title="Préfiguration")


def test_members_are_added_by_id_or_name_and_keep_their_history(ws: Workspace) -> None:
    _animate(ws)
    space = ws.get("space-senegal")
    assert isinstance(space, MultiActorSpace)
    rows = [(m.actor.id, m.actor.name, m.role, m.since, m.until) for m in space.members]
    assert rows == [
        ("actor-resacoop", "RESACOOP", "animator", date(2026, 1, 15), None),
        ("actor-terre-partage", "Terre et Partage Rhône", "member", date(2026, 2, 1),
         date(2026, 9, 30)),
        (None, "Association Teranga Lyon", "observer", date(2026, 3, 10), None),
    ]  # fmt: skip
    assert [m.actor.name for m in current_members(space, date(2026, 10, 1))] == [
        "RESACOOP",
        "Association Teranga Lyon",
    ]
    assert len(current_members(space, date(2026, 2, 15))) == 2


def test_meetings_keep_attendance_and_are_in_order(ws: Workspace) -> None:
    _animate(ws)
    space = ws.get("space-senegal")
    assert isinstance(space, MultiActorSpace)
    assert [(m.title, m.attendance) for m in space.meetings] == [
        ("Préfiguration", None),
        ("Réunion de lancement", 3),  # counted from the participants
        ("Bilan", 12),
    ]
    launch = space.meetings[1]
    assert [o.id for o in launch.organisations_present] == [
        "actor-resacoop",
        "actor-terre-partage",
    ]
    assert [p.name for p in launch.participants] == ["Awa Diop", "Jean Martin", "Fatou Sow"]


def test_activity_is_chronological_and_filtered_by_period(ws: Workspace) -> None:
    _animate(ws)
    activity = space_activity(ws, "space-senegal")
    assert [(i.day.isoformat(), i.kind, i.title, i.attendance) for i in activity] == [
        ("2025-12-01", "meeting", "Préfiguration", None),
        ("2026-01-15", "joined", "RESACOOP", None),
        ("2026-02-01", "joined", "Terre et Partage Rhône", None),
        ("2026-03-10", "joined", "Association Teranga Lyon", None),
        ("2026-03-12", "meeting", "Réunion de lancement", 3),
        ("2026-06-18", "meeting", "Bilan", 12),
        ("2026-09-30", "left", "Terre et Partage Rhône", None),
    ]
    assert activity[4].organisations == 2
    in_2026 = space_activity(ws, "space-senegal", period=2026)
    assert len(in_2026) == 6
    spring = space_activity(ws, "space-senegal", period=(date(2026, 3, 1), date(2026, 6, 30)))
    assert [i.kind for i in spring] == ["joined", "meeting", "meeting"]
    assert [i.to_dict()["day"] for i in spring] == ["2026-03-10", "2026-03-12", "2026-06-18"]
    frame = activity.to_dataframe()
    assert len(frame) == 7
    assert int(frame["attendance"].sum()) == 15
    assert list(frame["kind"]).count("joined") == 3


def test_the_indicator_counts_what_was_recorded(ws: Workspace) -> None:
    _animate(ws)

    def figures(period: int | None) -> dict[str, object]:
        df = ws.indicator("spaces.by_kind", period=period)
        return {r.measure: r.value for r in df.itertuples() if r.space_kind == "geographic"}

    everything = figures(None)
    assert (everything["spaces"], everything["members"], everything["meetings"]) == (1, 3, 3)
    assert (everything["attendance"], everything["attendance_mean"]) == (15, 7.5)
    in_2025 = figures(2025)
    assert (in_2025["members"], in_2025["meetings"], in_2025["attendance"]) == (0, 1, 0)


def test_wrong_operations_say_what_is_wrong(ws: Workspace) -> None:
    _animate(ws)
    with pytest.raises(ManagementError, match=r"RESACOOP is already a member .*animator"):
        add_member(ws, "space-senegal", "actor-resacoop")
    with pytest.raises(ManagementError, match=r"Ville de Chambéry is not a member"):
        change_role(ws, "space-senegal", "actor-ville-chambery", "member")
    with pytest.raises(ManagementError, match=r"cannot leave on 2026-01-01: it joined on"):
        end_membership(ws, "space-senegal", "RESACOOP", until=date(2026, 1, 1))
    with pytest.raises(ManagementError, match=r"already has a meeting"):
        record_meeting(ws, "space-senegal", start=date(2026, 6, 18), title="Doublon")
    with pytest.raises(ManagementError, match=r"attendance 1 is below the 2 participants"):
        record_meeting(
            ws, "space-senegal", start=date(2026, 7, 1), attendance=1,
            participants=["Awa Diop", "Jean Martin"],
        )  # fmt: skip
    with pytest.raises(InvalidRecord, match=r"before start"):
        record_meeting(ws, "space-senegal", start=date(2026, 7, 2), end=date(2026, 7, 1))
    with pytest.raises(ManagementError, match=r"no stored space has id 'space-nowhere'"):
        add_member(ws, "space-nowhere", "RESACOOP")
    with pytest.raises(ManagementError, match=r"'actor-resacoop' is a actor, not a space"):
        record_meeting(ws, "actor-resacoop", start=date(2026, 7, 1))
    # Nothing of the failed operations was stored.
    space = ws.get("space-senegal")
    assert isinstance(space, MultiActorSpace)
    assert (len(space.members), len(space.meetings)) == (3, 3)


def test_two_writers_at_once_lose_nothing(ws: Workspace, opener: Opener) -> None:
    _senegal(ws)
    others = [opener.open(), opener.open()]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def write(worker: int) -> None:
        mine = others[worker]
        try:
            barrier.wait()
            for n in range(12):
                record_meeting(
                    mine, "space-senegal", start=date(2026, 1 + worker, 1 + n),
                    title=f"Réunion {worker}-{n}", attendance=n,
                )  # fmt: skip
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    space = ws.get("space-senegal")
    assert isinstance(space, MultiActorSpace)
    assert len(space.meetings) == 24
    assert sum(m.attendance or 0 for m in space.meetings) == 2 * sum(range(12))
