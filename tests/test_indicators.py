"""Indicators on a hand-made network: every number below was counted by hand from the fixture.

The fixture is a small, realistic database shared by two regional networks: 12 actors (8 in
Auvergne-Rhône-Alpes, 3 in Centre-Val de Loire, one without a head office), 16 events over two
campaign years (one cancelled; two whose UTC instant falls in the previous local month or
year), 8 calls for projects, 3 trainings with sessions, registrations and evaluations, and 2
multi-actor spaces. Each expected figure is written out by hand in the test, with the records
it comes from, so that a wrong SQL grouping or a time-zone slip fails here.

Every test of figures runs on SQLite (a real file) and on PostgreSQL (a fresh schema, when
``RRMA_TEST_POSTGRES_URL`` names a server).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from _backends import BACKENDS, workspace_on
from rrma_core import (
    Actor,
    CallForProjects,
    Event,
    MultiActorSpace,
    Observation,
    Training,
    Workspace,
)
from rrma_core.indicators import (
    BUILTIN_INDICATORS,
    compare_periods,
    compare_region,
    compute,
    get_indicator,
    indicators,
)

# --- the fixture: a shared database of two regional networks ---------------------------------


def _office(commune: str) -> dict[str, Any]:
    return {"address": {"commune": commune}}


ACTORS: list[dict[str, Any]] = [
    # A1..A8 in Auvergne-Rhône-Alpes (84), A9 without a head office, A10..A12 in Centre-Val
    # de Loire (24).
    {"id": "actor-a1", "name": "Les Amis du Sahel", "actor_type": "association",
     "head_office": _office("69123"), "countries": ["SN", "ML", "BF"],
     "sectors": ["eau", "agriculture"], "sdgs": [6, 2]},
    {"id": "actor-a2", "name": "Ville de Villeurbanne", "actor_type": "local-authority",
     "head_office": _office("69266"), "countries": ["SN"], "sectors": ["appui-institutionnel"],
     "sdgs": [11]},
    {"id": "actor-a3", "name": "Lycée Ampère", "actor_type": "school",
     "head_office": _office("69123"), "countries": ["MA"], "sectors": ["education"],
     "sdgs": [4]},
    {"id": "actor-a4", "name": "Université Grenoble Alpes", "actor_type": "university",
     "head_office": _office("38185"), "countries": ["VN", "BR"],
     "sectors": ["education", "sante"], "sdgs": [4, 3]},
    {"id": "actor-a5", "name": "Eau Vive Isère", "actor_type": "association",
     "head_office": _office("38185"), "countries": ["BF", "NE"], "sectors": ["eau"],
     "sdgs": [6]},
    {"id": "actor-a6", "name": "Association des Comoriens de la Loire", "actor_type": "osim",
     "head_office": _office("42218"), "countries": ["KM"], "sectors": ["sante"], "sdgs": [3]},
    {"id": "actor-a7", "name": "Solidarité Madagascar Auvergne", "actor_type": "association",
     "head_office": _office("63113"), "countries": ["MG"], "sectors": ["education"],
     "sdgs": [4]},
    {"id": "actor-a8", "name": "Ecosol Coop", "actor_type": "ess-enterprise",
     "head_office": _office("69123"), "sectors": ["economie"]},
    {"id": "actor-a9", "name": "Fondation Terre Solidaire", "actor_type": "foundation",
     "countries": ["HT", "PE"], "sdgs": [1]},
    {"id": "actor-a10", "name": "Centraider", "actor_type": "network",
     "head_office": _office("45234"), "countries": ["BJ"], "sectors": ["appui-institutionnel"],
     "sdgs": [17]},
    {"id": "actor-a11", "name": "Tours Solidarité Haïti", "actor_type": "association",
     "head_office": _office("37261"), "countries": ["HT"], "sectors": ["sante"], "sdgs": [3]},
    {"id": "actor-a12", "name": "Jumelage Orléans-Parakou", "actor_type": "association",
     "head_office": _office("45234"), "countries": ["BJ", "DE"], "sectors": ["education"],
     "sdgs": [4, 17]},
]  # fmt: skip


def _event(
    number: int,
    kind: str,
    starts: list[str],
    *,
    commune: str | None,
    campaign: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"event-e{number}",
        "title": {"fr": f"Événement {number}"},
        "event_kind": kind,
        "occurrences": [{"start": start} for start in starts],
        "campaign_edition": campaign,
        **extra,
    }
    if commune:
        item["venue"] = {"name": "Salle", "address": {"commune": commune}}
    return item


AL26, FS26 = "alimenterre-2026", "festisol-2026"
EVENTS: list[dict[str, Any]] = [
    _event(1, "projection-debat", ["2026-10-16T20:00:00+02:00"], commune="69123", campaign=AL26),
    _event(2, "projection-debat", ["2026-11-06T20:00:00+01:00"], commune="38185", campaign=AL26),
    # A cycle: one screening in October, one in November.
    _event(3, "projection-debat", ["2026-10-20T18:00:00+02:00", "2026-11-17T18:00:00+01:00"],
           commune="42218", campaign=AL26),
    _event(4, "school-activity", ["2026-11-11"], commune="63113", campaign=AL26),
    _event(5, "marche-solidarites", ["2026-11-21T10:00:00+01:00"], commune="69123",
           campaign=FS26),
    # 31 October 23:30 UTC is 1 November 00:30 in Paris: a November event.
    _event(6, "conference", ["2026-10-31T23:30:00+00:00"], commune="69266", campaign=FS26),
    # Two workshops in November: one event in events.by_month, two occurrences.
    _event(7, "workshop", ["2026-11-14T14:00:00+01:00", "2026-11-28T14:00:00+01:00"],
           commune="38185", campaign=FS26),
    _event(8, "agora", ["2026-06-12T09:00:00+02:00"], commune="69123"),
    _event(9, "rencontres-ecsi", ["2026-03-26T09:00:00+01:00"], commune="42218"),
    # Online: no venue, so no département and no région.
    _event(10, "conference", ["2026-02-05T18:00:00+01:00"], commune=None,
           attendance_mode="online"),
    # Cancelled: counted nowhere.
    _event(11, "projection-debat", ["2026-11-25T20:00:00+01:00"], commune="69123",
           campaign=AL26, status="cancelled"),
    # Centre-Val de Loire.
    _event(12, "projection-debat", ["2026-10-23T20:00:00+02:00"], commune="45234",
           campaign=AL26),
    _event(13, "rencontre", ["2026-11-19T19:00:00+01:00"], commune="37261", campaign=FS26),
    # The previous year.
    _event(14, "projection-debat", ["2025-10-17T20:00:00+02:00"], commune="69123",
           campaign="alimenterre-2025"),
    _event(15, "marche-solidarites", ["2025-11-22T10:00:00+01:00"], commune="69266",
           campaign="festisol-2025"),
    # 31 December 2025 23:30 UTC is New Year's Day 2026, 00:30 in Paris.
    _event(16, "rencontre", ["2025-12-31T23:30:00+00:00"], commune="69123"),
]  # fmt: skip

ARA = {"name": "Région Auvergne-Rhône-Alpes"}
CALLS: list[dict[str, Any]] = [
    {"id": "call-c1", "title": "Appel ECSI 2027", "funders": [ARA], "themes": ["ecsi"],
     "published_on": "2026-11-02", "deadline": "2027-01-31", "perimeter": {"regions": ["84"]}},
    {"id": "call-c2", "title": "Fonds eau", "funders": [{"name": "Agence de l'eau"}],
     "themes": ["eau", "assainissement"], "published_on": "2026-01-10",
     "deadline": "2026-03-15"},
    {"id": "call-c3", "title": "PRA/OSIM", "funders": [{"name": "AFD"}, {"name": "FORIM"}],
     "themes": ["appui-institutionnel"], "published_on": "2026-02-01", "deadline": "2026-05-31"},
    # Closes at midnight starting 1 November: the end of 31 October, so in October.
    {"id": "call-c4", "title": "Jeunesse solidaire",
     "funders": [{"name": "région auvergne-rhone-alpes"}], "themes": ["education"],
     "published_on": "2026-09-01", "deadline": "2026-11-01T00:00:00+01:00",
     "perimeter": {"departements": ["69"]}},
    {"id": "call-c5", "title": "Coopération Centre-Val de Loire",
     "funders": [{"name": "Région Centre-Val de Loire"}],
     "themes": ["appui-institutionnel", "education"], "published_on": "2026-01-15",
     "deadline": "2026-04-30", "perimeter": {"regions": ["24"]}},
    {"id": "call-c6", "title": "Fonds santé (au fil de l'eau)",
     "funders": [{"name": "Fondation de France"}], "themes": ["sante"],
     "published_on": "2026-01-05"},
    # Closes on 31 December 2025 (stored as 1 January 2026, 00:00 in Paris): not open in 2026.
    {"id": "call-c7", "title": "Appel 2025", "funders": [{"name": "AFD"}],
     "themes": ["agriculture"], "published_on": "2025-09-01", "deadline": "2025-12-31"},
    {"id": "call-c8", "title": "Appel du Loiret", "published_on": "2026-06-01",
     "deadline": "2026-06-30", "perimeter": {"departements": ["45"]}},
]  # fmt: skip


def _registrations(*statuses: str, scores: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"status": s} for s in statuses]
    for registration, score in zip(found, scores, strict=False):
        registration["satisfaction"] = score
    return found


TRAININGS: list[dict[str, Any]] = [
    {"id": "training-t1", "title": {"fr": "Monter un projet de solidarité internationale"},
     "themes": ["gestion-de-projet"], "training_format": "short-cycle", "hours": 14,
     "sessions": [
         {"start": "2026-02-04T09:30:00+01:00", "end": "2026-02-04T17:00:00+01:00",
          "venue": {"address": {"commune": "69123"}}, "capacity": 12,
          "registrations": _registrations(*["attended"] * 8, "absent", "cancelled"),
          "evaluation": {"responses": 6, "satisfaction": 4.5}},
         {"start": "2026-02-05T09:30:00+01:00", "end": "2026-02-05T17:00:00+01:00",
          "capacity": 12,
          "registrations": _registrations(*["attended"] * 7, "absent", "absent", "waiting-list"),
          "evaluation": {"responses": 5, "satisfaction": 4.0}},
     ]},
    {"id": "training-t2", "title": {"fr": "ECSI : animer un débat"},
     "themes": ["ecsi", "methodes-participatives"], "training_format": "specialised-module",
     "hours": 6,
     "sessions": [
         {"start": "2026-05-20", "venue": {"address": {"commune": "45234"}}, "capacity": 15,
          "registrations": _registrations(*["attended"] * 4, "registered", "registered",
                                          scores=(5, 4, 4, 3))},
     ]},
    {"id": "training-t3", "title": {"fr": "Suivi-évaluation de projets"},
     "themes": ["suivi-evaluation", "gestion-de-projet"], "training_format": "long-cycle",
     "hours": 30,
     "sessions": [
         {"start": "2025-11-18", "venue": {"address": {"commune": "69123"}}, "capacity": 10,
          "registrations": _registrations(*["attended"] * 8),
          "evaluation": {"responses": 8, "satisfaction": 3.5}},
         {"start": "2026-01-13T09:00:00+01:00", "end": "2026-01-13T17:00:00+01:00",
          "capacity": 10, "registrations": _registrations(*["attended"] * 6, "absent")},
         {"start": "2026-03-10T09:00:00+01:00", "end": "2026-03-10T17:00:00+01:00",
          "registrations": _registrations(*["attended"] * 5),
          "evaluation": {"responses": 5, "satisfaction": 4.4}},
     ]},
]  # fmt: skip

SPACES: list[dict[str, Any]] = [
    {"id": "space-senegal", "name": {"fr": "Groupe pays Sénégal"}, "space_kind": "geographic",
     "countries": ["SN"], "regions": ["84"],
     "members": [
         {"actor": {"id": "actor-a1"}, "since": "2024-01-01"},
         {"actor": {"id": "actor-a2"}},
         {"actor": {"name": "Lycée Ampère"}},  # found in the directory by its name
         {"actor": {"name": "Association inconnue"}},  # not in the directory
         {"actor": {"id": "actor-a5"}, "until": "2025-12-31"},  # left before 2026
     ],
     "meetings": [
         {"start": "2025-11-20", "attendance": 9},
         {"start": "2026-03-12", "attendance": 14},
         {"start": "2026-09-17T18:00:00+02:00", "attendance": 11},
         {"start": "2026-12-03"},  # attendance not known
     ]},
    {"id": "space-eau", "name": {"fr": "Groupe eau et assainissement"},
     "space_kind": "thematic", "themes": ["eau", "assainissement"], "departements": ["38"],
     "members": [
         {"actor": {"id": "actor-a5"}},
         {"actor": {"name": "LES AMIS DU SAHEL"}},
         {"actor": {"id": "actor-a4"}},
         {"actor": {"id": "actor-a10"}},
     ],
     "meetings": [
         {"start": "2026-04-02T14:00:00+02:00", "attendance": 20},
         {"start": "2026-10-08T14:00:00+02:00", "attendance": 16},
     ]},
]  # fmt: skip


def fill(ws: Workspace, *, actors: bool = True) -> None:
    """Add the whole fixture to ``ws`` through the public API (all but the actors when
    ``actors`` is false)."""
    for model, items in (
        (Actor, ACTORS if actors else []),
        (Event, EVENTS),
        (CallForProjects, CALLS),
        (Training, TRAININGS),
        (MultiActorSpace, SPACES),
    ):
        for item in items:
            ws.add(model.model_validate(item))


# --- backends ---------------------------------------------------------------------------------


def network(root: Path, backend: str, *, filled: bool = True) -> AbstractContextManager[Workspace]:
    """A workspace of the network of Auvergne-Rhône-Alpes (région 84), filled with the fixture."""
    return workspace_on(root, backend, fill=fill if filled else None)


@pytest.fixture(scope="module", params=BACKENDS)
def ws(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """The filled workspace, shared by the tests that only read it, on each backend."""
    with network(tmp_path_factory.mktemp("network") / "reseau", request.param) as workspace:
        yield workspace


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A filled workspace of the test's own, on each backend (for tests that change it)."""
    with network(tmp_path / "reseau", request.param) as workspace:
        yield workspace


