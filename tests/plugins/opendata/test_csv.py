"""The ``csv`` exporter, read back with the csv module."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError
from rrma_core.models import Actor, CallForProjects, Event, Resource, Training
from rrma_opendata import CsvExporter, CsvOptions
from rrma_opendata._text import FORMULA_STARTS

from .conftest import CONTROLS, FORMULA, NOW, PERSON_EMAIL, TRAINER_EMAIL, context

BOM = b"\xef\xbb\xbf"


def read(data: bytes, delimiter: str = ";") -> list[dict[str, str]]:
    """The rows of a CSV the way a program reads it (the BOM taken off)."""
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))


def export(ws: Workspace, **kwargs: Any) -> bytes:
    out = io.BytesIO()
    ws.export("csv", out, **kwargs)
    return out.getvalue()


# --- The demo workspace ----------------------------------------------------------------------


def test_events_through_the_python_api(ws_demo: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "agenda.csv"
    count = ws_demo.export("csv", path, models=[Event])
    data = path.read_bytes()
    events = ws_demo.events()
    rows = read(data)
    assert data.startswith(BOM)
    assert count == len(rows) == len(events) > 20
    assert [r["id"] for r in rows] == [e.id for e in events]  # the query's order is kept
    lyon = next(r for r in rows if r["id"] == "alimenterre-2026-lyon-01")
    assert lyon["title"] == "Projection-débat « Semences de résistance »"
    assert lyon["event_kind"] == "Projection-débat"  # a label, in French
    assert lyon["status"] == "Programmé"
    assert lyon["start"] == "2026-10-16T20:00:00+02:00"
    assert lyon["start_date"] == lyon["end_date"] == "2026-10-16"
    assert lyon["all_day"] == "non"
    assert (lyon["lat"], lyon["lon"]) == ("45,7495", "4,8397")  # decimal commas with ;
    assert lyon["price"] == "6,5"
    assert (lyon["commune"], lyon["departement"], lyon["region"]) == ("69123", "69", "84")
    assert lyon["organisers"] == "Terre et Partage Rhône | RESACOOP"
    assert lyon["themes"] == "Agriculture | Développement rural"
    assert lyon["sdgs"] == "2 | 12 | 15"


def test_calls_through_the_cli(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "appels.csv"
    main(["-w", str(demo), "export", "csv", "--type", "CallForProjects", "-o", str(path)])
    rows = read(path.read_bytes())
    assert f"Exported {len(rows)} records" in capsys.readouterr().err
    with Workspace.open(demo) as ws:
        calls = {c.id: c for c in ws.calls()}
        today = datetime.now(ws.timezone).date()
    assert {r["id"] for r in rows} == set(calls)
    for row in rows:
        call = calls[row["id"]]
        assert row["days_left"] == str(call.days_left(today))  # "-3" is a number, not text
        assert row["status"] in {"À venir", "Ouvert", "Clos"}
        assert row["deadline"] == (call.deadline.isoformat()[:10] if call.deadline else "")
    innov = next(r for r in rows if r["id"] == "aap-afd-innov-ong-2027")
    assert innov["deadline_at"] == "2027-03-12T12:00:00+01:00"  # a deadline with a time
    assert next(r for r in rows if r["deadline_at"] == "")  # whole-day deadlines


def test_one_model_per_table(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tout.csv"
    with pytest.raises(SystemExit) as failed:
        main(["-w", str(demo), "export", "csv", "-o", str(path)])
    assert failed.value.code == 2
    err = capsys.readouterr().err
    assert "one table, of one model" in err
    assert "Actor: " in err
    assert "Event: " in err
    assert "--type" in err
    assert not path.exists()


def test_english_titles_and_codes(ws_demo: Workspace) -> None:
    english = read(export(ws_demo, models=[Event], lang="en", headers="titles"))
    lyon = next(r for r in english if r["Identifier"] == "alimenterre-2026-lyon-01")
    assert lyon["Title"] == "Screening and debate: “Seeds of Resistance”"
    assert lyon["Event kind"] == "Film screening and debate"
    assert lyon["All day"] == "no"
    coded = read(
        export(ws_demo, models=[Event], labels=False, delimiter=",", bom=False), delimiter=","
    )
    lyon = next(r for r in coded if r["id"] == "alimenterre-2026-lyon-01")
    assert lyon["event_kind"] == "projection-debat"
    assert lyon["themes"] == "agriculture | developpement-rural"
    assert lyon["all_day"] == "false"
    assert lyon["lat"] == "45.7495"  # decimal point with ,


def test_tab_delimiter_and_explicit_decimal(ws_demo: Workspace) -> None:
    data = export(ws_demo, models=[Event], delimiter="tab", decimal=",")
    rows = read(data, delimiter="\t")
    assert rows[0]["lat"].count(",") == 1


@pytest.mark.parametrize(
    ("options", "key"),
    [({"delimiter": "x"}, "delimiter"), ({"headers": "both"}, "headers"), ({"sep": ";"}, "sep")],
)
def test_bad_options_name_the_key(ws_demo: Workspace, options: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError, match=f"export csv: {key}"):
        ws_demo.export("csv", io.BytesIO(), models=[Event], **options)


def test_every_demo_model(ws_demo: Workspace) -> None:
    for model in (Actor, CallForProjects, Event, Resource, Training):
        data = export(ws_demo, models=[model])
        rows = read(data)
        assert len(rows) == len(ws_demo.records(model)) > 0
        assert all(row["id"] for row in rows)


# --- Hostile records -------------------------------------------------------------------------


def test_formulas_are_made_inert(ws_hostile: Workspace) -> None:
    for model in (Event, CallForProjects, Actor, Resource):
        data = export(ws_hostile, models=[model])
        rows = read(data)
        assert rows
        numeric = {"days_left", "lat", "lon", "price", "amount_min", "amount_max", "rate"}
        for row in rows:
            for name, cell in row.items():
                if name not in numeric:
                    assert not cell.startswith(FORMULA_STARTS), (model.__name__, name, cell)
    events = {r["id"]: r for r in read(export(ws_hostile, models=[Event]))}
    assert events["evt-formula"]["title"] == "'" + FORMULA
    assert events["evt-formula"]["organisers"] == "'@SUM(1+1) | +33 6 12 34 56 78"
    assert events["evt-formula"]["keywords"].startswith("'-12 | @mention")
    assert events["evt-formula"]["venue"] == "'@Salle des fêtes"
    assert events["evt-long"]["title"] == "'-12 degrés : le climat en débat"
    calls = {r["id"]: r for r in read(export(ws_hostile, models=[CallForProjects]))}
    assert calls["call-date"]["funders"] == "'=1+1 | Agence de l'eau"
    assert calls["call-date"]["amount_text"] == "'-50 % du budget"
    assert calls["call-closed"]["days_left"].startswith("-")  # a number stays a number
    actors = {r["id"]: r for r in read(export(ws_hostile, models=[Actor]))}
    assert actors["actor-formula"]["name"] == "'=Association piégée"
    assert actors["actor-formula"]["street"] == "'-3 rue du Moins"


def test_control_characters_and_line_breaks(ws_hostile: Workspace) -> None:
    data = export(ws_hostile, models=[Event])
    for char in CONTROLS:
        assert char.encode() not in data
    row = next(r for r in read(data) if r["id"] == "evt-formula")
    assert row["description"].endswith(" ligne 1\nligne 2")  # one cell, line break kept
    assert "<script>" in row["description"]  # a CSV cell is text: nothing runs it


def test_long_texts_fit_a_spreadsheet_cell(ws_hostile: Workspace) -> None:
    row = next(r for r in read(export(ws_hostile, models=[Event])) if r["id"] == "evt-long")
    assert len(row["description"]) == 32_767
    assert row["description"].endswith("…")


def test_dates_all_day_and_occurrences(ws_hostile: Workspace) -> None:
    rows = {r["id"]: r for r in read(export(ws_hostile, models=[Event]))}
    allday = rows["evt-allday"]
    assert (allday["start"], allday["end"]) == ("", "")
    assert (allday["start_date"], allday["end_date"], allday["all_day"]) == (
        "2026-11-14",
        "2026-11-15",
        "oui",
    )
    several = rows["evt-formula"]
    assert several["occurrences"] == "3"
    assert several["start"] == "2026-11-14T20:00:00+01:00"  # the first, not the first given
    assert several["end"] == ""  # the last occurrence has no end
    assert several["end_date"] == "2026-11-28"
    assert several["status"] == "Annulé"
    guadeloupe = rows["evt-guadeloupe"]
    assert guadeloupe["start"] == "2026-11-21T00:00:00+01:00"  # in the workspace's zone
    assert guadeloupe["start_date"] == "2026-11-21"


def test_missing_fields_leave_empty_cells(ws_hostile: Workspace) -> None:
    rows = {r["id"]: r for r in read(export(ws_hostile, models=[CallForProjects]))}
    bare = rows["call-bare"]
    assert bare["title"] == "Appel sans rien"
    assert bare["status"] == "Ouvert"
    assert all(v == "" for k, v in bare.items() if k not in {"id", "title", "status", "updated_at"})
    assert rows["call-datetime"]["national"] == "oui"
    assert rows["call-datetime"]["deadline"] == "2026-12-15"
    assert rows["call-date"]["perimeter_departements"] == "69 | 38"
    assert rows["call-date"]["countries"] == "Sénégal | Burkina Faso"
    assert rows["call-date"]["amount_max"] == "5000,5"


def test_personal_data_only_when_asked(
    ws_hostile: Workspace, hostile: Path, tmp_path: Path
) -> None:
    plain = export(ws_hostile, models=[Actor])
    assert PERSON_EMAIL.encode() not in plain
    assert "contacts" not in read(plain)[0]
    personal = export(ws_hostile, models=[Actor], personal_data=True)
    row = next(r for r in read(personal) if r["id"] == "actor-formula")
    assert row["contacts"] == f"Marie Dupont (présidente) <{PERSON_EMAIL}> +33 6 11 22 33 44"
    trainings = read(export(ws_hostile, models=[Training], personal_data=True))
    assert trainings[0]["trainers"] == f"Jean Martin <{TRAINER_EMAIL}>"
    assert trainings[0]["registered"] == "1"
    path = tmp_path / "formations.csv"
    main(["-w", str(hostile), "export", "csv", "--type", "Training", "-o", str(path)])
    assert TRAINER_EMAIL.encode() not in path.read_bytes()
    main(
        [
            "-w",
            str(hostile),
            "export",
            "csv",
            "--type",
            "Training",
            "--personal-data",
            "-o",
            str(path),
        ]
    )
    assert TRAINER_EMAIL.encode() in path.read_bytes()


def test_generic_models_get_a_table(ws_hostile: Workspace) -> None:
    from rrma_core.models import MultiActorSpace, Observation, Project

    space = read(export(ws_hostile, models=[MultiActorSpace]))[0]
    assert space["space_kind"] == "Géographique"
    assert space["countries"] == "Sénégal"
    assert "awa@example.org" not in space["meetings"]  # personal data inside JSON cells too
    assert '"attendance":14' in space["meetings"]
    observation = read(export(ws_hostile, models=[Observation]))[0]
    assert (observation["period_start"], observation["value"]) == ("2025-01-01", "412")
    project = read(export(ws_hostile, models=[Project]))[0]
    assert project["start"] == "2025-01-01"


# --- Direct calls ----------------------------------------------------------------------------


def test_same_records_same_bytes(ws_hostile: Workspace) -> None:
    events = ws_hostile.events()
    exporter = CsvExporter(CsvOptions())
    first, second = io.BytesIO(), io.BytesIO()
    assert exporter.export(events, first, context()) == len(events)
    exporter.export(list(events), second, context())
    assert first.getvalue() == second.getvalue()


def test_no_records_no_bytes() -> None:
    out = io.BytesIO()
    assert CsvExporter(CsvOptions()).export([], out, context()) == 0
    assert out.getvalue() == b""


def test_lone_surrogates_and_controls_never_break_the_encoding() -> None:
    event = Event(title="A\ud800B\x00C", occurrences=[{"start": "2026-11-14"}])
    out = io.BytesIO()
    CsvExporter(CsvOptions()).export([event], out, context(now=NOW))
    assert read(out.getvalue())[0]["title"] == "ABC"


def test_cli_filters_choose_the_rows(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "agenda-rhone.csv"
    main(
        [
            "-w",
            str(demo),
            "export",
            "csv",
            "--type",
            "Event",
            "--departement",
            "69",
            "-o",
            str(path),
        ]
    )
    rows = read(path.read_bytes())
    with Workspace.open(demo) as ws:
        expected = ws.events(departement="69")
    assert [r["id"] for r in rows] == [e.id for e in expected]
    assert rows
    assert {r["departement"] for r in rows} == {"69"}
    assert f"Exported {len(rows)} records" in capsys.readouterr().err
