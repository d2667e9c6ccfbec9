"""The campaign report of a small hand-made Festival ALIMENTERRE, 2026 against 2025, on SQLite
and PostgreSQL.

2026 (``alimenterre-2026``), in Auvergne-Rhône-Alpes:

- n1: projection-debat in Lyon (69123), by Terre et Partage; film: Nourrir la ville
- n2: projection-debat in Villeurbanne (69266), by Terre et Partage; film: Nourrir la ville
- n3: workshop in Saint-Étienne (42218), by Ciné Loire; animation: Atelier cuisine
- n4: projection-debat in Grenoble (38185), by "Collectif <b>Isère</b>" (a name only, new);
  film: Les Déracinés
- n5: projection-debat in Clermont-Ferrand (63113), by Ciné Loire: cancelled, not counted

2025 (``alimenterre-2025``): p1 projection-debat in Lyon by Terre et Partage, p2 conference in
Clermont-Ferrand (63113) by "Auvergne Solidaire".

So 4 events (2 in 2025), 3 organisers (2), 3 départements (69, 42, 38; 2025: 69, 63) and 4
communes (2). Terre et Partage's contact person must never show.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _backends import BACKENDS, workspace_on
from rrma_core import Actor, Event, Workspace
from rrma_core.errors import ConfigError
from rrma_core.report import campaign_report, write_report

from ._html import Node, key_figures, parse
from .conftest import NOW


def _event(ident: str, kind: str, start: str, commune: str, organiser: dict[str, str],
           edition: str = "alimenterre-2026", **extra: Any) -> Event:  # fmt: skip
    return Event.model_validate(
        {
            "id": f"event-{ident}",
            "title": {"fr": f"Séance {ident}"},
            "event_kind": kind,
            "occurrences": [{"start": start}],
            "venue": {"name": "Salle", "address": {"commune": commune}},
            "organisers": [organiser],
            "campaign_edition": edition,
            **extra,
        }
    )


TP = {"id": "actor-tp", "name": "Terre et Partage"}
CINE = {"id": "actor-cine", "name": "Ciné Loire"}


def _fill_festival(ws: Workspace) -> None:
    ws.add(
        Actor(id="actor-tp", name="Terre et Partage", actor_type="association",
              head_office={"address": {"commune": "69123"}},
              contacts=[{"name": "Marie Dupont", "email": "marie.dupont@tp.example.org"}])
    )  # fmt: skip
    ws.add(
        Actor(id="actor-cine", name="Ciné Loire", actor_type="association",
              head_office={"address": {"commune": "42218"}})
    )  # fmt: skip
    for event in (
        _event("n1", "projection-debat", "2026-10-16T20:00:00+02:00", "69123", TP,
               keywords=["film: Nourrir la ville"]),
        _event("n2", "projection-debat", "2026-10-23T20:00:00+02:00", "69266", TP,
               keywords=["film: Nourrir la ville"]),
        _event("n3", "workshop", "2026-11-07T14:00:00+01:00", "42218", CINE,
               keywords=["animation: Atelier cuisine"]),
        _event("n4", "projection-debat", "2026-11-13T20:00:00+01:00", "38185",
               {"name": "Collectif <b>Isère</b>"}, keywords=["film: Les Déracinés"]),
        _event("n5", "projection-debat", "2026-11-20T20:00:00+01:00", "63113", CINE,
               status="cancelled"),
        _event("p1", "projection-debat", "2025-10-17T20:00:00+02:00", "69123", TP,
               edition="alimenterre-2025"),
        _event("p2", "conference", "2025-11-14T20:00:00+01:00", "63113",
               {"name": "Auvergne Solidaire"}, edition="alimenterre-2025"),
    ):  # fmt: skip
        ws.add(event)


@pytest.fixture(scope="module", params=BACKENDS)
def festival(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("campaign") / "reseau"
    with workspace_on(root, request.param, fill=_fill_festival) as ws:
        yield ws


@pytest.fixture(scope="module")
def report(festival: Workspace) -> dict[str, Any]:
    html = campaign_report(festival, "alimenterre-2026", now=NOW)
    return {"html": html, "page": parse(html)}


def section_table(page: Node, section: str) -> list[list[str]]:
    return page.find("section", id=section).find("table").rows()


def test_reach_compared_with_the_last_edition(report: dict[str, Any]) -> None:
    page = report["page"]
    assert page.find("h1").text() == "Bilan de campagne · Festival ALIMENTERRE 2026"
    assert "Région Auvergne-Rhône-Alpes" in page.find("header").text()
    assert key_figures(page) == [
        ("4", "Événements", "+2 (+100 %) par rapport à 2025"),  # n5 is cancelled
        ("3", "Organisateurs", "+1 (+50 %) par rapport à 2025"),
        ("3", "Départements touchés", "+1 (+50 %) par rapport à 2025"),  # 69, 42, 38
        ("4", "Communes touchées", "+2 (+100 %) par rapport à 2025"),
    ]


def test_events_by_departement_and_kind(report: dict[str, Any]) -> None:
    page = report["page"]
    assert section_table(page, "departements") == [
        ["Département", "2026", "2025", "Évolution"],
        ["Rhône", "2", "1", "+1 (+100 %)"],  # n1, n2; p1
        ["Isère", "1", "0", "+1"],
        ["Loire", "1", "0", "+1"],
        ["Puy-de-Dôme", "0", "1", "−1 (−100 %)"],  # p2 (n5 is cancelled)
    ]
    assert section_table(page, "kinds") == [
        ["Libellé", "2026", "2025", "Évolution"],
        ["Projection-débat", "3", "1", "+2 (+200 %)"],
        ["Atelier", "1", "0", "+1"],
        ["Conférence", "0", "1", "−1 (−100 %)"],
    ]
    images = page.find_all("img")
    assert len(images) == 3  # the tile map, the départements' and the kinds' bars
    assert all((img.attrs["src"] or "").startswith("data:image/png;base64,") for img in images)


def test_organisers_and_films(report: dict[str, Any]) -> None:
    page = report["page"]
    assert section_table(page, "organisers") == [
        ["Organisateur", "Événements", "Départements touchés"],
        ["Terre et Partage", "2", "1"],
        ["Ciné Loire (nouveau)", "1", "1"],
        ["Collectif <b>Isère</b> (nouveau)", "1", "1"],
    ]
    assert section_table(page, "films") == [
        ["Film ou type d'animation", "Nature", "Événements"],
        ["Nourrir la ville", "film", "2"],
        ["Les Déracinés", "film", "1"],
        ["Atelier cuisine", "animation", "1"],
    ]
    html = report["html"]
    assert "Collectif &lt;b&gt;Isère&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "Marie Dupont" not in html
    assert "marie.dupont" not in html


def test_in_english(festival: Workspace) -> None:
    page = parse(campaign_report(festival, "alimenterre-2026", lang="en", now=NOW))
    assert page.find("html").attrs["lang"] == "en"
    assert page.find("h1").text() == "Campaign report · ALIMENTERRE Festival 2026"
    assert key_figures(page)[0] == ("4", "Events", "+2 (+100%) compared with 2025")
    assert section_table(page, "kinds")[1] == ["Film screening and debate", "3", "1", "+2 (+200%)"]


def test_an_edition_without_events_and_errors(festival: Workspace, tmp_path: Path) -> None:
    page = parse(campaign_report(festival, "festisol-2026", now=NOW))
    assert page.find("p", "empty").text() == "Aucun événement n'est enregistré pour cette édition."
    assert [value for value, _, _ in key_figures(page)] == ["0", "0", "0", "0"]
    with pytest.raises(ConfigError):
        campaign_report(festival, "nonsense")
    with pytest.raises(ConfigError, match="not both"):
        write_report(festival, tmp_path / "x.html", year=2026, campaign="alimenterre-2026")
    path = write_report(festival, tmp_path / "c.html", campaign="alimenterre-2026", now=NOW)
    assert parse(path.read_text(encoding="utf-8")).find("h1").text().endswith("2026")
