"""The digest's building blocks: dates and amounts in words (no system locale), Markdown
escaping checked by a real Markdown renderer, URL filtering and text clean-up."""

from __future__ import annotations

import locale
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from markdown_it import MarkdownIt

from rrma_digest._catalogue import catalogue
from rrma_digest._render import md_paragraphs, wrap
from rrma_digest._text import description_html, description_text, md_escape, safe_url, short

from .conftest import parse_html

NBSP = "\u00a0"


def test_french_dates_do_not_depend_on_the_system_locale() -> None:
    before = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, "C")
        fr = catalogue("fr")
        assert fr.day(date(2026, 11, 30)) == "30 novembre 2026"
        assert fr.day(date(2026, 12, 1), weekday=True) == "mardi 1er décembre 2026"
        assert fr.day(date(2027, 2, 7), weekday=True, year=False) == "dimanche 7 février"
        months = [fr.day(date(2027, m, 2), year=False).split()[1] for m in range(1, 13)]
        assert months == ["janvier", "février", "mars", "avril", "mai", "juin", "juillet",
                          "août", "septembre", "octobre", "novembre", "décembre"]  # fmt: skip
    finally:
        locale.setlocale(locale.LC_TIME, before)


def test_english_dates_and_times() -> None:
    en = catalogue("en")
    assert en.day(date(2026, 12, 1), weekday=True) == "Tuesday 1 December 2026"
    assert en.time(time(9, 0)) == "09:00"
    assert en.time(datetime(2026, 1, 1, 18, 30)) == "18:30"
    assert catalogue("en-GB").lang == "en"
    assert catalogue("de").lang == "fr"  # any other language: French, the networks' own


def test_french_times_and_amounts() -> None:
    fr = catalogue("fr")
    assert fr.time(time(9, 0)) == f"9{NBSP}h"
    assert fr.time(time(18, 5)) == f"18{NBSP}h{NBSP}05"
    assert fr.money(30000, "EUR") == f"30{NBSP}000{NBSP}€"
    assert fr.money(1234.5, "EUR") == f"1{NBSP}234,50{NBSP}€"
    assert fr.money(500, "XOF") == f"500{NBSP}XOF"
    en = catalogue("en")
    assert en.money(30000, "EUR") == "€30,000"
    assert en.money(500, "XOF") == f"500{NBSP}XOF"
    assert fr.plural("more_events", 1) == "… et 1 autre événement."
    assert fr.plural("more_events", 3) == "… et 3 autres événements."


NASTY = [
    "<script>alert(1)</script>",
    "**gras** _italique_ `code` ~~barré~~",
    "[lien](https://evil.example) ![image](https://evil.example/x.png)",
    "# titre",
    "1. liste",
    "2) liste",
    "- tiret",
    "+ plus",
    "> citation",
    "| a | b |",
    "&lt; entité &amp; &#x3C;",
    "C:\\chemin\\fichier",
    "<https://auto.example>",
    "=== souligné",
    "<!-- commentaire -->",
]


@pytest.mark.parametrize("text", NASTY)
def test_markdown_escaping_renders_the_text_itself(text: str) -> None:
    rendered = MarkdownIt("commonmark", {"html": True}).render(md_escape(text))
    page = parse_html(rendered)
    assert [n.tag for n in page.root.iter()] == ["#document", "p"]
    assert page.find_all("p")[0].text == text


def test_markdown_paragraphs_are_indented_and_escaped() -> None:
    assert md_paragraphs("1. un\n\n# deux", "  ") == "  1\\. un\n\n  \\# deux"


def test_wrap_keeps_french_punctuation_with_its_word() -> None:
    text = "Atelier « d'où vient mon chocolat ? » au lycée : venez nombreux !"
    wrapped = wrap(text, 30, "  ")
    assert all(len(line) <= 30 for line in wrapped.splitlines())
    for line in wrapped.splitlines():
        assert not line.strip().startswith(("»", "?", ":", "!"))
        assert not line.rstrip().endswith("«")


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1&c=2", True),
        ("http://example.org", True),
        ("mailto:contact@example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox", False),
        ("//example.org/relative", False),
        ("/relative", False),
        ("https://", False),
        ("https://exa mple.org", False),
        ("https://example.org/\x00", False),
        ("https://[::1", False),
        (None, False),
        ("", False),
    ],
)
def test_safe_url(url: str | None, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


def test_short_and_descriptions() -> None:
    assert short("  un\n\tdeux\x07  trois ") == "un deux trois"
    assert short("mot " * 100, 20) == "mot mot mot mot mot…"
    assert len(short("x" * 500, 50)) == 50
    html = "<p>Premier &amp; <b>paragraphe</b></p><p>Second<br>ligne</p><script>x()</script>"
    assert description_text(html, None) == "Premier & paragraphe\n\nSecond\n\nligne"
    assert description_text(html, 0) == ""
    assert description_text("&#7; caché", None) == "caché"  # an entity-encoded control
    assert description_html("a < b\n\nc", None) == (
        '<p style="margin:0 0 8px 0;">a &lt; b</p><p style="margin:0 0 8px 0;">c</p>'
    )
    assert description_html(html, 12) == "Premier &amp;…"
    assert ZoneInfo("Europe/Paris")  # the zone database is there (tzdata)