def figures(df: Any, *dimensions: str) -> dict[Any, Any]:
    """``{dimension value (or tuple of values): value}`` of an indicator's DataFrame."""
    found = {}
    for row in df.to_dict("records"):
        values = tuple(None if _missing(row[d]) else row[d] for d in dimensions)
        found[values[0] if len(values) == 1 else values] = row["value"]
    return found


def _missing(value: Any) -> bool:
    return value is None or value != value  # NaN is not equal to itself


# --- actors ------------------------------------------------------------------------------------


def test_actors_by_type_counts_each_actor_once(ws: Workspace) -> None:
    df = compute(ws, "actors.by_type")
    # Associations: A1, A5, A7, A11, A12; one of each other type.
    assert figures(df, "actor_type") == {
        "association": 5,
        "local-authority": 1,
        "school": 1,
        "university": 1,
        "osim": 1,
        "ess-enterprise": 1,
        "foundation": 1,
        "network": 1,
    }
    assert list(df.columns) == ["actor_type", "label", "value"]
    assert df["value"].dtype == "int64"
    assert df.iloc[0].to_dict() == {"actor_type": "association", "label": "Association", "value": 5}
    assert df.attrs["note"] is None  # the values add up to the 12 actors
    assert df.attrs["total"] is None
    assert df.attrs["computed_in"] == "sql"
    assert df["value"].sum() == 12


