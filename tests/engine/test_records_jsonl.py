"""Hand-entered records (add, update, withdraw, get) and JSON Lines export and import."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.errors import InvalidRecord, StorageError
from rrma_core.models import Actor, CallForProjects, Event

from ._helpers import actor, call, event, siret
from .conftest import Backend, Workspaces


def _lyon_event() -> Event:
    return Event.parse(
        event(
            None,
            "Projection-débat « Nourrir »",
            start="2099-11-20T20:00:00+01:00",
            commune="69123",
            themes=["agriculture"],
            sdgs=[2],
            campaign="alimenterre-2099",
            url="https://www.resacoop.org/agenda/nourrir",
        )
        | {"id": "event-nourrir-lyon"}
    )


def _records() -> list[Event | CallForProjects | Actor]:
    return [
        _lyon_event(),
        Event.parse(
            event(
                None,
                "Rencontres de l'ECSI",
                occurrences=[{"start": "2099-05-12"}],
                commune="38185",
                kind="rencontres-ecsi",
                themes=["ecsi"],
                sdgs=[4],
            )
            | {"id": "event-rencontres-ecsi"}
        ),
        CallForProjects.parse(
            call(
                None,
                "Appel à projets Eau et assainissement",
                deadline="2099-03-15",
                themes=["eau"],
                countries=["SN"],
                sdgs=[6],
            )
            | {"id": "call-afd-eau"}
        ),
        Actor.parse(
            actor(
                None,
                "Les Amis du Sahel",
                countries=["BF", "ML"],
                sdgs=[2, 6],
                rna="W691234567",
                siret=siret("48213716"),
                contacts=[{"name": "Awa Diop", "email": "awa.diop@example.org"}],
            )
            | {"id": "actor-amis-sahel"}
        ),
    ]


# --- add, update, withdraw, get ----------------------------------------------------------------


def test_add_then_get(workspace: Workspace) -> None:
    stored = workspace.add(_lyon_event())
    assert stored.created_at == stored.updated_at
    got = workspace.get("event-nourrir-lyon")
    assert isinstance(got, Event)
    assert got == stored
    assert [e.id for e in workspace.events(departement="69", campaign="alimenterre")] == [
        "event-nourrir-lyon"
    ]


def test_add_refuses_a_taken_id_and_get_an_unknown_one(workspace: Workspace) -> None:
    workspace.add(_lyon_event())
    with pytest.raises(StorageError, match=r"event-nourrir-lyon.*already stored"):
        workspace.add(_lyon_event())
    with pytest.raises(KeyError, match="event-inconnu"):
        workspace.get("event-inconnu")
    with pytest.raises(StorageError, match="event-inconnu"):
        workspace.update(_lyon_event().model_copy(update={"id": "event-inconnu"}))


def test_add_validates_again(workspace: Workspace) -> None:
    # A record built without validation (model_construct) is checked when it is stored.
    bogus = Event.model_construct(**(_lyon_event().__dict__ | {"sdgs": [42]}))
    with pytest.raises(InvalidRecord, match="sdgs"):
        workspace.add(bogus)
    assert workspace.events(include_withdrawn=True) == []


def test_update_replaces_content_and_indexes_keeping_created_at(workspace: Workspace) -> None:
    first = workspace.add(_lyon_event())
    moved = Event.model_validate(
        first.model_dump()
        | {"venue": {"name": "MC2", "address": {"commune": "38185"}}, "themes": ["eau"]}
    )
    updated = workspace.update(moved)
    assert updated.created_at == first.created_at
    assert updated.updated_at >= first.updated_at
    got = workspace.get(first.id)
    assert got == updated
    assert got.departement == "38"  # type: ignore[attr-defined]
    assert [e.id for e in workspace.events(departement="38", theme="eau")] == [first.id]
    assert workspace.events(departement="69") == []
    assert workspace.events(theme="agriculture") == []


def test_withdrawn_records_are_kept_but_hidden(workspace: Workspace) -> None:
    for record in _records():
        workspace.add(record)
    withdrawn = workspace.withdraw("call-afd-eau")
    assert withdrawn.withdrawn
    assert workspace.calls() == []
    assert [c.id for c in workspace.calls(include_withdrawn=True)] == ["call-afd-eau"]
    assert workspace.get("call-afd-eau").withdrawn_at == withdrawn.withdrawn_at
    assert workspace.store.count("call") == 0
    assert workspace.store.count("call", withdrawn=True) == 1
    # Withdrawn records stay out of exports unless asked for.
    out = io.StringIO()
    assert workspace.export_jsonl(out) == 3
    assert "call-afd-eau" not in out.getvalue()
    assert workspace.export_jsonl(io.StringIO(), include_withdrawn=True) == 4


# --- JSON Lines --------------------------------------------------------------------------------


@pytest.fixture
def origin(tmp_path: Path) -> Workspace:
    """A SQLite workspace holding the records, entered by hand."""
    ws = Workspace.init(tmp_path / "origine", name="Réseau d'origine", region="84")
    for record in _records():
        ws.add(record)
    yield ws
    ws.close()


def test_export_leaves_personal_data_out_by_default(origin: Workspace) -> None:
    out = io.StringIO()
    assert origin.export_jsonl(out) == 4
    text = out.getvalue()
    assert "Awa Diop" not in text
    assert "awa.diop@example.org" not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert {line["type"] for line in lines} == {"event", "call", "actor"}
    (amis,) = [line["record"] for line in lines if line["type"] == "actor"]
    assert amis["contacts"] == []
    assert amis["siret"] == siret("48213716")  # the organisation's own numbers are kept

    kept = io.StringIO()
    origin.export_jsonl(kept, personal_data=True)
    assert "awa.diop@example.org" in kept.getvalue()


def test_export_import_round_trip(origin: Workspace, workspace: Workspace) -> None:
    out = io.StringIO()
    assert origin.export_jsonl(out, personal_data=True) == 4
    count, problems = workspace.import_jsonl(io.StringIO(out.getvalue()))
    assert (count, problems) == (4, [])
    for record in _records():
        assert workspace.get(record.id) == origin.get(record.id)
    assert [e.id for e in workspace.events(region="84", upcoming=True)] == [
        "event-rencontres-ecsi",
        "event-nourrir-lyon",
    ]
    assert [a.id for a in workspace.actors(country="BF")] == ["actor-amis-sahel"]
    # Exporting again gives the very same file.
    again = io.StringIO()
    workspace.export_jsonl(again, personal_data=True)
    assert again.getvalue() == out.getvalue()
    # Importing twice updates rather than duplicates.
    assert workspace.import_jsonl(io.StringIO(out.getvalue())) == (4, [])
    assert workspace.store.count() == 4


def test_import_without_personal_data(origin: Workspace, workspace: Workspace) -> None:
    out = io.StringIO()
    origin.export_jsonl(out)
    assert workspace.import_jsonl(out.getvalue().splitlines()) == (4, [])
    assert workspace.get("actor-amis-sahel").contacts == []  # type: ignore[attr-defined]
    assert workspace.get("event-nourrir-lyon") == origin.get("event-nourrir-lyon")


def test_a_bad_line_stores_nothing_and_names_the_line(workspace: Workspace) -> None:
    good_event = {"type": "event", "record": _lyon_event().model_dump(mode="json")}
    good_call = {
        "type": "call",
        "record": call(None, "Appel ECSI 2099") | {"id": "call-ecsi"},
    }
    bad_actor = {
        "type": "actor",
        "record": actor(None, "Association fantôme", siret="12345678901234"),
    }
    lines = [
        json.dumps(good_event, ensure_ascii=False),
        json.dumps(good_call, ensure_ascii=False),
        json.dumps(bad_actor, ensure_ascii=False),
        "",
        '{"type": "event", "record": {"title": "coupé',
        json.dumps({"type": "recette", "record": {}}),
    ]
    count, problems = workspace.import_jsonl(lines)
    assert count == 0
    assert len(problems) == 3
    assert "line 3" in problems[0]
    assert "siret" in problems[0]
    assert "line 5" in problems[1]
    assert "line 6" in problems[2]
    assert "recette" in problems[2]
    assert workspace.store.count(withdrawn=True) == 0


def test_backends_agree(workspaces: Workspaces, backend: Backend) -> None:
    """The same records read back identically whatever the database (dates, text, codes)."""
    ws = workspaces.init()
    for record in _records():
        ws.add(record)
    for record in _records():
        got = ws.get(record.id)
        assert got.model_dump(exclude={"created_at", "updated_at"}) == record.model_dump(
            exclude={"created_at", "updated_at"}
        )
        assert got.created_at.utcoffset() is not None
