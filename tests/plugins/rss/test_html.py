"""Sanitising descriptions, plain-text titles, and the text the readers read."""

from __future__ import annotations

import time

import pytest

from rrma_rss._html import (
    absolute_http_url,
    html_to_text,
    plain_text_to_html,
    plain_title,
    sanitize,
)

BASE = "https://www.reseau-rrma.example.org/appels/feed/"


def test_keeps_the_safe_tags_and_resolves_relative_links() -> None:
    html = (
        '<h2 class="titre">Montant</h2><p style="color:red">Jusqu\'à <strong>50 000 €</strong>, '
        '<em>voir</em> le <a href="../reglement.pdf" title="x">règlement</a>.</p>'
        "<ul><li>associations</li><li>collectivités</li></ul><blockquote>« Citation »</blockquote>"
    )
    assert sanitize(html, BASE) == (
        "<h2>Montant</h2><p>Jusqu'à <strong>50 000 €</strong>, <em>voir</em> le "
        '<a href="https://www.reseau-rrma.example.org/appels/reglement.pdf" '
        'rel="noopener noreferrer">règlement</a>.</p>'
        "<ul><li>associations</li><li>collectivités</li></ul><blockquote>« Citation »</blockquote>"
    )


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<style>body{display:none}</style>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<p onclick="steal()">x</p>',
        '<iframe src="https://evil.example/"></iframe>',
        '<svg onload="alert(1)"><circle/></svg>',
        '<form action="https://evil.example/"><input name="p"></form>',
        "<!-- <script>alert(1)</script> -->",
    ],
)
def test_removes_what_could_run_or_restyle(hostile: str) -> None:
    cleaned = sanitize(f"<p>Appel</p>{hostile}", BASE)
    for fragment in ("<script", "alert", "onerror", "onclick", "javascript", "data:", "style",
                     "iframe", "evil", "<svg", "<form", "<input", "<!--"):  # fmt: skip
        assert fragment not in cleaned.lower()
    assert cleaned.startswith("<p>Appel</p>")


def test_without_a_usable_base_relative_links_are_dropped() -> None:
    assert sanitize('<a href="/aap/1">x</a>', None) == '<a rel="noopener noreferrer">x</a>'
    assert (
        sanitize('<a href="/aap/1">x</a>', "file:///etc/") == '<a rel="noopener noreferrer">x</a>'
    )


def test_deep_nesting_is_read_as_text_quickly() -> None:
    html = "<div>" * 50_000 + "Date limite : 15 janvier 2027" + "</div>" * 50_000
    started = time.monotonic()
    cleaned = sanitize(html, BASE)
    assert time.monotonic() - started < 2  # nh3 alone: about 15 s
    assert cleaned == "<p>Date limite : 15 janvier 2027</p>"


def test_many_flat_paragraphs_keep_their_markup() -> None:
    html = "<p>Un paragraphe" * 2_000  # unclosed <p>: each closes the previous one
    cleaned = sanitize(html, BASE)
    assert cleaned.count("<p>") == 2_000


def test_plain_title() -> None:
    assert plain_title("AAP &amp; <b>ECSI</b>  2027\n") == "AAP & ECSI 2027"
    assert plain_title("Appel &lt;b&gt;important&lt;/b&gt;") == "Appel important"
    assert plain_title("Eau &amp;amp; assainissement") == "Eau & assainissement"
    assert plain_title("Ratio 2 < 3 et 5 > 4") == "Ratio 2 < 3 et 5 > 4"
    assert plain_title("A\x00ppel\x07") == "Appel"
    assert plain_title("<script>alert(1)</script>Appel") == "Appel"
    assert plain_title("  ") == ""


def test_html_to_text_keeps_lines_and_lists() -> None:
    html = (
        "<h3>Qui ?</h3><p>Structures éligibles :</p><ul><li>associations</li><li>écoles</li></ul>"
    )
    assert html_to_text(html) == "Qui ?\nStructures éligibles :\n• associations\n• écoles"
    assert html_to_text("<p>Jusqu&#8217;à 5&nbsp;000 €</p>") == "Jusqu’à 5 000 €"


def test_plain_text_to_html() -> None:
    assert plain_text_to_html("Ligne 1\nLigne <2>\n\nParagraphe & fin") == (
        "<p>Ligne 1<br>Ligne &lt;2&gt;</p><p>Paragraphe &amp; fin</p>"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/aap/1", "https://www.reseau-rrma.example.org/aap/1"),
        ("https://autre.example.org/x", "https://autre.example.org/x"),
        ("  https://autre.example.org/x  ", "https://autre.example.org/x"),
        ("javascript:alert(1)", None),
        ("mailto:contact@reseau.example.org", None),
        ("ftp://reseau.example.org/x", None),
        ("https:///sans-hote", None),
        ("https://reseau.example.org/avec espace", None),
        ("", None),
        (None, None),
        ("https://reseau.example.org/" + "x" * 5000, None),
    ],
)
def test_absolute_http_url(value: str | None, expected: str | None) -> None:
    assert absolute_http_url(value, BASE) == expected
