"""The pieces the four exporters share: text hygiene, numbers, tables of every model."""

from __future__ import annotations

import csv
import doctest
import io
import json
from datetime import date, datetime
from enum import StrEnum

import pytest

import rrma_core.vocabularies as vocabularies
import rrma_opendata
from rrma_core import Workspace
from rrma_core.models import MODELS, Event, Record
from rrma_core.vocabularies import get_vocabulary
from rrma_opendata import (
    CsvExporter,
    CsvOptions,
    DataPackageExporter,
    DataPackageOptions,
    GeoJsonExporter,
    GeoJsonOptions,
    JsonLdExporter,
    JsonLdOptions,
    _cells,
    _columns,
    _geojson,
    _jsonld,
    _text,
)
from rrma_opendata._cells import (
    CellStyle,
    RowWriter,
    format_number,
    json_column_writers,
    json_text_column_writers,
    json_writers,
    text_column_writers,
    text_writers,
)
from rrma_opendata._columns import Batch, Env, column_values, enum_vocabulary, table_for
from rrma_opendata._text import (
    FORMULA_STARTS,
    clean,
    neutralise,
    nothing_to_clean,
    safe_json,
    slug,
    truncate,
)

from .conftest import PARIS, context, hostile_records


@pytest.mark.parametrize("module", [_text, _cells])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, raise_on_error=False)  # type: ignore[arg-type]
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised(start: str) -> None:
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("text", ["Lyon", "'=déjà inerte", "12", "", " =1+1", "«=»"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


def test_clean() -> None:
    assert clean("a\r\nb\rc\nd\te") == "a\nb\nc\nd\te"
    assert clean("x\x00\x01\x08\x0b\x0c\x1f\x7f\x80\x9fy") == "xy"
    assert clean("lone \ud800 surrogate") == "lone  surrogate"
    assert clean("émoji 🌍, espace\u00a0insécable") == "émoji 🌍, espace\u00a0insécable"


def test_truncate() -> None:
    assert truncate("abc", 3) == "abc"
    assert truncate("abcd", 3) == "ab…"


def test_safe_json_round_trips() -> None:
    value = {"description": "</script><script>alert(1)</script> & \u2028 fin"}
    text = safe_json(json.dumps(value, ensure_ascii=False))
    assert not any(c in text for c in "<>&\u2028")
    assert json.loads(text) == value


def test_slug() -> None:
    assert slug("Réseau de démonstration") == "reseau-de-demonstration"
    assert slug("<b>!!</b>") == "b-b"
    assert slug("Ω") == "rrma"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (5.0, "5"),
        (-12.0, "-12"),
        (6.5, "6.5"),
        (1e-7, "0.0000001"),
        (1e20, "100000000000000000000"),
        (3, "3"),
    ],
)
def test_format_number(value: float, text: str) -> None:
    assert format_number(value) == text


def test_every_closed_vocabulary_is_found() -> None:
    enums = [
        v for v in vars(vocabularies).values() if isinstance(v, type) and issubclass(v, StrEnum)
    ]
    assert len(enums) >= 10
    for enum in enums:
        vocab = get_vocabulary(enum_vocabulary(enum))
        assert set(vocab.codes()) == {m.value for m in enum}


@pytest.mark.parametrize("model", list(MODELS.values()), ids=list(MODELS))
def test_every_model_has_a_table(model: type) -> None:
    table = table_for(model)
    names = [c.name for c in table.columns]
    assert len(names) == len(set(names))
    assert names[0] == "id"
    assert names[-1] == "updated_at"
    assert all(
        c.type in {"string", "integer", "number", "boolean", "date", "datetime"}
        for c in table.columns
    )
    assert all(not c.numbers or c.many for c in table.columns)


