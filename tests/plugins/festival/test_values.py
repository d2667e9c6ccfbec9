"""Cells as French organisers write them: dates, times, prices, audiences, kinds, codes."""

from __future__ import annotations

import doctest
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import rrma_festival._columns
import rrma_festival._values
from rrma_festival._columns import COLUMNS, Layout, header_key
from rrma_festival._values import (
    CellError,
    cell_text,
    generic_email,
    neutralise,
    plain_text,
    read_actor_type,
    read_audiences,
    read_date,
    read_insee,
    read_kind,
    read_postal_code,
    read_price,
    read_siret,
    read_status,
    read_times,
    read_url,
    rich_text,
    write_price,
    write_time,
    zone_of,
)


@pytest.mark.parametrize("module", [rrma_festival._values, rrma_festival._columns])
def test_the_docstring_examples_hold(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("12/11/2026", (date(2026, 11, 12), None)),
        ("12/11/26", (date(2026, 11, 12), None)),
        ("12.11.2026", (date(2026, 11, 12), None)),
        ("2026-11-12", (date(2026, 11, 12), None)),
        ("jeudi 12 novembre 2026", (date(2026, 11, 12), None)),
        ("Jeudi 12 Novembre 2026", (date(2026, 11, 12), None)),
        ("jeu. 12 nov. 2026", (date(2026, 11, 12), None)),
        ("1er décembre 2026", (date(2026, 12, 1), None)),
        ("12 novembre", (date(2026, 11, 12), None)),
        ("12/11", (date(2026, 11, 12), None)),
        ("12/11/2026 20:30", (date(2026, 11, 12), time(20, 30))),
        ("jeudi 12 novembre 2026 à 20h", (date(2026, 11, 12), time(20))),
        ("2026-11-12 00:00:00", (date(2026, 11, 12), None)),
        (datetime(2026, 11, 12), (date(2026, 11, 12), None)),
        (datetime(2026, 11, 12, 18, 30), (date(2026, 11, 12), time(18, 30))),
        (date(2026, 11, 12), (date(2026, 11, 12), None)),
    ],
)
def test_dates_as_french_people_write_them(cell: object, expected: tuple[date, time]) -> None:
    assert read_date(cell, year=2026) == expected


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("31/02/2026", "'31/02/2026' n'est pas une date"),
        ("mardi 12 novembre 2026", "le 12/11/2026 est un jeudi, pas un mardi"),
        ("le 12", "'le 12' n'est pas une date (attendu : 12/11/2026"),
        ("bientôt", "n'est pas une date"),
        (46338, "46338 est un nombre, pas une date"),
        (time(20), "'20h' est une heure, pas une date"),
    ],
)
def test_dates_that_cannot_be_read_are_refused_with_a_reason(cell: object, reason: str) -> None:
    with pytest.raises(CellError) as error:
        read_date(cell, year=2026)
    assert reason in str(error.value)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("20h", (time(20), None)),
        ("20h30", (time(20, 30), None)),
        ("20H30", (time(20, 30), None)),
        ("20:30", (time(20, 30), None)),
        ("20 h 30", (time(20, 30), None)),
        ("20.30", (time(20, 30), None)),
        ("20:30:00", (time(20, 30), None)),
        ("20h30mn", (time(20, 30), None)),
        ("midi", (time(12), None)),
        ("14h-16h", (time(14), time(16))),
        ("de 14h à 16h30", (time(14), time(16, 30))),
        ("14h – 16h", (time(14), time(16))),
        (time(20, 30), (time(20, 30), None)),
        (datetime(1899, 12, 30, 20, 30), (time(20, 30), None)),
        (timedelta(hours=20, minutes=30), (time(20, 30), None)),
        (20, (time(20), None)),
    ],
)
def test_times_as_french_people_write_them(cell: object, expected: object) -> None:
    assert read_times(cell) == expected


@pytest.mark.parametrize("cell", ["vers 20h", "25h", "20h75", "soirée", 0.854])
def test_times_that_cannot_be_read_are_refused(cell: object) -> None:
    with pytest.raises(CellError, match="n'est pas une heure"):
        read_times(cell)


