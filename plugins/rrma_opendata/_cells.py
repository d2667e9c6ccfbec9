"""Cell writers: a column's values as CSV text, as JSON values or as JSON text.

Each writer is made once per column and export (labels looked up, options applied), then
called once per batch of records with the column's values (``_columns.Batch``): it gives
the batch's cells with comprehensions and C-level ``map``/``str.join``, and checks the whole
batch's text at once (control characters, length, formula starts) before cleaning, cutting
or neutralising the few cells that need it. ``text_writers`` and ``json_writers`` give the
same writers for one value at a time.
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import IO, Any

from rrma_core.errors import UnknownVocabulary
from rrma_core.vocabularies import get_vocabulary
from rrma_opendata._columns import SEPARATOR, Column
from rrma_opendata._text import FORMULA_STARTS, clean, nothing_to_clean, truncate

__all__ = [
    "CellStyle",
    "ColumnWriter",
    "RowWriter",
    "iso_seconds",
    "json_column_writers",
    "json_encode",
    "json_scalars",
    "json_strings",
    "json_text_column_writers",
    "json_writers",
    "labels_of",
    "text_column_writers",
    "text_writers",
]

Writer = Callable[[Any], Any]
#: A column's cells for the values of a batch (a new list; the values are left alone).
ColumnWriter = Callable[[list[Any]], list[Any]]
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


#: A formula start after a line feed: the start of a cell but the first, in cells joined by
#: line feeds (or a line inside a cell: then each cell is looked at).
_FORMULA_AFTER_BREAK = re.compile("\n[" + re.escape("".join(FORMULA_STARTS)) + "]")


def _finisher(style: CellStyle) -> Callable[[list[str]], list[str]]:
    """What every text cell goes through: cleaned, cut to the limit and made inert."""
    formulas, limit = style.formulas, style.limit

    def finish(cells: list[str]) -> list[str]:
        # The batch's cells are looked at together, joined by line feeds, and only the
        # cells that need it are changed: as clean(), truncate() and neutralise() would
        # one after another.
        joined = "\n".join(cells)
        if not nothing_to_clean(joined):
            cells = [t if t.isprintable() else clean(t) for t in cells]
            joined = "\n".join(cells)
        if limit is not None and len(joined) > limit and max(map(len, cells)) > limit:
            cells = [truncate(t, limit) for t in cells]
            joined = "\n".join(cells)
        if (
            formulas
            and cells
            and (cells[0][:1] in FORMULA_SET or _FORMULA_AFTER_BREAK.search(joined))
        ):
            cells = ["'" + t if t[:1] in FORMULA_SET else t for t in cells]  # neutralise()
        return cells

    return finish


def _text_writer(column: Column, style: CellStyle) -> ColumnWriter:
    """The writer of a text (or list) column: cleaned, labelled, cut and made inert."""
    labels = labels_of(column.vocabulary, style.lang) if style.labels else {}
    finish = _finisher(style)

    if column.many:
        if column.numbers:

            def many_numbers(values: list[Sequence[int] | None]) -> list[str]:
                return [SEPARATOR.join(map(str, v)) if v else "" for v in values]

            return many_numbers

        if labels:
            label_many: Callable[[Any, Any], Any] = labels.get

            def many_labels(values: list[Sequence[str] | None]) -> list[str]:
                return finish([SEPARATOR.join(map(label_many, v, v)) if v else "" for v in values])

            return many_labels

        def many(values: list[Sequence[str] | None]) -> list[str]:
            return finish([SEPARATOR.join(v) if v else "" for v in values])

        return many

    if labels:
        label: Callable[[Any, Any], Any] = labels.get

        def one_label(values: list[str | None]) -> list[str]:
            # label(None, None) is None: no code is None.
            return finish(["" if v is None else v for v in map(label, values, values)])

        return one_label

    def one(values: list[str | None]) -> list[str]:
        return finish(["" if v is None else v for v in values])

    return one


def _integers(values: list[int | None]) -> list[str]:
    return ["" if v is None else str(v) for v in values]


def _number_writer(decimal: str) -> ColumnWriter:
    if decimal == ".":
        return lambda values: ["" if v is None else format_number(v) for v in values]
    return lambda values: [
        "" if v is None else format_number(v).replace(".", decimal) for v in values
    ]


def _boolean_writer(yes: str, no: str) -> ColumnWriter:
    return lambda values: ["" if v is None else yes if v else no for v in values]


def iso_seconds(value: datetime) -> str:
    """``value.isoformat("T", "seconds")``: without microseconds, ``isoformat()`` gives the
    same text, a little quicker.

    Example:
        >>> iso_seconds(datetime(2026, 11, 20, 20, 0, 30, 5)), iso_seconds(datetime(2026, 1, 1))
        ('2026-11-20T20:00:30', '2026-01-01T00:00:00')
    """
    return value.isoformat("T", "seconds") if value.microsecond else value.isoformat()


#: How many date-times (and days) a calendar keeps written before it starts afresh.
_KEPT = 1024


class _Calendar:
    """Dates and date-times as ISO 8601 text in one time zone, for the columns of one export.

    Writing a date-time (``astimezone`` then ``isoformat``) is the dearest step of a cell,
    and records often share them (the time of a sync, a deadline, a start), as a date
    column often shows a date-time column's day: each distinct value is written once and
    kept (about a thousand at most, then the calendar starts afresh), and a date-time's day
    is the start of its text. Date-times that differ only by ``fold`` (the repeated hour
    when clocks go back) compare equal yet are different instants: those with ``fold`` set
    are written every time.
    """

    __slots__ = ("_days", "_instants", "tz")

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self._instants: dict[datetime, str] = {}
        self._days: dict[date, str] = {}

    def instants(self, values: list[Any], empty: Any) -> list[Any]:
        """Each date-time in the zone, to the second; ``empty`` for a date (an all-day
        occurrence, a deadline without a time) or ``None``."""
        known = self._instants
        if len(known) > _KEPT:
            known.clear()
        get, write = known.get, self._instant
        # (v.fold == 0 and get(v)): the text kept, else False or None (texts are not empty).
        return [
            ((v.fold == 0 and get(v)) or write(v)) if isinstance(v, datetime) else empty
            for v in values
        ]

    def days(self, values: list[Any], empty: Any) -> list[Any]:
        """Each date, or date-time's calendar day in the zone; ``empty`` for ``None``."""
        if len(self._days) > _KEPT:
            self._days.clear()
        get_instant, write_instant = self._instants.get, self._instant
        get_day, write_day = self._days.get, self._day
        return [
            empty
            if v is None
            # A date-time's day starts its text: "2026-11-20T20:00:00+01:00".
            else ((v.fold == 0 and get_instant(v)) or write_instant(v))[:10]
            if isinstance(v, datetime)
            else get_day(v) or write_day(v)
            for v in values
        ]

    def _instant(self, value: datetime) -> str:
        text = iso_seconds(value.astimezone(self.tz))
        if not value.fold:
            self._instants[value] = text
        return text

    def _day(self, value: date) -> str:
        text = self._days[value] = value.isoformat()
        return text