def test_every_column_of_every_hostile_record_writes() -> None:
    env = Env(
        lang="fr", tz=PARIS, now=context().now, personal_data=True, today=context().now.date()
    )
    style = CellStyle(lang="fr", tz=PARIS, labels=True)
    for record in hostile_records():
        columns = table_for(type(record)).columns
        cells = [
            w(c.get(record, env))
            for c, w in zip(columns, text_writers(columns, style), strict=True)
        ]
        assert all(isinstance(cell, str) for cell in cells)
        values = [
            w(c.get(record, env))
            for c, w in zip(
                columns, json_writers(columns, lang="en", tz=PARIS, labels=True), strict=True
            )
        ]
        json.dumps(values)  # every value is JSON


def test_the_exporters_are_registered(tmp_path: object) -> None:
    with Workspace.init(tmp_path, name="Test") as ws:  # type: ignore[arg-type]
        exporters = ws.plugins.exporters()
    expected = {
        "csv": (rrma_opendata.CsvExporter, "text/csv", ".csv"),
        "jsonld": (rrma_opendata.JsonLdExporter, "application/ld+json", ".jsonld"),
        "geojson": (rrma_opendata.GeoJsonExporter, "application/geo+json", ".geojson"),
        "datapackage": (rrma_opendata.DataPackageExporter, "application/zip", ".zip"),
    }
    for name, (cls, media_type, extension) in expected.items():
        assert exporters[name] is cls
        assert (cls.media_type, cls.extension) == (media_type, extension)


# --- Batches: the fast paths give what the plain ways give --------------------------------------

#: Text that each step of a cell (cleaning, cutting, neutralising, quoting) has to deal with.
AWKWARD = [
    "Lyon",
    "",
    " =1+1",
    "=1+1",
    "-12",
    "＠x",
    "\tTab",
    "\r=après un retour",
    "a\r\nb\rc\nd",
    "x\x00\x1b[1m",
    "lone \ud800 surrogate",
    "5 € \x85",
    "espace\u00a0insécable, ligne\u2028",
    'guillemets "doubles"; point-virgule, virgule | barre',
    "ligne 1\n-tiret en début de ligne",
    "é" * 40_000,
    "=" + "x" * 40_000,
]


def _reference_cell(text: str, limit: int) -> str:
    """What a text cell was before batches: clean(), truncate(), neutralise()."""
    return neutralise(truncate(clean(text), limit))


@pytest.mark.parametrize("batch", [AWKWARD, AWKWARD[:3], ["Lyon", "Paris"], ["=x"], []])
def test_a_batch_of_text_cells_is_finished_as_each_cell_alone(batch: list[str]) -> None:
    column = table_for(Event).columns[1]  # title: text, no vocabulary
    style = CellStyle(lang="fr", tz=PARIS, limit=100)
    (write,) = text_column_writers([column], style)
    assert write([*batch, None]) == [*(_reference_cell(t, 100) for t in batch), ""]


