"""Personal data (GDPR): marked in the models, removable from exports, erasable per person."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from rrma_core.models import (
    MODELS,
    PERSONAL_DATA,
    Actor,
    MultiActorSpace,
    Person,
    Training,
    json_schema,
    personal_fields,
)
from rrma_core.vocabularies import RegistrationStatus


@pytest.fixture
def actor() -> Actor:
    return Actor(
        name="Les Amis du Sahel",
        actor_type="association",
        rna="W691234567",
        head_office={"address": {"commune": "69123", "city": "Lyon"}},
        email="contact@amis-du-sahel.example.org",
        contacts=[
            {"id": "person-awa", "name": "Awa Diop", "email": "awa.diop@example.org"},
            {"id": "person-jean", "name": "Jean Dupont", "phone": "+33 4 78 00 00 00"},
        ],
        memberships=[{"name": "RESACOOP"}],
    )


@pytest.fixture
def training() -> Training:
    return Training(
        title="Monter un projet de solidarité internationale",
        sessions=[
            {
                "id": "session-fev",
                "start": "2027-02-04T09:30:00+01:00",
                "capacity": 12,
                "trainers": [{"id": "person-claire", "name": "Claire Martin"}],
                "registrations": [
                    {"trainee": {"id": "person-awa", "name": "Awa Diop"}, "status": "attended"},
                    {"trainee": {"id": "person-jean", "name": "Jean Dupont"}, "status": "absent"},
                ],
            },
            {
                "id": "session-mars",
                "start": "2027-03-04",
                "trainers": [
                    {"id": "person-claire", "name": "Claire Martin"},
                    {"id": "person-yann", "name": "Yann Le Gall"},
                ],
                "registrations": [
                    {"trainee": {"id": "person-awa", "name": "Awa Diop"}, "status": "waiting-list"},
                ],
            },
        ],
    )


@pytest.fixture
def space() -> MultiActorSpace:
    return MultiActorSpace(
        name="Groupe pays Sénégal",
        space_kind="geographic",
        countries=["SN"],
        members=[{"actor": {"name": "Rennes Métropole"}}],
        meetings=[
            {
                "id": "meeting-1",
                "start": "2026-03-12",
                "attendance": 2,
                "participants": [
                    {"id": "person-yann", "name": "Yann Le Gall"},
                    {"id": "person-awa", "name": "Awa Diop"},
                ],
            }
        ],
    )


# --- marking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "paths"),
    [
        ("Actor", ["contacts"]),
        ("Training", ["sessions.registrations.trainee", "sessions.trainers"]),
        ("MultiActorSpace", ["meetings.participants"]),
        ("Event", []),
        ("CallForProjects", []),
        ("Observation", []),
    ],
)
def test_personal_fields(model: str, paths: list[str]) -> None:
    assert personal_fields(model) == paths
    assert personal_fields(MODELS[model]) == paths


def test_only_actors_trainings_and_spaces_hold_personal_data() -> None:
    holders = {name for name in MODELS if personal_fields(name)}
    assert holders == {"Actor", "Training", "MultiActorSpace"}


def test_json_schema_marks_personal_fields() -> None:
    actor = json_schema("Actor")
    assert actor["properties"]["contacts"][PERSONAL_DATA] is True
    assert "Personal data (GDPR)." in actor["properties"]["contacts"]["description"]
    assert PERSONAL_DATA not in actor["properties"]["email"]
    assert PERSONAL_DATA not in actor["properties"]["name"]

    defs = json_schema("Training")["$defs"]
    assert defs["TrainingSession"]["properties"]["trainers"][PERSONAL_DATA] is True
    assert defs["Registration"]["properties"]["trainee"][PERSONAL_DATA] is True
    assert PERSONAL_DATA not in defs["Registration"]["properties"]["status"]

    meeting = json_schema("MultiActorSpace")["$defs"]["Meeting"]["properties"]
    assert meeting["participants"][PERSONAL_DATA] is True
    assert PERSONAL_DATA not in meeting["attendance"]


def test_persons_have_stable_ids_and_checked_emails() -> None:
    # The same person read twice (from two records, two syncs) gets the same id, so that
    # forget(person_id) finds them everywhere; a different e-mail makes another person.
    first, second = Person(name="Awa Diop"), Person(name=" awa DIOP ")
    assert first.id.startswith("person-")
    assert first.id == second.id
    assert Person(name="Awa Diop", email="awa@example.org").id != first.id
    assert Person(id="p-1", name="Awa Diop").id == "p-1"
    with pytest.raises(pydantic.ValidationError) as caught:
        Person(name="Awa Diop", email="awa.diop-at-example.org")
    assert "'awa.diop-at-example.org' is not an e-mail address" in caught.value.errors()[0]["msg"]
    with pytest.raises(pydantic.ValidationError):
        Person(name="")


# --- leaving personal data out ---------------------------------------------------------------


def test_without_personal_data_empties_actor_contacts(actor: Actor) -> None:
    clean = actor.without_personal_data()
    assert clean.contacts == []
    assert len(actor.contacts) == 2  # the original is untouched
    assert clean.email == actor.email  # the organisation's own address is not personal
    assert clean.head_office == actor.head_office
    assert clean.memberships == actor.memberships
    assert clean.id == actor.id
    assert list(clean.persons()) == []
    assert "Awa" not in clean.model_dump_json()


def test_without_personal_data_reaches_sessions_and_keeps_statuses(training: Training) -> None:
    clean = training.without_personal_data()
    assert [s.trainers for s in clean.sessions] == [[], []]
    registrations = [r for s in clean.sessions for r in s.registrations]
    assert [r.trainee for r in registrations] == [None, None, None]
    assert [r.status for r in registrations] == [
        RegistrationStatus.ATTENDED,
        RegistrationStatus.ABSENT,
        RegistrationStatus.WAITING_LIST,
    ]
    assert clean.sessions[0].registered == training.sessions[0].registered == 2
    assert clean.sessions[0].attended == 1
    assert clean.sessions[0].fill_rate == training.sessions[0].fill_rate
    assert [s.id for s in clean.sessions] == ["session-fev", "session-mars"]
    dumped = clean.model_dump_json()
    for name in ("Awa", "Jean", "Claire", "Yann"):
        assert name not in dumped
    assert sum(1 for _ in training.persons()) == 6  # the original is untouched


def test_without_personal_data_empties_meeting_participants(space: MultiActorSpace) -> None:
    clean = space.without_personal_data()
    assert clean.meetings[0].participants == []
    assert clean.meetings[0].attendance == 2
    assert clean.members == space.members


def test_without_personal_data_result_is_still_valid(training: Training) -> None:
    dumped = training.without_personal_data().model_dump(mode="json")
    again = Training.model_validate(dumped)
    assert list(again.persons()) == []
    assert again.sessions[1].registrations[0].status is RegistrationStatus.WAITING_LIST


@pytest.mark.parametrize("name", sorted(MODELS))
def test_without_personal_data_keeps_records_without_any(name: str) -> None:
    examples: dict[str, dict[str, Any]] = {
        "Event": {"title": "Agora", "occurrences": [{"start": "2026-11-20"}]},
        "Campaign": {"code": "festisol", "name": "Festisol"},
        "CampaignEdition": {"campaign": "festisol", "year": 2026},
        "CallForProjects": {"title": "AAP", "deadline": "2027-01-15"},
        "Resource": {"title": "Guide"},
        "Observation": {
            "indicator": "actors.count",
            "value": 1,
            "period": {"start": "2025-01-01", "end": "2025-12-31"},
        },
        "Project": {"title": "Kaya"},
        "Programme": {"title": "PRCD", "programme_kind": "funding-scheme"},
        "Actor": {"name": "ADS", "actor_type": "association"},
        "Training": {"title": "Formation"},
        "MultiActorSpace": {"name": "Espace", "space_kind": "generalist"},
    }
    record = MODELS[name].model_validate(examples[name])
    assert record.without_personal_data() == record


# --- finding and forgetting persons ----------------------------------------------------------


def test_persons_finds_every_person_at_any_depth(
    actor: Actor, training: Training, space: MultiActorSpace
) -> None:
    assert [p.id for p in actor.persons()] == ["person-awa", "person-jean"]
    assert [p.id for p in training.persons()] == [
        "person-claire",
        "person-awa",
        "person-jean",
        "person-claire",
        "person-yann",
        "person-awa",
    ]
    assert [p.name for p in space.persons()] == ["Yann Le Gall", "Awa Diop"]


def test_forget_removes_a_contact_and_keeps_the_others(actor: Actor) -> None:
    forgotten = actor.forget("person-awa")
    assert [p.id for p in forgotten.contacts] == ["person-jean"]
    assert [p.id for p in actor.contacts] == ["person-awa", "person-jean"]  # untouched
    assert forgotten.id == actor.id
    assert forgotten.name == actor.name


def test_forget_in_a_training_keeps_registrations_and_their_status(training: Training) -> None:
    forgotten = training.forget("person-awa")
    assert "person-awa" not in {p.id for p in forgotten.persons()}
    february, march = forgotten.sessions
    assert [p.id for p in february.trainers] == ["person-claire"]
    assert [(r.trainee.id if r.trainee else None, r.status) for r in february.registrations] == [
        (None, RegistrationStatus.ATTENDED),
        ("person-jean", RegistrationStatus.ABSENT),
    ]
    assert [(r.trainee, r.status) for r in march.registrations] == [
        (None, RegistrationStatus.WAITING_LIST)
    ]
    assert february.attended == 1
    assert february.registered == 2


def test_forget_a_trainer_in_every_session(training: Training) -> None:
    forgotten = training.forget("person-claire")
    assert [[p.id for p in s.trainers] for s in forgotten.sessions] == [[], ["person-yann"]]
    assert sum(1 for _ in forgotten.persons()) == 4


def test_forget_a_meeting_participant(space: MultiActorSpace) -> None:
    forgotten = space.forget("person-yann")
    assert [p.id for p in forgotten.meetings[0].participants] == ["person-awa"]
    assert forgotten.meetings[0].attendance == 2


def test_forget_an_unknown_person_changes_nothing(actor: Actor, training: Training) -> None:
    assert actor.forget("person-nobody") == actor
    assert training.forget("person-nobody") == training


def test_forgotten_record_round_trips(training: Training) -> None:
    forgotten = training.forget("person-jean")
    again = Training.model_validate(forgotten.model_dump(mode="json"))
    assert again == forgotten
    assert "Jean" not in again.model_dump_json()
