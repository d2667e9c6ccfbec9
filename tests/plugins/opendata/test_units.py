"""The pieces the four exporters share: text hygiene, numbers, tables of every model."""

from __future__ import annotations

import doctest
import json
from enum import StrEnum

import pytest

import rrma_core.vocabularies as vocabularies
import rrma_opendata
from rrma_core import Workspace
from rrma_core.models import MODELS
from rrma_core.vocabularies import get_vocabulary
from rrma_opendata import _cells, _text
from rrma_opendata._cells import CellStyle, format_number, json_writers, text_writers
from rrma_opendata._columns import Env, enum_vocabulary, table_for
from rrma_opendata._text import FORMULA_STARTS, clean, neutralise, safe_json, slug, truncate

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
