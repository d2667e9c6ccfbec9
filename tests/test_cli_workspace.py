"""The ``rrma`` command line on a real workspace: init, sources, sync, listings, plugins, demo.

Every test drives the command line as a user would (``rrma_core.cli.main`` with its exit
codes, or click's ``CliRunner``) against real things: a workspace folder in ``tmp_path``, a
real local HTTP server (pytest-httpserver) publishing JSON Lines of events, calls for projects
and actors of Auvergne-Rhône-Alpes, and the real ``rrma demo`` with its shipped samples.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer

from rrma_core import Workspace
from rrma_core.cli import cli, main
from rrma_core.demo import DEMO_SOURCES
from rrma_core.errors import ConfigError

# --- data as the partners publish it -----------------------------------------------------------

FUTURE = "2099"  # far-future occurrences: always upcoming
PAST = "2001"  # long over

EVENTS: list[dict[str, Any]] = [
    {
        "id": "alimenterre-2099-lyon-01",
        "title": {"fr": "Projection-débat « Nourrir demain »"},
        "occurrences": [
            {"start": f"{FUTURE}-10-16T20:00:00+02:00", "end": f"{FUTURE}-10-16T22:30:00+02:00"}
        ],
        "venue": {
            "name": "Cinéma Le Comœdia",
            "address": {"postal_code": "69007", "city": "Lyon", "commune": "69123"},
        },
        "organisers": [{"name": "Terre et Partage Rhône"}],
        "event_kind": "projection-debat",
        "campaign_edition": "alimenterre-2099",
        "themes": ["agriculture"],
        "sdgs": [2, 12],
    },
    {
        "id": "festisol-2099-grenoble-01",
        "title": {"fr": "Ciné-débat « L'eau, bien commun »"},
        "occurrences": [{"start": f"{FUTURE}-11-20T19:00:00+01:00"}],
        "venue": {
            "name": "Maison des associations",
            "address": {"postal_code": "38000", "city": "Grenoble", "commune": "38185"},
        },
        "event_kind": "projection-debat",
        "campaign_edition": "festisol-2099",
        "themes": ["eau"],
        "sdgs": [6],
    },
    {
        "id": "conference-2001-villeurbanne",
        "title": {"fr": "Conférence « Vingt ans de coopération décentralisée »"},
        "occurrences": [
            {"start": f"{PAST}-11-10T18:00:00+01:00", "end": f"{PAST}-11-10T20:00:00+01:00"}
        ],
        "venue": {
            "name": "Le Rize",
            "address": {"postal_code": "69100", "city": "Villeurbanne", "commune": "69266"},
        },
        "event_kind": "conference",
        "campaign_edition": "alimenterre-2001",
        "themes": ["education"],
    },
    {
        "id": "atelier-2099-clermont",
        "title": '=HYPERLINK("http://evil.example/","Inscription")',
        "occurrences": [{"start": f"{FUTURE}-12-01T14:00:00+01:00"}],
        "venue": {
            "name": "Salle Leclanché",
            "address": {"city": "Clermont-Ferrand", "commune": "63113"},
        },
        "event_kind": "workshop",
        "themes": ["eau"],
    },
    {
        "id": "cine-2099-bourg",
        "title": "Ciné-débat [reporté] « Le riz du delta »",
        "occurrences": [{"start": f"{FUTURE}-10-23T20:00:00+02:00"}],
        "venue": {
            "name": "La Grenette",
            "address": {"city": "Bourg-en-Bresse", "commune": "01053"},
        },
        "event_kind": "projection-debat",
        "themes": ["agriculture"],
    },
]
EVENT_TITLES = {
    "alimenterre-2099-lyon-01": "Projection-débat « Nourrir demain »",
    "festisol-2099-grenoble-01": "Ciné-débat « L'eau, bien commun »",
    "conference-2001-villeurbanne": "Conférence « Vingt ans de coopération décentralisée »",
    "atelier-2099-clermont": '=HYPERLINK("http://evil.example/","Inscription")',
    "cine-2099-bourg": "Ciné-débat [reporté] « Le riz du delta »",
}

CALLS: list[dict[str, Any]] = [
    {
        "id": "aap-region-ara-csi-2027",
        "title": "Appel à projets « Coopération et solidarité internationale » 2027",
        "funders": [{"name": "Région Auvergne-Rhône-Alpes", "role": "financeur"}],
        "published_on": "2026-10-15",
        "opens_on": "2026-11-02",
        "deadline": "2027-01-15",  # a date: open until the end of that day
        "eligible_actor_types": ["association", "osim"],
        "themes": ["agriculture", "eau"],
        "countries": ["SN", "BF"],
    },
    {
        "id": "aap-metropole-lyon-ecsi-2027",
        "title": "Appel à projets Solidarité internationale et ECSI 2027",
        "funders": [{"name": "Métropole de Lyon"}],
        "published_on": "2026-10-01",
        "deadline": "2027-01-14",  # closed the day before
        "eligible_actor_types": ["association"],
        "themes": ["ecsi"],
    },
    {
        "id": "aap-afd-innov-ong-2027",
        "title": "Dispositif Innov'ONG 2027",
        "funders": [{"name": "Agence française de développement (AFD)"}],
        "published_on": "2026-11-16",
        "opens_on": "2027-01-16",  # not open yet on the 15th
        "deadline": "2027-03-12T12:00:00+01:00",
        "eligible_actor_types": ["association"],
        "themes": ["agriculture"],
    },
    {
        "id": "aap-isere-si-2027",
        "title": "Soutien aux initiatives iséroises de solidarité internationale 2027",
        "funders": [{"name": "Département de l'Isère"}],
        "published_on": "2026-12-01",
        "deadline": "2027-03-31",
        "eligible_actor_types": ["association", "local-authority"],
        "themes": ["eau", "education"],
    },
]

ACTORS: list[dict[str, Any]] = [
    {
        "id": "annuaire-w691004512",
        "name": "Terre et Partage Rhône",
        "actor_type": "association",
        "rna": "W691004512",
        "head_office": {"address": {"postal_code": "69007", "city": "Lyon", "commune": "69123"}},
        "countries": ["BF", "SN"],
        "sectors": ["agriculture"],
        "sdgs": [2],
        "contacts": [
            {
                "name": "Marie Dupont",
                "email": "marie.dupont@example.org",
                "role": "chargée de projets",
            }
        ],
    },
    {
        "id": "annuaire-w381002233",
        "name": "Isère Madagascar Solidarité",
        "actor_type": "association",
        "head_office": {"address": {"city": "Grenoble", "commune": "38185"}},
        "countries": ["MG"],
        "sectors": ["sante"],
    },
    {
        "id": "annuaire-ville-villeurbanne",
        "name": "Ville de Villeurbanne",
        "actor_type": "local-authority",
        "local_authority_level": "commune",
        "head_office": {"address": {"city": "Villeurbanne", "commune": "69266"}},
        "countries": ["SN"],
    },
]


def jsonl(items: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items)


def serve(server: HTTPServer, path: str, items: list[dict[str, Any]]) -> str:
    """Publish ``items`` as a JSON Lines file at ``path``; its URL."""
    server.expect_request(path).respond_with_data(
        jsonl(items), content_type="application/x-ndjson; charset=utf-8"
    )
    return server.url_for(path)


# --- running the command line ------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def csv(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.out)))


def _exit_code(value: object) -> int:
    if value is None:
        return 0
    return value if isinstance(value, int) else 1


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    """``rrma ARGS`` through ``main()``: its exit code, stdout and stderr."""
    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exit_:
        code = _exit_code(exit_.code)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def assert_one_line_error(result: Run, *fragments: str) -> None:
    assert result.code == 2, (result.code, result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("Error: "), result.err
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


def table_rows(text: str) -> dict[str, list[str]]:
    """The body rows of a rich table (one line per row), by their first cell."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("│"):
            cells = [cell.strip() for cell in line.strip("│").split("│")]
            rows[cells[0]] = cells
    return rows