def test_actors_by_departement_and_region(ws: Workspace) -> None:
    by_departement = compute(ws, "actors.by_departement")
    assert figures(by_departement, "departement", "region") == {
        ("69", "84"): 4,  # A1, A2, A3, A8
        ("38", "84"): 2,  # A4, A5
        ("42", "84"): 1,
        ("63", "84"): 1,
        ("45", "24"): 2,  # A10, A12
        ("37", "24"): 1,
        (None, None): 1,  # A9 has no head office
    }
    assert by_departement.iloc[0]["label"] == "Rhône"
    assert by_departement.iloc[-1]["label"] == "Non renseigné"  # missing values come last
    by_region = compute(ws, "actors.by_region", lang="en")
    assert figures(by_region, "region") == {"84": 8, "24": 3, None: 1}
    assert list(by_region["label"]) == ["Auvergne-Rhône-Alpes", "Centre-Val de Loire", "Not given"]


def test_actors_by_country_count_an_actor_in_each_of_its_countries(ws: Workspace) -> None:
    df = compute(ws, "actors.by_country")
    assert figures(df, "country") == {
        "SN": 2,  # A1, A2
        "ML": 1,
        "BF": 2,  # A1, A5
        "MA": 1,
        "VN": 1,
        "BR": 1,
        "NE": 1,
        "KM": 1,
        "MG": 1,
        "HT": 2,  # A9, A11
        "PE": 1,
        "BJ": 2,  # A10, A12
        "DE": 1,
        None: 1,  # A8 names no country
    }
    assert df["value"].sum() == 18
    assert df.attrs["total"] == 12
    assert "le total des valeurs dépasse le nombre d'acteurs" in df.attrs["note"]
    assert dict(zip(df["country"], df["label"], strict=True))["SN"] == "Sénégal"


