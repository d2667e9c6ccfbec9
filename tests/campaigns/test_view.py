"""``edition_view`` and the figures: the coordinator's chase list, counted by hand from
conftest.py."""

from __future__ import annotations

import csv
import io
import json

import pytest

from rrma_core import Actor, CampaignEdition, Workspace
from rrma_core.campaigns import (
    MISSING,
    edition_figures,
    edition_summary,
    edition_view,
    editions,
    save_figures,
)
from rrma_core.errors import ConfigError, RrmaError

from .conftest import AL26, AL26_84, _event, _venue


def test_organisers_and_their_events(ws: Workspace) -> None:
    view = edition_view(ws, AL26)
    assert view.edition.id == AL26_84
    assert view.region == "84"
    assert [(o.key, o.name) for o in view.organisers] == [
        ("actor-adm", "Artisans du Monde Lyon"),
        ("actor-cine", "Ciné Loire"),
        ("name:collectif alimentation durable", "Collectif Alimentation Durable"),
        ("actor-tp", "Terre et Partage"),
    ]
    events = {o.key: [e.id for e in o.events] for o in view.organisers}
    # e2 and e7 name actor-adm by name only; e6 is withdrawn; e9 is the regional edition's.
    assert events["actor-adm"] == ["event-e1", "event-e2", "event-e7", "event-e9"]
    # e3 names Terre et Partage twice (by id, and by name): once here.
    assert events["actor-tp"] == ["event-e3", "event-e10"]
    assert [e.id for e in view.orphans] == ["event-e11"]


def test_what_each_event_misses(ws: Workspace) -> None:
    view = edition_view(ws, AL26)
    missing = {e.id: e.missing for o in view.organisers for e in o.events}
    missing.update({e.id: e.missing for e in view.orphans})
    assert missing == {
        "event-e1": (),
        "event-e2": ("no-time", "no-link"),
        "event-e3": (),
        "event-e4": ("no-venue", "no-description", "no-link"),
        "event-e5": ("no-kind",),
        "event-e7": (),  # cancelled: nothing to chase
        "event-e9": ("outside-period",),  # 5 December; the edition ends on 30 November
        "event-e10": (),  # online, with its link
        "event-e11": ("no-organiser",),
    }


def test_what_each_organiser_misses(ws: Workspace) -> None:
    view = edition_view(ws, AL26)
    own = {o.key: o.missing for o in view.organisers}
    assert own == {
        "actor-adm": (),
        "actor-cine": ("no-contact",),
        "name:collectif alimentation durable": ("not-linked", "no-contact"),
        "actor-tp": (),
    }
    new = {o.key: o.new for o in view.organisers}
    assert new == {
        "actor-adm": False,
        "actor-cine": False,
        "name:collectif alimentation durable": True,
        "actor-tp": True,
    }


def test_event_details(ws: Workspace) -> None:
    view = edition_view(ws, AL26, lang="en")
    e3 = next(e for o in view.organisers for e in o.events if e.id == "event-e3")
    assert (e3.occurrences, e3.commune, e3.departement, e3.kind) == (
        2,
        "38185",
        "38",
        "projection-debat",
    )
    assert e3.start.isoformat() == "2026-11-05T18:30:00+01:00"
    assert e3.end.isoformat() == "2026-11-06T18:30:00+01:00"
    e9 = next(e for o in view.organisers for e in o.events if e.id == "event-e9")
    assert (e9.commune, e9.departement) == ("Saint-Fons", "69")


def test_chase_list(ws: Workspace) -> None:
    rows = edition_view(ws, AL26).chase_list()
    # Terre et Partage misses nothing: not on the list.
    assert [(r["organiser"], r["events"], r["incomplete"]) for r in rows] == [
        ("Artisans du Monde Lyon", 3, 2),  # e1 e2 e9 (e7 cancelled); e2 and e9
        ("Ciné Loire", 1, 1),
        ("Collectif Alimentation Durable", 1, 1),
        (None, 1, 1),  # e11
    ]
    adm, cine, collectif, orphan = rows
    assert (adm["no-time"], adm["no-link"], adm["outside-period"], adm["no-contact"]) == (
        1,
        1,
        1,
        0,
    )
    assert adm["email"] == "contact@adm-lyon.example.org"
    assert adm["missing"] == "pas d'heure, date hors de l'édition, pas de lien ni d'inscription"
    assert adm["details"] == (
        "Séance e2 (2026-10-20) : pas d'heure, pas de lien ni d'inscription; "
        "Séance e9 (2026-12-05) : date hors de l'édition"
    )
    assert (cine["no-kind"], cine["no-contact"]) == (1, 1)
    assert (collectif["no-venue"], collectif["not-linked"], collectif["no-contact"]) == (1, 1, 1)
    assert orphan["no-organiser"] == 1
    # Personal data only when asked for.
    assert "contacts" not in adm