def single_row(text: str) -> dict[str, str]:
    """The cells of a one-row rich table, by column, their wrapped lines joined."""
    header = next(line for line in text.splitlines() if line.startswith("┃"))
    columns = [cell.strip() for cell in header.strip("┃").split("┃")]
    parts: dict[str, list[str]] = {column: [] for column in columns}
    for line in text.splitlines():
        if line.startswith("│"):
            for column, cell in zip(columns, line.strip("│").split("│"), strict=True):
                if cell.strip():
                    parts[column].append(cell.strip())
    return {column: " ".join(words) for column, words in parts.items()}


def ids(result: Run) -> list[str]:
    assert result.code == 0, (result.code, result.err)
    return [record["id"] for record in result.json()]


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No RRMA_* variable of the developer counts; plugin files and commands are undone."""
    for variable in (
        "RRMA_WORKSPACE",
        "RRMA_DEBUG",
        "RRMA_PLUGINS",
        "RRMA_DISABLE_PLUGINS",
        "RRMA_STRICT_PLUGINS",
        "RRMA_TRACE_PLUGINS",
    ):
        monkeypatch.delenv(variable, raising=False)
    modules = set(sys.modules)
    commands = set(cli.commands)
    yield
    for name in set(cli.commands) - commands:
        del cli.commands[name]
    for module in set(sys.modules) - modules:
        if module.startswith("rrma_plugins_dir."):
            del sys.modules[module]


@pytest.fixture
def ws_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A new workspace made by ``rrma init`` (Auvergne-Rhône-Alpes)."""
    root = tmp_path / "resacoop"
    result = run(
        capsys, "init", root, "--name", "Réseau Test Auvergne-Rhône-Alpes", "--region", "84"
    )
    assert result.code == 0, result.err
    return root


@pytest.fixture
def feeds(httpserver: HTTPServer) -> dict[str, str]:
    """The partners' JSON Lines files on a real local server, and one that is gone (404)."""
    urls = {
        "agenda": serve(httpserver, "/agenda.jsonl", EVENTS),
        "appels": serve(httpserver, "/appels.jsonl", CALLS),
        "annuaire": serve(httpserver, "/annuaire.jsonl", ACTORS),
    }
    httpserver.expect_request("/disparu.jsonl").respond_with_data(
        "<html><body>Page introuvable</body></html>", status=404, content_type="text/html"
    )
    urls["disparu"] = httpserver.url_for("/disparu.jsonl")
    return urls