def test_actors_by_continent_count_an_actor_once_per_continent(ws: Workspace) -> None:
    df = compute(ws, "actors.by_continent", lang="en")
    assert figures(df, "continent") == {
        # A1 (SN, ML, BF) counts once; A2, A3, A5, A6, A7, A10, A12.
        "africa": 8,
        "americas": 3,  # A4 (BR), A9 (HT and PE: once), A11 (HT)
        "asia": 1,  # A4 (VN)
        "europe": 1,  # A12 (DE)
        None: 1,  # A8
    }
    assert list(df["label"]) == ["Africa", "Americas", "Asia", "Europe", "Not given"]
    assert df.attrs["total"] == 12
    assert "add up to more than the number of actors" in df.attrs["note"]


def test_actors_by_sector_and_sdg(ws: Workspace) -> None:
    assert figures(compute(ws, "actors.by_sector"), "sector") == {
        "education": 4,  # A3, A4, A7, A12
        "sante": 3,  # A4, A6, A11
        "eau": 2,  # A1, A5
        "appui-institutionnel": 2,  # A2, A10
        "agriculture": 1,
        "economie": 1,
        None: 1,  # A9
    }
    by_sdg = compute(ws, "actors.by_sdg")
    # In SDG order, not by value.
    assert [(r["sdg"], r["value"]) for r in by_sdg.to_dict("records")][:-1] == [
        ("1", 1),
        ("2", 1),
        ("3", 3),  # A4, A6, A11
        ("4", 4),  # A3, A4, A7, A12
        ("6", 2),
        ("11", 1),
        ("17", 2),  # A10, A12
    ]
    assert _missing(by_sdg.iloc[-1]["sdg"])
    assert by_sdg.iloc[-1]["value"] == 1  # A8
    assert by_sdg.iloc[2]["label"] == "ODD 3 – Bonne santé et bien-être"
    assert by_sdg.attrs["total"] == 12


def test_actors_of_one_region(ws: Workspace) -> None:
    assert figures(compute(ws, "actors.by_type", region="84"), "actor_type") == {
        "association": 3,  # A1, A5, A7
        "local-authority": 1,
        "school": 1,
        "university": 1,
        "osim": 1,
        "ess-enterprise": 1,
    }
    df = compute(ws, "actors.by_continent", region=84)
    assert figures(df, "continent") == {"africa": 6, "americas": 1, "asia": 1, None: 1}
    assert df.attrs["total"] == 8
    assert df.attrs["region"] == "84"


# --- events ------------------------------------------------------------------------------------


def test_events_by_campaign_edition(ws: Workspace) -> None:
    df = compute(ws, "events.by_campaign", period=2026)
    assert figures(df, "campaign") == {
        "alimenterre-2026": 5,  # E1, E2, E3, E4, E12 (E11 is cancelled)
        "festisol-2026": 4,  # E5, E6, E7, E13
        None: 4,  # E8, E9, E10, E16
    }
    assert list(df["label"]) == [
        "Festival ALIMENTERRE 2026",
        "Festival des Solidarités 2026",
        "Hors campagne",
    ]
    # All time: the 2025 editions too; E11 (cancelled) is never counted.
    everything = figures(compute(ws, "events.by_campaign"), "campaign")
    assert everything == {
        "alimenterre-2026": 5,
        "festisol-2026": 4,
        None: 4,
        "alimenterre-2025": 1,
        "festisol-2025": 1,
    }
    # E16 starts on 31 December 2025 in UTC but on 1 January 2026 in Paris: not a 2025 event.
    assert figures(compute(ws, "events.by_campaign", period=2025), "campaign") == {
        "alimenterre-2025": 1,
        "festisol-2025": 1,
    }


def test_events_by_departement_and_kind(ws: Workspace) -> None:
    assert figures(compute(ws, "events.by_departement", period=2026), "departement") == {
        "69": 5,  # E1, E5, E6 (Villeurbanne), E8, E16
        "38": 2,  # E2, E7
        "42": 2,  # E3, E9
        "63": 1,
        "45": 1,
        "37": 1,
        None: 1,  # E10, online
    }
    assert figures(compute(ws, "events.by_kind", period=2026), "event_kind") == {
        "projection-debat": 4,  # E1, E2, E3, E12
        "conference": 2,  # E6, E10
        "rencontre": 2,  # E13, E16
        "school-activity": 1,
        "marche-solidarites": 1,
        "workshop": 1,
        "agora": 1,
        "rencontres-ecsi": 1,
    }


