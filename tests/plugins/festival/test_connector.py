"""Reading programmes: the shipped samples, an Excel workbook, a URL, options and cells."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pytest_httpserver import HTTPServer

from rrma_core.errors import ConfigError, RrmaError
from rrma_core.models import Event
from rrma_festival import FestivalConnector

from .conftest import (
    BROKEN,
    FESTISOL_HEADERS,
    FESTISOL_ROWS,
    SAMPLES,
    events_of,
    festisol_workbook,
    read,
)

PARIS = ZoneInfo("Europe/Paris")
ALIMENTERRE = {"campaign": "alimenterre", "edition": 2026}


def by_title(events: list[Event]) -> dict[str, Event]:
    return {str(e.title): e for e in events}


# --- The ALIMENTERRE sample: Windows-1252, ";", title rows above the table ---------------------


@pytest.fixture(scope="module")
def alimenterre() -> dict[str, Event]:
    run = read({"path": str(SAMPLES / "alimenterre-2026.csv"), **ALIMENTERRE})
    assert run.skipped == []
    return by_title(events_of(run))


def test_the_alimenterre_sample_reads_every_row(alimenterre: dict[str, Event]) -> None:
    assert len(alimenterre) == 13  # two séances of « Pêcheurs sans filets »
    assert {e.campaign_edition for e in alimenterre.values()} == {"alimenterre-2026"}
    event = alimenterre["Ciné-débat « Nourrir la ville »"]
    assert event.occurrences[0].start == datetime(2026, 10, 15, 20, tzinfo=PARIS)
    assert event.occurrences[0].end == datetime(2026, 10, 15, 22, 30, tzinfo=PARIS)
    assert event.venue is not None
    assert event.venue.address is not None
    assert event.venue.name == "Cinéma Le Zola"
    assert event.venue.address.street == "117 cours Émile Zola"
    assert (event.venue.address.postal_code, event.venue.address.city) == ("69100", "Villeurbanne")
    assert event.venue.address.commune is None  # a postal code is not an INSEE code
    assert event.event_kind == "projection-debat"
    assert event.audiences == ["general-public"]
    assert event.price is not None
    assert (event.price.amount, event.price.text) == (5.0, "5 €")
    assert event.keywords == ["film: Nourrir la ville", "animation: Ciné-débat"]
    assert event.url == "https://terre-et-partage.example.org/alimenterre-2026"
    assert str(event.description).startswith("Projection du documentaire suivie d’un débat")
    assert [ref.name for ref in event.organisers] == ["Terre et Partage"]


def test_the_alimenterre_sample_reads_french_cells(alimenterre: dict[str, Event]) -> None:
    school = alimenterre["Séance scolaire « Le Prix du cacao »"]
    assert school.venue is not None
    assert school.venue.address is not None
    assert school.venue.address.postal_code == "01000"  # Excel had dropped the zero
    assert school.event_kind == "school-activity"
    assert school.audiences == ["school"]
    assert school.price is not None
    assert school.price.free is True

    talk = alimenterre["Conférence-débat « Qui nourrira le monde en 2050 ? »"]
    assert talk.occurrences[0].start == datetime(2026, 11, 6, 18, 30, tzinfo=PARIS)
    assert talk.venue is not None
    assert talk.venue.address is not None
    assert (talk.venue.address.postal_code, talk.venue.address.city) == (
        "63000",
        "Clermont-Ferrand",
    )
    assert talk.audiences == ["general-public", "professionals"]
    assert talk.price is not None
    assert (talk.price.free, talk.price.amount) == (None, None)
    assert str(talk.description) == (
        "Conférence suivie d’un temps d’échange.\nEntrée dans la limite des places disponibles."
    )

    quinoa = alimenterre["Ciné-débat « Quinoa, l’or des Andes »"]
    assert quinoa.venue is not None
    assert quinoa.venue.address is not None
    address = quinoa.venue.address
    assert (address.postal_code, address.commune, address.city) == ("15000", "15014", None)
    assert (address.departement, address.region) == ("15", "84")

    market = alimenterre["Marché paysan et solidaire"]
    assert market.occurrences[0].end == datetime(2026, 11, 14, 13, tzinfo=PARIS)  # "9h-13h"
    assert market.event_kind == "marche-solidarites"

    exhibition = alimenterre["Exposition « Visages de l’agriculture paysanne »"]
    assert exhibition.occurrences[0].start == date(2026, 11, 16)
    assert exhibition.occurrences[0].end == date(2026, 11, 27)
    assert exhibition.event_kind == "other"
    assert "animation: Exposition" in exhibition.keywords

    cancelled = alimenterre["Ciné-débat « Pêcheurs sans filets »"]  # Roanne, the last one
    assert cancelled.status == "cancelled"
    assert cancelled.venue is not None
    assert cancelled.venue.name == "Cinéma Rex"
    assert alimenterre["Atelier cuisine « Légumineuses du monde »"].status == "full"

    children = alimenterre["Ciné-goûter « Le Prix du cacao »"]
    assert children.audiences == []  # "Jeune public" is none of the three
    assert "public: Jeune public" in children.keywords

    closing = alimenterre["Soirée de clôture « Semences de résistance »"]
    assert closing.price is not None
    assert (closing.price.text, closing.price.amount) == ("8 € / 5 € (réduit)", None)

    html = alimenterre["Projection-débat « Semences de résistance »"]
    assert str(html.description) == (
        "<p>Projection suivie d’un échange avec <strong>Awa Traoré</strong>, paysanne "
        "semencière au Mali.</p>"
    )


def test_a_person_named_as_contact_is_stored_nowhere(alimenterre: dict[str, Event]) -> None:
    dumped = " ".join(e.model_dump_json() for e in alimenterre.values())
    assert "Claire Martin" not in dumped
    assert "06 12 34 56 78" not in dumped


def test_the_same_file_gives_the_same_ids() -> None:
    options = {"path": str(SAMPLES / "alimenterre-2026.csv"), **ALIMENTERRE}
    first, second = read(options), read(options)
    assert first.source_ids == second.source_ids
    assert len(set(first.source_ids)) == 14
    assert "2026-11-05T20:30:00+01:00/cine-debat-pecheurs-sans-filets/saint-etienne/" in (
        "".join(str(s) + "/" for s in first.source_ids)
    )


# --- The Festisol workbook: Excel cells ------------------------------------------------------


def test_an_excel_workbook_with_real_date_and_time_cells(festisol_xlsx: Path) -> None:
    run = read({"path": str(festisol_xlsx), "campaign": "festisol", "edition": 2026})
    assert run.skipped == []
    events = by_title(events_of(run))
    assert len(events) == 5

    village = events["Village des solidarités"]
    assert village.campaign_edition == "festisol-2026"
    assert village.occurrences[0].start == datetime(2026, 11, 14, 10, tzinfo=PARIS)
    assert [ref.name for ref in village.organisers] == [
        "Collectif Festisol Grenoble",
        "Solidarité Sahel Isère",
    ]
    assert village.venue is not None
    assert village.venue.address is not None
    assert village.venue.address.commune == "38185"
    assert village.event_kind == "marche-solidarites"

    film = events["Ciné-débat « Sur la route de Podor »"]  # the time is in the date cell
    assert film.occurrences[0].start == datetime(2026, 11, 17, 20, tzinfo=PARIS)
    assert film.occurrences[0].end == datetime(2026, 11, 17, 22, 30, tzinfo=PARIS)
    assert film.price is not None
    assert (film.price.amount, film.price.text) == (6.0, "6 €")

    game = events["Atelier « Le jeu de la ficelle »"]
    assert game.price is not None
    assert game.price.free is True
    assert game.event_kind == "school-activity"

    meal = events["Repas partagé « Saveurs d'ailleurs »"]
    assert meal.venue is not None
    assert meal.venue.address is not None
    assert meal.venue.address.postal_code == "01000"  # a number cell, 1000
    assert meal.event_kind == "other"
    assert meal.keywords == ["animation: Repas solidaire"]


def test_a_sheet_is_chosen_by_name(tmp_path: Path) -> None:
    path = tmp_path / "festisol.xlsx"
    path.write_bytes(festisol_workbook(sheet="Isère"))
    run = read({"path": str(path), "campaign": "festisol", "edition": 2026, "sheet": "Isère"})
    assert len(events_of(run)) == 5
    with pytest.raises(RrmaError, match="n'a pas de colonne « Date »"):
        read({"path": str(path), "campaign": "festisol", "edition": 2026, "sheet": "Légende"})
    with pytest.raises(RrmaError, match="n'a pas de feuille « Savoie » \\(feuilles : « Isère »"):
        read({"path": str(path), "campaign": "festisol", "edition": 2026, "sheet": "Savoie"})


def test_an_excel_number_in_the_date_column_is_refused(tmp_path: Path) -> None:
    rows = [list(FESTISOL_ROWS[0]), list(FESTISOL_ROWS[1])]
    rows[1][1] = 46343  # a serial number whose cell lost its date format
    path = tmp_path / "festisol.xlsx"
    path.write_bytes(festisol_workbook(rows, FESTISOL_HEADERS))
    run = read({"path": str(path), "campaign": "festisol", "edition": 2026})
    assert len(events_of(run)) == 1
    assert [str(s) for s in run.skipped] == [
        "ligne 5: colonne « Date » : 46343 est un nombre, pas une date "
        "(mettez la cellule au format Date)"
    ]


# --- Over HTTP ---------------------------------------------------------------------------


def test_a_programme_served_over_http(httpserver: HTTPServer) -> None:
    body = (SAMPLES / "demo.csv").read_bytes()
    httpserver.expect_request("/festisol-2026.csv").respond_with_data(
        body, content_type="text/csv; charset=utf-8", headers={"ETag": '"v1"'}
    )
    url = httpserver.url_for("/festisol-2026.csv")
    run = read({"url": url, "campaign": "festisol", "edition": 2026})
    assert len(events_of(run)) == 11
    assert run.skipped == []
    assert {e.campaign_edition for e in events_of(run)} == {"festisol-2026"}


def test_relative_links_resolve_against_the_final_url(httpserver: HTTPServer) -> None:
    body = (
        "Titre;Date;Description\r\n"
        'Ciné-débat;12/11/2026;"<p>Voir <a href=""../agenda/"">l\'agenda</a></p>"\r\n'
    ).encode()
    httpserver.expect_request("/ancien.csv").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/festisol/2026/programme.csv")}
    )
    httpserver.expect_request("/festisol/2026/programme.csv").respond_with_data(body)
    run = read({"url": httpserver.url_for("/ancien.csv"), "campaign": "festisol", "edition": 2026})
    (event,) = events_of(run)
    assert str(event.description) == (
        f'<p>Voir <a href="{httpserver.url_for("/festisol/agenda/")}" '
        'rel="noopener noreferrer">l\'agenda</a></p>'
    )


def test_an_html_page_served_as_the_programme_fails(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/programme.csv").respond_with_data(
        (BROKEN / "html-instead-of-csv.csv").read_bytes(), content_type="text/html"
    )
    with pytest.raises(RrmaError, match="est une page HTML"):
        read({"url": httpserver.url_for("/programme.csv"), **ALIMENTERRE})


# --- Options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"campaign": "festisol", "edition": 2026}, "give exactly one of path"),
        (
            {"path": "a.csv", "url": "https://x.example.org/a.csv", **ALIMENTERRE},
            "give exactly one of path",
        ),
        ({"url": "file:///etc/passwd", **ALIMENTERRE}, "must start with http"),
        ({"path": "a.csv", "campaign": "Mon Festival!", "edition": 2026}, "campaign:"),
        ({"path": "a.csv", "campaign": "festisol", "edition": 26}, "edition:"),
        ({"path": "a.csv", **ALIMENTERRE, "columns": {"réalisateur": "X"}}, "unknown column"),
        ({"path": "a.csv", **ALIMENTERRE, "encoding": "klingon"}, "unknown encoding"),
        ({"path": "a.csv", **ALIMENTERRE, "delimiter": ":"}, "separator"),
        ({"path": "a.csv", **ALIMENTERRE, "timezone": "Europe/Lyon"}, "unknown time zone"),
        ({"path": "a.csv", **ALIMENTERRE, "fichier": "a.csv"}, "fichier: unknown key"),
    ],
)
def test_bad_options_are_refused_naming_the_key(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        FestivalConnector.parse_options("programme", options)


def test_campaigns_by_label_or_custom_slug() -> None:
    parse = FestivalConnector.parse_options
    festisol = parse(
        "s", {"path": "a.csv", "campaign": "Festival des Solidarités", "edition": 2026}
    )
    assert festisol.campaign_edition == "festisol-2026"  # type: ignore[attr-defined]
    custom = parse("s", {"path": "a.csv", "campaign": "Semaine-ECSI", "edition": 2027})
    assert custom.campaign_edition == "semaine-ecsi-2027"  # type: ignore[attr-defined]


def test_a_file_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(RrmaError, match="programme introuvable"):
        read({"path": str(tmp_path / "absent.csv"), **ALIMENTERRE})


def test_columns_named_otherwise(programme: Callable[..., Path]) -> None:
    path = programme(
        "Nom de la séance;Jour J;Début;Fin;Commune;Film",
        "Ciné-débat;12/11/2026;20h;22h;Lyon;Nourrir la ville",
    )
    options = {
        "path": str(path),
        **ALIMENTERRE,
        "columns": {"title": "Nom de la séance", "date": ["Jour J"], "Film": ""},
    }
    (event,) = events_of(read(options))
    assert str(event.title) == "Ciné-débat"
    assert event.keywords == []  # the film column was turned off


def test_encoding_and_separator_can_be_given(programme: Callable[..., Path]) -> None:
    path = programme("Titre|Date", "Café-débat|12/11/2026", encoding="cp1252")
    with pytest.raises(RrmaError, match="n'est pas encodé en utf-8 : octet 0xe9"):
        read({"path": str(path), **ALIMENTERRE, "encoding": "utf-8", "delimiter": "|"})
    run = read({"path": str(path), **ALIMENTERRE, "encoding": "cp1252", "delimiter": "|"})
    assert [str(e.title) for e in events_of(run)] == ["Café-débat"]


def test_tab_separated_values(programme: Callable[..., Path]) -> None:
    path = programme("Titre\tDate\tLieu", "Ciné-débat\t12/11/2026\tCinéma Le Zola")
    (event,) = events_of(read({"path": str(path), **ALIMENTERRE, "delimiter": "tab"}))
    assert event.venue is not None
    assert event.venue.name == "Cinéma Le Zola"


# --- Cells -------------------------------------------------------------------------------


def test_the_commune_cell_holds_a_name_or_a_code(programme: Callable[..., Path]) -> None:
    path = programme(
        "Titre;Date;Code postal;Commune",
        "A;12/11/2026;;69100 Villeurbanne",
        "B;12/11/2026;;Villeurbanne (69100)",
        "C;12/11/2026;;69100",
        "D;12/11/2026;69100;69266",
        "E;12/11/2026;69100;69100",
        "F;12/11/2026;;2A004",
        "G;12/11/2026;;Saint-Étienne",
    )
    events = by_title(events_of(read({"path": str(path), **ALIMENTERRE})))

    def where(title: str) -> tuple[str | None, str | None, str | None]:
        venue = events[title].venue
        assert venue is not None
        assert venue.address is not None
        return venue.address.postal_code, venue.address.commune, venue.address.city

    assert where("A") == ("69100", None, "Villeurbanne")
    assert where("B") == ("69100", None, "Villeurbanne")
    assert where("C") == ("69100", None, None)  # five digits alone: the postal code people type
    assert where("D") == ("69100", "69266", None)  # beside a postal code: the INSEE code
    assert where("E") == ("69100", None, None)
    assert where("F") == (None, "2A004", None)
    assert where("G") == (None, None, "Saint-Étienne")


def test_times_overseas_follow_the_commune(programme: Callable[..., Path]) -> None:
    path = programme(
        "Titre;Date;Heure de début;Code INSEE;Commune",
        "Ciné-débat;12/11/2026;19h;97105;Basse-Terre",
        "Conférence;12/11/2026;18h;;Saint-Denis",
    )
    events = by_title(events_of(read({"path": str(path), "campaign": "festisol", "edition": 2026})))
    guadeloupe = ZoneInfo("America/Guadeloupe")
    assert events["Ciné-débat"].occurrences[0].start == datetime(
        2026, 11, 12, 19, tzinfo=guadeloupe
    )
    assert events["Conférence"].occurrences[0].start == datetime(2026, 11, 12, 18, tzinfo=PARIS)
    forced = read(
        {"path": str(path), "campaign": "festisol", "edition": 2026, "timezone": "Indian/Reunion"}
    )
    starts = {str(e.title): e.occurrences[0].start for e in events_of(forced)}
    assert starts["Conférence"] == datetime(2026, 11, 12, 18, tzinfo=ZoneInfo("Indian/Reunion"))


def test_several_organisers_in_one_cell(programme: Callable[..., Path]) -> None:
    path = programme(
        "Titre;Date;Organisateur",
        'Village;14/11/2026;"Collectif Festisol Lyon ; Cimade Rhône\nTerre et Partage"',
    )
    (event,) = events_of(read({"path": str(path), **ALIMENTERRE}))
    assert [ref.name for ref in event.organisers] == [
        "Collectif Festisol Lyon",
        "Cimade Rhône",
        "Terre et Partage",
    ]
    assert len({ref.id for ref in event.organisers}) == 3


def test_formula_cells_are_read_as_text() -> None:
    run = read({"path": str(BROKEN / "formula-injection-cells.csv"), **ALIMENTERRE})
    assert [str(e.title) for e in events_of(run)] == [
        '=HYPERLINK("http://evil.example/x";"Cliquez")',
        "+33 4 78 00 00 00",
        "@SUM(A1:A9)",
        "=1+1",  # the apostrophe that neutralised it is taken off
        "-5 € pour les adhérents",
    ]


def test_scripts_never_reach_the_records() -> None:
    run = read({"path": str(BROKEN / "script-in-title-and-description.csv"), **ALIMENTERRE})
    (event,) = events_of(run)
    assert str(event.title) == "Ciné-débat « Nourrir »"
    assert str(event.description) == '<p>Débat <a rel="noopener noreferrer">ici</a></p>'


def test_time_ranges_in_one_cell_must_agree(programme: Callable[..., Path]) -> None:
    path = programme(
        "Titre;Date;Heure de début;Heure de fin",
        "A;12/11/2026;14h-16h;16h",
        "B;12/11/2026;14h-16h;17h",
    )
    run = read({"path": str(path), **ALIMENTERRE})
    assert [str(e.title) for e in events_of(run)] == ["A"]
    assert [str(s) for s in run.skipped] == [
        "ligne 3: colonne « Heure de fin » : 17h contredit la fin donnée dans "
        "« Heure de début » (16h)"
    ]


def test_a_header_found_below_title_rows(programme: Callable[..., Path]) -> None:
    path = programme(
        "Programme Festisol 2026;;",
        ";;",
        "Organisé par le collectif;;",
        "Titre;Date;Heure de début",
        "Ciné-débat;12/11/2026;20h",
    )
    run = read({"path": str(path), "campaign": "festisol", "edition": 2026})
    (event,) = events_of(run)
    assert event.occurrences[0].start == datetime(2026, 11, 12, 20, tzinfo=PARIS)


def test_a_row_with_a_time_and_a_last_day_needs_an_end_time(
    programme: Callable[..., Path],
) -> None:
    path = programme(
        "Titre;Date;Heure de début;Heure de fin;Date de fin",
        "Exposition;12/11/2026;10h;18h;14/11/2026",
        "Stage;12/11/2026;10h;;14/11/2026",
        "Retour;14/11/2026;;;12/11/2026",
    )
    run = read({"path": str(path), **ALIMENTERRE})
    (event,) = events_of(run)
    assert event.occurrences[0].end == datetime(2026, 11, 14, 18, tzinfo=PARIS)
    assert [str(s) for s in run.skipped] == [
        "ligne 3: colonne « Date de fin » : une date de fin demande une heure de fin quand "
        "l'heure de début est donnée",
        "ligne 4: colonne « Date de fin » : la date de fin (12/11/2026) est avant la date "
        "(14/11/2026)",
    ]


def test_a_copy_of_a_sample_reads_the_same(tmp_path: Path) -> None:
    copy = tmp_path / "programme.txt"  # the name does not matter, the content does
    shutil.copy(SAMPLES / "alimenterre-2026.csv", copy)
    assert len(events_of(read({"path": str(copy), **ALIMENTERRE}))) == 14


def test_a_row_is_read_in_the_workspace_zone() -> None:
    run = read(
        {"path": str(SAMPLES / "demo.csv"), "campaign": "festisol", "edition": 2026},
        timezone="America/Martinique",
    )
    first = min(events_of(run), key=lambda e: e.occurrences[0].sort_key)
    assert first.occurrences[0].start == datetime(
        2026, 11, 14, 10, tzinfo=ZoneInfo("America/Martinique")
    )
    assert first.occurrences[0].end is not None
    assert isinstance(first.occurrences[0].end, datetime)
    assert first.occurrences[0].end.time() == time(18)