def test_chase_list_with_contacts(ws: Workspace) -> None:
    rows = edition_view(ws, AL26, personal_data=True).chase_list()
    assert rows[0]["contacts"] == "Paul Martin (04 78 00 00 00)"
    assert rows[1]["contacts"] == ""


def test_total_gaps_per_code(ws: Workspace) -> None:
    rows = edition_view(ws, AL26).chase_list()
    totals = {code: sum(r[code] for r in rows) for code in MISSING}
    assert totals == {
        "no-venue": 1,
        "no-commune": 0,
        "no-online-link": 0,
        "no-time": 1,
        "outside-period": 1,
        "no-description": 1,
        "no-kind": 1,
        "no-link": 2,
        "no-organiser": 1,
        "not-linked": 1,
        "no-contact": 2,
    }


def test_view_rows(ws: Workspace) -> None:
    rows = edition_view(ws, AL26).rows()
    # 4 + 1 + 1 + 2 organiser-event pairs, then the orphan.
    assert len(rows) == 9
    assert rows[-1]["organiser"] is None
    assert rows[-1]["event_id"] == "event-e11"


def test_figures(ws: Workspace) -> None:
    figures = edition_figures(ws, AL26)
    assert figures.edition == AL26_84
    assert (figures.events, figures.occurrences, figures.organisers) == (8, 9, 4)
    assert (figures.new_organisers, figures.communes, figures.departements) == (2, 5, 3)
    assert figures.cancelled == 1
    assert figures.by_kind == {
        "conference": 2,
        "other": 1,
        "projection-debat": 3,
        "rencontre": 1,
        "workshop": 1,
    }
    assert figures.by_departement == {"38": 1, "42": 1, "69": 4, "unknown": 2}
    assert figures.by_audience == {"general-public": 2, "school": 1}  # e1 e9 / e5
    # Stored on the record before: the attendance is kept, "events" is computed here.
    assert figures.reported == {"attendance": 1500}


def test_figures_as_json_and_csv(ws: Workspace) -> None:
    figures = edition_figures(ws, AL26)
    data = json.loads(figures.to_json())
    assert data["events"] == 8
    assert data["by_departement"]["69"] == 4
    assert data["reported"] == {"attendance": 1500}
    rows = list(csv.DictReader(io.StringIO(figures.to_csv())))
    by_key = {r["figure"]: r for r in rows}
    assert by_key["events"]["value"] == "8"
    assert by_key["organisers.new"]["label"] == "Nouveaux organisateurs"
    assert by_key["events.departement.69"]["label"] == "Département : Rhône"
    assert by_key["events.departement.unknown"]["value"] == "2"
    assert by_key["attendance"]["value"] == "1500"
    assert len(rows) == 19  # 7 totals, attendance, 5 kinds, 4 départements, 2 audiences
    english = {r["figure"]: r["label"] for r in csv.DictReader(io.StringIO(figures.to_csv("en")))}
    assert english["events.kind.workshop"] == "Kind: Workshop"


def test_save_figures_updates_the_record(fresh: Workspace) -> None:
    saved = save_figures(fresh, edition_figures(fresh, AL26))
    stored = fresh.get(AL26_84)
    assert isinstance(stored, CampaignEdition)
    assert stored.figures == saved.figures
    assert stored.figures["attendance"] == 1500  # kept
    assert stored.figures["events"] == 8  # was 99
    assert stored.figures["events.departement.69"] == 4
    assert stored.coordinators[0].name == "RESACOOP"
    # Saving again gives the same figures, and stale computed keys go.
    again = save_figures(fresh, edition_figures(fresh, AL26))
    assert again.figures == saved.figures