def add_sources(capsys: pytest.CaptureFixture[str], root: Path, urls: dict[str, str]) -> None:
    for name, model in (("agenda", "Event"), ("appels", "CallForProjects"), ("annuaire", "Actor")):
        result = run(
            capsys, "-w", root, "sources", "add", name, "jsonl", "-o", f"url={urls[name]}",
            "-o", f"model={model}",
        )  # fmt: skip
        assert result.code == 0, result.err


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory, make_httpserver: HTTPServer) -> Path:
    """A workspace with the three partner sources synced once (the listing tests only read)."""
    root = tmp_path_factory.mktemp("synced") / "resacoop"
    runner = CliRunner()
    server = make_httpserver
    urls = {
        "agenda": serve(server, "/m/agenda.jsonl", EVENTS),
        "appels": serve(server, "/m/appels.jsonl", CALLS),
        "annuaire": serve(server, "/m/annuaire.jsonl", ACTORS),
    }
    commands = [
        ["init", str(root), "--name", "Réseau Test", "--region", "84"],
        *(
            ["-w", str(root), "sources", "add", name, "jsonl", "-o", f"url={urls[name]}",
             "-o", f"model={model}"]
            for name, model in (
                ("agenda", "Event"), ("appels", "CallForProjects"), ("annuaire", "Actor")
            )
        ),
        ["-w", str(root), "sync", "--json"],
    ]  # fmt: skip
    try:
        for args in commands:
            result = runner.invoke(cli, args, catch_exceptions=False)
            assert result.exit_code == 0, result.output
    finally:
        server.clear()
    return root


# --- rrma init -----------------------------------------------------------------------------------


def test_init_creates_the_configuration_and_the_plugins_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "reseau"
    result = run(capsys, "init", root, "--name", "RESACOOP", "--region", "84")
    assert result.code == 0, result.err
    assert "RESACOOP" in result.out
    assert "Europe/Paris" in result.out
    config = tomllib.loads((root / "rrma.toml").read_text(encoding="utf-8"))
    assert config["workspace"]["name"] == "RESACOOP"
    assert config["workspace"]["region"] == "84"
    assert (root / "plugins").is_dir()


def test_init_a_second_time_is_a_one_line_error(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (ws_dir / "rrma.toml").read_text(encoding="utf-8")
    result = run(capsys, "init", ws_dir, "--name", "Autre réseau")
    assert_one_line_error(result, "rrma.toml", "already exists")
    assert (ws_dir / "rrma.toml").read_text(encoding="utf-8") == before


def test_init_with_an_unknown_region_names_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, "init", tmp_path / "reseau", "--name", "Réseau", "--region", "99")
    assert_one_line_error(result, "region", "'99'")
    assert not (tmp_path / "reseau" / "rrma.toml").exists()


def test_init_in_the_current_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "init", "--name", "Réseau Bretagne", "--region", "53").code == 0
    assert (tmp_path / "rrma.toml").is_file()
    result = run(
        capsys, "sources", "add", "agenda", "jsonl", "-o", "url=https://example.org/a.jsonl"
    )
    assert result.code == 0, result.err
    listed = run(capsys, "sources", "list", "--format", "json").json()
    assert [s["name"] for s in listed] == ["agenda"]


def test_workspace_option_and_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert run(capsys, "-w", a, "init", "--name", "Réseau A").code == 0
    assert (a / "rrma.toml").is_file()
    monkeypatch.setenv("RRMA_WORKSPACE", str(b))
    assert run(capsys, "init", "--name", "Réseau B").code == 0
    assert (b / "rrma.toml").is_file()
    run(capsys, "sources", "add", "agenda-b", "jsonl", "-o", "url=https://example.org/b.jsonl")
    # -w wins over the environment variable
    run(capsys, "-w", a, "sources", "add", "agenda-a", "jsonl", "-o", "url=https://example.org/a")
    assert [s.name for s in Workspace.open(b).sources] == ["agenda-b"]
    assert [s.name for s in Workspace.open(a).sources] == ["agenda-a"]


def test_commands_outside_a_workspace_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, "-w", tmp_path, "events")
    assert_one_line_error(result, "rrma.toml", "rrma init")


# --- rrma sources ------------------------------------------------------------------------------


