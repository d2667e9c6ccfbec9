"""The shipped samples, read as the platforms publish them: OpenAgenda's ``events.v2.ics``,
Mobilizon's group feed, and a network's WordPress agenda (the demo calendar)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from rrma_core.models import Event
from rrma_core.testing import run_connector
from rrma_ics import IcsConnector

from .conftest import SAMPLES, Serve


def _by_title(records: Sequence[object]) -> dict[str, Event]:
    events = [r for r in records if isinstance(r, Event)]
    return {str(e.title): e for e in events}


def test_openagenda_export(serve: Serve) -> None:
    url = serve(SAMPLES / "openagenda-events.v2.ics", at="/agendas/48213377/events.v2.ics")
    run = run_connector(IcsConnector, {"url": url, "campaign_edition": "festisol-2026"})

    assert run.skipped == []
    events = _by_title(run.records)
    assert len(events) == 5
    # One VEVENT per timing, sharing the event's UID: one event with three occurrences.
    expo = events["Exposition « Migrations, regards croisés »"]
    assert [o.start.isoformat() for o in expo.occurrences] == [
        "2026-11-16T10:00:00+01:00",
        "2026-11-18T10:00:00+01:00",
        "2026-11-21T10:00:00+01:00",
    ]
    assert run.source_ids.count("55120981@openagenda.com") == 1
    # UTC times are read in the calendar's X-WR-TIMEZONE.
    village = events["Village des solidarités"]
    assert village.occurrences[0].start.isoformat() == "2026-11-14T14:00:00+01:00"
    assert village.venue is not None
    assert village.venue.address is not None
    assert village.venue.address.postal_code == "69002"
    assert village.venue.address.city == "Lyon"
    assert village.venue.coordinates is not None
    assert (village.venue.coordinates.lat, village.venue.coordinates.lon) == (45.7606, 4.8361)
    assert village.keywords == ["Festisol", "commerce équitable", "famille"]
    assert village.themes == ["commerce-equitable"]
    assert village.url == "https://openagenda.com/fr/festisol-aura/events/village-des-solidarites"
    assert village.campaign_edition == "festisol-2026"
    assert village.description is not None
    assert str(village.description).startswith("Stands des associations, jeux coopératifs")
    assert "\n\nUne trentaine d'associations" in str(village.description)
    # An online event has no venue; a cancelled one says so.
    assert events["Webinaire : l'accès à l'eau potable en Afrique de l'Ouest"].venue is None
    assert events["Repas solidaire libanais"].status == "cancelled"
    assert {e.status.value for t, e in events.items() if t != "Repas solidaire libanais"} == {
        "scheduled"
    }


def test_mobilizon_group_feed(serve: Serve) -> None:
    url = serve(SAMPLES / "mobilizon-feed.ics", at="/@collectif_alimenterre_lyon/feed/ics")
    run = run_connector(IcsConnector, {"url": url, "event_kind": "projection-debat"})

    assert run.skipped == []
    events = _by_title(run.records)
    breakfast = events["Petit-déjeuner paysan et projection « Les Semences du futur »"]
    start = breakfast.occurrences[0].start
    assert isinstance(start, datetime)
    assert start.isoformat() == "2026-11-28T09:30:00+01:00"
    assert breakfast.event_kind == "projection-debat"
    # Mobilizon's LOCATION: "street postal-code city région country", with no venue name.
    assert breakfast.venue is not None
    assert breakfast.venue.address is not None
    assert breakfast.venue.name is None
    address = breakfast.venue.address
    assert (address.street, address.postal_code, address.city, address.country) == (
        "12 rue Mazenod",
        "69003",
        "Lyon",
        "FR",
    )
    # ORGANIZER carries the group's name as its value.
    assert [o.name for o in breakfast.organisers] == ["Collectif ALIMENTERRE Lyon"]
    # The HTML description is sanitised, its relative link resolved against the feed's URL.
    html = str(breakfast.description)
    assert html.startswith("<p>Le collectif ALIMENTERRE de Lyon vous invite")
    assert "<ul><li>9 h 30 : accueil et petit-déjeuner</li>" in html
    assert f'href="{url.split("/@")[0]}/@collectif_alimenterre_lyon"' in html
    assert "onerror" not in html
    assert "<img" not in html
    assert breakfast.themes == ["agriculture"]
    conference = events["Conférence « Nourrir l'Afrique de l'Ouest : paroles de paysannes »"]
    assert conference.status == "scheduled"  # TENTATIVE
    assert conference.venue is not None
    assert conference.venue.name == "Salle Paul Garcin"
    assert conference.venue.address is not None
    assert conference.venue.address.street == "8 place de la Croix-Rousse"
    school = events["Séance scolaire ALIMENTERRE au collège Jean Moulin"]
    assert school.status == "cancelled"
    assert school.themes == ["education"]


def test_the_demo_calendar(serve: Serve) -> None:
    url = serve(SAMPLES / "demo.ics", at="/agenda/liste/ical/")
    run = run_connector(IcsConnector, {"url": url})

    assert run.skipped == []
    events = _by_title(run.records)
    assert len(events) == 7  # the private steering committee is left out
    assert run.state["last_fetch"]["left_out_private"] == 1

    screening = events["Projection-débat « Nourrir le monde sans l'abîmer »"]
    # X-ALT-DESC (the HTML version) wins over DESCRIPTION; links are made absolute.
    html = str(screening.description)
    assert "<strong>Festival ALIMENTERRE 2026</strong>, projection" in html
    assert "Terre &amp; Humanisme" in html
    assert 'href="http://' in html
    assert '/agenda/nourrir-le-monde/"' in html
    assert screening.venue is not None
    assert screening.venue.name == "Cinéma Le Zola"
    assert [o.name for o in screening.organisers] == ["Réseau Coopération Solidaire AURA"]

    permanence = events["Permanence d'accueil et d'accompagnement des porteurs de projets"]
    starts = [o.start.isoformat()[:10] for o in permanence.occurrences]
    # Open-ended weekly rule: unrolled from the window's start (2026-10-01)...
    assert starts[0] == "2026-10-06"
    assert "2026-09-29" not in starts
    # ... to its end (2027-12-01, exclusive), EXDATEs left out, the override moved, the
    # cancelled instance removed.
    assert starts[-1] == "2027-11-30"
    assert "2026-12-22" not in starts
    assert "2026-12-29" not in starts
    assert "2026-12-15" not in starts
    assert "2026-12-16" in starts
    assert "2027-01-05" not in starts
    assert permanence.themes == ["appui-institutionnel"]

    training = events["Cycle de formation « Monter un projet d'ECSI »"]
    assert [o.start.isoformat()[:10] for o in training.occurrences] == [
        "2027-01-26",
        "2027-02-09",
        "2027-02-23",
        "2027-03-09",
    ]
    meeting = events["Rencontres régionales de l'ECSI 2027"]
    assert meeting.occurrences[0].start == date(2027, 3, 25)
    assert meeting.occurrences[0].end == date(2027, 3, 26)  # DTEND is exclusive, end is not
    assert meeting.occurrences[0].all_day
    assert events[
        "Conférence « Agroécologie et souveraineté alimentaire au Burkina Faso »"
    ].status == ("cancelled")
    day = events["Journée d'échanges « Genre et solidarité internationale »"].occurrences[0]
    assert day.end is not None
    assert day.end.isoformat() == "2027-04-15T16:30:00+02:00"