def test_events_by_month_bucket_in_the_workspace_time_zone(ws: Workspace) -> None:
    df = compute(ws, "events.by_month", period=2026)
    assert [(r["month"], r["value"]) for r in df.to_dict("records")] == [
        ("2026-01", 1),  # E16: 31 Dec 2025 23:30 UTC is January in Paris
        ("2026-02", 1),
        ("2026-03", 1),
        ("2026-06", 1),
        ("2026-10", 3),  # E1, E3, E12
        ("2026-11", 7),  # E2, E3, E4, E5, E6 (31 Oct 23:30 UTC), E7 (twice, counted once), E13
    ]
    assert df.iloc[-1]["label"] == "novembre 2026"
    assert df.attrs["total"] == 13  # E3 counts in October and November
    assert "plusieurs mois" in df.attrs["note"]
    occurrences = compute(ws, "events.occurrences_by_month", period=2026)
    assert figures(occurrences, "month") == {
        "2026-01": 1,
        "2026-02": 1,
        "2026-03": 1,
        "2026-06": 1,
        "2026-10": 3,
        "2026-11": 8,  # E7's two workshops count twice
    }
    # All time (no period: SQLite finds the months from the data).
    assert figures(compute(ws, "events.by_month"), "month") == {
        "2025-10": 1,
        "2025-11": 1,
        "2026-01": 1,
        "2026-02": 1,
        "2026-03": 1,
        "2026-06": 1,
        "2026-10": 3,
        "2026-11": 7,
    }
    # A period of days: 1 to 14 November (local): E2, E3 (17 Nov: no), E4, E6, E7 (14 Nov).
    days = (date(2026, 11, 1), date(2026, 11, 14))
    assert figures(compute(ws, "events.occurrences_by_month", period=days), "month") == {
        "2026-11": 4
    }


def test_events_of_one_region(ws: Workspace) -> None:
    df = compute(ws, "events.by_kind", period=2026, region="84")
    assert figures(df, "event_kind") == {
        "projection-debat": 3,  # E1, E2, E3 (E12 is in Centre-Val de Loire)
        "school-activity": 1,
        "marche-solidarites": 1,
        "conference": 1,  # E6 (E10 is online)
        "workshop": 1,
        "agora": 1,
        "rencontres-ecsi": 1,
        "rencontre": 1,  # E16 (E13 is in Tours)
    }
    assert figures(compute(ws, "events.by_month", period=2026, region="24"), "month") == {
        "2026-10": 1,  # E12
        "2026-11": 1,  # E13
    }


# --- calls for projects --------------------------------------------------------------------------


def test_calls_by_funder_theme_and_month(ws: Workspace) -> None:
    by_funder = compute(ws, "calls.by_funder", period=2026)
    # Open in 2026: C1..C6 and C8 (C7 closed on 31 December 2025).
    assert figures(by_funder, "funder") == {
        "region auvergne rhone alpes": 2,  # C1, C4 (spelt differently)
        "agence de l eau": 1,
        "afd": 1,  # C3 (C7 was 2025)
        "forim": 1,
        "region centre val de loire": 1,
        "fondation de france": 1,
        None: 1,  # C8
    }
    assert by_funder.iloc[0]["label"] == "Région Auvergne-Rhône-Alpes"
    assert by_funder.attrs["total"] == 7
    assert by_funder.attrs["computed_in"] == "python"
    assert figures(compute(ws, "calls.by_funder"), "funder")["afd"] == 2

    by_theme = compute(ws, "calls.by_theme", period=2026)
    assert figures(by_theme, "sector") == {
        "appui-institutionnel": 2,  # C3, C5
        "education": 2,  # C4, C5
        "ecsi": 1,
        "eau": 1,
        "assainissement": 1,
        "sante": 1,
        None: 1,  # C8
    }
    assert by_theme.attrs["total"] == 7

    by_month = compute(ws, "calls.by_month", period=2026)
    assert [(r["month"], r["value"]) for r in by_month.to_dict("records")] == [
        ("2026-03", 1),  # C2
        ("2026-04", 1),  # C5
        ("2026-05", 1),  # C3
        ("2026-06", 1),  # C8
        ("2026-10", 1),  # C4: 1 November 00:00 is the end of 31 October
    ]
    # All time: C7's deadline "31 December 2025" closes in December; C6 has no deadline.
    assert figures(compute(ws, "calls.by_month"), "month") == {
        "2025-12": 1,
        "2026-03": 1,
        "2026-04": 1,
        "2026-05": 1,
        "2026-06": 1,
        "2026-10": 1,
        "2027-01": 1,  # C1
    }


def test_calls_of_one_region_include_national_ones(ws: Workspace) -> None:
    df = compute(ws, "calls.by_theme", period=2026, region="84")
    # C1 (région 84), C2, C3, C6 (not territorial), C4 (département 69); not C5 nor C8.
    assert figures(df, "sector") == {
        "ecsi": 1,
        "eau": 1,
        "assainissement": 1,
        "appui-institutionnel": 1,
        "education": 1,
        "sante": 1,
    }
    assert df.attrs["total"] == 5
    assert compute(ws, "calls.by_funder", period=2026, region="24").attrs["total"] == 5
    # Région 24: C2, C3, C5, C6, C8.


# --- trainings and spaces ------------------------------------------------------------------------


def measures(df: Any, dimension: str) -> dict[tuple[Any, str], Any]:
    return {
        (None if _missing(r[dimension]) else r[dimension], r["measure"]): r["value"]
        for r in df.to_dict("records")
    }


