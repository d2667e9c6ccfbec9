"""Validation errors a caller can render: model, source, item, field, value and reason."""

from __future__ import annotations

import json
from typing import Any

import pydantic
import pytest

from rrma_core.cli import main
from rrma_core.errors import InvalidRecord, Problem, RrmaError, UnknownModel, problems_of
from rrma_core.models import Actor, CallForProjects, Event, Observation, get_model, json_schema

BAD_EVENT: dict[str, Any] = {
    "title": {"fr": "Projection-débat « Nourrir »"},
    "occurrences": [
        {"start": "2026-11-20T20:00:00+01:00"},
        {"start": "2026-11-21", "end": "2026-11-19"},
    ],
    "online_url": "ftp://visio.example.org/agora",
    "sdgs": [2, 18],
    "venue": {"address": {"commune": "20004"}},
}


def parse_error(model: Any, data: Any, **where: str) -> InvalidRecord:
    with pytest.raises(InvalidRecord) as caught:
        model.parse(data, **where)
    return caught.value


def test_invalid_record_names_model_source_item_and_each_problem() -> None:
    error = parse_error(Event, BAD_EVENT, source="openagenda-resacoop", item="87654321")
    assert (error.model, error.source, error.item) == ("Event", "openagenda-resacoop", "87654321")
    # in the order the model declares its fields
    assert [(p.field, p.value) for p in error.problems] == [
        ("occurrences.1", None),
        ("venue.address.commune", "20004"),
        ("online_url", "ftp://visio.example.org/agora"),
        ("sdgs.1", 18),
    ]
    reasons = [p.reason for p in error.problems]
    assert reasons[0] == "end 2026-11-19 is before start 2026-11-21"
    assert "(Corsican communes are coded 2A or 2B)" in reasons[1]
    assert reasons[2] == "URL 'ftp://visio.example.org/agora' must start with http:// or https://"
    assert reasons[3] == "unknown SDG 18: SDGs are numbered 1 to 17"
    assert not any(r.startswith("Value error") for r in reasons)

    text = str(error)
    lines = text.splitlines()
    assert lines[0] == "invalid Event from source 'openagenda-resacoop' item '87654321': 4 problems"
    assert lines[1] == "  - occurrences.1: end 2026-11-19 is before start 2026-11-21"
    assert lines[2].startswith("  - venue.address.commune = '20004': commune code '20004' is in 20")
    assert lines[3] == (
        "  - online_url = 'ftp://visio.example.org/agora': URL 'ftp://visio.example.org/agora' "
        "must start with http:// or https://"
    )
    assert lines[4] == "  - sdgs.1 = 18: unknown SDG 18: SDGs are numbered 1 to 17"
    assert len(lines) == 5
    assert "Traceback" not in text


def test_single_problem_is_rendered_on_one_line() -> None:
    error = parse_error(
        Actor,
        {"name": "Les Amis du Sahel", "actor_type": "association", "siret": "12345678901234"},
        source="gogocarto-transiscope",
        item="4512",
    )
    assert str(error) == (
        "invalid Actor from source 'gogocarto-transiscope' item '4512': "
        "siret = '12345678901234': SIRET 12345678901234 fails its check digit"
    )
    assert error.problems == (
        Problem("siret", "12345678901234", "SIRET 12345678901234 fails its check digit"),
    )


def test_source_and_item_are_optional() -> None:
    error = parse_error(Actor, {"name": "ADS", "actor_type": "association", "rna": "W75"})
    assert str(error).startswith("invalid Actor: rna = 'W75': RNA number 'W75' must be W")
    assert (error.source, error.item) == (None, None)


def test_invalid_record_is_catchable_as_rrma_error_and_value_error() -> None:
    error = parse_error(Actor, {"name": "ADS"})
    assert isinstance(error, RrmaError)
    assert isinstance(error, ValueError)
    with pytest.raises(RrmaError):
        Actor.parse({"name": "ADS"})


def test_record_level_rule_has_no_field_and_no_value() -> None:
    error = parse_error(
        Actor,
        {
            "name": "ADS",
            "actor_type": "association",
            "siren": "552100554",
            "siret": "73282932000074",
        },
    )
    (problem,) = error.problems
    assert (problem.field, problem.value) == ("", None)
    assert problem.reason == "SIRET 73282932000074 does not belong to SIREN 552100554"
    assert str(error) == (
        "invalid Actor: (record): SIRET 73282932000074 does not belong to SIREN 552100554"
    )


def test_missing_fields_and_bad_enum_values_are_listed() -> None:
    error = parse_error(Actor, {"actor_type": "assoc"}, source="tableur")
    fields = {p.field: p for p in error.problems}
    assert set(fields) == {"name", "actor_type"}
    assert fields["name"].value is None
    assert fields["name"].reason == "Field required"
    assert fields["actor_type"].value == "assoc"
    assert "'association'" in fields["actor_type"].reason
    assert "2 problems" in str(error).splitlines()[0]


def test_unknown_field_is_named() -> None:
    error = parse_error(CallForProjects, {"title": "AAP", "date_limite": "2027-01-15"})
    assert error.problems == (
        Problem("date_limite", "2027-01-15", "Extra inputs are not permitted"),
    )


