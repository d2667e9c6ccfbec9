"""Fixtures of the ``festival`` tests: the shipped samples, a Festisol workbook made with
openpyxl as Excel would save it, and a runner that reads a programme as the engine does."""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

import rrma_festival
from rrma_core.models import Event
from rrma_core.testing import ConnectorRun, run_connector
from rrma_festival import FestivalConnector

SAMPLES = Path(rrma_festival.__file__).parent / "samples"
BROKEN = Path(__file__).parent / "broken"

#: The Festisol 2026 programme of a CORAS in Isère and Savoie, as a coordinator keeps it in
#: Excel: a title row, real date and time cells, postal codes that are numbers (so 01000 has
#: lost its zero), an INSEE code column, co-organisers on two lines of one cell.
FESTISOL_HEADERS = [
    "Titre de l'animation",
    "Date",
    "Heure de début",
    "Heure de fin",
    "Lieu",
    "Adresse",
    "Code postal",
    "Commune",
    "Code INSEE",
    "Organisateur",
    "SIRET",
    "RNA",
    "Type de structure",
    "Type d'animation",
    "Public",
    "Tarif",
    "Contact",
    "Description",
]
FESTISOL_ROWS: list[list[Any]] = [
    [
        "Village des solidarités",
        datetime(2026, 11, 14),
        time(10, 0),
        time(18, 0),
        "Parc Paul-Mistral",
        "Boulevard Jean-Pain",
        38000,
        "Grenoble",
        "38185",
        "Collectif Festisol Grenoble\nSolidarité Sahel Isère",
        None,
        None,
        "Réseau",
        "Village des solidarités",
        "Grand public",
        "Gratuit",
        "contact@festisol-grenoble.example.org",
        "Une trentaine d'associations, des concerts et des jeux pour les enfants.",
    ],
    [
        "Ciné-débat « Sur la route de Podor »",
        datetime(2026, 11, 17, 20, 0),
        None,
        time(22, 30),
        "Cinéma Le Club",
        "9 bis rue du Phalanstère",
        38000,
        "Grenoble",
        "38185",
        "Solidarité Sahel Isère",
        None,
        "W381004567",
        "Association",
        "Ciné-débat",
        "Tout public",
        6,
        "Julien Morel, 06 98 76 54 32",
        "Projection suivie d'un échange avec le réalisateur.",
    ],
    [
        "Atelier « Le jeu de la ficelle »",
        datetime(2026, 11, 19),
        "14h",
        "16h30",
        "Lycée Louise-Michel",
        "30 rue Louise-Michel",
        38100,
        "Grenoble",
        "38185",
        "Lycée Louise-Michel",
        86897684692409,
        None,
        "Établissement scolaire",
        "Animation scolaire",
        "Scolaires",
        0,
        None,
        "Un jeu pour relier notre assiette aux paysans du monde.",
    ],
    [
        "Repas partagé « Saveurs d'ailleurs »",
        datetime(2026, 11, 21),
        time(12, 0),
        time(15, 0),
        "Salle polyvalente",
        "Place de la Mairie",
        1000,
        "Bourg-en-Bresse",
        None,
        "Amitiés Bresse-Burkina",
        None,
        "W011003344",
        "Association",
        "Repas solidaire",
        "Familles",
        "Prix libre",
        "bonjour@bresse-burkina.example.org",
        None,
    ],
    [
        "Conférence « Dette et développement »",
        datetime(2026, 11, 26),
        time(18, 30),
        time(20, 30),
        "Université Savoie Mont Blanc – amphi 1",
        "27 rue Marcoz",
        73000,
        "Chambéry",
        "73065",
        "Collectif Festisol Savoie",
        None,
        None,
        "Réseau",
        "Conférence-débat",
        "Grand public, professionnels",
        "Gratuit",
        None,
        "Avec un économiste du CADTM.",
    ],
]


def festisol_workbook(
    rows: Sequence[Sequence[Any]] = FESTISOL_ROWS,
    headers: Sequence[str] = FESTISOL_HEADERS,
    *,
    sheet: str = "Programme",
) -> bytes:
    """The Festisol table as an XLSX workbook: a title row, an empty row, then the table;
    a second sheet of notes after it."""
    workbook = Workbook()
    main = workbook.active
    assert main is not None
    main.title = sheet
    main.append(["Festival des Solidarités 2026 — programme Isère-Savoie (CORAS)"])
    main.append([])
    main.append(list(headers))
    for row in rows:
        main.append(list(row))
        for cell in main[main.max_row]:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY HH:MM" if cell.value.hour else "DD/MM/YYYY"
            elif isinstance(cell.value, time):
                cell.number_format = "HH:MM"
    notes = workbook.create_sheet("Légende")
    notes.append(["Colonne", "À remplir"])
    notes.append(["Titre de l'animation", "obligatoire"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def festisol_xlsx(tmp_path: Path) -> Path:
    """The Festisol workbook, saved as a file."""
    path = tmp_path / "festisol-2026.xlsx"
    path.write_bytes(festisol_workbook())
    return path


def read(options: Mapping[str, Any], **kwargs: Any) -> ConnectorRun:
    """Run the connector once, as the engine would, outside a workspace.

    The run's records are the events and the organisers' new ``Actor`` records; the
    ``source_ids`` kept here are the events' only (the actors' are ``organiser:...``).
    """
    run = run_connector(FestivalConnector, options, **kwargs)
    run.source_ids = [
        sid for sid, record in zip(run.source_ids, run.records, strict=True)
        if isinstance(record, Event)
    ]  # fmt: skip
    return run


def events_of(run: ConnectorRun) -> list[Event]:
    """The events of a run."""
    return [r for r in run.records if isinstance(r, Event)]


@pytest.fixture
def programme(tmp_path: Path) -> Callable[..., Path]:
    """Write a CSV programme (UTF-8, ``;``) from a header line and rows, return its path."""

    def write(
        header: str, *lines: str, name: str = "programme.csv", encoding: str = "utf-8"
    ) -> Path:
        path = tmp_path / name
        path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode(encoding))
        return path

    return write
