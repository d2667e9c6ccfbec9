"""The ``geojson`` exporter, parsed with json and checked against RFC 7946."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path
from typing import Any

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.models import Actor, Event, Record
from rrma_opendata import GeoJsonExporter, GeoJsonOptions

from .conftest import PERSON_EMAIL, context


def features(data: bytes) -> list[dict[str, Any]]:
    collection = json.loads(data)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection  # RFC 7946: WGS84 only, no crs member
    found: list[dict[str, Any]] = collection["features"]
    for feature in found:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert isinstance(lon, float)
        assert isinstance(lat, float)
        assert -180 <= lon <= 180
        assert -90 <= lat <= 90
    return found


def located(records: list[Record]) -> dict[str, tuple[float, float]]:
    """Each record's (lon, lat), for those that have coordinates."""
    points = {}
    for record in records:
        place = record.venue if isinstance(record, Event) else getattr(record, "head_office", None)
        if place is not None and place.coordinates is not None:
            points[record.id] = (place.coordinates.lon, place.coordinates.lat)
    return points


def test_demo_map(ws_demo: Workspace, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "carte.geojson"
    with caplog.at_level(logging.INFO, logger="rrma_opendata"):
        count = ws_demo.export("geojson", path)
    found = features(path.read_bytes())
    records: list[Record] = [*ws_demo.actors(), *ws_demo.events()]
    expected = located(records)
    assert count == len(found) == len(expected) > 0
    assert len(expected) < len(records)  # some have no coordinates: left out...
    assert f"{len(records) - len(expected)} records without coordinates" in caplog.text
    for feature in found:
        assert tuple(feature["geometry"]["coordinates"]) == expected[feature["id"]]  # lon, lat
        assert feature["properties"]["id"] == feature["id"]
        assert "lat" not in feature["properties"]
    lyon = next(f for f in found if f["id"] == "alimenterre-2026-lyon-01")
    assert lyon["geometry"]["coordinates"] == [4.8397, 45.7495]  # longitude first
    props = lyon["properties"]
    assert props["record_type"] == "event"
    assert props["title"] == "Projection-débat « Semences de résistance »"
    assert props["event_kind"] == "Projection-débat"
    assert props["start"] == "2026-10-16T20:00:00+02:00"
    assert (props["city"], props["departement"]) == ("Lyon", "69")
    assert props["sdgs"] == [2, 12, 15]
    assert props["organisers"] == ["Terre et Partage Rhône", "RESACOOP"]
    assert props["all_day"] is False
    assert props["price"] == 6.5
    actor = next(f for f in found if f["properties"]["record_type"] == "actor")
    assert actor["properties"]["name"]


def test_cli_codes(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "acteurs.geojson"
    main(
        [
            "-w",
            str(demo),
            "export",
            "geojson",
            "--type",
            "Actor",
            "-O",
            "labels=false",
            "-o",
            str(path),
        ]
    )
    found = features(path.read_bytes())
    assert f"Exported {len(found)} records" in capsys.readouterr().err
    assert {f["properties"]["record_type"] for f in found} == {"actor"}
    types = {f["properties"]["actor_type"] for f in found}
    assert types <= {
        "association",
        "osim",
        "network",
        "local-authority",
        "ess-enterprise",
        "school",
        "university",
        "public-body",
        "foundation",
        "other",
    }


def test_hostile_records(ws_hostile: Workspace) -> None:
    out = io.BytesIO()
    count = ws_hostile.export("geojson", out)
    found = {f["id"]: f for f in features(out.getvalue())}
    assert count == len(found)
    assert "evt-online" not in found  # online only: nowhere on a map
    assert "actor-nowhere" not in found
    assert "evt-long" not in found
    guadeloupe = found["evt-guadeloupe"]
    assert guadeloupe["geometry"]["coordinates"] == [-61.7261, 15.9985]
    formula = found["evt-formula"]["properties"]
    assert formula["title"].startswith("=HYPERLINK")  # JSON, not a spreadsheet: as it was
    assert formula["status"] == "Annulé"
    assert formula["occurrences"] == 3
    assert "\x00" not in formula["description"]
    allday = found["evt-allday"]["properties"]
    assert (allday["start"], allday["start_date"], allday["all_day"]) == (None, "2026-11-14", True)
    assert PERSON_EMAIL not in json.dumps(found)
    personal = io.BytesIO()
    ws_hostile.export("geojson", personal, models=[Actor], personal_data=True)
    actor = next(f for f in features(personal.getvalue()) if f["id"] == "actor-formula")
    assert actor["properties"]["contacts"] == [
        f"Marie Dupont (présidente) <{PERSON_EMAIL}> +33 6 11 22 33 44"
    ]


def test_english_labels_and_determinism(ws_hostile: Workspace) -> None:
    exporter = GeoJsonExporter(GeoJsonOptions())
    records = [*ws_hostile.actors(), *ws_hostile.events()]
    first, second = io.BytesIO(), io.BytesIO()
    exporter.export(records, first, context(lang="en"))
    exporter.export(records, second, context(lang="en"))
    assert first.getvalue() == second.getvalue()
    found = {f["id"]: f["properties"] for f in features(first.getvalue())}
    assert found["evt-formula"]["status"] == "Cancelled"
    assert found["actor-formula"]["countries"] == ["Senegal", "Mali"]
    empty = io.BytesIO()
    assert exporter.export([], empty, context()) == 0
    assert json.loads(empty.getvalue()) == {"type": "FeatureCollection", "features": []}
