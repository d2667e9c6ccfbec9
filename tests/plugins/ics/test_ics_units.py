"""The ``ics`` connector's options and its building blocks: rule checks, LOCATION reading,
text cleaning, the window."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import rrma_ics
from rrma_core import Workspace
from rrma_core.errors import ConfigError
from rrma_ics import IcsConnector, IcsOptions, _rules, _text, _window
from rrma_ics._rules import MAX_STEPS, RuleProblem, check_rule
from rrma_ics._text import (
    HtmlCleaner,
    PlaceReader,
    http_url,
    language_of,
    looks_like_html,
    plain_text,
)
from rrma_ics._window import keep_occurrences

END = datetime(2027, 12, 1, tzinfo=UTC)
START = datetime(2026, 12, 3, 14, tzinfo=UTC)


# --- options -------------------------------------------------------------------------------


def test_defaults() -> None:
    options = IcsConnector.parse_options("agenda", {"url": "https://agenda.example.org/a.ics"})
    assert isinstance(options, IcsOptions)
    assert (options.window_past_days, options.window_future_days) == (30, 365)
    assert (options.max_occurrences, options.time_budget) == (500, 5.0)
    assert options.event_kind == "other"
    assert options.campaign_edition is None
    assert IcsConnector.snapshot is True
    assert IcsConnector.trust_ids is False


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "give exactly one of url (a web calendar) and path (a .ics file)"),
        ({"url": "https://a.example.org/a.ics", "path": "a.ics"}, "give exactly one of url"),
        ({"url": "ftp://a.example.org/a.ics"}, "must be an http:// or https:// URL"),
        ({"url": "https://a.example.org/a.ics", "window_past": 3}, "window_past: unknown key"),
        ({"path": "a.ics", "event_kind": "kermesse"}, "event_kind"),
        ({"path": "a.ics", "time_budget": -1}, "time_budget"),
        ({"path": "a.ics", "max_occurrences": 0}, "max_occurrences"),
    ],
)
def test_bad_options_name_the_source_and_the_key(options: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match="source 'agenda'") as error:
        IcsConnector.parse_options("agenda", options)
    assert message in str(error.value)


def test_the_connector_is_registered_as_ics(tmp_path: Path) -> None:
    with Workspace.init(tmp_path / "ws", name="Réseau Test", region="84") as ws:
        assert ws.plugins.connector("ics") is IcsConnector


# --- recurrence rules ------------------------------------------------------------------------


def test_accepted_rules_say_whether_they_end() -> None:
    assert check_rule({"FREQ": ["WEEKLY"], "BYDAY": ["TU"]}, START, END).open_ended
    assert not check_rule({"FREQ": ["WEEKLY"], "COUNT": [4]}, START, END).open_ended
    until = {"FREQ": ["DAILY"], "UNTIL": [date(2027, 1, 31)]}
    assert not check_rule(until, date(2026, 12, 3), END).open_ended
    monthly = check_rule({"FREQ": ["MONTHLY"], "BYDAY": ["2TU"]}, START, END)
    assert 0 < monthly.steps < MAX_STEPS


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({}, "RRULE has no FREQ"),
        ({"FREQ": ["FORTNIGHTLY"]}, "RRULE FREQ=FORTNIGHTLY is not a frequency"),
        ({"FREQ": ["DAILY"], "INTERVAL": [-2]}, "INTERVAL=-2 is refused"),
        ({"FREQ": ["DAILY"], "COUNT": [20_000]}, "more than 10000 repetitions"),
        (
            {"FREQ": ["DAILY"], "COUNT": [3], "UNTIL": [date(2027, 1, 1)]},
            "has both COUNT and UNTIL",
        ),
        ({"FREQ": ["DAILY"], "UNTIL": [date(2026, 12, 2)]}, "UNTIL=2026-12-02 is before DTSTART"),
        ({"FREQ": ["MONTHLY"], "BYDAY": ["6MO"]}, "matches no day at all"),
        ({"FREQ": ["MONTHLY"], "BYMONTHDAY": [31], "BYMONTH": [4, 6]}, "matches no day at all"),
        ({"FREQ": ["MONTHLY"], "BYSETPOS": [7], "BYDAY": ["MO"]}, "matches no day at all"),
        ({"FREQ": ["YEARLY"], "BYSETPOS": [400], "BYDAY": ["MO"]}, "cannot be expanded: bysetpos"),
        ({"FREQ": ["HOURLY"], "BYMINUTE": list(range(60))}, "steps to expand"),
    ],
)
def test_refused_rules(rule: dict[str, list[object]], message: str) -> None:
    with pytest.raises(RuleProblem, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_rule(rule, START, END)


def test_a_rule_that_matches_rarely_is_accepted() -> None:
    """February 29th falling on a Monday: once in 28 years, but possible."""
    rule = {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [29], "BYDAY": ["MO"]}
    assert check_rule(rule, START, END).open_ended


# --- LOCATION, text, URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Maison des Solidarités, 12 rue Mazenod, 69003 Lyon",
            ("Maison des Solidarités", "12 rue Mazenod", "69003", "Lyon", None),
        ),
        (
            "Salle des fêtes, 69100 Villeurbanne",
            ("Salle des fêtes", None, "69100", "Villeurbanne", None),
        ),
        (
            "Collège Jean Moulin 1 rue Jean Moulin 69300 Caluire-et-Cuire "
            "Auvergne-Rhône-Alpes France",
            ("Collège Jean Moulin", "1 rue Jean Moulin", "69300", "Caluire-et-Cuire", "FR"),
        ),
        (
            "97100 Basse-Terre Guadeloupe France",
            (None, None, "97100", "Basse-Terre", "FR"),
        ),
        (
            "Goethe-Institut, 10117 Berlin, Allemagne",
            ("Goethe-Institut", None, "10117", "Berlin", "DE"),
        ),
        ("Médiathèque de Vaise", ("Médiathèque de Vaise", None, None, None, None)),
        (
            "En ligne (lien envoyé après inscription)",
            ("En ligne (lien envoyé après inscription)",) + (None,) * 4,
        ),
        ("Dakar, Sénégal", ("Dakar, Sénégal", None, None, None, None)),
    ],
)
def test_reading_locations(text: str, expected: tuple[str | None, ...]) -> None:
    read = PlaceReader().read(text)
    assert (read.name, read.street, read.postal_code, read.city, read.country) == expected


def test_plain_text_and_html() -> None:
    assert plain_text("  Ciné-débat\n<i>Nourrir</i> &amp; après  ") == "Ciné-débat Nourrir & après"
    assert plain_text("Tom & Jerry < 3") == "Tom & Jerry < 3"
    assert looks_like_html("<p>Bonjour</p>")
    assert not looks_like_html("Entrée : 5 € < 10 €, enfants > 12 ans")
    cleaner = HtmlCleaner("https://reseau.example.org/agenda/feed.ics")
    html = cleaner.clean(
        '<h1>Titre</h1><p style="color:red">Voir <a href="/agenda/1" target="_blank">ici</a>'
        ' ou <a href="mailto:contact@reseau.example.org">écrire</a></p>'
        '<iframe src="https://evil.example"></iframe>'
    )
    assert html == (
        'Titre<p>Voir <a href="https://reseau.example.org/agenda/1" rel="noopener noreferrer">'
        'ici</a> ou <a href="mailto:contact@reseau.example.org" rel="noopener noreferrer">'
        "écrire</a></p>"
    )


def test_urls_and_languages() -> None:
    base = "https://reseau.example.org/agenda/feed.ics"
    assert http_url("/evenements/12", base) == "https://reseau.example.org/evenements/12"
    assert http_url("https://a.example.org/x") == "https://a.example.org/x"
    assert http_url("javascript:alert(1)", base) is None
    assert http_url("https://a.example.org/un lien") is None
    assert http_url("/relatif") is None
    assert http_url("http://[::1/agenda") is None
    assert language_of("fr-FR") == "fr"
    assert language_of("EN") == "en"
    assert language_of("français") == "fr"
    assert language_of(None, "es") == "es"


def test_keep_occurrences_prefers_the_window() -> None:
    days = [datetime(2026, 9, d, tzinfo=UTC) for d in range(1, 31)]
    window = datetime(2026, 9, 25, tzinfo=UTC)
    assert keep_occurrences(days, days, 10, window) == days[20:30]
    assert keep_occurrences(days, days, 3, window) == days[24:27]
    assert keep_occurrences(days, days, 50, window) == days


@pytest.mark.parametrize("module", [rrma_ics, _rules, _text, _window])
def test_examples_in_docstrings(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0
