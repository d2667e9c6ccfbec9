"""How VEVENTs become events: recurrence, overrides, cancellations, the window, the caps,
time zones and the RFC 5545 defaults. "Today" is 2026-11-27; the window runs from
2026-10-01 to 2027-12-01 with the default options."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Any

from rrma_core.models import Event
from rrma_core.testing import ConnectorRun, run_connector
from rrma_ics import IcsConnector

from .conftest import Serve, calendar, vevent

PARIS = "DTSTART;TZID=Europe/Paris:"


def _read(serve: Serve, *events: str, header: str = "", **options: Any) -> ConnectorRun:
    url = serve(calendar(*events, header=header))
    timezone = options.pop("timezone", "Europe/Paris")
    return run_connector(IcsConnector, {"url": url, **options}, timezone=timezone)


def _events(run: ConnectorRun) -> list[Event]:
    return [r for r in run.records if isinstance(r, Event)]


def _starts(event: Event) -> list[str]:
    return [o.start.isoformat() for o in event.occurrences]


def _days(event: Event) -> list[str]:
    return [o.start.isoformat()[:10] for o in event.occurrences]


def _override(
    uid: str,
    instance: str,
    *lines: str,
    start: str | None = None,
    summary: str | None = "Atelier hebdomadaire",
) -> str:
    """An override of the instance of ``uid`` starting at ``instance`` (Paris time)."""
    return vevent(
        uid,
        summary,
        f"RECURRENCE-ID;TZID=Europe/Paris:{instance}",
        *lines,
        start=f"{PARIS}{start or instance}",
    )


def test_overrides_move_replace_and_cancel_instances(serve: Serve) -> None:
    uid = "atelier-hebdo@reseau.example.org"
    run = _read(
        serve,
        vevent(uid, "Atelier hebdomadaire", "RRULE:FREQ=WEEKLY;COUNT=4"),
        # moved by a day, same description: it stays in the series
        _override(uid, "20261210T140000", start="20261211T140000"),
        # at another place: an event of its own
        _override(uid, "20261217T140000", "LOCATION:Médiathèque de Vaise"),
        # cancelled: the instance is gone
        _override(uid, "20261224T140000", "STATUS:CANCELLED"),
    )
    assert run.skipped == []
    series, special = _events(run)
    assert run.source_ids == [uid, f"{uid}#2026-12-17T14:00:00+01:00"]
    assert _starts(series) == ["2026-12-03T14:00:00+01:00", "2026-12-11T14:00:00+01:00"]
    assert _starts(special) == ["2026-12-17T14:00:00+01:00"]
    assert special.venue is not None
    assert special.venue.name == "Médiathèque de Vaise"
    assert series.status == special.status == "scheduled"


def test_a_series_whose_every_instance_is_cancelled_is_a_cancelled_event(serve: Serve) -> None:
    uid = "cycle@reseau.example.org"
    run = _read(
        serve,
        vevent(uid, "Atelier hebdomadaire", "RRULE:FREQ=WEEKLY;COUNT=2"),
        _override(uid, "20261203T140000", "STATUS:CANCELLED"),
        _override(uid, "20261210T140000", "STATUS:CANCELLED"),
    )
    (event,) = _events(run)
    assert event.status == "cancelled"
    assert _starts(event) == ["2026-12-03T14:00:00+01:00", "2026-12-10T14:00:00+01:00"]


def test_an_event_level_cancellation_cancels_the_series(serve: Serve) -> None:
    run = _read(
        serve, vevent("annule@x", "Annulé", "RRULE:FREQ=WEEKLY;COUNT=3", "STATUS:CANCELLED")
    )
    (event,) = _events(run)
    assert event.status == "cancelled"
    assert len(event.occurrences) == 3


def test_events_that_end_are_kept_whole_however_old(serve: Serve) -> None:
    """The archive keeps past events: one-offs and finite series are not windowed."""
    run = _read(
        serve,
        vevent("festisol-2024@x", "Festisol 2024", start=f"{PARIS}20241115T180000"),
        vevent(
            "cycle-2025@x",
            "Cycle 2025",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            start=f"{PARIS}20250304T090000",
        ),
        vevent(
            "jusqu-en-octobre@x",
            "Jusqu'en octobre 2026",
            "RRULE:FREQ=MONTHLY;UNTIL=20261010T000000Z",
            start=f"{PARIS}20260605T090000",
        ),
    )
    old, cycle, until = _events(run)
    assert _starts(old) == ["2024-11-15T18:00:00+01:00"]
    assert old.occurrences[0].end == old.occurrences[0].start  # RFC 5545: no DTEND, no length
    assert _days(cycle) == ["2025-03-04", "2025-03-11", "2025-03-18"]
    assert _days(until) == ["2026-06-05", "2026-07-05", "2026-08-05", "2026-09-05", "2026-10-05"]


def test_open_ended_series_are_windowed_and_left_out_when_not_in_it(serve: Serve) -> None:
    run = _read(
        serve,
        vevent("permanence@x", "Permanence", "RRULE:FREQ=MONTHLY", start=f"{PARIS}20200101T100000"),
        vevent("plus-tard@x", "Plus tard", "RRULE:FREQ=WEEKLY", start=f"{PARIS}20290105T100000"),
        window_past_days=60,
        window_future_days=90,
    )
    (monthly,) = _events(run)
    # 60 days before 2026-11-27 is in September: the window starts on 2026-09-01;
    # 90 days after is in February 2027: it ends on 2027-03-01 (excluded).
    assert _days(monthly) == [
        "2026-09-01",
        "2026-10-01",
        "2026-11-01",
        "2026-12-01",
        "2027-01-01",
        "2027-02-01",
    ]
    assert run.state["last_fetch"]["left_out_outside_window"] == 1
    assert run.state["last_fetch"]["window"] == {
        "start": "2026-09-01T00:00:00+02:00",
        "end": "2027-03-01T00:00:00+01:00",
    }


def test_max_occurrences_keeps_those_from_the_window_on(serve: Serve) -> None:
    run = _read(
        serve,
        vevent(
            "quotidien@x", "Accueil quotidien", "RRULE:FREQ=DAILY", start=f"{PARIS}20250101T090000"
        ),
        vevent(
            "ancien@x", "Série passée", "RRULE:FREQ=DAILY;COUNT=30", start=f"{PARIS}20250101T090000"
        ),
        max_occurrences=10,
    )
    daily, past = _events(run)
    assert _days(daily)[:2] == ["2026-10-01", "2026-10-02"]
    assert len(daily.occurrences) == 10
    # A series wholly before the window keeps its latest occurrences.
    assert _days(past) == [f"2025-01-{d:02d}" for d in range(21, 31)]
    assert run.state["last_fetch"]["capped_at_max_occurrences"] == 2


def test_a_spent_time_budget_cuts_recurring_events_and_says_so(serve: Serve) -> None:
    run = _read(
        serve,
        vevent("hebdo@x", "Hebdomadaire", "RRULE:FREQ=WEEKLY"),
        vevent("ponctuel@x", "Ponctuel"),
        time_budget=0,
    )
    assert [str(e.title) for e in _events(run)] == ["Ponctuel"]
    (skipped,) = run.skipped
    assert skipped.item == "hebdo@x"
    assert "time budget (0 s) ran out" in skipped.reason
    assert run.state["last_fetch"]["cut_by_time_budget"] == 1


def test_rfc_defaults_for_the_end(serve: Serve) -> None:
    run = _read(
        serve,
        vevent("jour@x", "Journée", start="DTSTART;VALUE=DATE:20261205"),
        vevent("duree@x", "Avec durée", "DURATION:PT1H30M", start=f"{PARIS}20261203T140000"),
        vevent("jours@x", "Deux jours", "DURATION:P2D", start="DTSTART;VALUE=DATE:20261205"),
        vevent("instant@x", "Sans fin", start=f"{PARIS}20261203T140000"),
    )
    day, with_duration, two_days, instant = _events(run)
    assert (day.occurrences[0].start, day.occurrences[0].end) == (date(2026, 12, 5),) * 2
    assert day.occurrences[0].all_day
    end = with_duration.occurrences[0].end
    assert isinstance(end, datetime)
    assert end.isoformat() == "2026-12-03T15:30:00+01:00"
    assert two_days.occurrences[0].end == date(2026, 12, 6)
    assert instant.occurrences[0].end == instant.occurrences[0].start


def test_floating_times_and_time_zones(serve: Serve) -> None:
    floating = vevent("flottant@x", "Flottant", start="DTSTART:20261203T180000")
    # Without X-WR-TIMEZONE: the workspace's zone (a network in La Réunion).
    run = _read(serve, floating, timezone="Indian/Reunion")
    assert _starts(_events(run)[0]) == ["2026-12-03T18:00:00+04:00"]
    assert run.state["last_fetch"]["unknown_tzids"] == {}
    # With X-WR-TIMEZONE: the calendar's own zone.
    run = _read(serve, floating, header="X-WR-TIMEZONE:America/Martinique")
    assert _starts(_events(run)[0]) == ["2026-12-03T18:00:00-04:00"]


def test_x_wr_timezone_keeps_the_wall_clock_of_utc_recurrences(serve: Serve) -> None:
    """Google writes UTC times and means the calendar's zone: 19:00 in Paris stays 19:00
    after the switch to winter time (read as UTC, it would become 18:00)."""
    run = _read(
        serve,
        vevent(
            "google@x",
            "Réunion hebdomadaire",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            start="DTSTART:20261021T170000Z",
            end="DTEND:20261021T180000Z",
        ),
        header="X-WR-TIMEZONE:Europe/Paris",
    )
    assert _starts(_events(run)[0]) == [
        "2026-10-21T19:00:00+02:00",
        "2026-10-28T19:00:00+01:00",
        "2026-11-04T19:00:00+01:00",
    ]


def test_an_unknown_tzid_in_a_recurrence_is_read_in_the_workspace_zone(serve: Serve) -> None:
    run = _read(
        serve,
        vevent(
            "mars@x",
            "Sur Mars",
            "RRULE:FREQ=DAILY;COUNT=2",
            start="DTSTART;TZID=Mars/Olympus:20261203T140000",
        ),
    )
    assert _starts(_events(run)[0]) == ["2026-12-03T14:00:00+01:00", "2026-12-04T14:00:00+01:00"]
    assert run.state["last_fetch"]["unknown_tzids"] == {"Mars/Olympus": 1}


def test_rdates_are_all_read(serve: Serve) -> None:
    run = _read(
        serve,
        vevent("rdate@x", "Séances", "RDATE;TZID=Europe/Paris:20261210T140000,20280110T140000"),
    )
    assert _days(_events(run)[0]) == ["2026-12-03", "2026-12-10", "2028-01-10"]


def test_one_uid_with_two_different_events(serve: Serve) -> None:
    run = _read(
        serve,
        vevent("double@x", "Projection à Lyon"),
        vevent("double@x", "Projection à Grenoble", start=f"{PARIS}20261204T140000"),
    )
    assert [str(e.title) for e in _events(run)] == ["Projection à Lyon", "Projection à Grenoble"]
    assert run.source_ids == [
        "double@x#2026-12-03T14:00:00+01:00",
        "double@x#2026-12-04T14:00:00+01:00",
    ]


def test_languages_private_events_and_several_calendars(serve: Serve) -> None:
    first = calendar(
        vevent("en@x", None, "SUMMARY;LANGUAGE=en-GB:Screening and debate"),
        vevent("prive@x", "Réunion interne", "CLASS:PRIVATE"),
    )
    second = calendar(vevent("second@x", "Second agenda"))
    run = run_connector(IcsConnector, {"url": serve(first + second)})
    english, other = _events(run)
    assert english.title.languages == ["en"]
    assert str(english.title) == "Screening and debate"
    assert str(other.title) == "Second agenda"
    assert run.state["last_fetch"]["left_out_private"] == 1


def test_hostile_rules_cost_under_a_second_each(serve: Serve) -> None:
    """The issue's acceptance criterion: minutely since 1970, an impossible daily rule, an
    INTERVAL=0 loop, hourly since 1900: each refused well within a second."""
    rules = {
        "minutely@x": ("FREQ=MINUTELY", "19700101T000000"),
        "impossible@x": ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "20261203T140000"),
        "interval@x": ("FREQ=MONTHLY;INTERVAL=0", "20261203T140000"),
        "hourly@x": ("FREQ=HOURLY", "19000101T000000"),
    }
    for uid, (rule, start) in rules.items():
        started = time.monotonic()
        run = _read(
            serve,
            vevent(uid, "Hostile", f"RRULE:{rule}", start=f"{PARIS}{start}"),
            vevent("autre@x", "Autre"),
        )
        assert time.monotonic() - started < 1.0, uid
        assert [s.item for s in run.skipped] == [uid]
        assert len(run.records) == 1


def test_the_window_is_rounded_outward_to_whole_months(serve: Serve, today: datetime) -> None:
    run = _read(serve, vevent("un@x"))
    window = run.state["last_fetch"]["window"]
    assert window == {"start": "2026-10-01T00:00:00+02:00", "end": "2027-12-01T00:00:00+01:00"}
    assert datetime.fromisoformat(window["start"]) < today - timedelta(days=30)
    assert datetime.fromisoformat(window["end"]) > today + timedelta(days=365)


def test_a_minimal_override_inherits_what_it_leaves_out(serve: Serve) -> None:
    """Some producers write overrides with only the times (and what changed)."""
    uid = "minimal@x"
    run = _read(
        serve,
        vevent(
            uid,
            "Atelier hebdomadaire",
            "RRULE:FREQ=WEEKLY;COUNT=3",
            "LOCATION:Maison des Solidarités, 12 rue Mazenod, 69003 Lyon",
            "CATEGORIES:ECSI",
        ),
        # only the times: moved within the series
        _override(uid, "20261210T140000", start="20261210T180000", summary=None),
        # another title: an event of its own, at the series' place
        _override(uid, "20261217T140000", summary="Atelier spécial fin d'année"),
    )
    series, special = _events(run)
    assert _starts(series) == ["2026-12-03T14:00:00+01:00", "2026-12-10T18:00:00+01:00"]
    assert str(special.title) == "Atelier spécial fin d'année"
    assert special.venue is not None
    assert special.venue.name == "Maison des Solidarités"
    assert special.keywords == ["ECSI"]
