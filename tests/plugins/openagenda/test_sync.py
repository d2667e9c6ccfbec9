"""The ``openagenda`` connector through the engine: workspaces, ``rrma sync``, PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.testing import sync_source
from rrma_openagenda import OpenAgendaConnector

from .conftest import KEY, FakeOpenAgenda

BOURG, GRENOBLE, LYON, ANNECY, VALENCE = (
    "63790415",
    "63902118",
    "63815274",
    "64301876",
    "64402290",
)


def _source_ids(ws: Workspace, *, include_withdrawn: bool = False) -> set[str]:
    events = ws.events(include_withdrawn=include_withdrawn)
    return {e.provenance[0].source_id or "" for e in events}


def _check_first_then_incremental(ws: Workspace, fake: FakeOpenAgenda) -> None:
    """The second sync asks for changes only, and withdraws the removed event."""
    assert _source_ids(ws) == {BOURG, GRENOBLE, LYON, ANNECY}
    assert len(ws.events(campaign="alimenterre-2026")) == 3
    assert len(ws.events(theme="agriculture")) == 2
    assert {e.region for e in ws.events()} == {"84"}

    second = ws.sync()

    assert second.ok, second.to_dict()
    report = second.sources[0]
    assert (report.new, report.updated, report.withdrawn) == (1, 1, 1)
    assert report.skipped == []
    asked = fake.requests[-1].args
    assert asked["removed"] == ["null"]
    assert asked["updatedAt[gte]"][0] < "2100"  # an ISO instant, before the second sync
    assert _source_ids(ws) == {GRENOBLE, LYON, ANNECY, VALENCE}
    (withdrawn,) = [e for e in ws.events(include_withdrawn=True) if e.withdrawn]
    assert withdrawn.provenance[0].source_id == BOURG
    (market,) = [e for e in ws.events() if e.provenance[0].source_id == GRENOBLE]
    assert market.status == "cancelled"


def test_first_sync_then_changes_with_a_removed_event(
    openagenda: FakeOpenAgenda, tmp_path: Path
) -> None:
    options = openagenda.options(campaign_keywords={"ALIMENTERRE": "alimenterre-2026"})
    report, ws = sync_source(tmp_path / "reseau", OpenAgendaConnector, **options)
    with ws:
        assert report.ok, report.to_dict()
        assert report.sources[0].new == 4
        assert all("updatedAt[gte]" not in seen.args for seen in openagenda.requests)
        _check_first_then_incremental(ws, openagenda)

        third = ws.sync()  # the same changes again: nothing to write
        assert third.ok
        assert (third.sources[0].new, third.sources[0].updated) == (0, 0)
        assert third.sources[0].unchanged == 2
        assert third.sources[0].withdrawn == 0


def test_a_failing_agenda_keeps_its_stored_events(
    openagenda: FakeOpenAgenda, tmp_path: Path
) -> None:
    report, ws = sync_source(tmp_path / "reseau", OpenAgendaConnector, **openagenda.options())
    with ws:
        assert report.ok
        openagenda.raw = (200, b"<!DOCTYPE html><html><body>Maintenance</body></html>", "text/html")
        failed = ws.sync().sources[0]
        assert failed.status == "failed"
        assert failed.error is not None
        assert "an HTML or XML page" in failed.error
        assert len(ws.events()) == 4

        openagenda.raw = None
        openagenda.key = "a-key-that-was-revoked-0000000000"  # the stored key is now refused
        failed = ws.sync().sources[0]
        assert failed.status == "failed"
        assert failed.error is not None
        assert "OpenAgenda refused the key for agenda 51742968 (HTTP 401)" in failed.error
        assert KEY not in failed.error
        assert len(ws.events()) == 4

        openagenda.key = KEY  # fixed: the changes since the last success are read
        assert ws.sync().sources[0].withdrawn == 1


def test_rrma_sync_with_the_key_in_the_environment(
    openagenda: FakeOpenAgenda,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "reseau"
    monkeypatch.setenv("OPENAGENDA_KEY", KEY)
    main(["init", str(folder), "--name", "Réseau test", "--region", "84"])
    main(
        [
            *("-w", str(folder), "sources", "add", "agenda-ara", "openagenda"),
            *("-o", f"agenda={openagenda.agenda}", "-o", "key_env=OPENAGENDA_KEY"),
            *("-o", f"base_url={openagenda.base_url}"),
            *("-o", 'campaign_keywords={"alimenterre": "alimenterre-2026"}'),
        ]
    )
    assert KEY not in (folder / "rrma.toml").read_text(encoding="utf-8")
    capsys.readouterr()

    main(["-w", str(folder), "sync"])  # exit status 0: returns
    main(["-w", str(folder), "events", "--campaign", "alimenterre-2026", "--format", "csv"])

    out = capsys.readouterr().out
    assert "Ciné-débat ALIMENTERRE « Les gardiennes de la terre »" in out
    assert "Marché des solidarités" not in out
    assert KEY not in out


@pytest.mark.postgres
def test_sync_into_postgresql(
    openagenda: FakeOpenAgenda, tmp_path: Path, postgres_url: str
) -> None:
    folder = tmp_path / "reseau"
    Workspace.init(folder, name="Réseau test", region="84").close()
    with Workspace.open(folder, database=postgres_url) as ws:
        ws.config.workspace.allow_private_addresses = True
        ws.add_source(
            "agenda-ara",
            "openagenda",
            **openagenda.options(campaign_keywords={"ALIMENTERRE": "alimenterre-2026"}),
        )
        report = ws.sync()
        assert report.ok, report.to_dict()
        _check_first_then_incremental(ws, openagenda)