def test_save_figures_creates_the_record(fresh: Workspace) -> None:
    figures = edition_figures(fresh, AL26, region="24")
    record = save_figures(fresh, figures)
    assert record.id == "alimenterre-2026-24"
    assert record.figures["events"] == 2
    assert record.figures["organisers.new"] == 0
    assert fresh.get("alimenterre-2026-24").figures == record.figures  # type: ignore[attr-defined]


def test_editions(ws: Workspace) -> None:
    rows = editions(ws)
    assert [(r["edition"], r["events"], r["stored"]) for r in rows] == [
        # e1 e2 e3 e4 e5 e8 e10 e11 e12 (not e6 withdrawn, e7 cancelled)
        ("alimenterre-2026", 9, False),
        ("alimenterre-2026-84", 1, True),  # e9
        ("festisol-2026", 1, False),  # x1
        ("alimenterre-2025", 4, False),  # p1 p2 p3 p5 (not p4)
    ]
    assert rows[0]["name"] == "Festival ALIMENTERRE"


def test_to_dataframe_or_a_clear_error(ws: Workspace) -> None:
    view = edition_view(ws, AL26)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(RrmaError, match="needs pandas"):
            view.to_dataframe()
        return
    frame = view.to_dataframe()
    assert len(frame) == 9
    assert list(frame["event_id"])[:2] == ["event-e1", "event-e2"]
    figures = edition_figures(ws, AL26).to_dataframe()
    assert int(figures.set_index("figure").loc["events", "value"]) == 8


def test_organisers_named_only_are_found_in_the_directory(fresh: Workspace) -> None:
    """A reference by name only is the directory's actor with that name (case and accents
    ignored): linked, reachable, and placed at its head office when the event has no venue.
    A name two actors share stays a name."""
    fresh.add(Actor(id="actor-mds-1", name="Maison des Solidarités", actor_type="association"))
    fresh.add(Actor(id="actor-mds-2", name="Maison des solidarites", actor_type="association"))
    fs = "mois-ess-2026"
    events = [
        # No venue: placed at Ciné Loire's head office (42, région 84).
        _event("f1", "conference", ["2026-11-20T18:00:00+01:00"], campaign=fs,
               organisers=[{"name": "CINE LOIRE"}]),
        # No venue: Solidarité Touraine's head office is in Tours (région 24): left out.
        _event("f2", "conference", ["2026-11-21T18:00:00+01:00"], campaign=fs,
               organisers=[{"name": "solidarite touraine"}]),
        _event("f3", "workshop", ["2026-11-22T18:00:00+01:00"], campaign=fs,
               organisers=[{"name": "Maison des Solidarités"}], venue=_venue("69123")),
        _event("f4", "workshop", ["2026-11-23T18:00:00+01:00"], campaign=fs,
               organisers=[{"name": "Terre et partage"}], venue=_venue("69123")),
    ]  # fmt: skip
    for event in events:
        fresh.add(event)
    view = edition_view(fresh, fs)
    assert [(o.key, o.id, o.missing) for o in view.organisers] == [
        ("actor-cine", "actor-cine", ("no-contact",)),
        ("name:maison des solidarites", None, ("not-linked", "no-contact")),
        ("actor-tp", "actor-tp", ()),
    ]
    assert {e.id: e.departement for o in view.organisers for e in o.events} == {
        "event-f1": None,
        "event-f3": "69",
        "event-f4": "69",
    }
    summary = edition_summary(fresh, fs)
    assert (summary.events, summary.organisers) == (3, 3)
    assert [(r["organiser"], r["id"]) for r in summary.by_organiser] == [
        ("Ciné Loire", "actor-cine"),
        ("Maison des Solidarités", None),
        ("Terre et Partage", "actor-tp"),
    ]


def test_an_unknown_language_is_refused(ws: Workspace) -> None:
    calls = [
        lambda: edition_view(ws, AL26, lang="de"),
        lambda: edition_summary(ws, AL26, lang="EN"),
        lambda: editions(ws, lang="de"),
        lambda: edition_figures(ws, AL26).rows("de"),
    ]
    for call in calls:
        with pytest.raises(ConfigError, match=r"unknown language '(de|EN)'"):
            call()
