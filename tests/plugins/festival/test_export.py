"""The ``festival-csv`` and ``festival-xlsx`` exporters: the consolidated programme, written
in the layout the connector reads, so that a read-write-read round trip keeps every value."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from rrma_core import Workspace
from rrma_core.errors import ConfigError
from rrma_core.exporters import ExportContext
from rrma_core.models import Event, Record
from rrma_festival import FestivalCsvExporter, FestivalXlsxExporter
from rrma_festival._columns import COLUMNS

from .conftest import BROKEN, SAMPLES, events_of, festisol_workbook, read

VOLATILE = {"provenance", "created_at", "updated_at"}


def synced(root: Path, programme: Path, **options: Any) -> Workspace:
    """A workspace whose source ``programme`` (copied into it) has been synced."""
    (root / "programmes").mkdir(parents=True)
    target = root / "programmes" / programme.name
    shutil.copy(programme, target)
    Workspace.init(root, name="RESACOOP", region="84").close()
    ws = Workspace.open(root)
    ws.add_source("programme", "festival", path=f"programmes/{programme.name}", **options)
    report = ws.sync()
    assert report.ok, report.to_dict()
    assert report.sources[0].skipped == []
    return ws


def dump(records: list[Any]) -> list[dict[str, Any]]:
    return sorted(
        (r.model_dump(mode="json", exclude=VOLATILE) for r in records), key=lambda d: d["id"]
    )


@pytest.mark.parametrize(
    ("sample", "options", "exporter", "suffix"),
    [
        (
            "alimenterre-2026.csv",
            {"campaign": "alimenterre", "edition": 2026},
            "festival-csv",
            ".csv",
        ),
        (
            "alimenterre-2026.csv",
            {"campaign": "alimenterre", "edition": 2026},
            "festival-xlsx",
            ".xlsx",
        ),
        ("demo.csv", {"campaign": "festisol", "edition": 2026}, "festival-csv", ".csv"),
        ("festisol-2026.xlsx", {"campaign": "festisol", "edition": 2026}, "festival-xlsx", ".xlsx"),
    ],
)
def test_read_write_read_keeps_every_value(
    tmp_path: Path, sample: str, options: dict[str, Any], exporter: str, suffix: str
) -> None:
    source = SAMPLES / sample
    if sample == "festisol-2026.xlsx":  # made from the Python table, not shipped
        source = tmp_path / sample
        source.write_bytes(festisol_workbook())
    with synced(tmp_path / "coordination", source, **options) as first:
        exported = tmp_path / f"programme-regional{suffix}"
        count = first.export(exporter, exported, campaign=options["campaign"])
        events, actors = first.events(), first.actors()
        assert count == len(events) > 0
        # The national organiser's copy, read back by the same connector.
        with synced(tmp_path / "national", exported, **options) as second:
            assert dump(second.events()) == dump(events)
            assert dump(second.actors()) == dump(actors)


def test_the_csv_opens_in_a_french_excel(tmp_path: Path) -> None:
    with synced(tmp_path / "ws", SAMPLES / "alimenterre-2026.csv", campaign="alimenterre",
                edition=2026) as ws:  # fmt: skip
        out = tmp_path / "programme.csv"
        ws.export("festival-csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    assert b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == [column.header for column in COLUMNS]
    assert len(rows) == 15
    by_title = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    talk = by_title["Conférence-débat « Qui nourrira le monde en 2050 ? »"]
    assert (talk["Date"], talk["Heure de début"], talk["Heure de fin"]) == (
        "06/11/2026",
        "18h30",
        "20h30",
    )
    assert talk["Public"] == "Grand public, Professionnels"
    assert talk["Tarif"] == "Prix libre"
    assert talk["Contact"] == "info@paysans-du-monde-63.example.org"
    film = by_title["Ciné-débat « Nourrir la ville »"]
    assert (film["Film"], film["Type d'animation"], film["SIRET"], film["RNA"]) == (
        "Nourrir la ville",
        "Ciné-débat",
        "81588139691188",
        "W691012345",
    )
    assert film["Type de structure"] == "Association"
    seeds = by_title["Projection-débat « Semences de résistance »"]
    assert seeds["Contact"] == ""  # a person's name and phone are never written
    assert [row[0] for row in rows[1:]][:2] == [
        "Ciné-débat « Nourrir la ville »",
        "Projection-débat « Semences de résistance »",
    ]  # in date order


def test_formulas_are_neutralised_and_read_back(tmp_path: Path) -> None:
    with synced(tmp_path / "ws", BROKEN / "formula-injection-cells.csv", campaign="alimenterre",
                edition=2026) as ws:  # fmt: skip
        titles = sorted(str(e.title) for e in ws.events())
        out_csv, out_xlsx = tmp_path / "programme.csv", tmp_path / "programme.xlsx"
        ws.export("festival-csv", out_csv)
        ws.export("festival-xlsx", out_xlsx)
    text = out_csv.read_bytes().decode("utf-8-sig")
    cells = [
        cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") for cell in row
    ]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert '\'=HYPERLINK("http://evil.example/x";"Cliquez")' in cells
    assert "'+33 4 78 00 00 00" in cells
    sheet = openpyxl.load_workbook(out_xlsx).worksheets[0]
    firsts = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert {cell.data_type for cell in firsts} == {"s"}  # text, never a formula
    for out in (out_csv, out_xlsx):
        run = read({"path": str(out), "campaign": "alimenterre", "edition": 2026})
        assert sorted(str(e.title) for e in events_of(run)) == titles


def test_the_xlsx_has_real_dates(tmp_path: Path) -> None:
    with synced(tmp_path / "ws", SAMPLES / "demo.csv", campaign="festisol", edition=2026) as ws:
        out = tmp_path / "festisol.xlsx"
        assert ws.export("festival-xlsx", out) == 11
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.title == "Programme"
    assert [c.value for c in sheet[1]][:3] == ["Titre", "Date", "Heure de début"]
    assert sheet["B2"].value == datetime(2026, 11, 14)
    assert sheet["B2"].number_format == "DD/MM/YYYY"
    assert sheet["C2"].value == "10h"
    assert sheet.freeze_panes == "A2"


def export(exporter: type[Any], records: list[Record], **options: Any) -> list[list[str]]:
    """Rows of what ``exporter`` writes for ``records`` (CSV)."""
    instance = exporter(exporter.parse_options(options))
    out = io.BytesIO()
    instance.export(
        records, out, ExportContext(workspace="Test", timezone=ZoneInfo("Europe/Paris"))
    )
    return list(
        csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline=""), delimiter=";")
    )


def test_events_of_other_sources_are_written_one_row_per_occurrence() -> None:
    event = Event(
        title="Rencontres régionales de l'ECSI",
        event_kind="rencontres-ecsi",
        audiences=["professionals"],
        occurrences=[
            {"start": "2026-12-03T09:30:00+01:00", "end": "2026-12-03T17:00:00+01:00"},
            {"start": "2026-12-04T09:30:00+01:00", "end": "2026-12-04T12:30:00+01:00"},
        ],
        venue={"name": "Hôtel de Région", "address": {"commune": "69123", "city": "Lyon"}},
        organisers=[{"name": "RESACOOP"}],
        price={"free": True},
        status="postponed",
        campaign_edition="rencontres-ecsi-2026",
    )
    rows = export(FestivalCsvExporter, [event], fields=["title", "date", "start_time", "end_time",
                  "city", "insee", "organiser", "kind", "audience", "price", "status"])  # fmt: skip
    assert rows == [
        ["Titre", "Date", "Heure de début", "Heure de fin", "Commune", "Code INSEE",
         "Organisateur", "Type d'animation", "Public", "Tarif", "Statut"],
        ["Rencontres régionales de l'ECSI", "03/12/2026", "9h30", "17h", "Lyon", "69123",
         "RESACOOP", "Rencontres de l'ECSI", "Professionnels", "Gratuit", "Reporté"],
        ["Rencontres régionales de l'ECSI", "04/12/2026", "9h30", "12h30", "Lyon", "69123",
         "RESACOOP", "Rencontres de l'ECSI", "Professionnels", "Gratuit", "Reporté"],
    ]  # fmt: skip


def test_times_are_written_in_the_venue_zone() -> None:
    event = Event(
        title="Ciné-débat",
        occurrences=[{"start": "2026-11-12T23:00:00+00:00"}],
        venue={"address": {"commune": "97105"}},
    )
    assert export(FestivalCsvExporter, [event], fields=["date", "start_time"])[1] == [
        "12/11/2026",
        "19h",
    ]
    assert export(
        FestivalCsvExporter, [event], fields=["date", "start_time"], timezone="Europe/Paris"
    )[1] == ["13/11/2026", "0h"]


def test_the_edition_is_chosen(tmp_path: Path) -> None:
    events = [
        Event(title=f"É{n}", occurrences=[{"start": date(2026, 11, n)}], campaign_edition=edition)
        for n, edition in enumerate(
            ["alimenterre-2026", "alimenterre-2025", "festisol-2026", "alimenterre-2026-84", None],
            start=1,
        )
    ]

    def titles(**options: Any) -> list[str]:
        return [row[0] for row in export(FestivalCsvExporter, list(events), **options)[1:]]

    assert titles() == ["É1", "É2", "É3", "É4", "É5"]
    assert titles(campaign="alimenterre") == ["É1", "É2", "É4"]
    assert titles(campaign="Festival ALIMENTERRE", edition=2026) == ["É1", "É4"]
    assert titles(campaign="alimenterre-2026") == ["É1", "É4"]
    assert titles(edition=2026) == ["É1", "É3", "É4"]
    assert titles(campaign="mois-ess") == []


def test_headers_can_be_renamed_and_columns_chosen() -> None:
    event = Event(title="Ciné-débat", occurrences=[{"start": date(2026, 11, 12)}])
    rows = export(
        FestivalCsvExporter,
        [event],
        columns={"title": "Nom de la séance", "date": ["Jour", "Date"]},
        fields=["Date", "titre"],
    )
    assert rows == [["Jour", "Nom de la séance"], ["12/11/2026", "Ciné-débat"]]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fields": ["titre", "réalisateur"]}, "unknown column 'réalisateur'"),
        ({"campaign": "Mon festival !"}, "campaign:"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"format": "xls"}, "format: unknown key"),
    ],
)
def test_bad_export_options(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        FestivalXlsxExporter.parse_options(options)
