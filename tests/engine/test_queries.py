"""The query API on both databases: each filter against ids worked out by hand.

Events lie either far in the past (2001) or far in the future (2099), so "now" never matters.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from rrma_core import Workspace
from rrma_core.models import Actor, CallForProjects, Event
from rrma_core.vocabularies._closed import ActorType, EventKind

from ._helpers import actor, call, event, siret

PARIS_WINTER = timezone(timedelta(hours=1))

EVENTS = {
    "event-lyon-nourrir": event(
        None,
        "Projection-débat « Nourrir la ville »",
        start="2099-11-20T20:00:00+01:00",
        commune="69123",
        themes=["agriculture"],
        sdgs=[2],
        campaign="alimenterre-2099",
        organisers=["RESACOOP"],
    ),
    "event-grenoble-eau": event(
        None,
        "Conférence « L'eau, bien commun »",
        occurrences=[{"start": "2099-10-05"}],
        commune="38185",
        kind="conference",
        themes=["eau"],
        sdgs=[6],
        campaign="festisol-2099",
    ),
    "event-clermont-2001": event(
        None,
        "Ciné-débat ALIMENTERRE 2001",
        start="2001-10-20T20:00:00+02:00",
        commune="63113",
        themes=["agriculture"],
        sdgs=[2],
        campaign="alimenterre-2001",
    ),
    "event-paris-agora": event(
        None,
        "Agora nationale de l'ECSI",
        start="2099-06-01T09:00:00+02:00",
        commune="75056",
        kind="rencontre",
        themes=["ecsi"],
        sdgs=[4, 17],
    ),
    "event-marseille-marche": event(
        None,
        "Marché des solidarités",
        occurrences=[{"start": "2001-11-18"}],
        commune="13055",
        kind="marche-solidarites",
        themes=["commerce-equitable"],
        sdgs=[12],
    ),
    "event-bourg-cycle": event(
        None,
        "Cycle d'ateliers santé communautaire",
        occurrences=[
            {"start": "2001-03-01T18:00:00+01:00", "end": "2001-03-01T20:00:00+01:00"},
            {"start": "2099-12-01T18:00:00+01:00", "end": "2099-12-01T20:00:00+01:00"},
        ],
        commune="01053",
        kind="workshop",
        themes=["sante"],
        sdgs=[3],
    ),
    "event-en-ligne": event(
        None,
        "Webinaire genre et coopération",
        start="2099-04-01T18:00:00+02:00",
        commune=None,
        kind="conference",
        themes=["genre"],
        sdgs=[5],
        attendance_mode="online",
        online_url="https://visio.example.org/genre",
    ),
}
WITHDRAWN_EVENT = "event-lyon-annule"

CALLS = {
    "call-afd-eau": call(
        None,
        "Appel à projets Eau et assainissement",
        funders=["Agence française de développement"],
        deadline="2099-03-15",
        published_on="2099-01-10",
        themes=["eau"],
        countries=["SN", "BF"],
        sdgs=[6],
    ),
    "call-region-midi": call(
        None,
        "Appel ECSI de la Région",
        funders=["Région Auvergne-Rhône-Alpes"],
        deadline="2099-03-15T12:00:00+01:00",
        published_on="2099-01-05",
        themes=["ecsi"],
        countries=["MG"],
        sdgs=[4],
    ),
    "call-meae-permanent": call(
        None,
        "Fonds permanent santé",
        funders=["Ministère de l'Europe et des Affaires étrangères"],
        deadline=None,
        published_on=None,
        opens_on="2099-02-01",
        themes=["sante"],
        countries=["SN"],
        sdgs=[3],
    ),
    "call-clos-2001": call(
        None,
        "Appel clos de 2001",
        funders=["Fondation de France"],
        deadline="2001-06-30",
        published_on="2001-01-15",
    ),
}

ACTORS = {
    "actor-amis-sahel": actor(
        None,
        "Les Amis du Sahel",
        commune="69123",
        countries=["BF", "ML"],
        sdgs=[2, 6],
        sectors=["agriculture"],
        rna="W691234567",
        siret=siret("48213716"),
        contacts=[{"name": "Awa Diop", "email": "awa.diop@example.org", "role": "présidente"}],
    ),
    "actor-grenoble": actor(
        None,
        "Ville de Grenoble",
        actor_type="local-authority",
        local_authority_level="commune",
        commune="38185",
        countries=["BF"],
        sdgs=[11],
    ),
    "actor-artisans-clermont": actor(
        None,
        "Artisans du Monde Clermont",
        actor_type="ess-enterprise",
        commune="63113",
        countries=["PE"],
        sdgs=[8, 12],
        sectors=["commerce-equitable"],
        siret=siret("51234567", "0012"),
    ),
    "actor-senegalais-marseille": actor(
        None,
        "Association des Sénégalais de Marseille",
        actor_type="osim",
        commune="13055",
        countries=["SN"],
        sdgs=[4],
    ),
    "actor-lycee-bourg": actor(
        None,
        "Lycée agricole de Bourg-en-Bresse",
        actor_type="school",
        commune="01053",
        countries=["SN", "MA"],
        sdgs=[4],
    ),
}


@pytest.fixture(scope="module")
def ws(module_workspace: Workspace) -> Workspace:
    """The workspace holding the records above, entered by hand (the tests only read it)."""
    workspace = module_workspace
    for model, records in ((Event, EVENTS), (CallForProjects, CALLS), (Actor, ACTORS)):
        for record_id, data in records.items():
            workspace.add(model.parse(data | {"id": record_id}))
    workspace.add(
        Event.parse(event(None, "Soirée annulée", commune="69123") | {"id": WITHDRAWN_EVENT})
    )
    workspace.withdraw(WITHDRAWN_EVENT)
    return workspace


def ids(records: list[object]) -> list[str]:
    return [r.id for r in records]  # type: ignore[attr-defined]


# --- events ------------------------------------------------------------------------------------


def test_events_are_typed_models(ws: Workspace) -> None:
    events = ws.events()
    assert all(isinstance(e, Event) for e in events)
    assert set(ids(events)) == set(EVENTS)
    lyon = ws.get("event-lyon-nourrir")
    assert (lyon.departement, lyon.region) == ("69", "84")  # type: ignore[attr-defined]


def test_upcoming_events(ws: Workspace) -> None:
    upcoming = set(ids(ws.events(upcoming=True)))
    # Clermont and Marseille are over; the Bourg cycle has one occurrence left.
    assert upcoming == {
        "event-lyon-nourrir",
        "event-grenoble-eau",
        "event-paris-agora",
        "event-bourg-cycle",
        "event-en-ligne",
    }
    assert set(ids(ws.events(upcoming=False))) == set(EVENTS)


def test_upcoming_events_come_by_their_next_occurrence(ws: Workspace) -> None:
    assert ids(ws.events(upcoming=True)) == [
        "event-en-ligne",  # 2099-04-01
        "event-paris-agora",  # 2099-06-01
        "event-grenoble-eau",  # 2099-10-05
        "event-lyon-nourrir",  # 2099-11-20
        "event-bourg-cycle",  # next: 2099-12-01
    ]


def test_events_by_region_from_the_commune_code(ws: Workspace) -> None:
    expected = [
        "event-bourg-cycle",
        "event-clermont-2001",
        "event-grenoble-eau",
        "event-lyon-nourrir",
    ]
    assert sorted(ids(ws.events(region="84"))) == expected
    assert sorted(ids(ws.events(region=84))) == expected
    assert ids(ws.events(region="11")) == ["event-paris-agora"]
    assert sorted(ids(ws.events(region=["11", "93"]))) == [
        "event-marseille-marche",
        "event-paris-agora",
    ]


def test_events_by_departement(ws: Workspace) -> None:
    assert ids(ws.events(departement="38")) == ["event-grenoble-eau"]
    # "1" and 1 are the département 01 (Ain), where Bourg-en-Bresse is.
    assert sorted(ids(ws.events(departement=["1", "13"]))) == [
        "event-bourg-cycle",
        "event-marseille-marche",
    ]
    assert ids(ws.events(departement=1)) == ["event-bourg-cycle"]
    assert ids(ws.events(departement="974")) == []


def test_events_by_campaign_edition_or_campaign_code(ws: Workspace) -> None:
    assert ids(ws.events(campaign="alimenterre-2099")) == ["event-lyon-nourrir"]
    assert ids(ws.events(campaign="alimenterre")) == ["event-clermont-2001", "event-lyon-nourrir"]
    assert ids(ws.events(campaign="festisol")) == ["event-grenoble-eau"]
    assert ids(ws.events(campaign="mois-ess")) == []


def test_events_by_theme_code_or_label(ws: Workspace) -> None:
    assert ids(ws.events(theme="eau")) == ["event-grenoble-eau"]
    assert ids(ws.events(theme="Santé")) == ["event-bourg-cycle"]
    assert ids(ws.events(theme="commerce equitable")) == ["event-marseille-marche"]
    assert sorted(ids(ws.events(theme=["eau", "Genre et égalité femmes-hommes"]))) == [
        "event-en-ligne",
        "event-grenoble-eau",
    ]


def test_events_by_sdg_kind_organiser_and_dates(ws: Workspace) -> None:
    assert ids(ws.events(sdg=6)) == ["event-grenoble-eau"]
    assert ids(ws.events(sdg="ODD 17")) == ["event-paris-agora"]
    assert sorted(ids(ws.events(sdg=[2]))) == ["event-clermont-2001", "event-lyon-nourrir"]
    assert ids(ws.events(kind="marche-solidarites")) == ["event-marseille-marche"]
    assert ids(ws.events(organiser="resacoop")) == ["event-lyon-nourrir"]
    assert ids(ws.events(start=date(2099, 10, 1), end=date(2099, 10, 31))) == ["event-grenoble-eau"]
    # The Bourg cycle has an occurrence in each of these windows.
    assert ids(ws.events(start=date(2001, 3, 1), end=date(2001, 3, 1))) == ["event-bourg-cycle"]
    assert "event-bourg-cycle" in ids(ws.events(start=date(2099, 12, 1)))


def test_event_filters_combine(ws: Workspace) -> None:
    assert ids(ws.events(upcoming=True, region="84", theme="agriculture")) == ["event-lyon-nourrir"]
    assert ids(ws.events(upcoming=True, campaign="alimenterre", departement="69")) == [
        "event-lyon-nourrir"
    ]
    assert ids(ws.events(upcoming=True, region="84", sdg=2, campaign="alimenterre-2001")) == []


def test_withdrawn_events_are_hidden_unless_asked_for(ws: Workspace) -> None:
    assert WITHDRAWN_EVENT not in ids(ws.events())
    assert WITHDRAWN_EVENT not in ids(ws.events(departement="69", upcoming=True))
    assert WITHDRAWN_EVENT in ids(ws.events(include_withdrawn=True))
    assert ws.get(WITHDRAWN_EVENT).withdrawn


def test_events_limit(ws: Workspace) -> None:
    assert len(ws.events(limit=2)) == 2
    assert ids(ws.events(limit=2)) == ids(ws.events())[:2]


# --- calls for projects ------------------------------------------------------------------------


def test_calls_open_on_a_day_include_the_deadline_day(ws: Workspace) -> None:
    # Sorted closing soonest first: the noon deadline before the end-of-day one, none last.
    assert ids(ws.calls(open_on=date(2099, 3, 15))) == [
        "call-region-midi",
        "call-afd-eau",
        "call-meae-permanent",
    ]
    assert ids(ws.calls(open_on=date(2099, 3, 16))) == ["call-meae-permanent"]
    # Before publication, and before the opening date, a call cannot be answered.
    assert ids(ws.calls(open_on=date(2099, 1, 20))) == ["call-region-midi", "call-afd-eau"]
    assert ids(ws.calls(open_on=date(2099, 1, 7))) == ["call-region-midi"]
    assert ids(ws.calls(open_on=date(2001, 6, 30))) == ["call-clos-2001"]


def test_calls_open_at_an_instant_against_a_datetime_deadline(ws: Workspace) -> None:
    morning = datetime(2099, 3, 15, 11, 0, tzinfo=PARIS_WINTER)
    afternoon = datetime(2099, 3, 15, 13, 0, tzinfo=PARIS_WINTER)
    assert ids(ws.calls(open_on=morning)) == [
        "call-region-midi",
        "call-afd-eau",
        "call-meae-permanent",
    ]
    # Past noon the Région's call is closed; the AFD's date deadline runs to midnight.
    assert ids(ws.calls(open_on=afternoon)) == ["call-afd-eau", "call-meae-permanent"]


def test_calls_by_funder_ignore_case_and_accents(ws: Workspace) -> None:
    assert ids(ws.calls(funder="agence FRANCAISE de developpement")) == ["call-afd-eau"]
    assert ids(ws.calls(funder="Région Auvergne-Rhône-Alpes")) == ["call-region-midi"]
    assert ids(ws.calls(funder="region auvergne-rhone-alpes")) == ["call-region-midi"]
    assert ids(ws.calls(funder="MINISTÈRE DE L'EUROPE ET DES AFFAIRES ÉTRANGÈRES")) == [
        "call-meae-permanent"
    ]
    assert ids(ws.calls(funder="Agence")) == []


def test_calls_by_theme_sdg_and_country(ws: Workspace) -> None:
    assert ids(ws.calls(theme="Santé")) == ["call-meae-permanent"]
    assert ids(ws.calls(theme="eau")) == ["call-afd-eau"]
    assert ids(ws.calls(sdg="ODD 4")) == ["call-region-midi"]
    assert ids(ws.calls(country="sn")) == ["call-afd-eau", "call-meae-permanent"]
    assert ids(ws.calls(open_on=date(2099, 3, 16), country="SN")) == ["call-meae-permanent"]
    assert all(isinstance(c, CallForProjects) for c in ws.calls())


# --- actors ------------------------------------------------------------------------------------


def test_actors_by_type(ws: Workspace) -> None:
    assert ids(ws.actors(type="association")) == ["actor-amis-sahel"]
    assert ids(ws.actors(type=["osim", "school"])) == [
        "actor-senegalais-marseille",  # "Association des Sénégalais..." sorts first
        "actor-lycee-bourg",
    ]


def test_actors_by_departement_region_country_and_sdg(ws: Workspace) -> None:
    assert ids(ws.actors(departement="69")) == ["actor-amis-sahel"]
    assert ids(ws.actors(departement=1)) == ["actor-lycee-bourg"]
    assert ids(ws.actors(region="84")) == [
        "actor-artisans-clermont",
        "actor-amis-sahel",
        "actor-lycee-bourg",
        "actor-grenoble",
    ]
    assert ids(ws.actors(country="BF")) == ["actor-amis-sahel", "actor-grenoble"]
    assert ids(ws.actors(country=["sn"])) == ["actor-senegalais-marseille", "actor-lycee-bourg"]
    assert ids(ws.actors(sdg=4)) == ["actor-senegalais-marseille", "actor-lycee-bourg"]
    assert ids(ws.actors(sdg="ODD 12")) == ["actor-artisans-clermont"]
    assert ids(ws.actors(type="school", country="SN", sdg=4)) == ["actor-lycee-bourg"]
    assert all(isinstance(a, Actor) for a in ws.actors())


# --- DataFrames --------------------------------------------------------------------------------


def test_events_to_dataframe_has_typed_columns(ws: Workspace) -> None:
    events = ws.events(region="84")
    frame = events.to_dataframe()
    assert list(frame["id"]) == ids(events)
    for column in ("start", "end", "created_at", "updated_at"):
        assert isinstance(frame[column].dtype, pd.DatetimeTZDtype), column
    assert isinstance(frame["event_kind"].dtype, pd.CategoricalDtype)
    assert set(frame["event_kind"].cat.categories) == {k.value for k in EventKind}
    lyon = frame.set_index("id").loc["event-lyon-nourrir"]
    assert lyon["start"] == pd.Timestamp("2099-11-20T19:00:00Z")
    assert (lyon["venue_departement"], lyon["venue_region"]) == ("69", "84")
    # An all-day occurrence starts at midnight in the workspace's time zone (Paris).
    grenoble = frame.set_index("id").loc["event-grenoble-eau"]
    assert grenoble["start"] == pd.Timestamp("2099-10-04T22:00:00Z")


def test_actors_and_calls_to_dataframe(ws: Workspace) -> None:
    actors = ws.actors()
    frame = actors.to_dataframe()
    assert list(frame["id"]) == ids(actors)
    assert isinstance(frame["actor_type"].dtype, pd.CategoricalDtype)
    assert set(frame["actor_type"].cat.categories) == {t.value for t in ActorType}
    assert isinstance(frame["created_at"].dtype, pd.DatetimeTZDtype)
    assert "contacts" not in frame  # personal data is left out unless asked for
    with_contacts = actors.to_dataframe(personal_data=True)
    assert "contacts" in with_contacts
    calls = ws.calls(open_on=date(2099, 3, 15)).to_dataframe()
    assert list(calls["id"]) == ["call-region-midi", "call-afd-eau", "call-meae-permanent"]
    assert isinstance(calls["updated_at"].dtype, pd.DatetimeTZDtype)
    assert ws.events(departement="974").to_dataframe().empty
