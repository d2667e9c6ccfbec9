"""The ``jsonld`` exporter, parsed with json and checked against schema.org's vocabulary."""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError
from rrma_core.models import Event
from rrma_opendata import JsonLdExporter, JsonLdOptions

from .conftest import CONTROLS, PERSON_EMAIL, SCRIPT, context

#: The schema.org types the exporter may write (Organization and its subtypes included).
ORGANIZATIONS = {
    "Organization",
    "NGO",
    "GovernmentOrganization",
    "EducationalOrganization",
    "CollegeOrUniversity",
}
STATUSES = {
    f"https://schema.org/{s}"
    for s in ("EventScheduled", "EventCancelled", "EventPostponed", "EventMovedOnline")
}
MODES = {f"https://schema.org/{m}EventAttendanceMode" for m in ("Offline", "Online", "Mixed")}


def graph(data: bytes) -> list[dict[str, Any]]:
    document = json.loads(data)
    assert document["@context"] == "https://schema.org"
    nodes: list[dict[str, Any]] = document["@graph"]
    return nodes


def export(ws: Workspace, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    ws.export("jsonld", out, **kwargs)
    return out.getvalue()


def parse_when(text: str) -> date | datetime:
    if len(text) == 10:
        return date.fromisoformat(text)
    moment = datetime.fromisoformat(text)
    assert moment.utcoffset() is not None, text
    return moment


def test_demo_events_and_actors(ws_demo: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "site.jsonld"
    count = ws_demo.export("jsonld", path)
    nodes = graph(path.read_bytes())
    events, actors = ws_demo.events(), ws_demo.actors()
    assert count == len(events) + len(actors)
    event_nodes = [n for n in nodes if n["@type"] == "Event"]
    assert len(event_nodes) == sum(len(e.occurrences) for e in events)
    assert {n["@type"] for n in nodes} <= {"Event"} | ORGANIZATIONS
    assert len({n["@id"] for n in nodes}) == len(nodes)  # every node has its own id
    for node in event_nodes:
        assert node["name"]
        assert node["eventStatus"] in STATUSES
        assert node["eventAttendanceMode"] in MODES
        start = parse_when(node["startDate"])
        if "endDate" in node:
            end = parse_when(node["endDate"])
            assert type(start) is type(end)
            assert end >= start
    for node in (n for n in nodes if n["@type"] in ORGANIZATIONS):
        assert node["@id"].startswith("urn:rrma:")
        assert node["name"]
    lyon = next(n for n in nodes if n["@id"] == "urn:rrma:alimenterre-2026-lyon-01")
    assert lyon["startDate"] == "2026-10-16T20:00:00+02:00"
    assert lyon["location"]["geo"] == {
        "@type": "GeoCoordinates",
        "latitude": 45.7495,
        "longitude": 4.8397,
    }
    assert lyon["location"]["address"]["addressRegion"] == "Auvergne-Rhône-Alpes"
    assert lyon["offers"] == {
        "@type": "Offer",
        "price": 6.5,
        "priceCurrency": "EUR",
        "description": "6,50 € / 4,50 € tarif réduit",
    }
    assert lyon["superEvent"]["name"] == "Festival ALIMENTERRE 2026"
    assert {"@type": "Organization", "name": "RESACOOP"} in lyon["organizer"]
    resacoop = next(n for n in nodes if n.get("name") == "RESACOOP" and "@id" in n)
    assert resacoop["@type"] == "Organization"  # a network
    association = next(n for n in nodes if n.get("alternateName") == "DSMV")
    assert association["@type"] == "NGO"
    assert {"@type": "PropertyValue", "propertyID": "RNA", "value": "W691095218"} in association[
        "identifier"
    ]
    assert {"@type": "Country", "name": "Mali", "identifier": "ML"} in association["areaServed"]
    assert "Santé" in association["knowsAbout"]


def test_cli_with_a_base_url_in_english(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.jsonld"
    main(
        [
            "-w",
            str(demo),
            "export",
            "jsonld",
            "--type",
            "Event",
            "--lang",
            "en",
            "-O",
            "base_url=https://reseau.example/fiche/",
            "-o",
            str(path),
        ]
    )
    nodes = graph(path.read_bytes())
    with Workspace.open(demo) as ws:
        assert f"Exported {len(ws.events())} records" in capsys.readouterr().err
    assert all(n["@id"].startswith("https://reseau.example/fiche/") for n in nodes)
    lyon = next(n for n in nodes if n["@id"].endswith("/alimenterre-2026-lyon-01"))
    assert lyon["name"] == "Screening and debate: “Seeds of Resistance”"
    assert lyon["inLanguage"] == "fr"  # the event itself is in French
    assert lyon["audience"] == [{"@type": "Audience", "audienceType": "General public"}]


def test_bad_base_url(ws_demo: Workspace) -> None:
    with pytest.raises(ConfigError, match="base_url"):
        ws_demo.export("jsonld", io.BytesIO(), base_url="javascript:alert(1)")


def test_hostile_events(ws_hostile: Workspace) -> None:
    data = export(ws_hostile, models=[Event])
    text = data.decode("utf-8")
    assert "<" not in text  # so it can sit in a <script type="application/ld+json">
    assert ">" not in text
    nodes = {n["@id"]: n for n in graph(data)}
    several = [n for key, n in nodes.items() if key.startswith("urn:rrma:evt-formula#")]
    assert [n["startDate"] for n in several] == [
        "2026-11-14T20:00:00+01:00",
        "2026-11-21T20:00:00+01:00",
        "2026-11-28T15:00:00+01:00",
    ]
    assert "endDate" not in several[2]
    first = several[0]
    assert first["eventStatus"] == "https://schema.org/EventCancelled"
    assert first["description"].startswith(SCRIPT)  # the text as it was, safely escaped
    assert not any(c in first["description"] for c in CONTROLS)
    assert first["isAccessibleForFree"] is True
    assert first["offers"]["price"] == 0
    assert first["superEvent"]["name"] == "Festival des Solidarités 2026"
    allday = nodes["urn:rrma:evt-allday"]
    assert (allday["startDate"], allday["endDate"]) == ("2026-11-14", "2026-11-15")
    assert allday["eventStatus"] == "https://schema.org/EventPostponed"
    assert allday["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    assert [loc["@type"] for loc in allday["location"]] == ["Place", "VirtualLocation"]
    online = nodes["urn:rrma:evt-online"]
    assert online["eventStatus"] == "https://schema.org/EventMovedOnline"
    assert online["location"] == {
        "@type": "VirtualLocation",
        "url": "https://visio.example.org/webinaire",
    }
    assert online["offers"]["url"] == "https://example.org/inscription"
    guadeloupe = nodes["urn:rrma:evt-guadeloupe"]
    assert guadeloupe["startDate"] == "2026-11-20T19:00:00-04:00"  # the venue's local time
    assert guadeloupe["offers"]["availability"] == "https://schema.org/SoldOut"
    assert guadeloupe["eventStatus"] == "https://schema.org/EventScheduled"
    assert len(nodes["urn:rrma:evt-long"]["description"]) > 50_000  # not cut


def test_personal_data_only_when_asked(ws_hostile: Workspace) -> None:
    from rrma_core.models import Actor

    plain = export(ws_hostile, models=[Actor])
    assert PERSON_EMAIL.encode() not in plain
    assert all("contactPoint" not in n for n in graph(plain))
    personal = graph(export(ws_hostile, models=[Actor], personal_data=True))
    actor = next(n for n in personal if n["@id"] == "urn:rrma:actor-formula")
    assert actor["contactPoint"] == [
        {
            "@type": "ContactPoint",
            "name": "Marie Dupont",
            "contactType": "présidente",
            "email": PERSON_EMAIL,
            "telephone": "+33 6 11 22 33 44",
        }
    ]
    assert actor["name"] == "=Association piégée"  # JSON is not a spreadsheet: kept as is
    assert "location" in actor
    assert "address" not in actor["location"]  # given once, on the organisation


def test_empty_and_deterministic(ws_hostile: Workspace) -> None:
    exporter = JsonLdExporter(JsonLdOptions())
    out = io.BytesIO()
    assert exporter.export([], out, context()) == 0
    assert json.loads(out.getvalue()) == {"@context": "https://schema.org", "@graph": []}
    events = ws_hostile.events()
    first, second = io.BytesIO(), io.BytesIO()
    exporter.export(events, first, context())
    exporter.export(events, second, context())
    assert first.getvalue() == second.getvalue()


def test_other_records_are_left_out(ws_hostile: Workspace) -> None:
    everything = [*ws_hostile.events(), *ws_hostile.calls()]
    out = io.BytesIO()
    assert ws_hostile.export("jsonld", out, records=everything) == len(ws_hostile.events())
