"""``rrma campaign list|show|missing|figures`` on the hand-made fixture (a SQLite workspace)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rrma_core import CampaignEdition, Workspace
from rrma_core.cli import cli, main

from .conftest import AL26, AL26_84, fill


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace folder filled with the fixture."""
    path = tmp_path_factory.mktemp("cli") / "reseau"
    with Workspace.init(path, name="Réseau Test", region="84") as ws:
        fill(ws)
    return path


def run(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["-w", str(root), "campaign", *args])
    assert result.exit_code == 0, result.output
    return result


def test_list_as_json(root: Path) -> None:
    rows = json.loads(run(root, "list", "--format", "json").stdout)
    assert [(r["edition"], r["events"], r["stored"]) for r in rows] == [
        ("alimenterre-2026", 9, False),
        ("alimenterre-2026-84", 1, True),
        ("festisol-2026", 1, False),
        ("alimenterre-2025", 4, False),
    ]


def test_list_as_a_table(root: Path) -> None:
    out = run(root, "list").stdout
    assert "Festival des Solidarités" in out
    assert "alimenterre-2026-84" in out


def test_show_groups_events_by_organiser(root: Path) -> None:
    out = run(root, "show", AL26).stdout
    assert "Festival ALIMENTERRE 2026 (84)" in out
    for name in ("Artisans du Monde Lyon", "Ciné Loire", "Collectif Alimentation Durable"):
        assert name in out
    assert "Séance e8" not in out  # région 24
    assert "Séance e6" not in out  # withdrawn
    assert "[cancelled]" in out  # e7
    assert "absent de l'annuaire" in out


def test_show_in_english(root: Path) -> None:
    out = run(root, "show", AL26, "--lang", "en").stdout
    assert "not in the directory" in out


def test_missing_as_csv_leaves_personal_data_out(root: Path) -> None:
    out = run(root, "missing", AL26, "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["organiser"], r["events"], r["incomplete"]) for r in rows] == [
        ("Artisans du Monde Lyon", "3", "2"),
        ("Ciné Loire", "1", "1"),
        ("Collectif Alimentation Durable", "1", "1"),
        ("", "1", "1"),
    ]
    assert rows[0]["no-time"] == "1"
    assert rows[2]["not-linked"] == "1"
    assert "contacts" not in rows[0]
    assert "Paul Martin" not in out


def test_missing_with_contacts(root: Path) -> None:
    rows = json.loads(run(root, "missing", AL26, "--format", "json", "--with-contacts").stdout)
    assert rows[0]["contacts"] == "Paul Martin (04 78 00 00 00)"
    table = run(root, "missing", AL26, "--with-contacts").stdout
    assert "Paul Martin" in table


def test_missing_table_summary(root: Path) -> None:
    result = run(root, "missing", AL26)
    assert "4 to chase" in result.stderr
    assert "pas de contact: 2" in result.stderr


def test_figures_json_and_csv(root: Path) -> None:
    data = json.loads(run(root, "figures", AL26).stdout)
    assert (data["events"], data["organisers"], data["new_organisers"]) == (8, 4, 2)
    assert data["by_departement"] == {"38": 1, "42": 1, "69": 4, "unknown": 2}
    rows = list(csv.DictReader(io.StringIO(run(root, "figures", AL26, "--format", "csv").stdout)))
    assert rows[0] == {"figure": "events", "label": "Événements", "value": "8"}


def test_figures_save(tmp_path: Path) -> None:
    path = tmp_path / "reseau"
    with Workspace.init(path, name="Réseau Test", region="84") as ws:
        fill(ws)
    result = run(path, "figures", AL26, "--save")
    assert f"in {AL26_84}" in result.stderr
    with Workspace.open(path) as ws:
        record = ws.get(AL26_84)
        assert isinstance(record, CampaignEdition)
        assert record.figures["events"] == 8
        assert record.figures["attendance"] == 1500


def test_another_region(root: Path) -> None:
    data = json.loads(run(root, "figures", AL26, "--region", "24").stdout)
    assert (data["edition"], data["events"]) == ("alimenterre-2026-24", 2)


def test_a_bad_edition_is_one_line_and_exit_2(
    root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["-w", str(root), "campaign", "show", "alimenterre"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: 'alimenterre' is not a campaign edition id")
    assert len(err.strip().splitlines()) == 1