def test_nothing_to_clean_is_clean_doing_nothing() -> None:
    for text in [*AWKWARD, *(chr(c) for c in range(0x3000)), "\udfff", "€\x00"]:
        assert nothing_to_clean(text) == (clean(text) == text), repr(text)
        assert nothing_to_clean(f"€{text}") == (clean(f"€{text}") == f"€{text}"), repr(text)


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_row_writer_writes_what_csv_writer_writes(delimiter: str) -> None:
    fields = [*AWKWARD, *(f"a{chr(c)}b" for c in range(0x250)), *(chr(c) for c in range(0x250))]
    rows = [(f, "x", "") for f in fields] + [("", "y", f) for f in fields]
    expected = io.StringIO(newline="")
    csv.writer(expected, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    got = io.StringIO(newline="")
    writer = RowWriter(got, delimiter)
    for start in range(0, len(rows), 100):
        batch = rows[start : start + 100]
        writer.write_columns([list(column) for column in zip(*batch, strict=True)])
    writer.write_columns([["", "only"]])  # a row's only cell, when empty, is quoted
    csv.writer(expected, delimiter=delimiter, lineterminator="\r\n").writerows([[""], ["only"]])
    assert got.getvalue() == expected.getvalue()
    one_by_one = io.StringIO(newline="")
    writer = RowWriter(one_by_one, delimiter)
    for row in [*rows, ("",), ("only",)]:
        writer.write_columns([[cell] for cell in row])
    assert one_by_one.getvalue() == expected.getvalue()


def _values_by_column(records: list[Record], personal_data: bool) -> dict[str, list[object]]:
    env = Env.of(context(personal_data=personal_data))
    columns = table_for(type(records[0])).visible(personal_data)
    return {c.name: column_values(c, Batch(records, env)) for c in columns}


def test_batch_getters_give_what_record_by_record_getters_give() -> None:
    by_model: dict[type, list[Record]] = {}
    for record in hostile_records():
        by_model.setdefault(type(record), []).append(record)
    env = Env.of(context(personal_data=True))
    for model, records in by_model.items():
        for column in table_for(model).columns:
            batch = column_values(column, Batch(records, env))
            assert batch == [column.get(r, env) for r in records], (model, column.name)
    events = [r for r in hostile_records() if isinstance(r, Event)]
    organisers = _values_by_column(events, personal_data=False)["organisers"]
    assert organisers == [[str(ref) for ref in e.organisers] for e in events]


@pytest.mark.parametrize("labels", [True, False])
def test_json_texts_are_what_json_dumps_writes(labels: bool) -> None:
    by_model: dict[type, list[Record]] = {}
    for record in hostile_records():
        by_model.setdefault(type(record), []).append(record)
    env = Env.of(context(personal_data=True, lang="en"))
    for model, records in by_model.items():
        columns = table_for(model).columns
        values = json_column_writers(columns, lang="en", tz=PARIS, labels=labels)
        texts = json_text_column_writers(columns, lang="en", tz=PARIS, labels=labels)
        for column, value, text in zip(columns, values, texts, strict=True):
            got = column_values(column, Batch(records, env))
            expected = [json.dumps(v, ensure_ascii=False) for v in value(got)]
            assert text(got) == expected, (model, column.name)


def test_date_times_in_the_repeated_hour_keep_their_offset() -> None:
    first = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)  # clocks go back at 3:00
    second = first.replace(fold=1)
    assert first == second  # equal, yet an hour apart
    columns = [c for c in table_for(Event).columns if c.name in ("start", "start_date")]
    for texts in (
        text_column_writers(columns, CellStyle(lang="fr", tz=PARIS)),
        json_column_writers(columns, lang="fr", tz=PARIS, labels=False),
    ):
        instants, days = (write([first, second, first, date(2026, 10, 25)]) for write in texts)
        assert instants[:3] == [
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T02:30:00+01:00",
            "2026-10-25T02:30:00+02:00",
        ]
        assert days == ["2026-10-25"] * 4


@pytest.mark.parametrize("size", [1, 2, 7])
def test_batches_of_any_size_write_the_same_bytes(
    size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = hostile_records()
    events = [r for r in records if isinstance(r, Event)]
    exports = {
        "csv": (CsvExporter(CsvOptions()), events),
        "jsonld": (JsonLdExporter(JsonLdOptions()), records),
        "geojson": (GeoJsonExporter(GeoJsonOptions()), records),
        "datapackage": (DataPackageExporter(DataPackageOptions()), records),
    }

    def written() -> dict[str, bytes]:
        outputs = {}
        for name, (exporter, chosen) in exports.items():
            out = io.BytesIO()
            exporter.export(list(chosen), out, context(personal_data=True))
            outputs[name] = out.getvalue()
        return outputs

    expected = written()
    for module in (_columns, _geojson, _jsonld):
        monkeypatch.setattr(module, "BATCH_SIZE", size)
    monkeypatch.setattr(_cells, "_KEPT", size)  # the calendar starts afresh often
    assert written() == expected