def test_trainings_by_format(ws: Workspace) -> None:
    df = compute(ws, "trainings.by_format", period=2026)
    found = measures(df, "training_format")
    assert found == {
        # T1: two sessions of 12 places; 8 + 7 attended; 9 + 9 registered (the cancellation
        # and the waiting list are not); evaluations 4.5 x 6 and 4.0 x 5 responses.
        ("short-cycle", "trainings"): 1,
        ("short-cycle", "sessions"): 2,
        ("short-cycle", "hours"): 14,
        ("short-cycle", "registered"): 18,
        ("short-cycle", "participants"): 15,
        ("short-cycle", "fill_rate"): pytest.approx(75.0),
        ("short-cycle", "satisfaction"): pytest.approx(47 / 11),
        # T2: 4 attended and 2 registered for 15 places; trainees' scores 5, 4, 4, 3.
        ("specialised-module", "trainings"): 1,
        ("specialised-module", "sessions"): 1,
        ("specialised-module", "hours"): 6,
        ("specialised-module", "registered"): 6,
        ("specialised-module", "participants"): 4,
        ("specialised-module", "fill_rate"): pytest.approx(40.0),
        ("specialised-module", "satisfaction"): pytest.approx(4.0),
        # T3 in 2026: 2 of its 3 sessions (20 of its 30 hours); 6 + 5 attended, 7 + 5
        # registered; only the January session has a capacity (7 of 10); only March is rated.
        ("long-cycle", "trainings"): 1,
        ("long-cycle", "sessions"): 2,
        ("long-cycle", "hours"): pytest.approx(20.0),
        ("long-cycle", "registered"): 12,
        ("long-cycle", "participants"): 11,
        ("long-cycle", "fill_rate"): pytest.approx(70.0),
        ("long-cycle", "satisfaction"): pytest.approx(4.4),
    }
    assert list(df.columns) == ["training_format", "measure", "label", "value", "unit"]
    first = df.iloc[0].to_dict()
    assert (first["label"], first["unit"]) == ("Cycle long · Formations", "count")
    units = dict(zip(df["measure"], df["unit"], strict=False))
    assert units["hours"] == "hours"
    assert units["fill_rate"] == "percent"
    assert units["satisfaction"] == "score/5"
    # 2025: T3's first session only.
    assert measures(compute(ws, "trainings.by_format", period=2025), "training_format") == {
        ("long-cycle", "trainings"): 1,
        ("long-cycle", "sessions"): 1,
        ("long-cycle", "hours"): pytest.approx(10.0),
        ("long-cycle", "registered"): 8,
        ("long-cycle", "participants"): 8,
        ("long-cycle", "fill_rate"): pytest.approx(80.0),
        ("long-cycle", "satisfaction"): pytest.approx(3.5),
    }


def test_trainings_by_theme_count_a_training_in_each_theme(ws: Workspace) -> None:
    df = compute(ws, "trainings.by_theme", period=2026)
    found = measures(df, "training_theme")
    # gestion-de-projet: T1 and T3.
    assert found["gestion-de-projet", "trainings"] == 2
    assert found["gestion-de-projet", "sessions"] == 4
    assert found["gestion-de-projet", "hours"] == pytest.approx(34.0)
    assert found["gestion-de-projet", "registered"] == 30
    assert found["gestion-de-projet", "participants"] == 26
    assert found["gestion-de-projet", "fill_rate"] == pytest.approx(100 * 25 / 34)
    assert found["gestion-de-projet", "satisfaction"] == pytest.approx((27 + 20 + 22) / 16)
    assert found["ecsi", "participants"] == 4
    assert found["methodes-participatives", "participants"] == 4
    assert found["suivi-evaluation", "hours"] == pytest.approx(20.0)
    assert list(dict.fromkeys(df["training_theme"])) == [
        "gestion-de-projet",
        "ecsi",
        "methodes-participatives",
        "suivi-evaluation",
    ]
    assert "chacun de ses thèmes" in df.attrs["note"]
    # Région 84: T1 and T3 (T2 takes place in Orléans).
    regional = measures(
        compute(ws, "trainings.by_format", period=2026, region="84"), "training_format"
    )
    assert {fmt for fmt, _ in regional} == {"short-cycle", "long-cycle"}


def test_spaces_by_kind(ws: Workspace) -> None:
    df = compute(ws, "spaces.by_kind", period=2026)
    assert measures(df, "space_kind") == {
        ("thematic", "spaces"): 1,
        ("thematic", "members"): 4,
        ("thematic", "meetings"): 2,
        ("thematic", "attendance"): 36,  # 20 + 16
        ("thematic", "attendance_mean"): pytest.approx(18.0),
        ("geographic", "spaces"): 1,
        ("geographic", "members"): 4,  # A5 left at the end of 2025
        ("geographic", "meetings"): 3,  # March, September, December 2026
        ("geographic", "attendance"): 25,  # 14 + 11; December's is not known
        ("geographic", "attendance_mean"): pytest.approx(12.5),
    }
    everything = measures(compute(ws, "spaces.by_kind"), "space_kind")
    assert everything["geographic", "members"] == 5
    assert everything["geographic", "meetings"] == 4
    assert everything["geographic", "attendance"] == 34
    assert everything["geographic", "attendance_mean"] == pytest.approx(34 / 3)
    # The water group names the Isère (38), in région 84; no space names Centre-Val de Loire.
    assert (
        measures(compute(ws, "spaces.by_kind", region="84"), "space_kind")["thematic", "spaces"]
        == 1
    )
    assert compute(ws, "spaces.by_kind", region="24").empty


def test_spaces_members_by_actor_type(ws: Workspace) -> None:
    df = compute(ws, "spaces.members_by_actor_type", period=2026)
    assert [(r["space_kind"], r["actor_type"], r["value"]) for r in df.to_dict("records")][:-1] == [
        ("thematic", "association", 2),  # A5, and A1 found by its name
        ("thematic", "network", 1),  # A10
        ("thematic", "university", 1),  # A4
        ("geographic", "association", 1),  # A1 (A5 left)
        ("geographic", "local-authority", 1),  # A2
        ("geographic", "school", 1),  # "Lycée Ampère", found by its name
    ]
    last = df.iloc[-1]
    assert (last["space_kind"], _missing(last["actor_type"]), last["value"]) == (
        "geographic",
        True,
        1,
    )
    assert last["label"] == "Géographique · Non renseigné"


# --- comparisons ---------------------------------------------------------------------------------


