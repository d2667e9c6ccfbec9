"""The example connector, tested against a real local HTTP server with rrma_core.testing."""

from pathlib import Path
from typing import Any

from pytest_httpserver import HTTPServer
from rrma_tribe_events import TribeEvents

from rrma_core.testing import run_connector, sync_source


def _event(id_: int, title: str, start: str, **extra: Any) -> dict[str, Any]:
    # The shape of The Events Calendar's REST API (/wp-json/tribe/events/v1/events).
    return {
        "id": id_,
        "title": title,
        "description": "<p>Projection suivie d'un débat.</p>",
        "url": f"https://reseau.example.org/agenda/{id_}/",
        "start_date": start,
        "end_date": start.replace("20:00", "22:30"),
        "timezone": "Europe/Paris",
        "venue": {
            "venue": "Cinéma Le Zola",
            "address": "117 cours Émile Zola",
            "city": "Villeurbanne",
            "zip": "69100",
        },
        "categories": [{"name": "ALIMENTERRE"}],
        **extra,
    }


PAGE_1 = {
    "events": [_event(101, "Projection-débat « Nourrir »", "2026-11-20 20:00:00")],
    "next_rest_url": None,
}


def test_reads_every_page_and_skips_what_has_no_date(httpserver: HTTPServer) -> None:
    page_2 = {
        "events": [_event(102, "Ciné-débat", "2026-11-21 20:00:00"), _event(103, "Sans date", "")]
    }
    first = dict(
        PAGE_1,
        next_rest_url=httpserver.url_for(
            "/events",
        )
        + "?page=2",
    )
    httpserver.expect_request("/events", query_string="page=2").respond_with_json(page_2)
    httpserver.expect_request("/events").respond_with_json(first)

    run = run_connector(TribeEvents, {"url": httpserver.url_for("/events")})

    assert [str(e.title) for e in run.records] == ["Projection-débat « Nourrir »", "Ciné-débat"]
    assert run.source_ids == ["101", "102"]
    assert [(s.item, s.reason) for s in run.skipped] == [("103", "no start date")]
    start = run.records[0].occurrences[0].start
    assert start.isoformat() == "2026-11-20T20:00:00+01:00"


def test_syncs_into_a_workspace_through_the_engine(httpserver: HTTPServer, tmp_path: Path) -> None:
    httpserver.expect_request("/events").respond_with_json(PAGE_1)

    report, ws = sync_source(
        tmp_path / "ws",
        TribeEvents,
        url=httpserver.url_for("/events"),
        campaign_edition="alimenterre-2026",
    )
    with ws:
        assert report.ok, report.to_dict()
        assert report.sources[0].new == 1
        (event,) = ws.events(campaign="alimenterre")
        assert event.venue is not None
        assert event.venue.name == "Cinéma Le Zola"
        second = ws.sync()
        assert second.sources[0].unchanged == 1
        assert second.sources[0].new == 0
