"""The ``rrma`` command line as a user meets it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from rrma_core import MODELS
from rrma_core.cli import cli, main


def test_schema_lists_every_model() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    for name in MODELS:
        assert name in result.output


def test_schema_of_one_model_is_json_schema() -> None:
    result = CliRunner().invoke(cli, ["schema", "CallForProjects"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["title"] == "CallForProjects"
    assert "deadline" in schema["properties"]


def test_schema_accepts_the_record_type_too() -> None:
    result = CliRunner().invoke(cli, ["schema", "campaign-edition"])
    assert json.loads(result.output)["title"] == "CampaignEdition"


def test_schema_writes_every_model_to_a_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["schema", "-o", str(tmp_path / "schemas")])
    assert result.exit_code == 0
    written = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert written == sorted(f"{name}.schema.json" for name in MODELS)


def test_unknown_model_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["schema", "Nope"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("Error: no model named 'Nope'")
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_debug_shows_the_traceback() -> None:
    from rrma_core.errors import UnknownModel

    with pytest.raises(UnknownModel):
        main(["--debug", "schema", "Nope"])


def test_vocab_lists_vocabularies_as_json() -> None:
    result = CliRunner().invoke(cli, ["vocab", "--format", "json"])
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert rows["departements"]["terms"] == "101"
    assert rows["sectors"]["extendable"] == "yes"


def test_vocab_terms_in_english() -> None:
    result = CliRunner().invoke(cli, ["vocab", "sdg", "--lang", "en", "--format", "json"])
    terms = {t["code"]: t["label"] for t in json.loads(result.output)}
    assert terms["6"] == "Clean water and sanitation"


def test_vocab_table_shows_labels() -> None:
    result = CliRunner().invoke(cli, ["vocab", "regions"])
    assert result.exit_code == 0
    assert "Auvergne-Rhône-Alpes" in result.output


def test_unknown_vocabulary(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["vocab", "nope"])
    assert exit_info.value.code == 2
    assert "no vocabulary named 'nope'" in capsys.readouterr().err


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.startswith("rrma, version ")