def test_times_are_written_the_french_way() -> None:
    assert [write_time(time(20)), write_time(time(9, 5))] == ["20h", "9h05"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Gratuit", {"text": "Gratuit", "free": True}),
        ("Entrée libre", {"text": "Entrée libre", "free": True}),
        ("Prix libre", {"text": "Prix libre"}),
        ("5 €", {"text": "5 €", "amount": 5.0}),
        ("5€", {"text": "5€", "amount": 5.0}),
        ("5,50 €", {"text": "5,50 €", "amount": 5.5}),
        ("4 euros", {"text": "4 euros", "amount": 4.0}),
        ("8 € / 5 € (réduit)", {"text": "8 € / 5 € (réduit)"}),
        (6, {"text": "6 €", "amount": 6.0}),
        (4.5, {"text": "4,50 €", "amount": 4.5}),
        (0, {"text": "0 €", "free": True}),
        ("", None),
    ],
)
def test_prices_keep_their_words_and_read_one_amount(cell: object, expected: object) -> None:
    assert read_price(cell) == expected


def test_prices_written_back_read_the_same() -> None:
    for amount in (5.0, 5.5, 12.25):
        assert read_price(write_price(amount)) == {"text": write_price(amount), "amount": amount}


@pytest.mark.parametrize(
    ("cell", "codes", "exact"),
    [
        ("Grand public", ["general-public"], True),
        ("Tout public", ["general-public"], True),
        ("Scolaires", ["school"], True),
        ("Public scolaire", ["school"], True),
        ("Grand public, professionnels", ["general-public", "professionals"], True),
        ("Grand public et scolaires", ["general-public", "school"], True),
        ("Scolaires (lycées)", ["school"], False),
        ("Jeune public", [], False),
        ("Étudiants", [], False),
    ],
)
def test_audiences(cell: str, codes: list[str], exact: bool) -> None:
    parsed = read_audiences(cell)
    assert (parsed.codes, parsed.exact) == (codes, exact)


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Ciné-débat", "projection-debat"),
        ("Projection-débat", "projection-debat"),
        ("Ciné-goûter", "projection-debat"),
        ("Conférence-débat", "conference"),
        ("Table ronde", "conference"),
        ("Atelier cuisine", "workshop"),
        ("Animation scolaire", "school-activity"),
        ("Intervention en classe", "school-activity"),
        ("Marché solidaire", "marche-solidarites"),
        ("Village des solidarités", "marche-solidarites"),
        ("Marche pour le climat", "other"),
        ("Formation", "training-session"),
        ("Café-rencontre", "rencontre"),
        ("Exposition", "other"),
        ("Concert", "other"),
        ("Théâtre-forum", "other"),
    ],
)
def test_types_of_animation_become_event_kinds(label: str, kind: str) -> None:
    assert read_kind(label) == kind


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("", ("scheduled", True)),
        ("Annulé", ("cancelled", True)),
        ("ANNULÉE", ("cancelled", True)),
        ("Reporté", ("postponed", True)),
        ("Complet", ("full", True)),
        ("Passé en ligne", ("moved-online", True)),
        ("Sous réserve", ("scheduled", False)),
    ],
)
def test_statuses(cell: str, expected: tuple[str, bool]) -> None:
    assert read_status(cell) == expected


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Association", "association"),
        ("asso", "association"),
        ("Collectivité territoriale", "local-authority"),
        ("Mairie", "local-authority"),
        ("Établissement scolaire", "school"),
        ("Lycée", "school"),
        ("SCOP", "ess-enterprise"),
        ("Réseau", "network"),
        ("Collectif", "other"),
        ("", "other"),
    ],
)
def test_types_of_structure_never_guessed(cell: str, code: str) -> None:
    assert read_actor_type(cell) == code


def test_codes_get_back_the_zero_a_spreadsheet_dropped() -> None:
    assert read_postal_code(1000) == "01000"
    assert read_postal_code("1000") == "01000"
    assert read_postal_code("69 100") == "69100"
    assert read_insee(1053) == "01053"
    assert read_insee("2a004") == "2A004"
    assert read_siret(86897684692409) == "86897684692409"
    with pytest.raises(CellError, match="n'est pas un code postal"):
        read_postal_code("691")
    with pytest.raises(CellError, match="n'est pas un code INSEE"):
        read_insee("20004")
    with pytest.raises(CellError, match="n'est pas un SIRET valable"):
        read_siret("81588139691189")
    with pytest.raises(CellError, match="n'est pas un SIRET valable"):
        read_siret("8158813969118")  # a digit short: a typo, not a lost zero