def test_year_over_year(ws: Workspace) -> None:
    df = compare_periods(ws, "events.by_kind", 2025, 2026)
    rows = {r["event_kind"]: r for r in df.to_dict("records")}
    assert (rows["projection-debat"]["value_a"], rows["projection-debat"]["value_b"]) == (1, 4)
    assert rows["projection-debat"]["change"] == 3
    assert rows["projection-debat"]["change_pct"] == pytest.approx(300.0)
    assert (rows["marche-solidarites"]["change"], rows["marche-solidarites"]["change_pct"]) == (
        0,
        0,
    )
    # New in 2026: 0 in 2025, and no percentage of 0.
    assert (rows["conference"]["value_a"], rows["conference"]["value_b"]) == (0, 2)
    assert _missing(rows["conference"]["change_pct"])
    assert len(rows) == 8
    assert df.attrs["period_a"].start == date(2025, 1, 1)
    assert df.attrs["period_b"].end == date(2026, 12, 31)
    # The 2025 rows come first (1 each, by label), then the kinds new in 2026.
    assert list(df["event_kind"])[:2] == ["marche-solidarites", "projection-debat"]


def test_year_over_year_by_month_matches_months_of_the_year(ws: Workspace) -> None:
    df = compare_periods(ws, "events.by_month", 2025, 2026, lang="en")
    rows = {r["label"]: r for r in df.to_dict("records")}
    assert (rows["October"]["month_a"], rows["October"]["month_b"]) == ("2025-10", "2026-10")
    assert (rows["October"]["value_a"], rows["October"]["value_b"]) == (1, 3)
    assert (rows["November"]["value_a"], rows["November"]["value_b"]) == (1, 7)
    assert rows["November"]["change_pct"] == pytest.approx(600.0)
    assert (rows["January"]["value_a"], rows["January"]["value_b"]) == (0, 1)
    assert _missing(rows["January"]["month_a"])
    assert set(rows) == {"October", "November", "January", "February", "March", "June"}


def test_year_over_year_of_rates_leaves_missing_values_missing(ws: Workspace) -> None:
    df = compare_periods(ws, "trainings.by_format", 2025, 2026)
    rows = {(r["training_format"], r["measure"]): r for r in df.to_dict("records")}
    long_cycle = rows["long-cycle", "satisfaction"]
    assert (long_cycle["value_a"], long_cycle["value_b"]) == (
        pytest.approx(3.5),
        pytest.approx(4.4),
    )
    assert rows["long-cycle", "hours"]["change"] == pytest.approx(10.0)
    # T1 did not run in 2025: 0 sessions then, but no satisfaction score (not 0).
    assert rows["short-cycle", "sessions"]["value_a"] == 0
    assert _missing(rows["short-cycle", "satisfaction"]["value_a"])


def test_region_against_the_national_total(ws: Workspace) -> None:
    df = compare_region(ws, "events.by_kind", period=2026)  # the workspace's région, 84
    rows = {r["event_kind"]: r for r in df.to_dict("records")}
    assert (
        rows["projection-debat"]["value_region"],
        rows["projection-debat"]["value_national"],
    ) == (
        3,
        4,
    )
    assert rows["projection-debat"]["share_pct"] == pytest.approx(75.0)
    assert rows["conference"]["share_pct"] == pytest.approx(50.0)
    assert rows["workshop"]["share_pct"] == pytest.approx(100.0)
    assert df.attrs["region"] == "84"
    actors = compare_region(ws, "actors.by_country", "24")
    rows = {r["country"]: r for r in actors.to_dict("records")}
    assert (rows["BJ"]["value_region"], rows["BJ"]["value_national"]) == (2, 2)
    assert (rows["HT"]["value_region"], rows["HT"]["value_national"]) == (1, 2)
    assert (rows["SN"]["value_region"], rows["SN"]["share_pct"]) == (0, 0)


# --- every indicator, on both databases -----------------------------------------------------------


def test_every_builtin_indicator_computes_with_a_label_and_a_method(ws: Workspace) -> None:
    for key, cls in indicators(ws).items():
        df = compute(ws, key, period=2026, region="84", lang="en")
        assert list(df.columns[: len(cls.dimensions)]) == list(cls.dimensions), key
        assert df["label"].map(lambda v: isinstance(v, str) and v != "").all(), key
        assert df.attrs["indicator"] == key
        assert df.attrs["method"], key
        assert df.attrs["title"], key
        assert cls.computed_in in {"sql", "python"}
        assert cls.title("fr") != cls.title("en"), key
    assert len(BUILTIN_INDICATORS) == 19


def test_unknown_indicator_and_bad_arguments(ws: Workspace) -> None:
    from rrma_core.errors import ConfigError

    with pytest.raises(
        ConfigError, match=r"no indicator named 'actors.by_typ'; did you mean 'actors.by_type'"
    ):
        get_indicator(ws, "actors.by_typ")
    with pytest.raises(ConfigError, match=r"unknown région code '99'"):
        compute(ws, "actors.by_type", region="99")
    with pytest.raises(ConfigError, match=r"a period is a year"):
        compute(ws, "actors.by_type", period="last year")
    with pytest.raises(ConfigError, match=r"needs two periods"):
        compare_periods(ws, "actors.by_type", 2025, None)


# --- actors over time, and storing observations ---------------------------------------------------


