"""The ``rrma space``, ``rrma training``, ``rrma person`` and ``rrma forget`` commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.manage import add_session, register
from rrma_core.models import Actor, Training


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "reseau"
    with Workspace.init(folder, name="Réseau Test", region="84") as ws:
        ws.add(Actor.parse({"id": "actor-resacoop", "name": "RESACOOP", "actor_type": "network"}))
        ws.add(Training.parse({"id": "training-budget", "title": "Construire son budget",
                               "training_format": "online", "hours": 6}))  # fmt: skip
    return folder


def rrma(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> Run:
    capsys.readouterr()
    try:
        main(["--workspace", str(root), *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def test_space_commands(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    def ok(*args: str) -> str:
        result = rrma(capsys, root, *args)
        assert result.code == 0, result.err
        return result.out

    assert "Created space 'ecsi'" in ok(
        "space", "create", "Groupe ECSI", "--kind", "thematic", "--theme", "ecsi", "--id", "ecsi"
    )
    assert "id actor-resacoop" in ok(
        "space", "add-member", "ecsi", "resacoop", "--role", "animator", "--since", "2026-01-05"
    )
    assert "not in the directory" in ok("space", "add-member", "ecsi", "Collectif Jeunes 38")
    ok("space", "set-role", "ecsi", "Collectif Jeunes 38", "observer")
    ok("space", "end-member", "ecsi", "Collectif Jeunes 38", "--until", "2026-06-30")
    assert "(2 present)" in ok(
        "space", "meeting", "ecsi", "--start", "2026-02-10T18:00+01:00", "--title", "Atelier",
        "--participant", "Awa Diop:awa.diop@example.org", "--participant", "Jean Martin",
    )  # fmt: skip
    ok("space", "meeting", "ecsi", "--start", "2026-05-12", "--attendance", "9")
    activity = json.loads(ok("space", "activity", "ecsi", "--format", "json"))
    assert [(a["day"], a["kind"], a["attendance"]) for a in activity] == [
        ("2026-01-05", "joined", None),
        ("2026-02-10", "meeting", 2),
        ("2026-05-12", "meeting", 9),
        ("2026-06-30", "left", None),
    ]
    spring = json.loads(ok("space", "activity", "ecsi", "--start", "2026-02-01",
                           "--end", "2026-05-31", "--format", "json"))  # fmt: skip
    assert [(a["day"], a["kind"]) for a in spring] == [
        ("2026-02-10", "meeting"),
        ("2026-05-12", "meeting"),
    ]
    # The participants are personal data: named in no activity row.
    assert "Awa Diop" not in json.dumps(activity, ensure_ascii=False)
    assert "awa.diop" not in json.dumps(activity)
    listed = json.loads(ok("space", "list", "--format", "json"))
    assert listed == [{"id": "ecsi", "name": "Groupe ECSI", "kind": "thematic", "members": 1,
                       "meetings": 2}]  # fmt: skip
    again = rrma(capsys, root, "space", "add-member", "ecsi", "RESACOOP")
    assert again.code == 1
    assert "RESACOOP is already a member of space 'ecsi'" in again.err
    assert "Traceback" not in again.err


def test_training_commands(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    def ok(*args: str) -> str:
        result = rrma(capsys, root, "training", *args)
        assert result.code == 0, result.err
        return result.out

    ok("add-session", "training-budget", "--start", "2026-03-03", "--capacity", "2", "--id", "s1")
    assert "registered" in ok("register", "training-budget", "s1", "Stagiaire A")
    ok("register", "training-budget", "s1", "Stagiaire B", "--email", "b@example.org")
    assert "waiting-list" in ok("register", "training-budget", "s1", "Stagiaire C")
    out = ok("cancel", "training-budget", "s1", "b@example.org")
    assert "Stagiaire C moves from the waiting list to registered" in out
    assert "attended, 6 h" in ok("attendance", "training-budget", "s1", "Stagiaire A")
    assert "absent, 0 h" in ok("attendance", "training-budget", "s1", "Stagiaire C", "--absent")
    ok("evaluate", "training-budget", "s1", "--score", "Stagiaire A=4", "--summary", "Utile")
    figures = json.loads(ok("figures", "training-budget", "--format", "json"))
    (s1,) = figures["sessions"]
    assert (s1["registered"], s1["attended"], s1["absent"], s1["cancelled"]) == (2, 1, 1, 1)
    assert (s1["fill_rate"], s1["hours_attended"], s1["satisfaction"]) == (1.0, 6.0, 4.0)
    table = ok("figures", "training-budget")
    assert "│ 6 " in table  # hours as people write them, not "6.0"
    assert "6.0" not in table
    assert "100 %" in table
    csv = ok("figures", "training-budget", "--format", "csv")
    assert csv.splitlines()[0].startswith("session_id,start,capacity,registered")
    bad = rrma(capsys, root, "training", "evaluate", "training-budget", "s1", "--score", "A")
    assert bad.code == 2
    assert "must be TRAINEE=N" in bad.err


def test_person_show_and_forget(
    capsys: pytest.CaptureFixture[str], root: Path, tmp_path: Path
) -> None:
    with Workspace.open(root) as ws:
        add_session(ws, "training-budget", start=date(2026, 3, 3), id="s1")
        register(ws, "training-budget", "s1", "Awa Diop", email="awa.diop@example.org")
    shown = rrma(capsys, root, "person", "show", "awa diop")
    assert shown.code == 0, shown.err
    data = json.loads(shown.out)
    assert [r["path"] for r in data["records"]] == ["sessions[s1].registrations[0].trainee"]
    target = tmp_path / "acces.json"
    assert rrma(capsys, root, "person", "show", "awa.diop@example.org", "-o", str(target)).code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["persons"][0]["names"] == ["Awa Diop"]
    # Not a terminal: no confirmation can be asked, so --yes is needed.
    refused = rrma(capsys, root, "forget", "Awa Diop")
    assert refused.code == 2
    assert "--yes" in refused.err
    erased = rrma(capsys, root, "forget", "Awa Diop", "--yes")
    assert erased.code == 0, erased.err
    assert "Erased from training training-budget: sessions[s1].registrations[0].trainee" in (
        erased.out
    )
    assert "attendance figures are kept" in erased.out
    assert "Awa" not in erased.out  # the report names ids, not the person
    gone = rrma(capsys, root, "person", "show", "Awa Diop")
    assert gone.code == 1
    assert "no person matches 'Awa Diop'" in gone.err
