"""The ``openagenda`` connector against a fake OpenAgenda API v2 on a real local server."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import rrma_openagenda._connector
from rrma_core.errors import ConfigError, RrmaError
from rrma_core.models import Event
from rrma_core.testing import run_connector
from rrma_openagenda import OpenAgendaConnector, permalink

from .conftest import AGENDA, KEY, FakeOpenAgenda, sample

LYON = "63815274"  # the ALIMENTERRE screening in Lyon, the richest sample event


def by_uid(records: list[Any], source_ids: list[str | None]) -> dict[str, Event]:
    return {str(uid): record for uid, record in zip(source_ids, records, strict=True)}


# --- paging, the key, the query ------------------------------------------------------------


def test_reads_every_page_with_the_key_in_a_header_only(openagenda: FakeOpenAgenda) -> None:
    run = run_connector(OpenAgendaConnector, openagenda.options())

    assert run.skipped == []
    assert run.source_ids == ["63790415", "63902118", LYON, "64301876"]  # update order
    first, second = openagenda.requests
    for seen in (first, second):
        assert seen.headers["Key"] == KEY
        assert KEY not in seen.query
        assert seen.args["size"] == ["100"]
        assert seen.args["detailed"] == ["1"]
        assert seen.args["longDescriptionFormat"] == ["HTML"]
        assert seen.args["sort"] == ["updatedAt.asc"]
        assert "updatedAt[gte]" not in seen.args  # the first sync reads everything
        assert "removed" not in seen.args
    assert "after[]" not in first.args
    assert second.args["after[]"] == sample("page-1.json")["after"]


def test_asks_only_for_changes_since_the_last_sync(openagenda: FakeOpenAgenda) -> None:
    since = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

    run = run_connector(OpenAgendaConnector, openagenda.options(), since=since)

    (seen,) = openagenda.requests
    # An hour earlier than the last sync, for clock differences and indexing delays.
    assert seen.args["updatedAt[gte]"] == ["2026-11-26T11:00:00.000Z"]
    assert seen.args["removed"] == ["null"]  # removed events come too
    # The removed event is not a record (the engine withdraws it: see test_sync).
    assert run.source_ids == ["63902118", "64402290"]
    assert run.skipped == []


def test_an_event_read_twice_while_paging_keeps_its_later_version(
    make_openagenda: Callable[..., FakeOpenAgenda],
) -> None:
    page_1 = sample("page-1.json")
    page_2 = sample("page-2.json")
    moved = json.loads(json.dumps(page_1["events"][0]))  # updated while the pages were read
    moved["title"] = {"fr": "Ciné-débat ALIMENTERRE : « Le riz du delta » (nouvel horaire)"}
    page_2["events"].append(moved)
    fake = make_openagenda(full=[page_1, page_2])

    run = run_connector(OpenAgendaConnector, fake.options())

    assert run.skipped == []
    assert len(run.records) == 4
    assert str(by_uid(run.records, run.source_ids)["63790415"].title).endswith("(nouvel horaire)")


def test_stops_a_server_that_never_stops_paging(
    make_openagenda: Callable[..., FakeOpenAgenda], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rrma_openagenda._connector, "MAX_PAGES", 3)
    page = sample("page-1.json")
    pages = [dict(page, after=[str(n), "5335740"]) for n in range(1, 6)]
    fake = make_openagenda(full=pages)

    with pytest.raises(RrmaError, match="more than 3 pages"):
        run_connector(OpenAgendaConnector, fake.options())
    assert len(fake.requests) == 3


# --- the key -------------------------------------------------------------------------------


def test_a_refused_key_fails_with_a_clear_message_without_the_key(
    openagenda: FakeOpenAgenda, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "0d9f8e7c6b5a49382716a5b4c3d2e1f0"
    caplog.set_level(logging.DEBUG)

    with pytest.raises(RrmaError) as caught:
        run_connector(OpenAgendaConnector, openagenda.options(key=wrong))

    message = str(caught.value)
    assert "OpenAgenda refused the key for agenda 51742968 (HTTP 401)" in message
    assert "https://openagenda.com/settings/apiKey" in message
    assert wrong not in message
    assert wrong not in caplog.text
    assert openagenda.requests[0].headers["Key"] == wrong  # sent, but only in the header


def test_an_unknown_agenda_says_so(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/v2/agendas/404404/events").respond_with_json(
        {"error": "Not Found", "message": "agenda not found"}, status=404
    )
    options = {"agenda": "404404", "key": KEY, "base_url": httpserver.url_for("/v2")}

    with pytest.raises(RrmaError, match=r"no agenda 404404 .*\(HTTP 404\): check the agenda"):
        run_connector(OpenAgendaConnector, options)


def test_the_key_can_come_from_the_environment(
    openagenda: FakeOpenAgenda, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = openagenda.options(key_env="RRMA_TEST_OPENAGENDA_KEY")
    del options["key"]
    monkeypatch.delenv("RRMA_TEST_OPENAGENDA_KEY", raising=False)
    with pytest.raises(RrmaError, match=r"RRMA_TEST_OPENAGENDA_KEY .*is not set"):
        run_connector(OpenAgendaConnector, options)
    assert openagenda.requests == []

    monkeypatch.setenv("RRMA_TEST_OPENAGENDA_KEY", KEY)
    assert len(run_connector(OpenAgendaConnector, options).records) == 4
    assert openagenda.requests[0].headers["Key"] == KEY


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"agenda": "festisol-ara", "key": KEY}, "'festisol-ara' is not an agenda uid"),
        ({"agenda": AGENDA}, "give the OpenAgenda key in `key`"),
        ({"agenda": AGENDA, "key": KEY, "key_env": "OA_KEY"}, "(one of them)"),
        ({"agenda": AGENDA, "key": " "}, "key: the key is empty"),
        ({"agenda": AGENDA, "key": KEY, "base_url": "ftp://oa.example.org"}, "http(s) URL"),
        (
            {"agenda": AGENDA, "key": KEY, "base_url": "https://api.openagenda.com/v2?key=x"},
            "must not have a query",
        ),
        (
            {"agenda": AGENDA, "key": KEY, "campaign_edition": "Festisol 2026"},
            "'Festisol 2026' is not a campaign edition id",
        ),
        (
            {"agenda": AGENDA, "key": KEY, "campaign_keywords": {"ALIMENTERRE": "AT 2026"}},
            "'AT 2026' (for keyword 'ALIMENTERRE') is not a campaign edition id",
        ),
        ({"agenda": AGENDA, "key": KEY, "token": "x"}, "token: unknown key"),
    ],
)
def test_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        OpenAgendaConnector.parse_options("agenda-ara", options)
    assert message in str(caught.value)
    assert KEY not in str(caught.value)


def test_numbers_are_read_as_text_as_the_command_line_gives_them() -> None:
    options = OpenAgendaConnector.parse_options(
        "agenda-ara", {"agenda": 51742968, "key": 1234567890, "base_url": "https://oa.test/v2/"}
    )
    assert options.model_dump(include={"agenda", "base_url"}) == {
        "agenda": AGENDA,
        "base_url": "https://oa.test/v2",
    }
    assert "1234567890" not in repr(options)  # the key is a secret


# --- the mapping ---------------------------------------------------------------------------


def test_maps_a_rich_event(openagenda: FakeOpenAgenda) -> None:
    run = run_connector(
        OpenAgendaConnector,
        openagenda.options(campaign_keywords={"alimenterre": "alimenterre-2026"}),
    )
    event = by_uid(run.records, run.source_ids)[LYON]

    assert event.title.root == {
        "fr": "Ciné-débat ALIMENTERRE « Les gardiennes de la terre »",
        "en": "ALIMENTERRE screening and debate: “The Keepers of the Land”",
    }
    french = event.description.get("fr") if event.description else ""
    # The short description leads, then the long one, as safe HTML.
    assert french.startswith("<p>Projection du documentaire suivie d'un débat")
    assert "<p><strong>Après la projection</strong>, échange avec :</p><ul><li>" in french
    assert '<a href="https://www.alimenterre.org/le-festival-alimenterre">' in french
    assert event.description
    assert event.description.get("en").startswith("Documentary screening")
    (occurrence,) = event.occurrences
    assert occurrence.start.isoformat() == "2026-11-28T20:00:00+01:00"
    assert occurrence.end is not None
    assert occurrence.end.isoformat() == "2026-11-28T22:30:00+01:00"
    assert event.venue is not None
    assert event.venue.address is not None
    assert event.venue.name == "Cinéma Comœdia"
    assert event.venue.address.model_dump(exclude_none=True) == {
        "street": "13 avenue Berthelot",
        "postal_code": "69007",
        "city": "Lyon",
        "commune": "69387",
        "departement": "69",
        "region": "84",
        "country": "FR",
    }
    assert event.venue.coordinates is not None
    assert (event.venue.coordinates.lat, event.venue.coordinates.lon) == (45.7454, 4.8397)
    assert event.keywords == [
        "ALIMENTERRE",
        "projection-débat",
        "agriculture",
        "souveraineté alimentaire",
        "food sovereignty",
    ]
    assert event.themes == ["agriculture"]
    assert event.sdgs == [2]
    assert event.event_kind == "projection-debat"
    assert event.campaign_edition == "alimenterre-2026"
    assert (event.status, event.attendance_mode) == ("scheduled", "offline")
    assert event.registration_url == (
        "https://www.helloasso.com/associations/terre-et-partage-rhone/evenements/"
        "cine-debat-alimenterre-2026"
    )
    assert event.online_url is None
    assert event.url == permalink(AGENDA, LYON)
    assert event.url == "https://openagenda.com/agendas/51742968/events/63815274"
    # E-mail addresses and phone numbers (registration, venue) are not kept.
    stored = event.model_dump_json()
    assert "@" not in stored
    assert "04 78" not in stored
    assert "04 26" not in stored


def test_maps_statuses_attendance_modes_and_keywords(
    make_openagenda: Callable[..., FakeOpenAgenda],
) -> None:
    fake = make_openagenda(full=[sample("demo.json")])

    run = run_connector(OpenAgendaConnector, fake.options(campaign_edition="festisol-2026"))

    assert run.skipped == []
    events = by_uid(run.records, run.source_ids)
    assert len(events) == 9
    assert events["64011930"].status == "full"
    assert events["64301876"].status == "cancelled"
    assert events["64355102"].status == "postponed"
    webinar = events["64133807"]
    assert (webinar.attendance_mode, webinar.venue) == ("online", None)
    assert webinar.online_url == "https://www.resacoop.org/webinaires/monter-un-projet-2026"
    meeting = events["64250319"]
    assert meeting.attendance_mode == "mixed"
    assert meeting.venue is not None
    assert meeting.venue.departement == "69"
    assert meeting.online_url == "https://www.resacoop.org/rencontres-ecsi-2027/direct"
    assert meeting.event_kind == "rencontres-ecsi"
    assert [o.start.isoformat() for o in meeting.occurrences] == [
        "2027-01-21T09:30:00+01:00",
        "2027-01-22T09:00:00+01:00",
    ]
    assert meeting.themes == ["ecsi", "education"]
    assert events["64355102"].sdgs == [17]  # the keyword "ODD 17"
    assert events["64355102"].event_kind == "agora"
    water = events["64402290"]
    assert water.themes == ["eau", "assainissement"]
    assert water.registration_url is None  # only an e-mail address: not kept
    # A long description in Markdown (no tags): escaped text in paragraphs.
    workshop = events["64120441"].description
    assert workshop is not None
    assert workshop.get("fr").endswith(
        "<p>Un atelier animé par **Starting-Block** et l'Amicale laïque de Beaubrun.</p>"
        "<p>Sur inscription, dans la limite de 20 enfants.</p>"
    )
    # No campaign keyword mapping: the agenda's edition for all.
    assert {e.campaign_edition for e in events.values()} == {"festisol-2026"}


def test_the_key_does_not_follow_a_redirect_to_another_origin(httpserver: HTTPServer) -> None:
    received: list[str | None] = []

    def elsewhere(request: Request) -> Response:
        received.append(request.headers.get("key"))
        return Response(json.dumps(sample("page-2.json")), content_type="application/json")

    # localhost and 127.0.0.1 are two origins (the host differs), served by one test server.
    httpserver.expect_request("/elsewhere").respond_with_handler(elsewhere)
    target = f"http://127.0.0.1:{httpserver.port}/elsewhere"
    httpserver.expect_request(f"/v2/agendas/{AGENDA}/events").respond_with_response(
        Response(status=302, headers={"Location": target})
    )
    options = {"agenda": AGENDA, "key": KEY, "base_url": httpserver.url_for("/v2")}
    assert httpserver.url_for("/v2").startswith("http://localhost:")

    run_connector(OpenAgendaConnector, options)

    assert received == [None]
