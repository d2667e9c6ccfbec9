"""Hostile source texts: scripts, event handlers, ``javascript:`` links, control characters,
formulas, very long texts and missing fields. Nothing a source writes may run in a reader's
mail client or browser, in any of the three formats; and the HTML stays e-mail-safe."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

from rrma_core.models import CallForProjects, Event, Record, Resource

from .conftest import (
    NOW,
    PARIS,
    Page,
    item_cells,
    item_title,
    markdown_page,
    parse_html,
    render,
    squash,
)

SCRIPT = "<script>alert('xss')</script>"
HOSTILE_HTML = (
    '<p onclick="steal()" style="position:fixed;top:0">Texte <b>gras</b>'
    + SCRIPT
    + '<a href="javascript:alert(1)">clic</a> <a href="JaVaScRiPt:alert(2)">x</a>'
    + '<img src="x" onerror="alert(3)"><iframe src="https://evil.example/"></iframe>'
    + '<a href="https://ok.example/page" onmouseover="alert(4)">lien sûr</a>'
    + "<style>body{display:none}</style><!-- commentaire --></p>"
    + '<svg onload="alert(5)"><a href="data:text/html,x">d</a></svg>'
)
TITLE = f"{SCRIPT} Appel <b onmouseover=alert(1)>gras</b> *md* [lien](javascript:x)"
CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe"


def hostile_records() -> list[Record]:
    """Records as a careless or malicious feed could deliver them."""
    constructed = CallForProjects(
        id="construit", title="Lien construit", deadline=date(2026, 12, 4)
    )
    return [
        CallForProjects(
            id="script",
            title=f"{TITLE} {CONTROLS}",
            description=HOSTILE_HTML,
            funders=[{"name": f"Financeur {SCRIPT}"}],
            amount={"text": f"=cmd|' /C calc'!A0 {SCRIPT}"},
            url="https://example.org/appel?a=1&b=<2>",
            deadline=date(2026, 12, 1),
        ),
        CallForProjects(
            id="formule", title='=HYPERLINK("http://evil")', deadline=date(2026, 12, 2)
        ),
        CallForProjects(id="minimal", title="Appel sans rien d'autre"),
        # A record built without validation (model_construct) can hold any URL at all.
        constructed.model_copy(update={"url": "javascript:alert(document.cookie)"}),
        Event(
            id="evenement",
            title=f"Soirée {SCRIPT} \u2028 # pas un titre",
            description=f"Description {SCRIPT} <img src=x onerror=alert(1)>",
            occurrences=[{"start": "2026-12-01T19:00:00+01:00"}],
            venue={"name": f"Salle {SCRIPT}", "address": {"city": "Lyon<br>", "commune": "69123"}},
            organisers=[{"name": "<i>Asso</i> & co"}],
        ),
        Event(
            id="long",
            title="Long " + "très " * 2000,
            description="mot " * 50_000,
            occurrences=[{"start": "2026-12-02"}],
        ),
        Resource(
            id="ressource",
            title=f"Ressource {SCRIPT}",
            published_on=date(2026, 11, 20),
            description="1. pas une liste\n\n- ni une autre\n\n> ni une citation",
            url=None,
        ),
    ]


FORBIDDEN = {"script", "style", "iframe", "frame", "object", "embed", "form", "svg", "img",
             "link", "base"}  # fmt: skip


def assert_safe(page: Page) -> None:
    """No script, style, frame, object or form; no event handler; only safe links."""
    for node in page.root.iter():
        assert node.tag not in FORBIDDEN, node.tag
        if node.tag == "meta":
            assert "http-equiv" not in node.attrs
        for name, value in node.attrs.items():
            assert not name.startswith("on"), (node.tag, name)
            if name in {"href", "src", "action", "formaction"}:
                assert value is not None
                assert re.match(r"(https?|mailto):", value, re.I), value


@pytest.mark.parametrize("excerpt", [280, None])
def test_html_holds_no_script_handler_or_unsafe_link(excerpt: int | None) -> None:
    html, count = render(hostile_records(), excerpt=excerpt, workspace=f"Réseau {SCRIPT}",
                         title=None, intro=f"Intro {SCRIPT}")  # fmt: skip
    assert count == 7
    assert "<script" not in html.lower()
    page = parse_html(html)
    assert_safe(page)
    # What the sources wrote is shown as text, not dropped.
    text = page.root.text
    assert TITLE in text
    assert f"Financement : Financeur {SCRIPT}" in text
    assert f"Réseau {SCRIPT}" in page.find_all("h1")[0].text
    assert f"Intro {SCRIPT}" in text


def test_html_descriptions_are_sanitised_when_shown_whole() -> None:
    page = parse_html(render(hostile_records(), excerpt=None)[0])
    first = item_cells(page)[0]
    description = next(n for n in first.find_all("div"))
    tags = {n.tag for n in description.iter()} - {"div"}
    assert tags <= {"p", "b", "a"}
    assert [n.text for n in description.find_all("b")] == ["gras"]
    links = {n.text: n.attrs.get("href") for n in description.find_all("a")}
    assert links == {"clic": None, "x": None, "lien sûr": "https://ok.example/page"}
    # The source's style attribute is replaced by the digest's own.
    assert all("position" not in (n.attrs.get("style") or "") for n in description.iter())
    assert "alert" not in description.text


def test_excerpts_are_text() -> None:
    page = parse_html(render(hostile_records())[0])
    description = item_cells(page)[0].find_all("div")[0]
    assert [n.tag for n in description.iter()] == ["div"]  # no markup at all
    assert description.text == "Texte grasclic xlien sûr"  # as a browser shows the source


def test_javascript_urls_give_no_link() -> None:
    page = parse_html(render(hostile_records())[0])
    cell = next(td for td in item_cells(page) if td.text.startswith("Lien construit"))
    assert not cell.find_all("a")
    markdown = render(hostile_records(), "markdown")[0]
    assert "javascript:alert(document" not in markdown
    text = render(hostile_records(), "text")[0]
    assert "javascript:alert(document" not in text


def test_control_characters_are_removed_in_every_format() -> None:
    for fmt in ("html", "markdown", "text"):
        output = render(hostile_records(), fmt)[0]
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]", output), fmt
        output.encode("utf-8")


def test_lone_surrogates_do_not_break_the_output() -> None:
    call = CallForProjects(id="surrogate", title="Titre \ud800 cassé", deadline=date(2026, 12, 1))
    for fmt in ("html", "markdown", "text"):
        assert "Titre cassé" in render([call], fmt)[0]


def test_markdown_renders_source_text_as_text() -> None:
    markdown = render(hostile_records(), "markdown", excerpt=None)[0]
    page = markdown_page(markdown)
    assert_safe(page)
    text = page.root.text
    assert TITLE in text
    assert "Soirée <script>alert('xss')</script> # pas un titre" in text
    # No heading, list, quote or table came out of a source's text.
    headings = [h.text for tag in ("h1", "h2", "h3", "h4", "h5", "h6")
                for h in page.find_all(tag)]  # fmt: skip
    assert all("pas un titre" not in h for h in headings)
    assert not page.find_all("blockquote")
    assert not page.find_all("ol")
    assert not page.find_all("table")
    assert "1. pas une liste" in text
    assert "- ni une autre" in text
    assert "> ni une citation" in text
    # Links are the digest's own: the call's (with its query string kept) and none other.
    hrefs = [a.attrs["href"] for a in page.find_all("a")]
    assert hrefs == ["https://example.org/appel?a=1&b=%3C2%3E"]


def test_formulas_are_plain_text() -> None:
    text = render(hostile_records(), "text")[0]
    assert '=HYPERLINK("http://evil")' in text
    assert "Montant : =cmd|' /C calc'!A0" in squash(text)


def test_very_long_texts_are_cut() -> None:
    page = parse_html(render(hostile_records())[0])
    cell = next(td for td in item_cells(page) if td.text.startswith("Long"))
    title = item_title(cell)
    assert title is not None
    assert len(title.text) <= 200
    assert title.text.endswith("…")
    assert len(cell.find_all("div")[0].text) <= 280
    for fmt in ("markdown", "text"):
        output = render(hostile_records(), fmt)[0]
        assert len(output) < 20_000, fmt
        assert "très " * 100 not in output


def test_text_lines_are_wrapped() -> None:
    text = render(hostile_records(), "text")[0]
    too_long = [line for line in text.splitlines() if len(line) > 72 and " " in line.strip()]
    assert too_long == []


def test_missing_fields_are_simply_not_shown() -> None:
    text = squash(render(hostile_records(), "text")[0])
    assert "* Appel sans rien d'autre Sans date limite" in text
    page = parse_html(render(hostile_records())[0])
    cell = next(td for td in item_cells(page) if td.text.startswith("Appel sans rien"))
    assert not cell.find_all("a")
    assert not cell.find_all("div")


def test_all_day_events_and_events_without_venue() -> None:
    page = parse_html(render(hostile_records())[0])
    places = [h.text for h in page.find_all("h4")]
    assert places == ["Rhône (69)", "Lieu à préciser"]
    assert "mercredi 2 décembre 2026" in page.root.text


@pytest.mark.parametrize(
    "options",
    [
        {"format": "pdf"},
        {"weeks": -1},
        {"weeks": 100},
        {"max_calls": -1},
        {"excerpt": -5},
        {"colour": "red"},
        {"on": "demain"},
    ],
)
def test_bad_options_are_refused_naming_the_key(options: dict[str, Any]) -> None:
    from rrma_core.errors import ConfigError

    with pytest.raises(ConfigError, match=next(iter(options))):
        render([], **options)


def test_format_aliases() -> None:
    records = hostile_records()
    assert render(records, "md")[0] == render(records, "markdown")[0]
    assert render(records, "TXT")[0] == render(records, "text")[0]


def test_naive_now_is_taken_in_the_workspace_zone() -> None:
    records = hostile_records()
    naive = NOW.replace(tzinfo=None)
    assert render(records, now=naive)[0] == render(records, now=NOW)[0]
    assert render(records, on=datetime(2026, 11, 27, 9, 0))[0] == render(records)[0]
    assert PARIS.key == "Europe/Paris"