def test_actors_in_a_period_are_the_directory_at_its_end(tmp_path: Path) -> None:
    with network(tmp_path / "reseau", "sqlite", filled=False) as ws:
        lines = [
            {"type": "actor", "record": {**ACTORS[0], "created_at": "2024-03-01T10:00:00+00:00"}},
            {
                "type": "actor",
                "record": {
                    **ACTORS[1],
                    "created_at": "2023-05-01T10:00:00+00:00",
                    "updated_at": "2025-06-01T10:00:00+00:00",
                    "withdrawn_at": "2025-06-01T10:00:00+00:00",
                },
            },
        ]
        count, problems = ws.import_jsonl(io.StringIO("\n".join(json.dumps(x) for x in lines)))
        assert (count, problems) == (2, [])
        by_year = {
            year: figures(compute(ws, "actors.by_type", period=year), "actor_type")
            for year in (2022, 2023, 2024, 2025)
        }
        assert by_year == {
            2022: {},
            2023: {"local-authority": 1},  # A2 joined in May 2023
            2024: {"association": 1, "local-authority": 1},  # A1 joined in March 2024
            2025: {"association": 1},  # A2 left in June 2025
        }
        assert figures(compute(ws, "actors.by_type"), "actor_type") == {"association": 1}


def test_store_observations_round_trip(fresh: Workspace) -> None:
    from rrma_core.indicators import store_observations

    ws = fresh
    year = date.today().year
    df = compute(ws, "actors.by_departement", period=year)
    result = store_observations(ws, df)
    assert (result.new, result.updated, result.unchanged, result.withdrawn) == (7, 0, 0, 0)
    stored = {
        (o.dimensions.get("departement"), o.dimensions.get("unspecified")): o
        for o in ws.observations(indicator="actors.by_departement")
    }
    rhone = stored["69", None]
    assert rhone.value == 4
    assert rhone.dimensions == {"departement": "69", "region": "84"}
    assert (rhone.period.start, rhone.period.end) == (date(year, 1, 1), date(year, 12, 31))
    assert rhone.unit == "count"
    assert rhone.origin.value == "computed"
    assert rhone.source == "Réseau Test Auvergne-Rhône-Alpes"
    assert rhone.method is not None
    assert "siège" in rhone.method
    assert stored[None, "departement,region"].value == 1  # A9, without a head office
    # Filtering observations by the indexed dimensions works.
    assert [
        o.value for o in ws.observations(indicator="actors.by_departement", departement="38")
    ] == [2]

    # Unchanged figures are not rewritten; a département that lost its only actor is withdrawn.
    assert store_observations(ws, df).unchanged == 7
    ws.withdraw("actor-a7")  # the only actor of the Puy-de-Dôme
    again = store_observations(ws, compute(ws, "actors.by_departement", period=year))
    assert (again.new, again.updated, again.unchanged, again.withdrawn) == (0, 0, 6, 1)
    assert "63" not in {
        o.dimensions.get("departement") for o in ws.observations(indicator="actors.by_departement")
    }

    # Regional figures are stored beside the national ones and do not withdraw them.
    regional = store_observations(ws, compute(ws, "actors.by_type", period=year, region="84"))
    national = store_observations(ws, compute(ws, "actors.by_type", period=year))
    # Région 84 without A7: A1 and A5 are its associations, and 5 other types.
    assert (regional.new, national.new, national.withdrawn) == (6, 8, 0)
    by_type = ws.observations(indicator="actors.by_type")
    assert len(by_type) == 14
    assert {
        o.value
        for o in by_type
        if o.dimensions.get("actor_type") == "association" and o.dimensions.get("region") == "84"
    } == {2}


def test_store_observations_by_month_take_the_month_as_period(fresh: Workspace) -> None:
    from rrma_core.indicators import store_observations, to_observations

    ws = fresh
    df = compute(ws, "events.by_month", period=2026, region="84")
    observations = to_observations(df)
    november = [o for o in observations if o.period.start == date(2026, 11, 1)]
    assert len(november) == 1
    assert (november[0].period.end, november[0].value) == (date(2026, 11, 30), 6)
    assert november[0].dimensions == {"region": "84"}
    assert store_observations(ws, df).new == 5
    stored = ws.observations(indicator="events.by_month", region="84")
    # E16 (January), E9 (March), E8 (June), E1 and E3 (October), E2 to E7 (November); E10 is
    # online, in no région.
    assert [(o.period.start.month, o.value) for o in stored] == [
        (1, 1),
        (3, 1),
        (6, 1),
        (10, 2),
        (11, 6),
    ]


def test_observations_need_a_period_and_skip_missing_values(ws: Workspace) -> None:
    from rrma_core.errors import ConfigError
    from rrma_core.indicators import to_observations

    with pytest.raises(ConfigError, match="have no period"):
        to_observations(compute(ws, "actors.by_type"))
    found = to_observations(compute(ws, "actors.by_type"), 2026)
    assert {o.dimensions["actor_type"]: o.value for o in found}["association"] == 5
    # Rates are stored with their unit.
    rates = to_observations(compute(ws, "trainings.by_format", period=2025))
    assert {o.dimensions["measure"]: (o.value, o.unit) for o in rates}["fill_rate"] == (
        pytest.approx(80.0),
        "percent",
    )
    assert all(isinstance(o, Observation) for o in rates)


def test_withdrawn_events_are_not_counted(fresh: Workspace) -> None:
    fresh.withdraw("event-e3")  # the October and November cycle in the Loire
    assert figures(compute(fresh, "events.by_month", period=2026), "month") == {
        "2026-01": 1,
        "2026-02": 1,
        "2026-03": 1,
        "2026-06": 1,
        "2026-10": 2,  # E1, E12
        "2026-11": 6,
    }
    assert figures(
        compute(fresh, "events.occurrences_by_month", period=2026, region="84"), "month"
    ) == {
        "2026-01": 1,
        "2026-03": 1,
        "2026-06": 1,
        "2026-10": 1,  # E1
        "2026-11": 6,  # E2, E4, E5, E6, E7 twice
    }
    assert compute(fresh, "events.by_kind", period=2026).attrs["total"] is None
    assert (
        figures(compute(fresh, "events.by_kind", period=2026), "event_kind")["projection-debat"]
        == 3
    )