def text_column_writers(columns: Sequence[Column], style: CellStyle) -> list[ColumnWriter]:
    """One writer per column, giving the column's cells as CSV text (``""`` when empty)."""
    writers: list[ColumnWriter] = []
    calendar = _Calendar(style.tz)
    for column in columns:
        kind = column.type
        if kind == "string":
            writers.append(_text_writer(column, style))
        elif kind == "integer":
            writers.append(_integers)
        elif kind == "number":
            writers.append(_number_writer(style.decimal))
        elif kind == "boolean":
            writers.append(_boolean_writer(*style.booleans))
        elif kind == "date":
            writers.append(functools.partial(calendar.days, empty=""))
        else:
            writers.append(functools.partial(calendar.instants, empty=""))
    return writers


def _one_at_a_time(writer: ColumnWriter) -> Writer:
    return lambda value: writer([value])[0]


def text_writers(columns: Sequence[Column], style: CellStyle) -> list[Writer]:
    """One writer per column, giving the column's cell for one value as CSV text (``""``
    when empty): ``text_column_writers`` for one value at a time."""
    return [_one_at_a_time(w) for w in text_column_writers(columns, style)]


def _json_text_writer(column: Column, labels: dict[str, str]) -> ColumnWriter:
    if column.numbers:
        return lambda values: [list(v) if v else None for v in values]
    label: Callable[[Any, Any], Any] = labels.get
    if column.many:

        def many(values: list[Sequence[str] | None]) -> list[list[str] | None]:
            if labels:
                lists = [list(map(label, v, v)) if v else None for v in values]
            else:
                lists = [list(v) if v else None for v in values]
            if nothing_to_clean("\n".join(itertools.chain.from_iterable(filter(None, lists)))):
                return lists
            return [None if v is None else list(map(clean, v)) for v in lists]

        return many

    def one(values: list[str | None]) -> list[str | None]:
        texts = list(map(label, values, values))  # label(None, None) is None
        if nothing_to_clean("\n".join(filter(None, texts))):
            return texts
        return [None if t is None else clean(t) for t in texts]

    return one


