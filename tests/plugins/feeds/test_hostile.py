"""Hostile and odd records: the feed stays well-formed XML that feedparser reads without
complaint, no script reaches a reader, and nothing a source writes is lost but what must go."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import feedparser
import pytest

from ._helpers import call, event, export, html_of, items, read, title_of

#: Every character XML 1.0 forbids that a Python string can hold.
FORBIDDEN = "".join(chr(c) for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
NON_CHARACTERS = "\ufffe\uffff"
SURROGATES = "\ud800\udfff"  # lone surrogates: pydantic lets them into texts


def _only(fmt: str, record: Any, **options: Any) -> tuple[Any, ET.Element]:
    data = export(fmt, [record], **options)
    data.decode("utf-8")  # strict: no surrogate was written
    (entry,) = read(data).entries
    (item,) = items(data)
    return entry, item


def test_forbidden_characters_are_removed(fmt: str) -> None:
    bad = FORBIDDEN + NON_CHARACTERS
    record = call(
        "aap-control",
        title=f"Appel{bad}{SURROGATES} 2027",
        description=f"Ligne 1{bad}\r\nLigne 2{SURROGATES}",
        funders=[{"name": f"Région{bad}Test"}],
        amount={"text": f"5{bad}000 €"},
        url="https://example.org/aap",
    )
    entry, item = _only(fmt, record)
    assert entry.title.startswith("Appel 2027")
    assert title_of(item).startswith("Appel 2027")
    assert "Ligne 1<br>Ligne 2" in html_of(item)
    assert "RégionTest" in html_of(item)
    assert "5000 €" in entry.summary
    assert any(tag.term == "RégionTest" for tag in entry.tags)


def test_forbidden_characters_in_every_event_field(fmt: str) -> None:
    bad = FORBIDDEN[1:]  # NUL aside: it is tested above; here the rest, in every field
    record = event(
        "ev-control",
        "2026-11-20T20:00:00+01:00",
        title=f"Ciné{bad}-débat",
        description=f"<p>Avec{bad} débat</p>",
        venue={
            "name": f"Salle{bad}des fêtes",
            "address": {"street": f"1{bad} rue", "city": "Lyon"},
        },
        organisers=[{"name": f"Asso{bad}ciation"}],
        price={"text": f"Prix{bad} libre"},
        keywords=[f"mot{bad}"],
    )
    entry, item = _only(fmt, record)
    assert entry.title.startswith("Ciné-débat")
    assert entry.ev_location == "Salledes fêtes, 1 rue, Lyon"
    assert entry.ev_organizer == "Association"
    assert "<p>Avec débat</p>" in html_of(item)
    assert "Prix libre" in entry.summary


@pytest.mark.parametrize("where", ["description", "title"])
def test_no_script_reaches_the_reader(fmt: str, where: str) -> None:
    hostile = (
        'Texte <script>alert("x")</script><img src=x onerror=alert(1)>'
        '<a href="javascript:alert(1)">clic</a> <b>gras</b> <style>body{}</style>'
        '<iframe src="https://evil.example/"></iframe>'
    )
    fields: dict[str, Any] = {where: hostile}
    if where == "title":
        fields["description"] = "Rien"
    _, item = _only(fmt, call("aap-script", **fields))
    written = (html_of(item) + title_of(item)).lower()
    for forbidden in ("<script", "alert(", "onerror", "javascript:", "<style", "<iframe"):
        assert forbidden not in written
    if where == "description":
        assert "<b>gras</b>" in html_of(item)
        assert "clic" in html_of(item)
    else:
        assert title_of(item).startswith("Texte clic gras")


def test_tags_hidden_in_entities_do_not_come_back_in_titles(fmt: str) -> None:
    record = call("aap-entities", title="A &amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt; B")
    _, item = _only(fmt, record)
    assert "<script" not in title_of(item).lower()
    assert title_of(item).startswith("A ")


def test_plain_text_with_markup_characters_is_kept_as_text(fmt: str) -> None:
    text = "Budget < 5 000 € & cofinancement > 20 % ]]> fin"
    entry, item = _only(fmt, call("aap-plain", title=f"Titre {text}", description=text))
    assert title_of(item).startswith(f"Titre {text}")
    assert entry.title.startswith(f"Titre {text}")
    assert "Budget &lt; 5 000 € &amp; cofinancement &gt; 20 % ]]&gt; fin" in html_of(item)


def test_cdata_end_and_entities_cannot_break_out(fmt: str) -> None:
    text = "]]></description></item><item><title>injecté</title>&amp;&#0;"
    data = export(fmt, [call("aap-cdata", title=text, description=text)])
    assert len(items(data)) == 1
    assert len(read(data).entries) == 1


def test_emoji_and_other_scripts_survive(fmt: str) -> None:
    title = "🌍 Solidarité 🤝 — التضامن — 团结 — 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
    entry, item = _only(fmt, call("aap-emoji", title=title, description=f"<p>{title}</p>"))
    assert entry.title == title
    assert f"<p>{title}</p>" in html_of(item)


def test_very_long_texts_are_written_whole(fmt: str) -> None:
    paragraph = "Solidarité internationale et coopération décentralisée. " * 40
    description = "\n\n".join([paragraph] * 100)  # about 230,000 characters
    title = "Très long titre " * 300
    entry, item = _only(fmt, call("aap-long", title=title, description=description))
    assert entry.title == title.strip()
    assert html_of(item).count("<p>") == 101  # the "no deadline" line, then 100 paragraphs
    assert len(html_of(item)) > len(description)


def test_records_with_only_required_fields(fmt: str) -> None:
    data = export(fmt, [call("aap-bare"), event("ev-bare", "2026-12-05")])
    feed = read(data)
    bare_call, bare_event = sorted(feed.entries, key=lambda e: e.id)
    assert not bare_call.get("links")
    assert "Date limite\xa0: non précisée" in bare_call.summary
    assert not bare_event.get("links")
    assert "samedi 5 décembre 2026" in bare_event.summary
    assert bare_event.ev_startdate == "2026-12-05"


def test_all_day_events_over_several_days(fmt: str) -> None:
    record = event("ev-days", "2026-11-14", end="2026-11-16", title="Festisol")
    entry, _ = _only(fmt, record)
    assert "du samedi 14 novembre 2026 au lundi 16 novembre 2026" in entry.summary
    assert entry.title == "Festisol — 14 novembre 2026"
    assert (entry.ev_startdate, entry.ev_enddate) == ("2026-11-14", "2026-11-16")


def test_events_with_many_occurrences_list_the_first_ten(fmt: str) -> None:
    occurrences = [{"start": f"2026-12-{day:02d}T18:00:00+01:00"} for day in range(1, 16)]
    entry, item = _only(fmt, event("ev-many", "", occurrences=occurrences))
    assert html_of(item).count("<li>") == 11
    assert "et 5 autres dates" in entry.summary
    assert entry.ev_startdate == "2026-12-01T18:00:00+01:00"


def test_cancelled_and_postponed_events_say_so(fmt: str) -> None:
    cancelled = event("ev-cancelled", "2026-11-20T20:00:00+01:00", title="Débat",
                      status="cancelled")  # fmt: skip
    postponed = event("ev-postponed", "2026-11-21T20:00:00+01:00", title="Atelier",
                      status="postponed")  # fmt: skip
    feed = read(export(fmt, [cancelled, postponed]))
    assert [e.title for e in feed.entries] == [
        "[Annulé] Débat — 20 novembre 2026",
        "[Reporté] Atelier — 21 novembre 2026",
    ]
    assert "<strong>Statut\xa0:</strong> Annulé" in feed.entries[0].summary
    english = read(export(fmt, [cancelled], lang="en"))
    assert english.entries[0].title == "[Cancelled] Débat — 20 November 2026"


def test_online_event_links(fmt: str) -> None:
    record = event(
        "ev-online",
        "2026-11-20T18:00:00+01:00",
        attendance_mode="online",
        online_url="https://visio.example.org/salle?a=1&b=2",
        registration_url="https://inscription.example.org/?x=1&y=2",
    )
    entry, item = _only(fmt, record)
    assert entry.link == "https://inscription.example.org/?x=1&y=2"
    assert '<a href="https://visio.example.org/salle?a=1&amp;b=2">' in html_of(item)


def test_unknown_vocabulary_codes_are_written_as_they_are(fmt: str) -> None:
    # A sector that a workspace plugin added: the exporter may run outside that workspace.
    from rrma_core.vocabularies import Term, builtin_registry, use_registry

    registry = builtin_registry().copy()
    registry.extend("sectors", [Term("numerique", {"fr": "Numérique"})], provider="test")
    with use_registry(registry):
        record = call("aap-numerique", themes=["numerique"])
    entry, _ = _only(fmt, record)
    assert any(tag.term in {"numerique", "Numérique"} for tag in entry.tags)


def test_feedparser_reads_the_xml_declaration_encoding(fmt: str) -> None:
    data = export(fmt, [call("aap-e", title="Éducation à la citoyenneté")])
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    parsed = feedparser.parse(data)
    assert parsed.encoding == "utf-8"
    assert parsed.entries[0].title.startswith("Éducation")
