"""The feeds' words: days, spans, amounts in French and English, and the text helpers."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from rrma_feeds._i18n import format_amount, format_number, format_span, words_for
from rrma_feeds._text import clean, plain_title, rich_text, xml_attr, xml_text

PARIS = ZoneInfo("Europe/Paris")
FR, EN = words_for("fr"), words_for("en")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "fr"), ("en", "en"), ("en-GB", "en"), ("EN", "en"), ("de", "fr"), ("pt-BR", "fr")],
)
def test_words_language(lang: str, expected: str) -> None:
    assert words_for(lang).lang == expected


@pytest.mark.parametrize(
    ("start", "end", "french", "english"),
    [
        (date(2026, 11, 1), None, "dimanche 1er novembre 2026", "Sunday 1 November 2026"),
        (date(2026, 11, 1), date(2026, 11, 1), "dimanche 1er novembre 2026",
         "Sunday 1 November 2026"),
        (date(2026, 12, 31), date(2027, 1, 2),
         "du jeudi 31 décembre 2026 au samedi 2 janvier 2027",
         "from Thursday 31 December 2026 to Saturday 2 January 2027"),
        (datetime(2026, 8, 3, 9, 5, tzinfo=PARIS), None, "lundi 3 août 2026 à 09:05",
         "Monday 3 August 2026 at 09:05"),
        (datetime(2026, 8, 3, 9, 5, tzinfo=PARIS), datetime(2026, 8, 3, 9, 5, tzinfo=PARIS),
         "lundi 3 août 2026 à 09:05", "Monday 3 August 2026 at 09:05"),
        (datetime(2026, 2, 3, 9, 0, tzinfo=PARIS), datetime(2026, 2, 3, 17, 30, tzinfo=PARIS),
         "mardi 3 février 2026, 09:00 – 17:30", "Tuesday 3 February 2026, 09:00–17:30"),
    ],
)  # fmt: skip
def test_spans(
    start: date | datetime, end: date | datetime | None, french: str, english: str
) -> None:
    assert format_span(start, end, PARIS, FR) == french
    assert format_span(start, end, PARIS, EN) == english


@pytest.mark.parametrize(
    ("value", "french", "english"),
    [(5000, "5\u202f000", "5,000"), (6.5, "6,50", "6.50"), (0, "0", "0"),
     (1234567.891, "1\u202f234\u202f567,89", "1,234,567.89")],
)  # fmt: skip
def test_numbers(value: float, french: str, english: str) -> None:
    assert format_number(value, "fr") == french
    assert format_number(value, "en") == english


@pytest.mark.parametrize(
    ("low", "high", "rate", "currency", "french", "english"),
    [
        (5000, 30000, 50, "EUR", "De 5\u202f000\xa0€ à 30\u202f000\xa0€, 50 % du budget",
         "€5,000 to €30,000, 50% of the budget"),
        (5000, None, None, "EUR", "À partir de 5\u202f000\xa0€", "From €5,000"),
        (None, 8000, None, "XOF", "Jusqu'à 8\u202f000\xa0XOF", "Up to XOF\xa08,000"),
        (2000, 2000, None, "EUR", "2\u202f000\xa0€", "€2,000"),
        (None, None, 80, "EUR", "80 % du budget", "80% of the budget"),
        (None, None, None, "EUR", None, None),
    ],
)  # fmt: skip
def test_amounts(
    low: float | None,
    high: float | None,
    rate: float | None,
    currency: str,
    french: str | None,
    english: str | None,
) -> None:
    assert format_amount(low, high, rate, currency, FR) == french
    assert format_amount(low, high, rate, currency, EN) == english


def test_clean_keeps_what_xml_allows() -> None:
    allowed = "\t\n é 🌍 \u0085 \ufffd \U0001fffe \ue000"
    assert clean(allowed) == allowed
    assert clean("a\r\nb\rc") == "a\nb\nc"
    assert clean("a\x00\x08\x0b\x0c\x0e\x1f\ud800\udbff\udc00\udfff\ufffe\uffffb") == "ab"


def test_xml_escaping() -> None:
    assert xml_text("a & b < c > d ]]> e \"f'") == "a &amp; b &lt; c &gt; d ]]&gt; e \"f'"
    assert xml_attr('a "b"\nc\td\r & <') == "a &quot;b&quot;&#10;c&#9;d&#13; &amp; &lt;"


def test_rich_text_paragraphs_and_breaks() -> None:
    assert rich_text("Un\nDeux\n\n \n\nTrois & <4") == "<p>Un<br>Deux</p><p>Trois &amp; &lt;4</p>"
    assert rich_text("   ") == ""
    assert rich_text('<p onclick="x()">Ok <a href="ftp://x">ftp</a></p>') == (
        '<p>Ok <a rel="noopener noreferrer">ftp</a></p>'
    )


def test_plain_title() -> None:
    assert plain_title("  Appel\n 2027  <b>ECSI</b> ") == "Appel 2027 ECSI"
    assert plain_title("Budget < 5 000 €") == "Budget < 5 000 €"
    assert plain_title("&lt;b&gt; sans balise") == "&lt;b&gt; sans balise"  # text, as it is
    assert plain_title("<i>x</i> &lt;script&gt;alert(1)&lt;/script&gt;") == "x"
