"""Indicators: the plugin hook, the command line, continents, time zones, pandas, the docs page.

The figures of the built-in indicators are tested in ``test_indicators.py``; this module tests
what surrounds them, on small workspaces of its own (real SQLite files; PostgreSQL too for the
time-zone buckets, when ``RRMA_TEST_POSTGRES_URL`` names a server).
"""

from __future__ import annotations

import doctest
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from rrma_core import Actor, Event, Workspace, hookimpl
from rrma_core.cli import cli
from rrma_core.cli._indicators import indicators_command
from rrma_core.errors import ConfigError, PluginError, RrmaError
from rrma_core.indicators import (
    CONTINENT_OF,
    CONTINENTS,
    Indicator,
    Scope,
    compare_periods,
    compute,
    continent_label,
    continent_of,
    indicators,
    store_observations,
)
from rrma_core.vocabularies import get_vocabulary

ROOT = Path(__file__).resolve().parents[1]


def workspace(root: Path, region: str = "84", database: str | None = None) -> Workspace:
    Workspace.init(root, name="Réseau de test", region=region).close()
    return Workspace.open(root, database=database)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A workspace of région 84 with five actors, three of them members of the network."""
    workspace_ = workspace(tmp_path / "reseau")
    resacoop = [{"name": "RESACOOP"}]
    for name, kind, commune, memberships in (
        ("Les Amis du Sahel", "association", "69123", resacoop),
        ("Eau Vive Isère", "association", "38185", resacoop),
        ("Ville de Villeurbanne", "local-authority", "69266", resacoop),
        ("Lycée Ampère", "school", "69123", []),
        ("Centraider", "network", "45234", resacoop),  # Centre-Val de Loire
    ):
        workspace_.add(
            Actor(
                name=name,
                actor_type=kind,
                head_office={"address": {"commune": commune}},
                memberships=memberships,
            )
        )
    yield workspace_
    workspace_.close()


# --- the rrma_indicators hook ----------------------------------------------------------------


class Members(Indicator):
    """Actors that are members of RESACOOP, by type (computed in Python)."""

    key = "resacoop.members"
    labels = {"fr": "Adhérents par type", "en": "Members by type"}  # noqa: RUF012
    dimensions = ("actor_type",)
    method = "Actors naming RESACOOP among their memberships."

    def rows(self, scope: Scope) -> list[dict[str, Any]]:
        counts = Counter(
            actor.actor_type.value
            for actor in scope.ws.actors(region=scope.region)
            if any(m.name == "RESACOOP" for m in actor.memberships)
        )
        return [{"actor_type": kind, "value": n} for kind, n in counts.items()]


class MembersPlugin:
    @hookimpl
    def rrma_indicators(self) -> list[type[Indicator]]:
        return [Members]


def test_hook_rrma_indicators_adds_an_indicator_that_computes_and_stores(ws: Workspace) -> None:
    assert "resacoop.members" not in indicators(ws)
    ws.plugins.register(MembersPlugin(), "resacoop")
    registry = indicators(ws)
    assert list(registry)[-1] == "resacoop.members"  # after the built-in ones
    assert registry["resacoop.members"] is Members

    df = compute(ws, "resacoop.members")
    assert dict(zip(df["actor_type"], df["value"], strict=True)) == {
        "association": 2,
        "local-authority": 1,
        "network": 1,
    }
    assert list(df["label"]) == ["Association", "Collectivité territoriale", "Réseau"]
    assert df.attrs["method"] == "Actors naming RESACOOP among their memberships."
    regional = compute(ws, "resacoop.members", region="84")
    assert dict(zip(regional["actor_type"], regional["value"], strict=True)) == {
        "association": 2,
        "local-authority": 1,
    }
    result = store_observations(ws, compute(ws, "resacoop.members", period=2026))
    assert result.new == 3
    stored = {
        o.dimensions["actor_type"]: o.value for o in ws.observations(indicator="resacoop.members")
    }
    assert stored == {"association": 2, "local-authority": 1, "network": 1}


def test_hook_rrma_indicators_refuses_taken_keys_and_non_indicators(ws: Workspace) -> None:
    class Clash(Indicator):
        key = "actors.by_type"

    class Again(Indicator):
        key = "resacoop.members"

    def plugin(*classes: Any) -> Any:
        class Plugin:
            @hookimpl
            def rrma_indicators(self) -> list[Any]:
                return list(classes)

        return Plugin()

    ws.plugins.register(plugin(Clash), "clash")
    with pytest.raises(
        PluginError,
        match=r"plugin 'clash' \(object\) provides an indicator named 'actors.by_type'.*built in",
    ):
        indicators(ws)
    ws.plugins.pm.unregister(name="clash")
    ws.plugins.register(MembersPlugin(), "resacoop")
    ws.plugins.register(plugin(Again), "copycat")
    with pytest.raises(
        PluginError, match=r"indicator named 'resacoop.members': 'resacoop' .* 'copycat'"
    ):
        indicators(ws)
    ws.plugins.pm.unregister(name="copycat")
    ws.plugins.register(plugin(object), "odd")
    with pytest.raises(
        PluginError, match=r"plugin 'odd'.*not a subclass of rrma_core.indicators.Indicator"
    ):
        indicators(ws)


def test_the_guide_example_plugin_computes(ws: Workspace, tmp_path: Path) -> None:
    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(# plugins/indicateur_adherents\.py\n.*?)```", guide, re.S)
    assert code is not None
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "indicateur_adherents.py").write_text(code[1], encoding="utf-8")
    with Workspace.open(ws.root, plugins_dirs=[folder], strict_plugins=True) as again:
        df = compute(again, "reseau.adherents")
        assert dict(zip(df["actor_type"], df["value"], strict=True)) == {
            "association": 2,
            "local-authority": 1,
            "network": 1,
        }


# --- continents --------------------------------------------------------------------------------


def test_every_country_has_a_continent() -> None:
    countries = set(get_vocabulary("countries").codes())
    assert set(CONTINENT_OF) == countries
    assert set(CONTINENT_OF.values()) == set(CONTINENTS)
    assert Counter(CONTINENT_OF.values()) == {
        "africa": 60,
        "americas": 57,
        "asia": 51,
        "europe": 51,
        "oceania": 29,
        "antarctica": 1,
    }
    assert [continent_label(c, "fr") for c in CONTINENTS] == [
        "Afrique",
        "Amériques",
        "Asie",
        "Europe",
        "Océanie",
        "Antarctique",
    ]
    assert continent_label("asia", "en") == "Asia"


@pytest.mark.parametrize(
    ("country", "continent"),
    [
        ("SN", "africa"),
        ("RE", "africa"),  # La Réunion: Eastern Africa in M49
        ("YT", "africa"),
        ("GF", "americas"),  # French Guiana
        ("GP", "americas"),
        ("HT", "americas"),
        ("TR", "asia"),  # Western Asia in M49
        ("CY", "asia"),
        ("RU", "europe"),
        ("NC", "oceania"),
        ("PF", "oceania"),
        ("AQ", "antarctica"),
    ],
)
def test_continent_of(country: str, continent: str) -> None:
    assert continent_of(country) == continent
    assert continent_of(country.lower()) == continent


def test_continent_of_an_unknown_code() -> None:
    assert continent_of("XK") is None
    assert continent_label("atlantis") == "atlantis"


# --- months in the workspace's time zone, on both databases -------------------------------------


def _events(ws: Workspace, starts: list[str]) -> None:
    for number, start in enumerate(starts):
        ws.add(
            Event(id=f"event-{number}", title={"fr": f"E{number}"}, occurrences=[{"start": start}])
        )


def test_months_follow_daylight_saving_time_in_paris(tmp_path: Path, database: str | None) -> None:
    with workspace(tmp_path / "reseau", "84", database) as ws:
        _events(
            ws,
            [
                "2026-03-29T00:30:00+00:00",  # 01:30 in Paris, just before summer time: March
                "2026-03-31T22:30:00+00:00",  # 00:30 on 1 April in summer time: April
                "2026-05-31T22:30:00+00:00",  # June
                "2026-06-30T21:59:00+00:00",  # 23:59 on 30 June: June
                "2026-06-30T22:00:00+00:00",  # midnight starting July: July
                "2026-10-25T00:30:00+00:00",  # 02:30, summer time ends at 03:00: October
            ],
        )
        for period in (2026, None):
            df = compute(ws, "events.occurrences_by_month", period=period)
            assert dict(zip(df["month"], df["value"], strict=True)) == {
                "2026-03": 1,
                "2026-04": 1,
                "2026-06": 2,
                "2026-07": 1,
                "2026-10": 1,
            }


def test_months_are_the_workspace_time_zone_s(tmp_path: Path, database: str | None) -> None:
    # La Réunion (région 04) is four hours ahead of UTC all year.
    with workspace(tmp_path / "reunion", "04", database) as ws:
        assert ws.timezone.key == "Indian/Reunion"
        _events(ws, ["2026-10-31T20:30:00+00:00", "2026-10-31T19:30:00+00:00"])
        df = compute(ws, "events.by_month", period=2026)
        assert dict(zip(df["month"], df["value"], strict=True)) == {"2026-10": 1, "2026-11": 1}
        # The year is La Réunion's too: 31 December 2025 21:00 UTC is New Year's Day there.
        ws.add(
            Event(
                id="event-ny",
                title={"fr": "Nouvel an"},
                occurrences=[{"start": "2025-12-31T21:00:00+00:00"}],
            )
        )
        assert compute(ws, "events.by_month", period=2025).empty
        assert compute(ws, "events.by_month", period=2026).iloc[0]["month"] == "2026-01"


# --- pandas is optional ---------------------------------------------------------------------------


def test_without_pandas_the_error_says_how_to_install_it(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(RrmaError, match=r"pip install 'rrma-core\[pandas\]'"):
        compute(ws, "actors.by_type")
    # Listing and describing indicators needs no pandas.
    assert indicators(ws)["actors.by_type"].describe("en")["label"] == "Actors by type"


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture
def rrma() -> Iterator[Any]:
    """Run ``rrma ...`` with the indicators command (wired in by ``cli/__init__.py``)."""
    added = "indicators" not in cli.commands
    if added:
        cli.add_command(indicators_command)

    def run(*args: str) -> Any:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    yield run
    if added:
        cli.commands.pop("indicators", None)


def test_cli_lists_the_indicators(rrma: Any, ws: Workspace) -> None:
    result = rrma("-w", str(ws.root), "indicators", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [i["key"] for i in listed][:3] == [
        "actors.by_type",
        "actors.by_departement",
        "actors.by_region",
    ]
    by_key = {i["key"]: i for i in listed}
    assert by_key["actors.by_country"]["computed_in"] == "sql"
    assert by_key["trainings.by_format"]["computed_in"] == "python"
    assert "acteur compte" in by_key["actors.by_country"]["note"]
    table = rrma("-w", str(ws.root), "indicators", "--lang", "en")
    assert "actors.by_continent" in table.stdout
    assert "Actors by type" in table.stdout


def test_cli_computes_an_indicator_as_json_csv_and_table(rrma: Any, ws: Workspace) -> None:
    result = rrma("-w", str(ws.root), "indicators", "actors.by_region", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["indicator"] == "actors.by_region"
    assert data["period"] is None
    assert data["rows"] == [
        {"region": "84", "label": "Auvergne-Rhône-Alpes", "value": 4},
        {"region": "24", "label": "Centre-Val de Loire", "value": 1},
    ]
    csv = rrma(
        "-w", str(ws.root), "indicators", "actors.by_type", "--region", "84", "--format", "csv"
    )
    assert csv.stdout.splitlines() == [
        "actor_type,label,value",
        "association,Association,2",
        "local-authority,Collectivité territoriale,1",
        "school,Établissement scolaire,1",
    ]
    table = rrma("-w", str(ws.root), "indicators", "actors.by_sdg")
    assert table.exit_code == 0
    assert "Non renseigné" in table.stdout
    assert "Note: Un acteur compte une fois pour chaque ODD" in table.stderr
    assert "Total counted (each once): 5" in table.stderr


def test_cli_store_saves_observations(rrma: Any, ws: Workspace) -> None:
    result = rrma("-w", str(ws.root), "indicators", "actors.by_type", "--year", "2026", "--store")
    assert result.exit_code == 0, result.output
    assert "Stored 4 observations of actors.by_type: 4 new, 0 updated" in result.stderr
    stored = {
        o.dimensions["actor_type"]: o.value for o in ws.observations(indicator="actors.by_type")
    }
    assert stored == {"association": 2, "local-authority": 1, "school": 1, "network": 1}
    again = rrma("-w", str(ws.root), "indicators", "actors.by_type", "--year", "2026", "--store")
    assert "0 new, 0 updated, 4 unchanged, 0 withdrawn" in again.stderr


def test_cli_compares_years_and_the_region(rrma: Any, ws: Workspace) -> None:
    yoy = rrma(
        "-w", str(ws.root), "indicators", "actors.by_type", "--year", "2026", "--compare-to",
        "2025", "--format", "json",
    )  # fmt: skip
    assert yoy.exit_code == 0, yoy.output
    data = json.loads(yoy.stdout)
    assert data["period_a"] == {"start": "2025-01-01", "end": "2025-12-31"}
    # The actors were stored this year: none were in the directory at the end of 2025.
    rows = {r["actor_type"]: r for r in data["rows"]}
    assert (rows["association"]["value_a"], rows["association"]["value_b"]) == (0, 2)
    national = rrma(
        "-w", str(ws.root), "indicators", "actors.by_type", "--national", "--format", "csv"
    )
    assert national.exit_code == 0, national.output
    lines = national.stdout.splitlines()
    assert lines[0] == "actor_type,label,value_region,value_national,share_pct"
    # Both associations are in région 84; Centraider, the network, is in Centre-Val de Loire.
    assert "association,Association,2,2,100" in lines
    assert "network,Réseau,0,1,0" in lines


def test_cli_errors(rrma: Any, ws: Workspace, tmp_path: Path) -> None:
    def fails(*args: str) -> str:
        result = CliRunner().invoke(cli, ["-w", str(ws.root), "indicators", *args])
        assert result.exit_code != 0
        return str(result.output) + str(result.exception or "")

    assert "--store needs a period" in fails("actors.by_type", "--store")
    assert "--compare-to needs --year" in fails("actors.by_type", "--compare-to", "2025")
    assert "not both" in fails("actors.by_type", "--year", "2026", "--start", "2026-01-01")
    assert "no indicator named 'actors'" in fails("actors")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["-w", str(empty), "indicators", "actors.by_type"])
    assert "no rrma.toml" in str(result.exception)
    # Without a workspace, the built-in indicators are still listed.
    listed = CliRunner().invoke(cli, ["-w", str(empty), "indicators", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert len(json.loads(listed.stdout)) == 19


def test_compare_periods_on_a_plugin_indicator(ws: Workspace) -> None:
    ws.plugins.register(MembersPlugin(), "resacoop")
    df = compare_periods(ws, "resacoop.members", 2025, date.today().year)
    assert set(df.columns) == {"actor_type", "label", "value_a", "value_b", "change", "change_pct"}


# --- the documentation page ----------------------------------------------------------------------


def test_the_indicators_page_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page's ``pycon`` and ``python`` blocks run in order in an empty folder, as the
    documentation tests run the guides'."""
    monkeypatch.chdir(tmp_path)
    page = ROOT / "docs" / "indicators.md"
    text_ = page.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {"__name__": "docs.indicators"}
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    ran = 0
    for language, code in re.findall(r"^```(\w+)\n(.*?)^```", text_, flags=re.S | re.M):
        if language not in {"python", "pycon"}:
            continue
        ran += 1
        if code.lstrip().startswith(">>>"):
            test = parser.get_doctest(code, namespace, "indicators.md", str(page), 0)
            report: list[str] = []
            result = runner.run(test, out=report.append, clear_globs=False)
            namespace.update(test.globs)
            assert result.failed == 0, "".join(report)
        else:
            exec(compile(code, str(page), "exec"), namespace)
    assert ran >= 3


def test_the_indicators_page_documents_every_builtin_indicator() -> None:
    page = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for key, cls in indicators().items():
        assert f"`{key}`" in page, key
        row = next(line for line in page.splitlines() if line.startswith(f"| `{key}`"))
        assert cls.computed_in.upper() in row.upper(), key


def test_an_indicator_in_an_unknown_language_is_refused(tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", name="Réseau", region="84")
    try:
        assert compute(ws, "actors.by_type", lang="en").attrs["lang"] == "en"
        with pytest.raises(ConfigError, match=r"unknown language 'de'"):
            compute(ws, "actors.by_type", lang="de")
    finally:
        ws.close()
