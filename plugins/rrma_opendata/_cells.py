"""Cell writers: a column's value as CSV text or as a JSON value.

Each writer is made once per column and export (labels looked up, options applied), then
called once per record: the per-record work is a few attribute reads and a string join.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from rrma_core.errors import UnknownVocabulary
from rrma_core.vocabularies import get_vocabulary
from rrma_opendata._columns import SEPARATOR, Column
from rrma_opendata._text import FORMULA_STARTS, clean, truncate

__all__ = ["CellStyle", "json_writers", "labels_of", "text_writers"]

Writer = Callable[[Any], Any]
FORMULA_SET = frozenset(FORMULA_STARTS)


@dataclass(frozen=True, slots=True)
class CellStyle:
    """How values become CSV cells.

    Attributes:
        lang: The language of labels.
        tz: The time zone date-times are written in (and days are taken in).
        labels: Write vocabulary codes as their labels in ``lang`` (the INSEE codes of
            communes, départements and régions, and SDG numbers, stay codes).
        decimal: The decimal separator of numbers.
        booleans: The words for true and false.
        formulas: Make text cells inert for spreadsheets (a leading apostrophe).
        limit: Cut text cells to this many characters (``None``: never).
    """

    lang: str
    tz: tzinfo
    labels: bool = False
    decimal: str = "."
    booleans: tuple[str, str] = ("true", "false")
    formulas: bool = True
    limit: int | None = None


def labels_of(vocabulary: str | None, lang: str) -> dict[str, str]:
    """Each code of ``vocabulary`` and its label in ``lang`` (empty when it is not known)."""
    if vocabulary is None:
        return {}
    try:
        vocab = get_vocabulary(vocabulary)
    except UnknownVocabulary:
        return {}
    return {term.code: term.label(lang) for term in vocab}


def format_number(value: float) -> str:
    """A number without a useless ``.0`` nor an exponent.

    Example:
        >>> format_number(30000.0), format_number(6.5), format_number(1e-7)
        ('30000', '6.5', '0.0000001')
    """
    if isinstance(value, int) or (value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    text = repr(value)
    if "e" in text:
        text = f"{value:.15f}".rstrip("0").rstrip(".")
    return text


def _text_writer(column: Column, style: CellStyle) -> Writer:
    """The writer of a text (or list) column: cleaned, labelled, cut and made inert."""
    labels = labels_of(column.vocabulary, style.lang) if style.labels else {}
    formulas, limit = style.formulas, style.limit

    def finish(text: str) -> str:  # runs for every cell: calls inlined
        if not text.isprintable():
            text = clean(text)
        if limit is not None and len(text) > limit:
            text = truncate(text, limit)
        if formulas and text[:1] in FORMULA_SET:
            return "'" + text  # what neutralise() does
        return text

    if column.many:
        if labels:

            def many_labels(value: Sequence[str] | None) -> str:
                if not value:
                    return ""
                return finish(SEPARATOR.join([labels.get(v, v) for v in value]))

            return many_labels

        if column.numbers:

            def many_numbers(value: Sequence[int] | None) -> str:
                return SEPARATOR.join([str(v) for v in value]) if value else ""

            return many_numbers

        def many(value: Sequence[str] | None) -> str:
            return finish(SEPARATOR.join(value)) if value else ""

        return many
    if labels:

        def one_label(value: str | None) -> str:
            return "" if value is None else finish(labels.get(value, value))

        return one_label

    def one(value: str | None) -> str:
        return "" if value is None else finish(value)

    return one


def _integer(value: int | None) -> str:
    return "" if value is None else str(value)


def _number_writer(decimal: str) -> Writer:
    if decimal == ".":
        return lambda value: "" if value is None else format_number(value)
    return lambda value: "" if value is None else format_number(value).replace(".", decimal)


def _boolean_writer(yes: str, no: str) -> Writer:
    return lambda value: "" if value is None else yes if value else no


def _date_writer(tz: tzinfo, empty: Any) -> Writer:
    return lambda value: empty if value is None else day_of(value, tz).isoformat()


def _datetime_writer(tz: tzinfo, empty: Any) -> Writer:
    def write(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.astimezone(tz).isoformat("T", "seconds")
        return empty  # a date: an all-day occurrence or a deadline without a time

    return write


def text_writers(columns: Sequence[Column], style: CellStyle) -> list[Writer]:
    """One writer per column, giving the column's cell as CSV text (``""`` when empty)."""
    writers: list[Writer] = []
    for column in columns:
        kind = column.type
        if kind == "string":
            writers.append(_text_writer(column, style))
        elif kind == "integer":
            writers.append(_integer)
        elif kind == "number":
            writers.append(_number_writer(style.decimal))
        elif kind == "boolean":
            writers.append(_boolean_writer(*style.booleans))
        elif kind == "date":
            writers.append(_date_writer(style.tz, ""))
        else:
            writers.append(_datetime_writer(style.tz, ""))
    return writers


def day_of(value: date | datetime, tz: tzinfo) -> date:
    """The calendar day of a date, or of a date-time in ``tz``."""
    return value.astimezone(tz).date() if isinstance(value, datetime) else value


def _json_text_writer(column: Column, labels: dict[str, str]) -> Writer:
    if column.numbers:
        return lambda value: list(value) if value else None
    if column.many:

        def many(value: Sequence[str] | None) -> list[str] | None:
            return [clean(labels.get(v, v)) for v in value] if value else None

        return many

    def one(value: str | None) -> str | None:
        return None if value is None else clean(labels.get(value, value))

    return one


def _same(value: Any) -> Any:
    return value


def json_writers(columns: Sequence[Column], *, lang: str, tz: tzinfo, labels: bool) -> list[Writer]:
    """One writer per column, giving the column's value as a JSON value (``None``: null).

    Text is cleaned (not made inert: JSON readers do not run formulas); lists stay lists;
    dates and date-times are ISO 8601 text.
    """
    writers: list[Writer] = []
    for column in columns:
        kind = column.type
        if kind == "string":
            table = labels_of(column.vocabulary, lang) if labels else {}
            writers.append(_json_text_writer(column, table))
        elif kind == "date":
            writers.append(_date_writer(tz, None))
        elif kind == "datetime":
            writers.append(_datetime_writer(tz, None))
        else:
            writers.append(_same)
    return writers
