"""The ``datapackage`` exporter, validated by frictionless and re-read with the csv module."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import frictionless
import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError
from rrma_core.models import MODELS
from rrma_opendata import DataPackageExporter, DataPackageOptions

from .conftest import NOW, PERSON_EMAIL, TRAINER_EMAIL, context, hostile_records


def unpack(data: bytes, folder: Path) -> dict[str, Any]:
    """Extract the package, validate it with frictionless, and return its descriptor."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        archive.extractall(folder)
    report = frictionless.validate(folder / "datapackage.json")
    problems = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors]
    assert report.valid, problems + [e.message for e in report.errors]
    descriptor: dict[str, Any] = json.loads((folder / "datapackage.json").read_text("utf-8"))
    return descriptor


def table(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def test_demo_package(ws_demo: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "reseau.zip"
    count = ws_demo.export("datapackage", path)
    descriptor = unpack(path.read_bytes(), tmp_path / "pkg")
    names = [r["name"] for r in descriptor["resources"]]
    assert names[:5] == ["actors", "events", "event-occurrences", "calls", "resources"]
    assert descriptor["licenses"][0]["name"] == "etalab-2.0"
    assert descriptor["name"] == "reseau-de-demonstration"
    assert descriptor["title"] == "Réseau de démonstration : données ouvertes"
    assert count == sum(len(ws_demo.records(model)) for model in MODELS.values())
    events = ws_demo.events()
    rows = table(tmp_path / "pkg", "events")
    assert [r["id"] for r in rows] == sorted(e.id for e in events)  # sorted by id
    occurrences = table(tmp_path / "pkg", "event-occurrences")
    assert len(occurrences) == sum(len(e.occurrences) for e in events)
    assert {o["event_id"] for o in occurrences} == {e.id for e in events}
    lyon = next(r for r in rows if r["id"] == "alimenterre-2026-lyon-01")
    assert lyon["event_kind"] == "projection-debat"  # codes, not labels
    assert lyon["lat"] == "45.7495"
    assert lyon["all_day"] == "false"
    schema = next(r for r in descriptor["resources"] if r["name"] == "events")["schema"]
    fields = {f["name"]: f for f in schema["fields"]}
    assert schema["primaryKey"] == ["id"]
    assert fields["start"]["type"] == "datetime"
    assert fields["start_date"]["type"] == "date"
    assert fields["lat"]["constraints"] == {"minimum": -90, "maximum": 90}
    assert "cancelled" in fields["status"]["constraints"]["enum"]
    assert fields["title"]["title"] == "Titre"
    occurrence_schema = next(
        r for r in descriptor["resources"] if r["name"] == "event-occurrences"
    )["schema"]
    assert occurrence_schema["foreignKeys"] == [
        {"fields": ["event_id"], "reference": {"resource": "events", "fields": ["id"]}}
    ]
    # frictionless reads the values with their types
    package = frictionless.Package(tmp_path / "pkg" / "datapackage.json")
    typed = package.get_resource("events").read_rows()  # type: ignore[attr-defined]
    first = next(r for r in typed if r["id"] == "alimenterre-2026-lyon-01")
    assert first["start"].isoformat() == "2026-10-16T20:00:00+02:00"
    assert float(first["lat"]) == 45.7495


def test_cli_options(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "annuaire.zip"
    main(
        [
            "-w",
            str(demo),
            "export",
            "datapackage",
            "--type",
            "Actor",
            "--lang",
            "en",
            "-O",
            "license=odbl-1.0",
            "-O",
            "name=annuaire-aura",
            "-O",
            "title=Annuaire",
            "-o",
            str(path),
        ]
    )
    descriptor = unpack(path.read_bytes(), tmp_path / "pkg")
    with Workspace.open(demo) as ws:
        actors = ws.actors()
    assert f"Exported {len(actors)} records" in capsys.readouterr().err
    assert [r["name"] for r in descriptor["resources"]] == ["actors"]
    assert descriptor["licenses"] == [
        {
            "name": "ODbL-1.0",
            "path": "https://opendatacommons.org/licenses/odbl/1-0/",
            "title": "Open Data Commons Open Database License 1.0",
        }
    ]
    assert (descriptor["name"], descriptor["title"]) == ("annuaire-aura", "Annuaire")
    fields = descriptor["resources"][0]["schema"]["fields"]
    assert next(f for f in fields if f["name"] == "name")["title"] == "Name"
    assert len(table(tmp_path / "pkg", "actors")) == len(actors)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"license": "Licence ouverte"}, "license: 'Licence ouverte' is not a licence id"),
        ({"name": "Mon Réseau"}, "name: String should match pattern"),
        ({"licence": "etalab-2.0"}, "licence: unknown key"),
    ],
)
def test_bad_options(ws_demo: Workspace, options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ws_demo.export("datapackage", io.BytesIO(), **options)


def test_hostile_package_with_every_model(ws_hostile: Workspace, tmp_path: Path) -> None:
    out = io.BytesIO()
    count = ws_hostile.export("datapackage", out)
    assert count == len(hostile_records())
    descriptor = unpack(out.getvalue(), tmp_path)
    names = {r["name"] for r in descriptor["resources"]}
    assert names == {
        "actors",
        "events",
        "event-occurrences",
        "calls",
        "resources",
        "trainings",
        "spaces",
        "observations",
        "projects",
        "programmes",
        "campaigns",
        "campaign-editions",
    }
    assert descriptor["title"] == "Réseau <b>test</b> ; =1+1 : données ouvertes"
    events = {r["id"]: r for r in table(tmp_path, "events")}
    assert events["evt-formula"]["title"].startswith("'=HYPERLINK")  # inert here too
    assert events["evt-long"]["description"].startswith("Lorem")
    assert len(events["evt-long"]["description"]) > 50_000  # not cut: this is not Excel
    assert (events["evt-allday"]["start"], events["evt-allday"]["all_day"]) == ("", "true")
    occurrences = [
        o for o in table(tmp_path, "event-occurrences") if o["event_id"] == "evt-formula"
    ]
    assert [(o["number"], o["start_date"]) for o in occurrences] == [
        ("1", "2026-11-14"),
        ("2", "2026-11-21"),
        ("3", "2026-11-28"),
    ]
    calls = {r["id"]: r for r in table(tmp_path, "calls")}
    assert calls["call-datetime"]["deadline_at"] == "2026-12-15T12:00:00+01:00"
    assert calls["call-date"]["deadline_at"] == ""
    assert calls["call-date"]["amount_max"] == "5000.5"
    raw = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        everything = b"".join(archive.read(n) for n in archive.namelist())
    assert PERSON_EMAIL.encode() not in everything
    assert TRAINER_EMAIL.encode() not in everything
    assert b"awa@example.org" not in everything


def test_personal_data_only_when_asked(ws_hostile: Workspace, tmp_path: Path) -> None:
    out = io.BytesIO()
    ws_hostile.export("datapackage", out, personal_data=True)
    descriptor = unpack(out.getvalue(), tmp_path)
    actors = next(r for r in descriptor["resources"] if r["name"] == "actors")
    assert "contacts" in [f["name"] for f in actors["schema"]["fields"]]
    row = next(r for r in table(tmp_path, "actors") if r["id"] == "actor-formula")
    assert PERSON_EMAIL in row["contacts"]
    assert TRAINER_EMAIL in table(tmp_path, "trainings")[0]["trainers"]


def test_same_records_same_bytes_in_any_order(ws_hostile: Workspace) -> None:
    records = [*ws_hostile.events(), *ws_hostile.actors(), *ws_hostile.calls()]
    exporter = DataPackageExporter(DataPackageOptions())
    first, second, later = io.BytesIO(), io.BytesIO(), io.BytesIO()
    exporter.export(records, first, context())
    exporter.export(list(reversed(records)), second, context())
    assert first.getvalue() == second.getvalue()
    exporter.export(records, later, context(now=NOW.replace(year=2027)))
    assert later.getvalue() != first.getvalue()  # "created" and the files' times


def test_empty_package_is_valid(tmp_path: Path) -> None:
    out = io.BytesIO()
    assert DataPackageExporter(DataPackageOptions()).export([], out, context()) == 0
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.namelist() == ["datapackage.json"]
        descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["resources"] == []
    assert descriptor["created"] == "2026-11-02T09:30:00Z"
