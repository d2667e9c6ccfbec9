"""Every record model: a realistic example, JSON round-trips, JSON Schema, ids, hashes, times."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from typing import Any

import pydantic
import pytest
from click.testing import CliRunner

from rrma_core.cli import cli
from rrma_core.models import (
    MODELS,
    Actor,
    Campaign,
    CampaignEdition,
    DateRange,
    LocalizedText,
    Observation,
    Provenance,
    Record,
    Resource,
    Training,
    get_model,
    json_schema,
)
from rrma_core.models import __all__ as models_all

FETCHED = "2026-10-02T08:15:00+00:00"


def provenance(source: str, source_id: str, url: str) -> list[dict[str, Any]]:
    return [
        {
            "source": source,
            "source_id": source_id,
            "url": url,
            "fetched_at": FETCHED,
            "content_hash": "0" * 63 + "a",
        }
    ]


#: A realistic, valid example of each record model, as a source would give it.
EXAMPLES: dict[str, dict[str, Any]] = {
    "Actor": {
        "name": "Les Amis du Sahel",
        "acronym": "ADS",
        "actor_type": "association",
        "description": {
            "fr": "Accès à l'eau au Burkina Faso",
            "en": "Water access in Burkina Faso",
        },
        "rna": "W691234567",
        "siret": "552 100 554 00013",
        "head_office": {
            "name": "Maison des associations",
            "address": {
                "street": "28 rue Denfert-Rochereau",
                "postal_code": "69004",
                "city": "Lyon",
                "commune": "69123",
            },
            "coordinates": {"lat": 45.7765, "lon": 4.8278},
        },
        "website": "https://amis-du-sahel.example.org/",
        "email": "contact@amis-du-sahel.example.org",
        "countries": ["bf", "ML"],
        "sectors": ["Eau", "assainissement"],
        "sdgs": ["ODD 6", 5],
        "memberships": [{"id": "actor-resacoop", "name": "RESACOOP", "role": "member"}],
        "contacts": [
            {
                "id": "person-awa-diop",
                "name": "Awa Diop",
                "email": "awa.diop@example.org",
                "role": "Présidente",
            }
        ],
        "provenance": provenance("gogocarto-transiscope", "4512", "https://transiscope.org/4512"),
        "created_at": "2025-03-01T10:00:00+01:00",
        "updated_at": "2026-10-02T10:15:00+02:00",
    },
    "MultiActorSpace": {
        "name": {"fr": "Groupe pays Sénégal", "en": "Senegal country group"},
        "space_kind": "geographic",
        "countries": ["SN"],
        "regions": ["53"],
        "members": [
            {"actor": {"name": "Rennes Métropole"}, "role": "animator", "since": "2019-01-01"},
            {"actor": {"id": "actor-amis-du-sahel", "name": "Les Amis du Sahel"}},
        ],
        "meetings": [
            {
                "id": "meeting-2026-03",
                "title": "Réunion de printemps",
                "start": "2026-03-12T14:00:00+01:00",
                "end": "2026-03-12T17:00:00+01:00",
                "venue": {
                    "name": "Maison internationale de Rennes",
                    "address": {"commune": "35238"},
                },
                "attendance": 18,
                "participants": [{"id": "person-yann", "name": "Yann Le Gall"}],
            }
        ],
        "url": "https://territoires-solidaires.example.org/groupe-senegal",
    },
    "Event": {
        "title": {"fr": "Projection-débat « Nourrir »", "en": "Screening: Nourrir"},
        "description": "Film suivi d'un débat avec une paysanne sénégalaise.",
        "occurrences": [
            {"start": "2026-11-20T20:00:00+01:00", "end": "2026-11-20T22:30:00+01:00"},
            {"start": "2026-11-21", "end": "2026-11-21"},
        ],
        "venue": {
            "name": "Cinéma Le Zola",
            "address": {
                "street": "117 cours Émile Zola",
                "postal_code": "69100",
                "commune": "69266",
            },
            "coordinates": {"lat": 45.7676, "lon": 4.8799},
        },
        "attendance_mode": "offline",
        "organisers": [{"name": "Artisans du Monde Villeurbanne", "role": "organiser"}],
        "event_kind": "projection-debat",
        "audiences": ["general-public"],
        "price": {"free": False, "amount": 5, "text": "5 € / 3 € réduit"},
        "campaign_edition": "alimenterre-2026",
        "themes": ["agriculture"],
        "sdgs": [2, "ODD 12"],
        "keywords": ["alimentation", "agroécologie"],
        "url": "https://openagenda.com/resacoop/events/projection-nourrir",
        "provenance": provenance("openagenda-resacoop", "87654321", "https://openagenda.com/e/1"),
    },
    "Campaign": {
        "code": "festisol",
        "name": {"fr": "Festival des Solidarités", "en": "Festival of Solidarity"},
        "organiser": {"name": "CRID"},
        "national": True,
        "usual_start": "11-14",
        "usual_end": "11-30",
        "coordinator_role": "coras",
        "url": "https://www.festivaldessolidarites.org/",
    },
    "CampaignEdition": {
        "campaign": "festisol",
        "year": 2026,
        "start": "2026-11-13",
        "end": "2026-11-29",
        "region": "84",
        "coordinators": [{"name": "RESACOOP", "role": "coras"}],
        "participants": [{"name": "Artisans du Monde Villeurbanne"}],
        "figures": {"events": 312, "organisers": 145},
    },
    "Training": {
        "title": "Monter un projet de solidarité internationale",
        "description": {"fr": "Cycle court en deux journées."},
        "themes": ["gestion de projet", "suivi-evaluation"],
        "sectors": ["eau"],
        "sdgs": [6],
        "training_format": "short-cycle",
        "hours": 14,
        "organiser": {"name": "Centraider"},
        "sessions": [
            {
                "id": "session-2027-02",
                "start": "2027-02-04T09:30:00+01:00",
                "end": "2027-02-04T17:00:00+01:00",
                "venue": {"name": "Centraider", "address": {"commune": "41018", "city": "Blois"}},
                "trainers": [{"id": "person-claire", "name": "Claire Martin"}],
                "capacity": 12,
                "registrations": [
                    {
                        "trainee": {"id": "person-jean", "name": "Jean Dupont"},
                        "status": "attended",
                        "registered_at": "2027-01-10T09:00:00+01:00",
                        "hours_attended": 7,
                        "satisfaction": 5,
                    }
                ],
                "evaluation": {"responses": 9, "satisfaction": 4.6, "summary": "Très utile."},
            }
        ],
        "price": {"free": True},
        "supports": ["https://www.centraider.org/supports/gestion-projet.pdf"],
        "url": "https://www.centraider.org/formations/monter-un-projet",
    },
    "CallForProjects": {
        "title": {"fr": "Appel à projets ECSI 2027", "en": "ECSI call 2027"},
        "funders": [{"name": "Région Auvergne-Rhône-Alpes", "role": "funder"}],
        "url": "https://aides-territoires.beta.gouv.fr/aides/ecsi-2027/",
        "published_on": "2026-11-02",
        "opens_on": "2026-11-15",
        "deadline": "2027-01-15T12:00:00+01:00",
        "amount": {"min": 2000, "max": 15000, "rate": 50, "text": "jusqu'à 15 000 €"},
        "eligible_actor_types": ["association", "school"],
        "perimeter": {"regions": ["84"], "departements": ["69", "38"]},
        "themes": ["ecsi"],
        "sdgs": [4],
        "countries": ["SN", "bf"],
    },
    "Resource": {
        "title": "Guide de l'ECSI",
        "resource_kind": "methodological-guide",
        "authors": [{"name": "So Coopération"}],
        "themes": ["ECSI"],
        "sdgs": [4, 17],
        "published_on": "2025-06-01",
        "licence": "CC-BY-SA-4.0",
        "languages": ["fr"],
        "url": "https://so-cooperation.example.org/guide-ecsi.pdf",
    },
    "Observation": {
        "indicator": "actors.count",
        "value": 412,
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "dimensions": {"departement": "69", "actor_type": "association"},
        "source": "Baromètre RESACOOP 2025",
        "origin": "computed",
    },
    "Project": {
        "title": "Accès à l'eau à Kaya",
        "iati_identifier": "FR-RNA-W691234567-KAYA01",
        "status": "implementation",
        "partners": [
            {"actor": {"name": "Ville de Kaya"}, "role": "implementing"},
            {"actor": {"name": "Agence de l'eau RMC"}, "role": "funding"},
        ],
        "countries": ["BF"],
        "sectors": ["eau"],
        "dac_sectors": ["14030"],
        "sdgs": [6],
        "budget": {"amount": 85000, "period": {"start": "2025-01-01", "end": "2027-12-31"}},
        "start": "2025-01-01",
        "end": "2027-12-31",
        "programme": "programme-paris-coop",
    },
    "Programme": {
        "title": "Programme régional de coopération décentralisée",
        "programme_kind": "funding-scheme",
        "operator": {"name": "Lianes Coopération"},
        "funders": [{"name": "Région Hauts-de-France"}],
        "budget": {"amount": 250000},
        "start": "2026-01-01",
        "end": "2028-12-31",
        "countries": ["MA", "SN"],
        "sectors": ["education"],
        "eligible_actor_types": ["association", "osim"],
    },
}

NAMES = sorted(MODELS)


@pytest.fixture(params=NAMES)
def name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def record(name: str) -> Record:
    return MODELS[name].model_validate(copy.deepcopy(EXAMPLES[name]))


def test_every_record_model_has_an_example() -> None:
    assert set(EXAMPLES) == set(MODELS)
    assert all(issubclass(model, Record) for model in MODELS.values())
    assert set(MODELS) <= set(models_all)


def test_example_is_normalised(record: Record, name: str) -> None:
    dumped = record.model_dump(mode="json")
    assert dumped["id"]
    assert dumped["created_at"]
    assert dumped["updated_at"]
    if name == "Actor":
        assert dumped["siret"] == "55210055400013"
        assert dumped["siren"] == "552100554"
        assert dumped["countries"] == ["BF", "ML"]
        assert dumped["sectors"] == ["eau", "assainissement"]
        assert dumped["sdgs"] == [6, 5]
        assert dumped["head_office"]["address"]["departement"] == "69"
        assert dumped["head_office"]["address"]["region"] == "84"


def test_json_mode_dump_round_trips(record: Record, name: str) -> None:
    dumped = record.model_dump(mode="json")
    again = MODELS[name].model_validate(dumped)
    assert again == record
    assert again.model_dump(mode="json") == dumped
    assert again.id == record.id
    assert again.content_hash() == record.content_hash()


def test_json_text_round_trips(record: Record, name: str) -> None:
    text = record.model_dump_json()
    assert json.loads(text) == record.model_dump(mode="json")
    again = MODELS[name].model_validate_json(text)
    assert again == record
    assert MODELS[name].parse(text) == record


def test_json_schema_has_its_header(name: str) -> None:
    schema = json_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == name
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert {"id", "provenance", "created_at", "updated_at"} <= set(schema["properties"])
    assert json_schema(MODELS[name]) == schema


def test_json_schema_describes_the_dumped_example(record: Record, name: str) -> None:
    """Without a validator library: every dumped key is a property, every required key is there."""
    schema = json_schema(name)
    dumped = record.model_dump(mode="json")
    assert set(dumped) <= set(schema["properties"])
    assert set(schema.get("required", [])) <= set(dumped)


def test_json_schema_validates_the_dumped_example(record: Record, name: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(record.model_dump(mode="json"))) == []


def test_json_schema_marks_vocabulary_fields() -> None:
    props = json_schema("Actor")["properties"]
    assert props["sectors"]["items"]["x-vocabulary"] == "sectors"
    assert props["sdgs"]["items"]["x-vocabulary"] == "sdg"
    assert props["sdgs"]["items"]["type"] == "integer"


def test_json_schema_bounds_sdgs_to_1_17() -> None:
    items = json_schema("Actor")["properties"]["sdgs"]["items"]
    assert "ge" not in items
    assert "le" not in items
    assert (items["minimum"], items["maximum"]) == (1, 17)


def test_rrma_schema_prints_the_json_schema(name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json_schema(name)


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("call", "CallForProjects"),
        ("space", "MultiActorSpace"),
        ("campaign-edition", "CampaignEdition"),
        ("campaign_edition", "CampaignEdition"),
        ("EVENT", "Event"),
    ],
)
def test_rrma_schema_accepts_record_types_in_any_case(alias: str, expected: str) -> None:
    assert get_model(alias) is MODELS[expected]
    result = CliRunner().invoke(cli, ["schema", alias])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == expected


def test_rrma_schema_without_model_lists_them() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines() if line.strip()]
    assert listed == list(MODELS)


def test_rrma_schema_writes_every_schema_to_a_folder(tmp_path: Any) -> None:
    result = CliRunner().invoke(cli, ["schema", "-o", str(tmp_path / "schemas")])
    assert result.exit_code == 0
    files = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert files == sorted(f"{n}.schema.json" for n in MODELS)
    event = json.loads((tmp_path / "schemas" / "Event.schema.json").read_text("utf-8"))
    assert event == json_schema("Event")


# --- ids -------------------------------------------------------------------------------------


def test_id_is_generated_when_missing(name: str) -> None:
    data = copy.deepcopy(EXAMPLES[name])
    data.pop("provenance", None)
    data.pop("id", None)
    model = MODELS[name]
    first = model.model_validate(data)
    assert first.id
    if name not in {"Campaign", "CampaignEdition", "Observation"}:  # those have natural ids
        assert first.id.startswith(model.record_type + "-")
        assert model.model_validate(copy.deepcopy(data)).id != first.id


@pytest.mark.parametrize("empty", ["", None, "   "])
def test_empty_id_counts_as_missing(empty: str | None) -> None:
    resource = Resource(title="Guide", id=empty)
    assert resource.id.startswith("resource-")


def test_given_id_is_kept() -> None:
    assert (
        Resource(title="Guide", id="resacoop:guide-ecsi_2025.v2").id
        == "resacoop:guide-ecsi_2025.v2"
    )


def test_observation_id_ignores_dates_written_as_objects() -> None:
    as_objects = observation(period={"start": date(2025, 1, 1), "end": date(2025, 12, 31)})
    assert as_objects.id == observation().id


@pytest.mark.parametrize(
    "name", [n for n in NAMES if n not in {"Campaign", "CampaignEdition", "Observation"}]
)
def test_id_is_deterministic_from_provenance(name: str) -> None:
    model = MODELS[name]
    data = copy.deepcopy(EXAMPLES[name])
    data["provenance"] = [{"source": "openagenda-resacoop", "source_id": "87654321"}]
    first = model.model_validate(copy.deepcopy(data))
    second = model.model_validate(copy.deepcopy(data))
    assert first.id == second.id == model.make_id("openagenda-resacoop", "87654321")
    assert first.id.startswith(model.record_type + "-")

    other_item = copy.deepcopy(data)
    other_item["provenance"][0]["source_id"] = "87654322"
    other_source = copy.deepcopy(data)
    other_source["provenance"][0]["source"] = "openagenda-centraider"
    ids = {first.id, model.model_validate(other_item).id, model.model_validate(other_source).id}
    assert len(ids) == 3


def test_id_from_provenance_objects_and_from_json_text() -> None:
    prov = Provenance(source="gogocarto-transiscope", source_id="4512")
    built = Actor(name="Les Amis du Sahel", actor_type="association", provenance=[prov])
    parsed = Actor.parse(
        '{"name": "Les Amis du Sahel", "actor_type": "association",'
        ' "provenance": [{"source": "gogocarto-transiscope", "source_id": "4512"}]}'
    )
    assert built.id == parsed.id == Actor.make_id("gogocarto-transiscope", "4512")


def test_source_and_source_id_are_not_confused() -> None:
    assert Actor.make_id("ab", "c") != Actor.make_id("a", "bc")
    assert Actor.make_id("gogo", "1") != Resource.make_id("gogo", "1")


def test_provenance_without_source_id_gives_a_random_id() -> None:
    prov = [{"source": "manual"}]
    first = Resource(title="Guide", provenance=prov)
    second = Resource(title="Guide", provenance=prov)
    assert first.id != second.id
    assert first.id.startswith("resource-")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"campaign": "alimenterre", "year": 2026}, "alimenterre-2026"),
        ({"campaign": "festisol", "year": 2026, "region": "84"}, "festisol-2026-84"),
        ({"campaign": "festisol", "year": 2026, "region": 84}, "festisol-2026-84"),
        ({"campaign": "festisol", "year": 2026, "region": "4"}, "festisol-2026-04"),
        ({"campaign": "mois-ess", "year": "2027"}, "mois-ess-2027"),
    ],
)
def test_campaign_edition_has_a_natural_id(data: dict[str, Any], expected: str) -> None:
    assert CampaignEdition.model_validate(data).id == expected


def test_campaign_has_a_natural_id_and_comes_from_the_vocabulary() -> None:
    festisol = Campaign.from_vocabulary("festisol")
    assert festisol.id == "campaign-festisol"
    assert festisol.national is True
    assert festisol.coordinator_role == "coras"
    assert Campaign(code="agora-resacoop", name="Agora").id == "campaign-agora-resacoop"


def test_campaign_edition_natural_id_survives_provenance() -> None:
    edition = CampaignEdition(
        campaign="festisol",
        year=2026,
        region="84",
        provenance=[{"source": "festisol-sheet", "source_id": "row-3"}],
    )
    assert edition.id == "festisol-2026-84"


def observation(**changes: Any) -> Observation:
    data: dict[str, Any] = {
        "indicator": "actors.count",
        "value": 412,
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "dimensions": {"departement": "69", "actor_type": "association"},
    }
    data.update(changes)
    return Observation.model_validate(data)


def test_observation_id_depends_on_indicator_period_and_dimensions_only() -> None:
    base = observation()
    assert base.id.startswith("observation-")
    same = observation(
        value=415,
        origin="declared",
        dimensions={"actor_type": "association", "departement": "69"},  # other key order
    )
    assert same.id == base.id
    assert observation(indicator="events.count").id != base.id
    assert observation(period={"start": "2024-01-01", "end": "2024-12-31"}).id != base.id
    assert observation(dimensions={"departement": "38", "actor_type": "association"}).id != base.id
    assert observation(dimensions={"departement": "69"}).id != base.id


@pytest.mark.parametrize(
    "changes",
    [
        {"period": DateRange.year(2025)},
        {"dimensions": {"departement": "1"}},
    ],
    ids=["daterange-object", "unpadded-departement"],
)
def test_observation_id_does_not_depend_on_how_values_are_written(changes: dict[str, Any]) -> None:
    canonical = {
        "period": {"start": "2025-01-01", "end": "2025-12-31"},
        "dimensions": {"departement": "01"},
    }
    written = observation(**{**canonical, **changes})
    assert written.dimensions == canonical["dimensions"]
    assert written.id == observation(**canonical).id


@pytest.mark.parametrize(
    "bad",
    ["bad id!", "-starts-with-dash", "é-accent", "a" * 201, "with/slash"],
)
def test_bad_ids_are_refused(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Resource(title="Guide", id=bad)
    (error,) = caught.value.errors()
    assert "must be 1-200 letters, digits or . _ : @ -" in error["msg"]


def test_id_of_200_characters_is_accepted() -> None:
    assert Resource(title="Guide", id="a" * 200).id == "a" * 200


# --- content hash ----------------------------------------------------------------------------


def test_content_hash_ignores_id_provenance_and_times(record: Record) -> None:
    digest = record.content_hash()
    assert len(digest) == 64
    assert all(c in "0123456789abcdef" for c in digest)
    other = record.model_copy(
        update={
            "id": "another-id",
            "provenance": [Provenance(source="manual")],
            "created_at": datetime(2020, 1, 1, tzinfo=UTC),
            "updated_at": datetime(2021, 1, 1, tzinfo=UTC),
            "withdrawn_at": datetime(2022, 1, 1, tzinfo=UTC),
        }
    )
    assert other.content_hash() == digest
    assert Provenance(source="x", content_hash=digest).content_hash == digest


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("Actor", "name", "Les Amis du Sahel (ADS)"),
        ("Actor", "sdgs", [6]),
        ("Event", "status", "cancelled"),
        ("CallForProjects", "deadline", "2027-01-16T12:00:00+01:00"),
        ("Observation", "value", 413),
        ("Resource", "licence", "CC-BY-4.0"),
    ],
)
def test_content_hash_changes_with_content(name: str, field: str, value: Any) -> None:
    data = copy.deepcopy(EXAMPLES[name])
    before = MODELS[name].model_validate(copy.deepcopy(data))
    data[field] = value
    after = MODELS[name].model_validate(data)
    assert after.content_hash() != before.content_hash()


def test_content_hash_is_the_same_for_the_same_item_from_two_sources() -> None:
    data = copy.deepcopy(EXAMPLES["Resource"])
    first = Resource.model_validate({**data, "provenance": [{"source": "a", "source_id": "1"}]})
    second = Resource.model_validate({**data, "provenance": [{"source": "b", "source_id": "9"}]})
    assert first.id != second.id
    assert first.content_hash() == second.content_hash()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("Training", {"title": "Formation ECSI", "sessions": [{"start": "2027-02-04"}]}),
        (
            "Actor",
            {
                "name": "Les Amis du Sahel",
                "actor_type": "association",
                "contacts": [{"name": "Awa"}],
            },
        ),
        (
            "MultiActorSpace",
            {
                "name": "Groupe eau",
                "space_kind": "generalist",
                "meetings": [{"start": "2027-02-04"}],
            },
        ),
    ],
)
def test_content_hash_is_stable_for_the_same_input(name: str, data: dict[str, Any]) -> None:
    model = MODELS[name]
    assert model.parse(copy.deepcopy(data)).content_hash() == model.parse(data).content_hash()


# --- times -----------------------------------------------------------------------------------


def test_created_and_updated_times_default_to_now_in_utc() -> None:
    before = datetime.now(UTC)
    resource = Resource(title="Guide")
    after = datetime.now(UTC)
    assert before <= resource.created_at <= resource.updated_at <= after
    assert resource.created_at.utcoffset() is not None
    assert resource.withdrawn is False
    assert Resource(title="Guide", withdrawn_at="2026-01-01T00:00:00Z").withdrawn is True


def test_updated_before_created_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Resource(
            title="Guide",
            created_at="2026-05-01T10:00:00+02:00",
            updated_at="2026-05-01T07:59:59+00:00",
        )
    (error,) = caught.value.errors()
    assert error["msg"] == (
        "Value error, updated_at 2026-05-01T07:59:59+00:00 is before created_at "
        "2026-05-01T10:00:00+02:00"
    )


def test_same_instant_in_two_zones_is_not_before() -> None:
    resource = Resource(
        title="Guide",
        created_at="2026-05-01T10:00:00+02:00",
        updated_at="2026-05-01T08:00:00+00:00",
    )
    assert resource.updated_at == resource.created_at


@pytest.mark.parametrize("field", ["created_at", "updated_at", "withdrawn_at"])
def test_naive_record_times_are_refused(field: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Resource(title="Guide", **{field: "2026-05-01T10:00:00"})
    # a lone updated_at is also used as created_at, so both may be named
    assert (field,) in {e["loc"] for e in caught.value.errors()}


def test_only_updated_at_from_the_source_is_accepted() -> None:
    resource = Resource(title="Guide", updated_at="2024-05-01T10:00:00+02:00")
    assert resource.created_at <= resource.updated_at


def test_provenance_content_hash_must_be_sha256_hex() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Provenance(source="openagenda-resacoop", content_hash="abc")
    assert caught.value.errors()[0]["loc"] == ("content_hash",)


def test_provenance_needs_a_source_and_an_aware_fetch_time() -> None:
    with pytest.raises(pydantic.ValidationError):
        Provenance(source="")
    with pytest.raises(pydantic.ValidationError) as caught:
        Provenance(source="openagenda-resacoop", fetched_at="2026-10-02T08:15:00")
    assert caught.value.errors()[0]["loc"] == ("fetched_at",)


def test_training_session_lookup() -> None:
    training = Training.model_validate(copy.deepcopy(EXAMPLES["Training"]))
    assert training.session("session-2027-02").capacity == 12
    with pytest.raises(KeyError, match="no session 'session-nope'"):
        training.session("session-nope")


# --- multilingual text -----------------------------------------------------------------------


def test_plain_text_counts_as_french() -> None:
    text = LocalizedText.model_validate("  Projection-débat  ")
    assert text.root == {"fr": "Projection-débat"}
    assert str(text) == "Projection-débat"
    assert text.languages == ["fr"]


def test_text_falls_back_to_french_then_english_then_any() -> None:
    both = LocalizedText.model_validate({"fr": "Festival", "en": "Festival (EN)"})
    assert both.get("en") == "Festival (EN)"
    assert both.get("de") == "Festival"
    french = LocalizedText.model_validate({"fr": "Rencontre"})
    assert french.get("en") == "Rencontre"
    english = LocalizedText.model_validate({"en": "Screening", "pt": "Projeção"})
    assert english.get("de") == "Screening"
    assert english.get("pt-BR") == "Projeção"
    assert str(english) == "Screening"
    other = LocalizedText.model_validate({"pt-BR": "Projeção"})
    assert other.get() == "Projeção"


def test_empty_translations_are_dropped() -> None:
    text = LocalizedText.model_validate({"fr": "Agora", "en": "  ", "es": None})
    assert text.root == {"fr": "Agora"}


@pytest.mark.parametrize("empty", ["", "   ", {}, {"fr": ""}, {"fr": None, "en": " "}])
def test_empty_text_is_refused(empty: Any) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        LocalizedText.model_validate(empty)
    assert "text is empty in every language" in caught.value.errors()[0]["msg"]


@pytest.mark.parametrize(
    ("tag", "normalised"), [("FR", "fr"), ("fr_FR", "fr-FR"), ("pt-BR", "pt-BR")]
)
def test_language_tags_are_normalised(tag: str, normalised: str) -> None:
    assert LocalizedText.model_validate({tag: "Festival"}).root == {normalised: "Festival"}


@pytest.mark.parametrize("tag", ["french", "f", "", "1"])
def test_bad_language_tags_are_refused(tag: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        LocalizedText.model_validate({tag: "Festival"})
    assert f"{tag!r} is not a language tag" in caught.value.errors()[0]["msg"]


def test_non_string_translation_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        LocalizedText.model_validate({"fr": 2026})
    assert "the fr text must be a string, not int" in caught.value.errors()[0]["msg"]


def test_localized_text_in_a_record_round_trips_as_a_dict() -> None:
    resource = Resource(title="Guide de l'ECSI", description={"fr": "Un guide", "en": "A guide"})
    dumped = resource.model_dump(mode="json")
    assert dumped["title"] == {"fr": "Guide de l'ECSI"}
    assert dumped["description"] == {"fr": "Un guide", "en": "A guide"}
    assert Resource.model_validate(dumped).description == resource.description
