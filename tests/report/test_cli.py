"""``rrma report`` and the reports of ``rrma demo``; both without matplotlib too."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from rrma_core import Event, Workspace
from rrma_core.cli import main

from ._html import parse
from .conftest import open_network


def rrma(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A workspace on SQLite with the hand-counted network, closed."""
    path = tmp_path / "reseau"
    ws = open_network(path, None)
    ws.add(
        Event.model_validate(
            {"title": {"fr": "Ciné-débat"}, "event_kind": "projection-debat",
             "occurrences": [{"start": "2025-10-10T20:00:00+02:00"}],
             "venue": {"address": {"commune": "38185"}}, "campaign_edition": "festisol-2025"}
        )
    )  # fmt: skip
    ws.close()
    return path


def test_report_writes_the_barometre(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "rapports" / "b.html"
    code, stdout, err = rrma(capsys, "-w", root, "report", "--year", "2026", "-o", out)
    assert code == 0, err
    assert stdout.strip() == str(out)
    page = parse(out.read_text(encoding="utf-8"))
    assert page.find("h1").text() == "Baromètre 2026"
    value = page.find("div", "figure").find("span", "value").text()
    assert value == "12"  # the 12 actors of the directory


def test_report_default_names_campaign_and_english(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, stdout, err = rrma(capsys, "-w", root, "report", "--campaign", "festisol-2026",
                             "--lang", "en")  # fmt: skip
    assert code == 0, err
    assert stdout.strip() == "campagne-festisol-2026.html"
    page = parse((tmp_path / "campagne-festisol-2026.html").read_text(encoding="utf-8"))
    values = [span.text() for span in page.find_all("span", "value")]
    # E5, E6, E7 in 84 (E13 is in Centre-Val de Loire); 2 in 2025 (E15 and the one above).
    assert values[0] == "3"
    assert page.find("span", "change").text() == "+1 (+50%) compared with 2025"
    code, stdout, err = rrma(capsys, "-w", root, "report", "--region", "24")
    assert code == 0, err
    assert stdout.strip() == f"barometre-{date.today().year}.html"
    assert (tmp_path / stdout.strip()).is_file()


def test_report_usage_errors(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = rrma(capsys, "-w", root, "report", "--year", "2026", "--campaign", "x-2026")
    assert code == 2
    assert "give --year (the baromètre) or --campaign, not both" in err
    code, _, err = rrma(capsys, "-w", root, "report", "--region", "99")
    assert code == 2
    assert "unknown région code '99'" in err


def _without_matplotlib(*args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "sys.modules['matplotlib'] = None\n"
        "from rrma_core.cli import main\n"
        f"main({list(args)!r})\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )


def test_report_without_matplotlib_says_how_to_install_it(root: Path, tmp_path: Path) -> None:
    done = _without_matplotlib("-w", str(root), "report", "-o", str(tmp_path / "b.html"))
    assert done.returncode == 1, done.stderr
    assert (
        "Error: charts and reports need matplotlib: pip install 'rrma-core[report]'" in done.stderr
    )
    assert not (tmp_path / "b.html").exists()


def test_the_demo_writes_the_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "demo"
    code, stdout, err = rrma(capsys, "demo", root)
    assert code == 0, err
    exports = root / "exports"
    year = date.today().year
    assert f"  {exports / 'barometre.html'}" in stdout
    barometre = parse((exports / "barometre.html").read_text(encoding="utf-8"))
    assert barometre.find("h1").text() == f"Baromètre {year}"
    assert barometre.find_all("img")
    with Workspace.open(root) as ws:
        events = [e for e in ws.events(start=date(year, 1, 1), end=date(year, 12, 31))
                  if e.status.value != "cancelled"]  # fmt: skip
    shown = barometre.find_all("div", "figure")[1].find("span", "value").text()
    assert shown == str(len(events))
    # The campaign with an edition last year too: ALIMENTERRE (the demo's archives).
    campaign = exports / f"campagne-alimenterre-{year}.html"
    assert f"  {campaign}" in stdout
    page = parse(campaign.read_text(encoding="utf-8"))
    change = page.find("span", "change").text()
    assert change.endswith(f"par rapport à {year - 1}")


def test_the_demo_works_without_matplotlib(tmp_path: Path) -> None:
    done = _without_matplotlib("demo", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    assert "No baromètre written: charts and reports need matplotlib" in done.stdout
    assert (tmp_path / "demo" / "exports" / "lettre.html").is_file()
    assert not (tmp_path / "demo" / "exports" / "barometre.html").exists()
