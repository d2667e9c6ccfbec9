"""The baromètre on the hand-counted network of ``tests/test_indicators.py``, on SQLite and
PostgreSQL: its key figures and tables, in French and English, self-contained and valid.

The expected numbers are those counted by hand in ``tests/test_indicators.py`` (each with the
records it comes from); the changes are worked out here from them.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from rrma_core import Actor, CallForProjects, Workspace
from rrma_core.errors import ConfigError
from rrma_core.report import barometre, write_report
from rrma_core.report._texts import date_text

from ._html import Node, key_figures, parse
from .conftest import NOW

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def pages(network: Workspace) -> dict[str, Node]:
    """The baromètre 2026 in French and English, and its French HTML text."""
    html = barometre(network, year=2026, now=NOW)
    return {
        "html": html,  # type: ignore[dict-item]
        "fr": parse(html),
        "en": parse(barometre(network, year=2026, lang="en", now=NOW)),
    }


def table(page: Node, chart: str) -> list[list[str]]:
    return page.find("div", "chart-block", id=chart).find("table").rows()


def test_key_figures_with_the_change_from_the_year_before(pages: dict[str, Node]) -> None:
    assert key_figures(pages["fr"]) == [
        # The 12 actors were stored in January 2026: the directory of 2025 was empty.
        ("12", "acteurs dans l'annuaire", None),
        # 13 events in 2026 (E1-E10, E12, E13, E16; E11 is cancelled); E14 and E15 in 2025.
        ("13", "événements", "+11 (+550 %) par rapport à 2025"),
        # 15 dates in 2026 (E3 and E7 have two each); 2 in 2025.
        ("15", "dates d'événements", "+13 (+650 %) par rapport à 2025"),
        # C1-C6 and C8 open in 2026; only C7 in 2025.
        ("7", "appels à projets ouverts", "+6 (+600 %) par rapport à 2025"),
        # T1: 2 sessions, T2: 1, T3: 2 of 3 (its first was in November 2025).
        ("5", "sessions de formation", "+4 (+400 %) par rapport à 2025"),
        # 15 + 4 + 11 attended in 2026; 8 at T3's 2025 session.
        ("30", "participants aux formations", "+22 (+275 %) par rapport à 2025"),
        # Both spaces had members in 2025 too.
        ("2", "espaces multi-acteurs", "autant qu'en 2025"),
        # 3 + 2 meetings in 2026; 1 (20 November) in 2025.
        ("5", "réunions d'espaces multi-acteurs", "+4 (+400 %) par rapport à 2025"),
    ]


def test_events_by_kind_compared_with_2025(pages: dict[str, Node]) -> None:
    rows = table(pages["fr"], "events-by_kind")
    assert rows[0] == ["Libellé", "2026", "2025", "Évolution"]
    assert rows[1:] == [
        ["Projection-débat", "4", "1", "+3 (+300 %)"],  # E1, E2, E3, E12; E14 in 2025
        ["Conférence", "2", "0", "+2"],  # E6, E10
        ["Rencontre", "2", "0", "+2"],  # E13, E16
        ["Marché des solidarités", "1", "1", "="],  # E5; E15 in 2025
        ["Agora", "1", "0", "+1"],
        ["Animation scolaire", "1", "0", "+1"],
        ["Atelier", "1", "0", "+1"],
        ["Rencontres de l'ECSI", "1", "0", "+1"],
    ]


def test_events_by_month_in_the_order_of_the_year(pages: dict[str, Node]) -> None:
    rows = table(pages["fr"], "events-by_month")
    assert rows[1:] == [
        ["janvier", "1", "0", "+1"],  # E16 (New Year's Eve in UTC, 1 January in Paris)
        ["février", "1", "0", "+1"],
        ["mars", "1", "0", "+1"],
        ["juin", "1", "0", "+1"],
        ["octobre", "3", "1", "+2 (+200 %)"],  # E1, E3, E12; E14 in October 2025
        ["novembre", "7", "1", "+6 (+600 %)"],  # E15 in November 2025
    ]
    notes = [p.text() for p in pages["fr"].find("div", id="events-by_month").find_all("p")]
    assert "Nombre d'éléments distincts comptés : 13." in notes  # E3 counts in two months


def test_actors_without_a_previous_year_and_calls_with_their_totals_rule(
    pages: dict[str, Node],
) -> None:
    rows = table(pages["fr"], "actors-by_type")
    assert rows[0] == ["Libellé", "Nombre"]  # nothing to compare with
    assert dict(rows[1:]) == {
        "Association": "5",  # A1, A5, A7, A11, A12
        "Collectivité territoriale": "1",
        "Entreprise de l'économie sociale et solidaire": "1",
        "Fondation": "1",
        "Organisation de solidarité internationale issue des migrations (OSIM)": "1",
        "Réseau": "1",
        "Université, établissement d'enseignement supérieur ou de recherche": "1",
        "Établissement scolaire": "1",
    }
    departements = {row[0]: row[1] for row in table(pages["fr"], "actors-by_departement")[1:]}
    assert departements == {
        "Rhône": "4",
        "Isère": "2",
        "Loiret": "2",
        "Indre-et-Loire": "1",
        "Loire": "1",
        "Puy-de-Dôme": "1",
        "Non renseigné": "1",
    }
    funders = table(pages["fr"], "calls-by_funder")
    assert funders[1] == ["Région Auvergne-Rhône-Alpes", "2", "0", "+2"]  # C1, C4
    assert ["AFD", "1", "1", "="] in funders  # C3 in 2026, C7 in 2025
    block = pages["fr"].find("div", id="calls-by_funder")
    assert "Nombre d'éléments distincts comptés : 7." in [p.text() for p in block.find_all("p")]


def test_trainings_and_spaces_tables_of_every_measure(pages: dict[str, Node]) -> None:
    rows = table(pages["fr"], "trainings-by_format")
    assert rows[0] == [
        "Libellé", "Formations", "Sessions", "Heures de formation", "Inscrits", "Participants",
        "Taux de remplissage", "Satisfaction",
    ]  # fmt: skip
    assert sorted(rows[1:]) == [
        # T3 in 2026: 2 sessions of 3 (20 of 30 hours), 7 of 10 places, rated 4.4.
        ["Cycle court", "1", "2", "14 h", "18", "15", "75 %", "4,3/5"],  # 47/11
        ["Cycle long", "1", "2", "20 h", "12", "11", "70 %", "4,4/5"],
        ["Module spécialisé", "1", "1", "6 h", "6", "4", "40 %", "4/5"],
    ]
    spaces = table(pages["fr"], "spaces-by_kind")
    assert sorted(spaces[1:]) == [
        ["Géographique", "1", "4", "3", "25", "12,5"],
        ["Thématique", "1", "4", "2", "36", "18"],
    ]


def test_sources_and_dates(pages: dict[str, Node]) -> None:
    sources = pages["fr"].find("section", id="sources").find("table").rows()
    # Every record was entered by hand (or imported): 12 + 16 + 8 + 3 + 2.
    assert sources[1:] == [["Saisie manuelle", "—", "41", "–"]]
    footer = pages["fr"].find("footer").text()
    today = date_text(date.today(), "fr")  # the records were stored today
    assert f"Données à jour au {today}." in footer
    assert "Rapport généré le 1er décembre 2026" in footer
    assert pages["fr"].find("h1").text() == "Baromètre 2026"


def test_the_page_is_self_contained(pages: dict[str, Node]) -> None:
    page = pages["fr"]
    assert not page.find_all("script")
    assert not page.find_all("link")
    images = page.find_all("img")
    # 6 charts of actors (the tile map too), 4 of events, 3 of calls, 2 + 2 of trainings and
    # spaces; no point map: the fixture's places have no coordinates.
    assert len(images) == 17
    assert page.find("section", id="map").find("p", "empty")
    for img in images:
        src = img.attrs["src"] or ""
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG)
        assert img.attrs["alt"]
    for node in page.find_all():
        for name in ("src", "href"):
            value = node.attrs.get(name) or ""
            assert not re.match(r"(?i)\s*(https?:)?//", value), value
    assert "@import" not in pages["html"]
    assert "url(" not in str(pages["html"])


def test_english(pages: dict[str, Node]) -> None:
    page = pages["en"]
    assert page.find("html").attrs["lang"] == "en"
    assert page.find("h1").text() == "Barometer 2026"
    assert key_figures(page)[1] == ("13", "events", "+11 (+550%) compared with 2025")
    assert key_figures(page)[6] == ("2", "multi-actor spaces", "as many as in 2025")
    rows = table(page, "events-by_kind")
    assert rows[0] == ["Label", "2026", "2025", "Change"]
    assert rows[1] == ["Film screening and debate", "4", "1", "+3 (+300%)"]
    trainings = table(page, "trainings-by_format")
    assert trainings[0][:3] == ["Label", "Trainings", "Sessions"]
    assert ["Short cycle", "1", "2", "14 h", "18", "15", "75%", "4.3/5"] in trainings
    assert [s.find("h2").text() for s in page.find_all("section")][:3] == [
        "Key figures",
        "Map of actors and events",
        "Actors",
    ]
    assert pages["fr"].find("html").attrs["lang"] == "fr"


def test_a_region_counts_only_its_records(network: Workspace) -> None:
    page = parse(barometre(network, year=2026, region="24", now=NOW))
    figures = {label: value for value, label, _ in key_figures(page)}
    assert figures["acteurs dans l'annuaire"] == "3"  # A10, A11, A12
    assert figures["événements"] == "2"  # E12 (Orléans), E13 (Tours)
    assert "Centre-Val de Loire" in page.find("header").text()
    with pytest.raises(ConfigError, match="unknown région code '99'"):
        barometre(network, year=2026, region="99")
    with pytest.raises(ConfigError, match="year 1800 is out of range"):
        barometre(network, year=1800)
    with pytest.raises(ConfigError, match=r"unknown language 'de': texts are in French or English"):
        barometre(network, year=2026, lang="de")


def test_an_empty_workspace_says_there_is_no_data(fresh: Workspace) -> None:
    page = parse(barometre(fresh, year=2026, now=NOW))
    alert = page.find("p", "alert").text()
    assert alert.startswith("La base ne contient encore aucune donnée pour 2026")
    assert [value for value, _, _ in key_figures(page)] == ["0"] * 8
    assert not page.find_all("img")
    for section in ("map", "actors", "events", "calls", "trainings", "spaces"):
        empty = page.find("section", id=section).find("p", "empty")
        assert empty.text() == "Aucune donnée pour cette période."
    assert "Données à jour" not in page.find("footer").text()  # nothing was ever stored


def test_text_from_sources_is_escaped_and_personal_data_left_out(fresh: Workspace) -> None:
    fresh.add(
        CallForProjects(
            title="Appel",
            funders=[{"name": "<script>alert('x')</script> & Cie"}],
            published_on="2026-03-01",
            deadline="2026-04-30",
        )
    )
    fresh.add(
        Actor(
            name="Les Amis du Sahel",
            actor_type="association",
            head_office={"address": {"commune": "69123"}},
            contacts=[{"name": "Paul Martin", "email": "paul.martin@example.org"}],
        )
    )
    html = barometre(fresh, year=2026, now=NOW)
    page = parse(html)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Cie" in html
    assert table(page, "calls-by_funder")[1][0] == "<script>alert('x')</script> & Cie"
    assert "Paul Martin" not in html
    assert "paul.martin" not in html


def test_a_synced_source_with_its_records_and_last_sync(
    fresh: Workspace, httpserver: HTTPServer, tmp_path: Path
) -> None:
    lines = [
        '{"id": "a1", "name": "Eau Vive Isère", "actor_type": "association", '
        '"head_office": {"address": {"commune": "38185"}}}',
        '{"id": "a2", "name": "Lycée Ampère", "actor_type": "school"}',
    ]
    httpserver.expect_request("/annuaire.jsonl").respond_with_data(
        "\n".join(lines), content_type="application/x-ndjson"
    )
    fresh.add_source("annuaire", "jsonl", url=httpserver.url_for("/annuaire.jsonl"), model="Actor")
    assert fresh.sync().ok
    fresh.add(Actor(name="Saisie à la main", actor_type="network"))
    path = write_report(fresh, tmp_path / "b.html", year=date.today().year, now=NOW)
    page = parse(path.read_text(encoding="utf-8"))
    today = date_text(date.today(), "fr")
    assert page.find("section", id="sources").find("table").rows()[1:] == [
        ["annuaire", "jsonl", "2", today],
        ["Saisie manuelle", "—", "1", "–"],
    ]
    figures: dict[str, Any] = {label: value for value, label, _ in key_figures(page)}
    assert figures["acteurs dans l'annuaire"] == "3"


def test_progress_is_reported_step_by_step(network: Workspace) -> None:
    steps: list[tuple[str, int, int]] = []
    barometre(network, year=2026, now=NOW, progress=lambda *step: steps.append(step))
    # The key figures, the point map, the 17 indicators of the sections, the sources.
    assert [done for _, done, _ in steps] == list(range(1, 21))
    assert {total for _, _, total in steps} == {20}
    assert [what for what, _, _ in steps][:3] == ["key figures", "map", "actors.by_type"]
    assert steps[-1][0] == "sources"
