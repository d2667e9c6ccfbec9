"""Hostile and broken programmes: each file of ``broken/`` is named after its defect, and
``broken/EXPECTED.toml`` says what must happen to it."""

from __future__ import annotations

import time
import tomllib
from pathlib import Path
from typing import Any

import pytest

from rrma_core.errors import RrmaError

from .conftest import BROKEN, events_of, read

EXPECTED: dict[str, dict[str, Any]] = tomllib.loads(
    (BROKEN / "EXPECTED.toml").read_text(encoding="utf-8")
)
FILES = sorted(p.name for p in BROKEN.iterdir() if p.name != "EXPECTED.toml")


def test_every_broken_file_has_an_expected_outcome() -> None:
    assert sorted(EXPECTED) == FILES


@pytest.mark.parametrize("name", FILES)
def test_broken_input(name: str) -> None:
    expected = EXPECTED[name]
    options = {"path": str(BROKEN / name), "campaign": "alimenterre", "edition": 2026}
    started = time.perf_counter()
    if "fails" in expected:
        with pytest.raises(RrmaError) as error:
            read(options)
        assert expected["fails"] in str(error.value)
        assert str(BROKEN / name) in str(error.value)  # the message names the file
    else:
        run = read(options)
        assert len(events_of(run)) == expected["stored"]
        reasons = [str(s) for s in run.skipped]
        assert len(reasons) == len(expected["skipped"]), reasons
        for reason, wanted in zip(reasons, expected["skipped"], strict=True):
            assert wanted in reason
    assert time.perf_counter() - started < 2  # hostile input costs no more than a real one


def test_a_programme_with_too_many_rows_fails(tmp_path: Path) -> None:
    from rrma_festival._table import MAX_ROWS

    line = "Ciné-débat;12/11/2026\r\n"
    path = tmp_path / "programme-geant.csv"
    path.write_text("Titre;Date\r\n" + line * MAX_ROWS, encoding="utf-8")
    with pytest.raises(RrmaError, match="a plus de 100\u202f000 lignes remplies"):
        read({"path": str(path), "campaign": "festisol", "edition": 2026})


def test_a_file_over_the_size_cap_fails(tmp_path: Path) -> None:
    from rrma_festival._connector import MAX_FILE_BYTES

    path = tmp_path / "programme.csv"
    with path.open("wb") as stream:
        stream.write(b"Titre;Date\r\n")
        stream.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(RrmaError, match="dépasse 20 Mio"):
        read({"path": str(path), "campaign": "festisol", "edition": 2026})