def _same(values: list[Any]) -> list[Any]:
    return list(values)


def json_column_writers(
    columns: Sequence[Column], *, lang: str, tz: tzinfo, labels: bool
) -> list[ColumnWriter]:
    """One writer per column, giving the column's values as JSON values (``None``: null).

    Text is cleaned (not made inert: JSON readers do not run formulas); lists stay lists;
    dates and date-times are ISO 8601 text.
    """
    writers: list[ColumnWriter] = []
    calendar = _Calendar(tz)
    for column in columns:
        kind = column.type
        if kind == "string":
            table = labels_of(column.vocabulary, lang) if labels else {}
            writers.append(_json_text_writer(column, table))
        elif kind == "date":
            writers.append(functools.partial(calendar.days, empty=None))
        elif kind == "datetime":
            writers.append(functools.partial(calendar.instants, empty=None))
        else:
            writers.append(_same)
    return writers


def json_writers(columns: Sequence[Column], *, lang: str, tz: tzinfo, labels: bool) -> list[Writer]:
    """One writer per column, giving the column's JSON value for one value (``None``:
    null): ``json_column_writers`` for one value at a time."""
    return [
        _one_at_a_time(w) for w in json_column_writers(columns, lang=lang, tz=tz, labels=labels)
    ]


#: How ``json.dumps(..., ensure_ascii=False)`` writes a string (the function it calls).
_json_string: Callable[[str], str] = json.encoder.encode_basestring
#: ``json.dumps(value, ensure_ascii=False)``, made once (the values hold no cycles).
json_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def json_scalars(values: list[Any]) -> list[str]:
    """The JSON text of each value, written all at once by the encoder: a list's items are
    joined by ``", "``, which the text of a number, ``true``, ``false`` or ``null`` never
    holds, so splitting the list's text gives them back (anything else: one at a time).

    Example:
        >>> json_scalars([1, 2.5, None, True, "a, b"]), json_scalars([1, 2.5, None])
        (['1', '2.5', 'null', 'true', '"a, b"'], ['1', '2.5', 'null'])
    """
    if not values:
        return []
    texts = json_encode(values)[1:-1].split(", ")
    return texts if len(texts) == len(values) else list(map(json_encode, values))


def json_strings(values: list[Any]) -> list[str]:
    """The JSON text of each string (or ``None``)."""
    try:
        return ["null" if v is None else _json_string(v) for v in values]
    except TypeError:  # not all strings
        return list(map(json_encode, values))


def _json_string_lists(values: list[Any]) -> list[str]:
    """The JSON text of each list of strings (or ``None``)."""
    try:
        return ["null" if v is None else f"[{', '.join(map(_json_string, v))}]" for v in values]
    except TypeError:  # not all strings
        return list(map(json_encode, values))


def _json_lists(values: list[Any]) -> list[str]:
    """The JSON text of each list of numbers (or ``None``): their items written at once."""
    items = iter(json_scalars(list(itertools.chain.from_iterable(filter(None, values)))))
    return [
        "null" if v is None else f"[{', '.join(itertools.islice(items, len(v)))}]" for v in values
    ]


