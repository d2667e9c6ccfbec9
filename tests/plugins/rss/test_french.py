"""Reading what French funders write: deadlines, amounts, who may apply, funders, themes."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rrma_core.vocabularies import Term, builtin_registry, get_vocabulary, use_registry
from rrma_rss._fold import fold
from rrma_rss._french import read_actor_types, read_amount, read_dates, read_funders

PARIS = ZoneInfo("Europe/Paris")
PUBLISHED = date(2026, 11, 2)


def at(day: str, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(), PARIS).replace(
        hour=hour, minute=minute
    )


DATES: list[tuple[str, Any, Any]] = [
    # (text, opens_on, deadline)
    ("Date limite : 15 janvier 2027", None, date(2027, 1, 15)),
    ("Date limite\u00a0: 15 janvier 2027.", None, date(2027, 1, 15)),
    ("Candidatures ouvertes jusqu'au 31/03/2027.", None, date(2027, 3, 31)),
    ("Candidatures ouvertes jusqu’au 31/03/27", None, date(2027, 3, 31)),
    ("Dossiers à déposer avant le 12 mars 2027 à 12h", None, at("2027-03-12", 12)),
    ("Clôture le 1er février", None, date(2027, 2, 1)),
    ("Clôture le 1ᵉʳ février", None, date(2027, 2, 1)),
    ("CLÔTURE DES CANDIDATURES : 1er FÉVRIER 2027", None, date(2027, 2, 1)),
    (
        "Date limite de dépôt des dossiers : vendredi 15 janvier 2027 à 12 h 30 (heure de Paris)",
        None,
        at("2027-01-15", 12, 30),
    ),
    ("Réponses attendues au plus tard le 30 avril 2027 à midi.", None, at("2027-04-30", 12)),
    ("jusqu'au 15 janvier 2027 à minuit", None, date(2027, 1, 15)),
    ("Deadline : 2027-01-15", None, date(2027, 1, 15)),
    ("Date limite : 15 janv. 2027", None, date(2027, 1, 15)),
    ("Candidatures jusqu'au 15 mars 2027 à 23h59", None, at("2027-03-15", 23, 59)),
    (
        "Candidatures du 1er décembre 2026 au 15 janvier 2027",
        date(2026, 12, 1),
        date(2027, 1, 15),
    ),
    (
        "L'appel est ouvert du lundi 7 décembre 2026 au vendredi 15 janvier 2027.",
        date(2026, 12, 7),
        date(2027, 1, 15),
    ),
    (
        "Ouverture des candidatures le 2 décembre 2026 ; clôture le 20 février 2027 à midi.",
        date(2026, 12, 2),
        at("2027-02-20", 12),
    ),
    (
        "La date limite, initialement fixée au 15 janvier 2027, est prolongée au 31 janvier 2027.",
        None,
        date(2027, 1, 31),
    ),
    (
        "Date limite : 15 janvier 2027. Les lauréats seront informés le 30 mars 2027.",
        None,
        date(2027, 1, 15),
    ),
    (
        "Webinaire de présentation le 10 décembre 2026 à 14h. Date limite : 2027-01-15",
        None,
        date(2027, 1, 15),
    ),
    (
        "Date limite de dépôt : 15 janvier 2027. Dépôt avant le 15 janvier 2027 à 17h.",
        None,
        at("2027-01-15", 17),
    ),
    # dates of something else than applying
    ("Les résultats seront annoncés avant le 15 mars 2027.", None, None),
    ("Les projets doivent être réalisés avant le 31 décembre 2027.", None, None),
    ("Inscription au webinaire avant le 8 décembre.", None, None),
    ("Publié le 2 novembre 2026", None, None),
    ("Le comité de sélection se réunira le 3 février 2027.", None, None),
    # dates that do not exist, or numbers that are not dates
    ("Clôture le 31 février 2027", None, None),
    ("Date limite : 12.5", None, None),
    ("Subvention jusqu'à 15 000 € pour 2027.", None, None),
]


@pytest.mark.parametrize(("text", "opens_on", "deadline"), DATES)
def test_reads_dates(text: str, opens_on: Any, deadline: Any) -> None:
    assert read_dates(text, published=PUBLISHED, tz=PARIS) == (opens_on, deadline)


def test_a_date_without_a_year_is_the_next_such_day_after_publication() -> None:
    text = "Clôture le 15 janvier."
    assert read_dates(text, published=date(2026, 11, 2), tz=PARIS)[1] == date(2027, 1, 15)
    assert read_dates(text, published=date(2027, 1, 10), tz=PARIS)[1] == date(2027, 1, 15)
    # published on the day itself: that day
    assert read_dates(text, published=date(2027, 1, 15), tz=PARIS)[1] == date(2027, 1, 15)
    # 29 February: the next year that has one
    leap = read_dates("Date limite : 29 février", published=date(2026, 11, 2), tz=PARIS)
    assert leap[1] == date(2028, 2, 29)


def test_a_date_without_a_year_and_no_publication_date_is_left_empty() -> None:
    assert read_dates("Clôture le 1er février", published=None, tz=PARIS) == (None, None)


def test_times_are_in_the_given_time_zone() -> None:
    reunion = ZoneInfo("Indian/Reunion")
    _, deadline = read_dates("Date limite : 15 janvier 2027 à 12h", published=None, tz=reunion)
    assert isinstance(deadline, datetime)
    assert deadline.tzinfo is reunion
    assert deadline.isoformat() == "2027-01-15T12:00:00+04:00"


AMOUNTS: list[tuple[str, dict[str, Any] | None]] = [
    ("Subvention jusqu'à 50 000 €", {"max": 50000, "text": "jusqu'à 50 000 €"}),
    ("Subvention jusqu’à 50\u202f000\u00a0€.", {"max": 50000}),
    ("de 10 000 à 30 000 euros", {"min": 10000, "max": 30000}),
    ("entre 5 et 15 k€ par projet", {"min": 5000, "max": 15000}),
    ("de 500 000 à 1,5 M€", {"min": 500000, "max": 1500000}),
    ("Aide plafonnée à 1,5 M€", {"max": 1500000}),
    ("1,5 million d'euros au maximum", {"max": 1500000}),
    ("Subvention de 50.000 €", {"min": 50000, "max": 50000}),
    ("une aide forfaitaire de 3 000 €", {"min": 3000, "max": 3000}),
    ("15 000 euros maximum, 5 000 euros minimum", {"min": 5000, "max": 15000}),
    ("Montant minimum : 5 000 EUR", {"min": 5000}),
    ("taux de 80 %", {"rate": 80, "text": "taux de 80 %"}),
    ("cofinancement à hauteur de 70 % maximum", {"rate": 70}),
    ("prise en charge de 50 % maximum des dépenses", {"rate": 50}),
    (
        "jusqu'à 50 000 € et 80 % du budget",
        {"max": 50000, "rate": 80, "text": "jusqu'à 50 000 € ; 80 % du budget"},
    ),
    (
        "Enveloppe globale de 500 000 € ; aide de 15 000 € maximum par projet.",
        {"max": 15000, "text": "15 000 € maximum"},
    ),
    # nothing per project: left empty
    ("Enveloppe globale : 1 M€", None),
    ("L'AAP 2027 financera une douzaine de projets.", None),
    ("Le budget total de l'appel est de 2 millions d'euros.", None),
    ("Un taux de réussite de 40 % l'an dernier.", None),
    ("150 % du budget", None),
    # contradictory: the range is left unread
    ("minimum 20 000 € ; jusqu'à 10 000 €", None),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNTS)
def test_reads_amounts(text: str, expected: dict[str, Any] | None) -> None:
    amount = read_amount(text)
    if expected is None:
        assert amount is None
        return
    assert amount is not None
    assert amount["currency"] == "EUR"
    for key in ("min", "max", "rate"):
        assert amount[key] == expected.get(key), key
    if "text" in expected:
        assert amount["text"] == expected["text"]


ACTORS: list[tuple[str, list[str]]] = [
    (
        "Cet appel s'adresse aux associations et aux collectivités territoriales de la région.",
        ["association", "local-authority"],
    ),
    (
        "Structures éligibles :\n• associations loi 1901\n• établissements scolaires\n"
        "• universités et laboratoires de recherche\nLe dossier comprend un budget.",
        ["association", "school", "university"],
    ),
    (
        "Sont éligibles les OSIM et les associations de migrants, ainsi que les entreprises de "
        "l'ESS.",
        ["ess-enterprise", "osim"],
    ),
    ("Ouvert aux fondations et aux têtes de réseau.", ["foundation", "network"]),
    (
        "Bénéficiaires : ONG, communes et EPCI, établissements publics.",
        ["association", "local-authority", "public-body"],
    ),
    # words about actors outside a sentence about who may apply: not read
    ("Les associations lauréates recevront une formation.", []),
    ("La Fondation de France soutient ce programme depuis 2010.", []),
]


@pytest.mark.parametrize(("text", "expected"), ACTORS)
def test_reads_eligible_actor_types(text: str, expected: list[str]) -> None:
    assert read_actor_types(text) == expected


def test_reads_funders_on_their_line() -> None:
    text = (
        "Un appel pour les projets d'eau.\n"
        "Financeurs : Région Centre-Val de Loire, Agence française de développement (AFD).\n"
        "Montant : jusqu'à 5 000 €"
    )
    assert read_funders(text) == [
        "Région Centre-Val de Loire",
        "Agence française de développement (AFD)",
    ]
    assert read_funders("Bailleur de fonds : Fondation Solidarités ; Ville de Lyon") == [
        "Fondation Solidarités",
        "Ville de Lyon",
    ]
    assert read_funders("Le financement est assuré par la Région.") == []


def test_fold_keeps_length_so_matches_are_slices_of_the_original() -> None:
    for text in ("Clôture le 1ᵉʳ Février à 12\u202fh", "ÉTÉ – jusqu’à 50\u00a0000 €", "İstanbul"):
        folded = fold(text)
        assert len(folded) == len(text)
    assert fold("Clôture le 1ᵉʳ Février à 12\u202fh") == "cloture le 1er fevrier a 12 h"
    assert fold("Œuvre ÉTÉ – jusqu’à") == "œuvre ete - jusqu'a"


TEXTS = [
    "Appel à projets ECSI : éducation à la citoyenneté et à la solidarité internationale.",
    "Accès à l'eau potable, assainissement et hygiène dans les écoles du Sahel.",
    "Sécurité alimentaire, agroécologie et souveraineté alimentaire ; égalité femmes-hommes.",
    "Gestion des déchets, recyclage et économie circulaire ; changement climatique.",
    "Gouvernance locale, état civil et renforcement des capacités des collectivités.",
    "Santé maternelle et lutte contre le paludisme ; vaccination.",
    "Tourisme solidaire, artisanat et microcrédit (micro-crédit) ; l'égalité femmes-hommes.",
    "Un texte sans aucun thème.",
    "",
]


@pytest.mark.parametrize("name", ["sectors", "sdg"])
@pytest.mark.parametrize("text", TEXTS)
def test_the_connectors_folded_words_match_as_vocabulary_match(name: str, text: str) -> None:
    # The connector folds each entry once with its own fold and matches the words.
    vocabulary = get_vocabulary(name)
    words = " ".join(re.findall(r"[^\W_]+", fold(text)))
    assert vocabulary.match_words(words) == vocabulary.match(text)


def test_themes_follow_the_workspace_vocabulary() -> None:
    registry = builtin_registry().copy()
    registry.extend(
        "sectors",
        [Term("numerique", {"fr": "Numérique", "en": "Digital"}, keywords=("fracture numérique",))],
        provider="test",
    )
    with use_registry(registry):
        sectors = get_vocabulary("sectors")
        assert sectors.match("Réduire la fracture numérique en milieu rural") == [
            "developpement-rural",
            "numerique",
        ]