def test_sources_add_reads_option_values_as_json(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(
        capsys, "-w", ws_dir, "sources", "add", "agenda-partenaire", "jsonl",
        "-o", "url=https://partenaire.example.org/agenda.jsonl", "-o", "model=Event",
        "-o", "snapshot=false",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "agenda-partenaire" in result.out
    config = tomllib.loads((ws_dir / "rrma.toml").read_text(encoding="utf-8"))
    assert config["sources"] == [
        {
            "name": "agenda-partenaire",
            "connector": "jsonl",
            "enabled": True,
            "url": "https://partenaire.example.org/agenda.jsonl",
            "model": "Event",
            "snapshot": False,  # JSON false, not the text "false"
        }
    ]


def test_sources_add_with_an_unknown_connector_names_it(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, "-w", ws_dir, "sources", "add", "agenda", "openagenda-v9", "-o", "url=x")
    assert_one_line_error(result, "'openagenda-v9'")
    assert "sources" not in tomllib.loads((ws_dir / "rrma.toml").read_text(encoding="utf-8"))


def test_sources_add_with_an_unknown_option_names_the_source_and_key(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(
        capsys, "-w", ws_dir, "sources", "add", "agenda", "jsonl",
        "-o", "url=https://example.org/a.jsonl", "-o", "couleur=vert",
    )  # fmt: skip
    assert_one_line_error(result, "'agenda'", "couleur")
    assert Workspace.open(ws_dir).sources == []


def test_sources_add_twice_and_malformed_option(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("-w", ws_dir, "sources", "add", "agenda", "jsonl")
    assert run(capsys, *args, "-o", "url=https://example.org/a.jsonl").code == 0
    assert_one_line_error(run(capsys, *args, "-o", "url=https://example.org/b"), "already exists")
    assert_one_line_error(
        run(capsys, "-w", ws_dir, "sources", "add", "autre", "jsonl", "-o", "url"), "KEY=VALUE"
    )


def test_sources_add_with_an_unknown_model_names_the_source_and_key(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(
        capsys, "-w", ws_dir, "sources", "add", "agenda", "jsonl",
        "-o", "url=https://example.org/a.jsonl", "-o", "model=Evenement",
    )  # fmt: skip
    assert_one_line_error(result, "'agenda'", "model", "'Evenement'")


def test_sources_list_and_remove(ws_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("agenda", "appels"):
        run(
            capsys, "-w", ws_dir, "sources", "add", name, "jsonl", "-o", "url=https://example.org/x"
        )
    table = run(capsys, "-w", ws_dir, "sources", "list")
    assert table.code == 0
    rows = table_rows(table.out)
    assert rows["agenda"][1:5] == ["jsonl", "yes", "never", ""]
    assert "appels" in rows

    removed = run(capsys, "-w", ws_dir, "sources", "remove", "agenda")
    assert removed.code == 0
    assert "agenda" in removed.out
    listed = run(capsys, "-w", ws_dir, "sources", "list", "--format", "json").json()
    assert [s["name"] for s in listed] == ["appels"]
    assert_one_line_error(
        run(capsys, "-w", ws_dir, "sources", "remove", "agenda"), "'agenda'", "appels"
    )


def test_sources_list_with_cli_runner_shows_the_last_status(synced: Path) -> None:
    result = CliRunner().invoke(cli, ["-w", str(synced), "sources", "list", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert set(rows) == {"agenda", "appels", "annuaire"}
    assert {row["last_status"] for row in rows.values()} == {"ok"}
    assert all(row["last_run"] for row in rows.values())
    assert rows["appels"]["options"]["model"] == "CallForProjects"


# --- rrma sync -----------------------------------------------------------------------------------


def test_sync_prints_a_summary_table_and_exits_0(
    ws_dir: Path, feeds: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_sources(capsys, ws_dir, feeds)
    result = run(capsys, "-w", ws_dir, "sync")
    assert result.code == 0, result.err
    rows = table_rows(result.out)
    header = ["source", "status", "fetched", "new", "updated", "unchanged", "withdrawn", "skipped"]
    assert all(word in result.out for word in header)
    assert rows["agenda"] == ["agenda", "ok", "5", "5", "0", "0", "0", "0"]
    assert rows["appels"] == ["appels", "ok", "4", "4", "0", "0", "0", "0"]
    assert rows["annuaire"] == ["annuaire", "ok", "3", "3", "0", "0", "0", "0"]

    again = run(capsys, "-w", ws_dir, "sync")
    assert again.code == 0
    assert table_rows(again.out)["agenda"][2:6] == ["5", "0", "0", "5"]


def test_sync_json_report(
    ws_dir: Path, feeds: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_sources(capsys, ws_dir, feeds)
    result = run(capsys, "-w", ws_dir, "sync", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert report["ok"] is True
    assert report["totals"]["new"] == len(EVENTS) + len(CALLS) + len(ACTORS)
    assert report["totals"]["failed"] == 0
    by_source = {s["source"]: s for s in report["sources"]}
    assert by_source["appels"]["connector"] == "jsonl"
    assert by_source["appels"]["new"] == len(CALLS)
    assert by_source["annuaire"]["error"] is None


def test_sync_with_a_failing_source_exits_1_after_the_others_ran(
    ws_dir: Path, feeds: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_sources(capsys, ws_dir, {"agenda": feeds["agenda"], "appels": feeds["disparu"],
                                 "annuaire": feeds["annuaire"]})  # fmt: skip
    result = run(capsys, "-w", ws_dir, "sync")
    assert result.code == 1, result.err
    rows = table_rows(result.out)
    assert rows["appels"][1] == "failed"
    assert rows["agenda"][1] == "ok"
    assert rows["agenda"][3] == "5"
    assert "failed appels" in result.out
    assert "404" in result.out

    events = run(capsys, "-w", ws_dir, "events", "--format", "json")
    assert sorted(ids(events)) == sorted(EVENT_TITLES)
    assert run(capsys, "-w", ws_dir, "actors", "--format", "json").json() != []

    as_json = run(capsys, "-w", ws_dir, "sync", "--json")
    assert as_json.code == 1
    report = as_json.json()
    assert report["ok"] is False
    assert report["totals"]["failed"] == 1
    listed = {s["name"]: s for s in run(capsys, "-w", ws_dir, "sources", "list", "--format",
                                          "json").json()}  # fmt: skip
    assert listed["appels"]["last_status"] == "failed"
    assert "404" in listed["appels"]["last_error"]
    assert listed["agenda"]["last_status"] == "ok"


def test_sync_one_source(
    ws_dir: Path, feeds: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_sources(capsys, ws_dir, feeds)
    result = run(capsys, "-w", ws_dir, "sync", "--source", "appels", "--json")
    assert result.code == 0, result.err
    assert [s["source"] for s in result.json()["sources"]] == ["appels"]
    assert len(run(capsys, "-w", ws_dir, "calls", "--format", "json").json()) == len(CALLS)
    assert run(capsys, "-w", ws_dir, "events", "--format", "json").json() == []


def test_sync_an_unknown_source_is_a_usage_error(
    ws_dir: Path, feeds: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_sources(capsys, ws_dir, feeds)
    result = run(capsys, "-w", ws_dir, "sync", "-s", "agenda", "-s", "agendaa")
    assert_one_line_error(result, "'agendaa'", "agenda, appels, annuaire")
    # nothing was synced, not even the source that exists
    assert run(capsys, "-w", ws_dir, "events", "--format", "json").json() == []


def test_sync_reports_skipped_items_and_keeps_the_valid_ones(
    ws_dir: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = {**EVENTS[1], "id": "festisol-2099-voiron", "venue": {"address": {"commune": "3856"}}}
    url = serve(httpserver, "/agenda.jsonl", [EVENTS[0], bad])
    run(capsys, "-w", ws_dir, "sources", "add", "agenda", "jsonl", "-o", f"url={url}")
    result = run(capsys, "-w", ws_dir, "sync", "--json")
    assert result.code == 0, result.err  # a skipped item is not a failed source
    (source,) = result.json()["sources"]
    assert (source["status"], source["new"]) == ("ok", 1)
    assert [s["item"] for s in source["skipped"]] == ["festisol-2099-voiron"]
    assert "commune" in source["skipped"][0]["reason"]
    assert ids(run(capsys, "-w", ws_dir, "events", "--format", "json")) == [EVENTS[0]["id"]]


def test_sync_prints_skip_reasons_with_brackets_as_they_are(
    ws_dir: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]
) -> None:
    # a URL pasted from a forum's BBCode: invalid, so the item is skipped with its value shown
    bbcode = "[URL=https://www.example.org/agenda]Inscription[/url]"
    url = serve(httpserver, "/agenda.jsonl", [EVENTS[0], {**EVENTS[1], "url": bbcode}])
    run(capsys, "-w", ws_dir, "sources", "add", "agenda", "jsonl", "-o", f"url={url}")
    result = run(capsys, "-w", ws_dir, "sync")
    assert result.code == 0
    assert "skipped agenda" in result.out
    assert bbcode in result.out


def test_a_broken_configuration_names_the_file_and_the_key(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = ws_dir / "rrma.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "[workspace]\n", '[workspace]\ncouleur = "bleu"\n'
        ),
        encoding="utf-8",
    )
    for command in (["sync"], ["sources", "list"], ["events"]):
        result = run(capsys, "-w", ws_dir, *command)
        assert_one_line_error(result, str(config), "[workspace] key 'couleur'", "unknown key")


def test_debug_raises_the_underlying_error(
    ws_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ConfigError, match="no source named 'nope'"):
        main(["--debug", "-w", str(ws_dir), "sync", "-s", "nope"])
    assert_one_line_error(run(capsys, "-w", ws_dir, "sync", "-s", "nope"), "'nope'")


# --- rrma events | calls | actors ---------------------------------------------------------------


def test_events_filters(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def events(*args: str) -> list[str]:
        return ids(run(capsys, "-w", synced, "events", "--format", "json", *args))

    everything = events()
    assert sorted(everything) == sorted(EVENT_TITLES)
    # soonest first
    assert everything[0] == "conference-2001-villeurbanne"
    assert everything[-1] == "atelier-2099-clermont"
    assert events("--departement", "69") == [
        "conference-2001-villeurbanne",
        "alimenterre-2099-lyon-01",
    ]
    assert events("--departement", "38", "--departement", "63") == [
        "festisol-2099-grenoble-01",
        "atelier-2099-clermont",
    ]
    assert events("--departement", "1") == ["cine-2099-bourg"]  # padded to 01
    assert events("--campaign", "alimenterre") == [
        "conference-2001-villeurbanne",
        "alimenterre-2099-lyon-01",
    ]
    assert events("--campaign", "alimenterre-2099") == ["alimenterre-2099-lyon-01"]
    assert events("--theme", "eau") == ["festisol-2099-grenoble-01", "atelier-2099-clermont"]
    assert "conference-2001-villeurbanne" not in events("--upcoming")
    assert len(events("--upcoming")) == len(EVENTS) - 1
    assert events("--upcoming", "--departement", "69") == ["alimenterre-2099-lyon-01"]
    assert events("--start", "2099-11-01", "--end", "2099-11-30") == ["festisol-2099-grenoble-01"]
    assert events("--limit", "2") == everything[:2]


ALL_DAY = [
    {
        "id": "journee-2099-grenoble",
        "title": "Journée des solidarités internationales",
        "occurrences": [{"start": f"{FUTURE}-11-21"}],  # a whole day
        "venue": {"name": "Palais des sports", "address": {"commune": "38185"}},
        "event_kind": "rencontre",
    },
    {
        "id": "soiree-2099-grenoble",
        "title": "Soirée d'ouverture",
        "occurrences": [{"start": f"{FUTURE}-11-20T18:30:00+01:00"}],
        "venue": {"name": "Palais des sports", "address": {"commune": "38185"}},
        "event_kind": "rencontre",
    },
]


@pytest.fixture
def all_day_dir(ws_dir: Path, httpserver: HTTPServer, capsys: pytest.CaptureFixture[str]) -> Path:
    url = serve(httpserver, "/journees.jsonl", ALL_DAY)
    run(capsys, "-w", ws_dir, "sources", "add", "journees", "jsonl", "-o", f"url={url}")
    report = run(capsys, "-w", ws_dir, "sync", "--json").json()
    assert report["totals"]["new"] == len(ALL_DAY), report
    return ws_dir


def test_events_start_and_end_days_are_inclusive(
    all_day_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def events(*args: str) -> list[str]:
        return ids(run(capsys, "-w", all_day_dir, "events", "--format", "json", *args))

    both = ["soiree-2099-grenoble", "journee-2099-grenoble"]
    assert events("--start", "2099-11-20", "--end", "2099-11-21") == both
    assert events("--start", "2099-11-21") == ["journee-2099-grenoble"]
    assert events("--end", "2099-11-21") == both
    assert events("--start", "2099-11-22") == []


def test_events_end_leaves_out_the_next_day(
    all_day_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = ids(run(capsys, "-w", all_day_dir, "events", "--format", "json", "--end", "2099-11-20"))
    assert found == ["soiree-2099-grenoble"]


def test_calls_filters(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def calls(*args: str) -> list[str]:
        return ids(run(capsys, "-w", synced, "calls", "--format", "json", *args))

    # closing soonest first
    assert calls() == [
        "aap-metropole-lyon-ecsi-2027",
        "aap-region-ara-csi-2027",
        "aap-afd-innov-ong-2027",
        "aap-isere-si-2027",
    ]
    # a date deadline is open all of that day (the Métropole's closed the day before)
    assert "aap-region-ara-csi-2027" in calls("--open-on", "2027-01-15")
    assert "aap-metropole-lyon-ecsi-2027" not in calls("--open-on", "2027-01-15")
    assert calls("--open-on", "2027-01-14") == [
        "aap-metropole-lyon-ecsi-2027",
        "aap-region-ara-csi-2027",
        "aap-isere-si-2027",
    ]
    assert calls("--open-on", "2027-01-16") == ["aap-afd-innov-ong-2027", "aap-isere-si-2027"]
    # case and accents ignored
    assert calls("--funder", "AGENCE FRANCAISE DE DEVELOPPEMENT (afd)") == [
        "aap-afd-innov-ong-2027"
    ]
    assert calls("--funder", "departement de l'isere") == ["aap-isere-si-2027"]
    assert calls("--theme", "eau") == ["aap-region-ara-csi-2027", "aap-isere-si-2027"]
    assert calls("--country", "sn") == ["aap-region-ara-csi-2027"]
    assert calls("--eligible", "local-authority") == ["aap-isere-si-2027"]


def test_calls_open_on_leaves_out_a_call_opening_the_next_day(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = ids(run(capsys, "-w", synced, "calls", "--format", "json", "--open-on", "2027-01-15"))
    assert found == ["aap-region-ara-csi-2027", "aap-isere-si-2027"]


def test_actors_filters(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def actors(*args: str) -> list[str]:
        return ids(run(capsys, "-w", synced, "actors", "--format", "json", *args))

    # by name
    assert actors() == [
        "annuaire-w381002233",
        "annuaire-w691004512",
        "annuaire-ville-villeurbanne",
    ]
    assert actors("--type", "association", "--country", "SN") == ["annuaire-w691004512"]
    assert actors("--country", "SN") == ["annuaire-w691004512", "annuaire-ville-villeurbanne"]
    assert actors("--type", "local-authority") == ["annuaire-ville-villeurbanne"]
    assert actors("--departement", "38") == ["annuaire-w381002233"]
    assert actors("--theme", "agriculture") == ["annuaire-w691004512"]


def test_actors_json_leaves_contacts_out_unless_asked(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("-w", synced, "actors", "--format", "json", "--departement", "69", "--type",
            "association")  # fmt: skip
    (without,) = run(capsys, *args).json()
    assert without["name"] == "Terre et Partage Rhône"
    assert without["contacts"] == []
    assert "marie.dupont" not in json.dumps(without)
    (with_contacts,) = run(capsys, *args, "--personal-data").json()
    assert [c["email"] for c in with_contacts["contacts"]] == ["marie.dupont@example.org"]
    assert with_contacts["contacts"][0]["name"] == "Marie Dupont"


def test_events_csv_neutralises_formulas(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "-w", synced, "events", "--format", "csv")
    assert result.code == 0, result.err
    header = result.out.splitlines()[0].split(",")
    assert header == ["id", "start", "title", "kind", "place", "departement", "campaign", "status"]
    rows = {row["id"]: row for row in result.csv()}
    assert set(rows) == set(EVENT_TITLES)
    assert rows["atelier-2099-clermont"]["title"] == "'" + EVENT_TITLES["atelier-2099-clermont"]
    assert not any(
        v.startswith(("=", "+", "-", "@")) for row in rows.values() for v in row.values()
    )
    lyon = rows["alimenterre-2099-lyon-01"]
    assert lyon["title"] == EVENT_TITLES["alimenterre-2099-lyon-01"]
    assert lyon["place"] == "Lyon"
    assert lyon["departement"] == "69"
    assert lyon["campaign"] == "alimenterre-2099"
    assert lyon["start"] == "2099-10-16 20:00"  # local time of the workspace


def test_calls_and_actors_csv(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls = run(capsys, "-w", synced, "calls", "--format", "csv", "--country", "SN")
    rows = calls.csv()
    assert [r["id"] for r in rows] == ["aap-region-ara-csi-2027"]
    assert rows[0]["deadline"] == "2027-01-15"
    assert rows[0]["funders"] == "Région Auvergne-Rhône-Alpes"
    assert rows[0]["themes"] == "agriculture, eau"
    actors = run(capsys, "-w", synced, "actors", "--format", "csv", "--country", "SN").csv()
    assert [(r["name"], r["type"], r["departement"]) for r in actors] == [
        ("Terre et Partage Rhône", "association", "69"),
        ("Ville de Villeurbanne", "local-authority", "69"),
    ]
    assert actors[0]["countries"] == "BF, SN"


def test_tables_show_the_titles(synced: Path, capsys: pytest.CaptureFixture[str]) -> None:
    actors = run(capsys, "-w", synced, "actors")
    assert actors.code == 0
    for name in ("Terre et Partage Rhône", "Isère Madagascar Solidarité", "Ville de Villeurbanne"):
        assert name in actors.out
    assert "3 records" in actors.err
    calls = run(capsys, "-w", synced, "calls", "--funder", "Métropole de Lyon")
    assert "Solidarité internationale" in calls.out
    assert "Métropole de Lyon" in calls.out
    events = run(capsys, "-w", synced, "events", "--departement", "38")
    assert "1 record\n" in events.err
    row = single_row(events.out)
    assert row["title"] == EVENT_TITLES["festisol-2099-grenoble-01"]
    assert row["place"] == "Grenoble"
    assert row["departement"] == "38"
    none = run(capsys, "-w", synced, "events", "--departement", "75")
    assert none.code == 0
    assert none.out == ""
    assert "No records match" in none.err


def test_tables_show_brackets_in_titles_as_they_are(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, "-w", synced, "events", "--departement", "01")
    assert result.code == 0
    assert single_row(result.out)["title"] == EVENT_TITLES["cine-2099-bourg"]


def test_simple_record_commands_list_nothing_yet(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "-w", synced, "trainings", "--format", "json").json() == []
    spaces = run(capsys, "-w", synced, "spaces", "--format", "csv")
    assert spaces.code == 0
    assert spaces.out == ""


def test_bad_filter_values_are_usage_errors(
    synced: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run(capsys, "-w", synced, "calls", "--open-on", "15/01/2027")
    assert result.code == 2
    assert "--open-on" in result.err
    assert "Traceback" not in result.err
    result = run(capsys, "-w", synced, "events", "--format", "xlsx")
    assert result.code == 2
    assert "xlsx" in result.err


# --- rrma plugins and plugin commands ------------------------------------------------------------

CONNECTOR_PLUGIN = """
from rrma_core import Event, hookimpl
from rrma_core.connectors import Connector, FetchContext, Options


class AgendaOptions(Options):
    url: str


class AgendaCommune(Connector[AgendaOptions]):
    name = "agenda-commune"
    record_type = Event
    Options = AgendaOptions

    def fetch(self, ctx: FetchContext):
        return iter(())


@hookimpl
def rrma_connectors():
    return [AgendaCommune]
"""

COMMAND_PLUGIN = """
import click

from rrma_core import hookimpl


@hookimpl
def rrma_cli_commands(cli):
    @cli.command("bilan-odd")
    @click.option("--odd", type=int, required=True)
    @click.pass_context
    def bilan_odd(ctx, odd):
        \"\"\"Count the events of one SDG.\"\"\"
        from rrma_core.cli._state import CliState

        ws = ctx.find_object(CliState).workspace()
        click.echo(f"{ws.name}: {len(ws.events(sdg=odd))} événement(s) ODD {odd}")
"""


def write_plugin(folder: Path, name: str, source: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")


def test_plugins_lists_installed_global_and_workspace_plugins(
    ws_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "plugins-reseau"
    write_plugin(extra, "agenda_commune", CONNECTOR_PLUGIN)
    write_plugin(ws_dir / "plugins", "bilan_odd", COMMAND_PLUGIN)

    outside = run(capsys, "-w", tmp_path / "nowhere", "plugins")
    assert outside.code == 0, outside.err
    described = {p["name"]: p for p in outside.json()}
    assert described["jsonl"]["connectors"] == ["jsonl"]
    assert "agenda_commune" not in described
    assert "bilan_odd" not in described

    result = run(capsys, "--plugins-dir", extra, "-w", ws_dir, "plugins")
    assert result.code == 0, result.err
    described = {p["name"]: p for p in result.json()}
    assert described["jsonl"]["origin"].startswith("entry point")
    assert described["agenda_commune"]["connectors"] == ["agenda-commune"]
    assert str(extra) in described["agenda_commune"]["origin"]
    assert described["bilan_odd"]["hooks"] == ["rrma_cli_commands"]
    assert str(ws_dir / "plugins") in described["bilan_odd"]["origin"]


def test_a_global_plugins_dir_connector_can_be_used_by_a_source(
    ws_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = tmp_path / "plugins-reseau"
    write_plugin(extra, "agenda_commune", CONNECTOR_PLUGIN)
    args = ("-w", ws_dir, "sources", "add", "mairie", "agenda-commune", "-o", "url=https://x.fr")
    assert_one_line_error(run(capsys, *args), "'agenda-commune'")
    assert run(capsys, "--plugins-dir", extra, *args).code == 0
    assert [s.connector for s in Workspace.open(ws_dir).sources] == ["agenda-commune"]


def test_a_plugin_command_runs_in_the_workspace(
    synced: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a copy of the synced workspace with the plugin in its own plugins/ folder
    root = tmp_path / "copie"
    root.mkdir()
    for name in ("rrma.toml", "rrma.db"):
        (root / name).write_bytes((synced / name).read_bytes())
    write_plugin(root / "plugins", "bilan_odd", COMMAND_PLUGIN)

    result = run(capsys, "-w", root, "bilan-odd", "--odd", "2")
    assert result.code == 0, result.err
    assert result.out.strip() == "Réseau Test: 1 événement(s) ODD 2"
    result = run(capsys, "-w", root, "bilan-odd", "--odd", "6")
    assert result.out.strip() == "Réseau Test: 1 événement(s) ODD 6"
    assert run(capsys, "-w", root, "bilan-odd").code == 2  # --odd is required


def test_a_plugin_command_does_not_leak_to_another_workspace(
    synced: Path, ws_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "copie"
    root.mkdir()
    for name in ("rrma.toml", "rrma.db"):
        (root / name).write_bytes((synced / name).read_bytes())
    write_plugin(root / "plugins", "bilan_odd", COMMAND_PLUGIN)
    assert run(capsys, "-w", root, "bilan-odd", "--odd", "2").code == 0
    # ws_dir has no such plugin: the command must not exist there
    result = run(capsys, "-w", ws_dir, "bilan-odd", "--odd", "2")
    assert result.code == 2
    assert "No such command" in result.err


def test_unknown_command_is_a_usage_error(ws_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run(capsys, "-w", ws_dir, "evenements")
    assert result.code == 2
    assert "evenements" in result.err
    assert "Traceback" not in result.err


# --- rrma demo ------------------------------------------------------------------------------------


def _counts(root: Path) -> dict[str, int]:
    with Workspace.open(root) as ws:
        return {
            "events": len(ws.events()),
            "calls": len(ws.calls()),
            "actors": len(ws.actors()),
            "trainings": len(ws.trainings()),
            "resources": len(ws.resources()),
        }


def test_demo_creates_syncs_and_refreshes_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "demo"
    first = run(capsys, "demo", root)
    assert first.code == 0, first.err
    assert "Created the demo workspace" in first.out
    assert "Upcoming events" in first.out
    rows = table_rows(first.out)
    demo_sources = [source.name for source in DEMO_SOURCES]
    assert {"demo-agenda", "demo-appels", "demo-annuaire", "demo-openagenda"} <= set(demo_sources)
    for name in demo_sources:
        assert rows[name][1] == "ok", rows[name]
        assert int(rows[name][3]) > 0  # new records
    counts = _counts(root)
    assert all(n > 0 for n in counts.values()), counts
    # The JSON Lines agenda and OpenAgenda both bring events (other sources may add more).
    assert counts["events"] >= int(rows["demo-agenda"][3]) + int(rows["demo-openagenda"][3])

    second = run(capsys, "demo", root)
    assert second.code == 0, second.err
    assert "Created the demo workspace" not in second.out
    assert "Upcoming events" in second.out
    for name, cells in table_rows(second.out).items():
        if name in demo_sources:
            assert cells[3] == "0", cells  # nothing new
            assert cells[5] == cells[2], cells  # every fetched record unchanged
    assert _counts(root) == counts
    with Workspace.open(root) as ws:
        assert sorted(s.name for s in ws.sources) == sorted(demo_sources)