def json_text_column_writers(
    columns: Sequence[Column], *, lang: str, tz: tzinfo, labels: bool
) -> list[ColumnWriter]:
    """One writer per column, giving the JSON text of the column's values, as
    ``json.dumps(value, ensure_ascii=False)`` writes them (``json_column_writers``' values).

    A document can then be put together from texts (``str.join``), without building a
    dict per record for the encoder: same text, a good deal faster.
    """
    writers: list[ColumnWriter] = []
    for column, write in zip(
        columns, json_column_writers(columns, lang=lang, tz=tz, labels=labels), strict=True
    ):
        text: ColumnWriter
        if column.type == "string" and column.vocabulary and not column.numbers:
            # Codes: each one's text is made once (the same as below, in one step).
            codes = _JsonCodes(labels_of(column.vocabulary, lang) if labels else {})
            writers.append(codes.lists if column.many else codes.ones)
            continue
        if column.type not in ("string", "date", "datetime"):
            text = json_scalars
        elif not column.many:
            text = json_strings
        elif column.numbers:
            text = _json_lists
        else:
            text = _json_string_lists
        writers.append(functools.partial(_texts_of, write, text))
    return writers


def _texts_of(write: ColumnWriter, text: ColumnWriter, values: list[Any]) -> list[Any]:
    return text(write(values))


class _JsonCodes(dict[str, str]):
    """The JSON text of each code of a column: its label's (or its own), cleaned; made the
    first time the code is met, in this export."""

    def __init__(self, labels: dict[str, str]) -> None:
        super().__init__()
        self.labels = labels

    def __missing__(self, code: str) -> str:
        text = self[code] = _json_string(clean(self.labels.get(code, code)))
        return text

    def ones(self, values: list[str | None]) -> list[str]:
        """The text of each code (``null`` for ``None``)."""
        return ["null" if v is None else self[v] for v in values]

    def lists(self, values: list[Sequence[str] | None]) -> list[str]:
        """The text of each list of codes (``null`` for ``None`` or an empty list)."""
        text = self.__getitem__
        return [f"[{', '.join(map(text, v))}]" if v else "null" for v in values]


class RowWriter:
    """Writes CSV rows as ``csv.writer(stream, delimiter=delimiter, lineterminator="\\r\\n")``
    does, with its default (minimal) quoting: a batch of rows at a time.

    A batch comes as columns of cells (what the column writers give). A cell holding the
    delimiter, a ``"`` or a line break is quoted as ``csv`` quotes it (within ``"``, each
    ``"`` doubled), the others are left as they are; each column is first looked at as a
    whole, so only the cells of a column that has such a cell are looked at one by one.
    The rows are then the cells joined by the delimiter, line after line: ``str.join``
    rather than ``csv.writer``, which looks at every character, several times slower.
    """

    __slots__ = ("csv", "delimiter", "stream")

    def __init__(self, stream: IO[str], delimiter: str = ",") -> None:
        self.stream = stream
        self.delimiter = delimiter
        self.csv = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")

    def writerow(self, row: Sequence[str]) -> None:
        """Write one row (a header), with ``csv.writer``."""
        self.csv.writerow(row)

    def quoted(self, cells: list[str]) -> list[str]:
        """The cells as ``csv`` writes them.

        Example:
            >>> import io
            >>> RowWriter(io.StringIO(), ";").quoted(["a", "b;c", 'd"e', "f\\ng", ""])
            ['a', '"b;c"', '"d""e"', '"f\\ng"', '']
        """
        delimiter = self.delimiter
        joined = "".join(cells)
        if (
            delimiter not in joined
            and '"' not in joined
            and "\n" not in joined
            and "\r" not in joined
        ):
            return cells
        return [
            '"' + c.replace('"', '""') + '"'
            if delimiter in c or '"' in c or "\n" in c or "\r" in c
            else c
            for c in cells
        ]

    def write_columns(self, columns: Sequence[list[str]]) -> None:
        """Write the rows whose cells ``columns`` hold, column by column."""
        if len(columns) < 2:  # csv quotes a row's only cell when it is empty
            self.csv.writerows(zip(*columns, strict=True))
            return
        rows = zip(*[self.quoted(cells) for cells in columns], strict=True)
        lines = list(map(self.delimiter.join, rows))
        if lines:
            self.stream.write("\r\n".join(lines) + "\r\n")