def test_links_need_their_scheme() -> None:
    assert read_url("https://alimenterre.example.org/a") == "https://alimenterre.example.org/a"
    for cell in ("www.alimenterre.org", "javascript:alert(1)", "https://a b.org"):
        with pytest.raises(CellError):
            read_url(cell)


def test_only_generic_addresses_are_kept() -> None:
    assert generic_email("contact@terre-partage.example.org") == "contact@terre-partage.example.org"
    assert generic_email("Accueil : INFO.Lyon@asso.example.org") == "info.lyon@asso.example.org"
    assert generic_email("claire.martin@asso.example.org") is None
    assert generic_email("06 12 34 56 78") is None
    assert generic_email("contact@a.example.org, claire@a.example.org") is None


def test_titles_lose_their_tags_and_keep_their_ampersands() -> None:
    assert plain_text("  <b>Ciné-débat</b>\n« Nourrir &amp; agir »  ") == (
        "Ciné-débat « Nourrir & agir »"
    )
    assert plain_text("Film <script>alert(1)</script>« Terre »") == "Film « Terre »"


def test_descriptions_are_sanitised_and_links_resolved() -> None:
    dirty = (
        '<p onclick="x()">Débat <a href="/agenda">agenda</a> '
        '<a href="javascript:alert(1)">piège</a></p><script>alert(2)</script>'
        "<style>p{}</style><img src=x onerror=alert(3)>"
    )
    clean = rich_text(dirty, "https://reseau.example.org/programmes/festisol.csv")
    assert clean == (
        '<p>Débat <a href="https://reseau.example.org/agenda" rel="noopener noreferrer">'
        'agenda</a> <a rel="noopener noreferrer">piège</a></p>'
    )
    assert rich_text(clean, "https://reseau.example.org/") == clean  # stable when re-read
    assert rich_text('<p><a href="/agenda">agenda</a></p>') == (
        '<p><a rel="noopener noreferrer">agenda</a></p>'
    )
    assert rich_text("Ligne 1\r\nLigne 2  \r\n") == "Ligne 1\nLigne 2"


def test_formula_neutralising_is_symmetric() -> None:
    for text in ('=HYPERLINK("http://x")', "+33 4 78", "-5 €", "@SUM(A1)", "Titre"):
        assert cell_text(neutralise(text)) == text
    assert neutralise("=1+1") == "'=1+1"
    assert cell_text("'quoted") == "'quoted"


def test_overseas_times_follow_the_place() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert zone_of("97105", None, paris) == ZoneInfo("America/Guadeloupe")
    assert zone_of(None, "97400", paris) == ZoneInfo("Indian/Reunion")
    assert zone_of(None, "69100", paris) is paris


def test_headers_are_compared_without_case_accents_or_notes() -> None:
    layout = Layout()
    assert layout.field_of("HEURE DE DÉBUT (hh:mm) *") == "start_time"
    assert layout.field_of("Organisateur·rice") == "organiser"
    assert layout.field_of("Type d’animation") == "kind"
    assert layout.field_of("Téléphone") is None
    assert header_key("  Code   INSEE ") == "code insee"


def test_no_header_names_two_fields() -> None:
    seen: dict[str, str] = {}
    for column in COLUMNS:
        for text in (column.header, *column.aliases):
            key = header_key(text)
            assert seen.setdefault(key, column.field) == column.field, text


def test_columns_can_be_renamed_or_turned_off() -> None:
    layout = Layout({"title": "Nom de la séance", "Film": "", "heure de début": ["Début", "H"]})
    assert layout.field_of("Nom de la séance") == "title"
    assert layout.field_of("Titre") is None
    assert layout.field_of("Film") is None
    assert layout.field_of("h") == "start_time"
    assert layout.written["title"] == "Nom de la séance"
    assert "film" not in layout.enabled
    with pytest.raises(ValueError, match="unknown column 'réalisateur'"):
        Layout({"réalisateur": "Réalisateur"})