def test_deadline_before_publication_is_explained() -> None:
    error = parse_error(
        CallForProjects,
        {"title": "AAP ECSI", "published_on": "2027-02-01", "deadline": "2027-01-15"},
        source="aides-territoires",
        item="aap-ecsi-2027",
    )
    assert str(error) == (
        "invalid CallForProjects from source 'aides-territoires' item 'aap-ecsi-2027': "
        "(record): deadline 2027-01-15 is before the publication date 2027-02-01"
    )


def test_observation_dimension_problem_is_explained() -> None:
    error = parse_error(
        Observation,
        {
            "indicator": "actors.count",
            "value": 3,
            "period": {"start": "2025-01-01", "end": "2025-12-31"},
            "dimensions": {"region": "12"},
        },
    )
    (problem,) = error.problems
    assert problem.reason.startswith("dimension region: unknown région code '12'")


@pytest.mark.parametrize("as_bytes", [False, True])
def test_parse_reads_json_text(as_bytes: bool) -> None:
    text = json.dumps({"name": "ADS", "actor_type": "association", "sdgs": ["ODD 6", 19]})
    data: str | bytes = text.encode() if as_bytes else text
    error = parse_error(Actor, data, source="export.json")
    assert error.problems == (Problem("sdgs.1", 19, "unknown SDG 19: SDGs are numbered 1 to 17"),)
    good = json.dumps({"name": "ADS", "actor_type": "association", "sdgs": ["ODD 6"]})
    assert Actor.parse(good).sdgs == [6]


def test_broken_json_text_is_one_problem_about_the_record() -> None:
    error = parse_error(Actor, '{"name": ', source="export.json", item="ligne 3")
    (problem,) = error.problems
    assert problem.field == ""
    assert problem.reason.startswith("Invalid JSON")
    assert str(error).startswith("invalid Actor from source 'export.json' item 'ligne 3': (record)")


def test_problem_rendering() -> None:
    assert str(Problem("siret", "123", "must be 14 digits")) == "siret = '123': must be 14 digits"
    assert str(Problem("sdgs.0", 18, "unknown SDG 18")) == "sdgs.0 = 18: unknown SDG 18"
    assert str(Problem("name", None, "Field required")) == "name: Field required"
    assert str(Problem("", None, "end is before start")) == "(record): end is before start"
    long = str(Problem("description", "é" * 200, "too long"))
    value = long.split(" = ", 1)[1].rsplit(": ", 1)[0]
    assert len(value) == 80
    assert value.endswith("…")


def test_problem_is_immutable() -> None:
    problem = Problem("siret", "123", "bad")
    with pytest.raises(AttributeError):
        problem.reason = "other"  # type: ignore[misc]


def test_constructor_raises_pydantic_error_with_the_same_information() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Event(**BAD_EVENT)
    messages = [e["msg"] for e in caught.value.errors()]
    assert "Value error, end 2026-11-19 is before start 2026-11-21" in messages
    assert "Value error, unknown SDG 18: SDGs are numbered 1 to 17" in messages
    from_parse = parse_error(Event, BAD_EVENT).problems
    assert tuple(problems_of(caught.value)) == from_parse
    rebuilt = InvalidRecord.from_validation_error(caught.value, source="s", item="i")
    assert rebuilt.problems == from_parse
    assert rebuilt.model == "Event"


def test_invalid_record_can_be_built_by_hand() -> None:
    error = InvalidRecord("Actor", [Problem("rna", "W1", "too short")], source="tableur")
    assert str(error) == "invalid Actor from source 'tableur': rna = 'W1': too short"
    assert error.args == (str(error),)


# --- CLI -------------------------------------------------------------------------------------


def test_rrma_schema_of_an_unknown_model_prints_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["schema", "Nope"])
    assert caught.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Error: no model named 'Nope' (known: Actor, MultiActorSpace,")
    assert "Traceback" not in captured.err


def test_rrma_schema_debug_shows_the_exception() -> None:
    with pytest.raises(UnknownModel, match="no model named 'Nope'"):
        main(["--debug", "schema", "Nope"])


def test_rrma_schema_prints_json_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    main(["schema", "CallForProjects"])
    assert json.loads(capsys.readouterr().out) == json_schema("CallForProjects")


def test_get_model_error_lists_the_known_models() -> None:
    with pytest.raises(UnknownModel) as caught:
        get_model("Evenement")
    assert "no model named 'Evenement'" in str(caught.value)
    assert "CallForProjects" in str(caught.value)
    assert isinstance(caught.value, LookupError)


def test_a_text_utf8_cannot_carry_is_an_invalid_record_naming_the_field() -> None:
    event = Event(title={"fr": "Bon", "en": "Bad \ud800"}, occurrences=[{"start": "2026-12-01"}])
    with pytest.raises(InvalidRecord) as caught:
        event.content_hash()
    [problem] = caught.value.problems
    assert problem.field == "title.en"
    assert problem.value == "Bad \\ud800"
    assert "unpaired surrogate (U+D800)" in problem.reason
