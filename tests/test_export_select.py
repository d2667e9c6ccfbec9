"""`Workspace.select`, `Workspace.export(where=...)` and `rrma export` filters, on the demo."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rrma_core import Actor, CallForProjects, Event, Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo") / "ws"
    main(["demo", str(root)])  # returns on success; exits only on failure
    return root


def test_select_applies_each_filter_to_the_models_that_have_it(demo: Path) -> None:
    with Workspace.open(demo) as ws:
        day = date(2027, 1, 20)
        picked = ws.select([Event, CallForProjects], departement="69", open_on=day)
        events = [r for r in picked if isinstance(r, Event)]
        calls = [r for r in picked if isinstance(r, CallForProjects)]
        assert [e.id for e in events] == [e.id for e in ws.events(departement="69")]
        assert all(e.departement == "69" for e in events)
        assert [c.id for c in calls] == [c.id for c in ws.calls(open_on=day)]
        assert all(c.status(day).value == "open" for c in calls)
        assert events
        assert calls


def test_select_refuses_a_filter_no_model_has(demo: Path) -> None:
    with Workspace.open(demo) as ws, pytest.raises(ConfigError, match="funder applies to none"):
        ws.select([Event, Actor], funder="AFD")


def test_export_where_filters_what_is_written(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "actors.jsonl"
    with Workspace.open(demo) as ws:
        count = ws.export("jsonl", out, models=[Actor], where={"departement": "38"})
        expected = ws.actors(departement="38")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert count == len(expected) == len(lines)
    assert {line["record"]["id"] for line in lines} == {a.id for a in expected}


def test_cli_export_filters(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "events.jsonl"
    main(["-w", str(demo), "export", "jsonl", "--type", "Event", "--campaign", "festisol",
          "-o", str(out)])  # fmt: skip
    records = [json.loads(line)["record"] for line in out.read_text("utf-8").splitlines()]
    assert records
    assert all(r["campaign_edition"].startswith("festisol-") for r in records)
    assert f"Exported {len(records)} records" in capsys.readouterr().err

    with pytest.raises(SystemExit) as failed:
        main(["-w", str(demo), "export", "jsonl", "--type", "Event", "--funder", "AFD"])
    assert failed.value.code == 2
    assert "funder applies to none of Event" in capsys.readouterr().err
