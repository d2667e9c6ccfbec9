"""Personal data: finding a person, the right of access, erasure that sticks and keeps figures."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import MetaData, Table, create_engine, select, text
from sqlalchemy.pool import NullPool

from rrma_core import Workspace
from rrma_core.manage import (
    AmbiguousPerson,
    ManagementError,
    add_member,
    create_space,
    find_persons,
    forget,
    mark_attendance,
    person_data,
    record_meeting,
    register,
)
from rrma_core.models import Actor, Event, Person, Training
from rrma_core.models._base import utcnow
from rrma_core.storage import SCHEMA_VERSION
from rrma_core.storage._schema import metadata
from rrma_core.storage._store import sync_runs_t

from .conftest import Opener

AWA = {"name": "Awa Diop", "email": "awa.diop@example.org"}
NEEDLES = ("awa diop", "awa.diop@example.org")


def _people(ws: Workspace) -> None:
    """Awa Diop is a contact, a trainee, a meeting participant, and named in an event's text."""
    actor = ws.get("actor-terre-partage")
    ws.update(actor.model_copy(update={"contacts": [Person(**AWA, role="présidente")]}))
    create_space(ws, id="space-senegal", name="Groupe pays Sénégal", space_kind="geographic",
                 countries=["SN"], regions=["84"])  # fmt: skip
    add_member(ws, "space-senegal", "actor-terre-partage", since=date(2026, 1, 10))
    record_meeting(ws, "space-senegal", id="m1", start=date(2026, 3, 12), title="Lancement",
                   participants=[AWA, {"name": "Jean Martin"}])  # fmt: skip
    ws.add(Training.parse({
        "id": "training-ecsi", "title": "Animer une action d'ECSI", "training_format": "online",
        "hours": 7, "sessions": [{"id": "s1", "start": "2026-04-02", "capacity": 10}],
    }))  # fmt: skip
    register(ws, "training-ecsi", "s1", AWA)
    register(ws, "training-ecsi", "s1", "Jean Martin", email="jean.martin@example.org")
    mark_attendance(ws, "training-ecsi", "s1", "awa.diop@example.org", hours=7)
    ws.add(Event.parse({
        "id": "event-temoignage", "title": "Témoignage d'Awa Diop sur la Casamance",
        "description": "Rencontre avec AWA DIOP (awa.diop@example.org).",
        "occurrences": [{"start": "2026-04-20T18:00:00+02:00"}],
    }))  # fmt: skip
    with ws.store.transaction() as conn:  # a sync error that quoted her e-mail
        conn.execute(sync_runs_t.insert().values(
            source="agenda", started_at=utcnow(), finished_at=utcnow(), status="failed",
            error="line 4: 'awa.diop@example.org' is not accepted",
        ))  # fmt: skip


def test_persons_are_found_by_id_email_or_name(ws: Workspace) -> None:
    _people(ws)
    awa_id = Person(**AWA).id
    for query in ("awa.diop@example.org", "AWA.DIOP@example.org", "awa diop", awa_id):
        (match,) = find_persons(ws, query)
        assert match.person_id == awa_id
        assert [(a.record_id, a.path) for a in match.appearances] == [
            ("actor-terre-partage", "contacts[0]"),
            ("space-senegal", "meetings[m1].participants[0]"),
            ("training-ecsi", "sessions[s1].registrations[0].trainee"),
        ]
    assert find_persons(ws, "Personne Inconnue") == []
    # Two "Jean Martin" (one without e-mail, one with): a name is ambiguous, an e-mail is not.
    with pytest.raises(AmbiguousPerson, match=r"2 persons match 'jean martin'.*space-senegal"):
        person_data(ws, "jean martin")
    assert len(find_persons(ws, "jean.martin@example.org")) == 1
    with pytest.raises(ManagementError, match=r"no person matches 'Personne Inconnue'"):
        forget(ws, "Personne Inconnue")


def test_access_gives_every_place_and_value(ws: Workspace) -> None:
    _people(ws)
    data = person_data(ws, "Awa Diop")
    json.dumps(data)  # JSON-serialisable
    assert data["persons"] == [
        {"id": Person(**AWA).id, "names": ["Awa Diop"], "emails": ["awa.diop@example.org"]}
    ]
    by_path = {(r["record_id"], r["path"]): r for r in data["records"]}
    assert len(by_path) == 3
    contact = by_path["actor-terre-partage", "contacts[0]"]
    assert contact["person"]["role"] == "présidente"
    assert contact["context"]["name"] == "Terre et Partage Rhône"
    trainee = by_path["training-ecsi", "sessions[s1].registrations[0].trainee"]
    assert trainee["context"]["status"] == "attended"
    assert trainee["context"]["hours_attended"] == 7.0
    meeting = by_path["space-senegal", "meetings[m1].participants[0]"]
    assert meeting["context"]["title"] == "Lancement"
    assert meeting["context"]["attendance"] == 2


def _all_text(ws: Workspace) -> str:
    """Every value of every row of every table, as one lower-case text."""
    found = []
    with ws.store.engine.connect() as conn:
        reflected = MetaData()
        reflected.reflect(conn)
        assert set(metadata.tables) <= set(reflected.tables)
        for table in reflected.sorted_tables:
            for row in conn.execute(select(table)):
                found.append(" ".join(str(v) for v in row))
    return "\n".join(found).casefold()


def _figures(ws: Workspace) -> list[Any]:
    frames = [
        ws.indicator(key)
        for key in ("trainings.by_format", "spaces.by_kind", "spaces.members_by_actor_type")
    ]
    # NaN (a mean of nothing) is not equal to itself: compare it as None.
    return [f.astype(object).where(f.notna(), None).to_dict("records") for f in frames]


def test_forget_erases_everywhere_and_keeps_the_figures(ws: Workspace) -> None:
    _people(ws)
    before = _figures(ws)
    assert all(n in _all_text(ws) for n in NEEDLES)
    report = forget(ws, "awa.diop@example.org")
    assert report.person_ids == [Person(**AWA).id]
    changed = {r.record_id: (r.paths, r.mentions) for r in report.records}
    assert changed == {
        "actor-terre-partage": (["contacts[0]"], 0),
        "space-senegal": (["meetings[m1].participants[0]"], 0),
        "training-ecsi": (["sessions[s1].registrations[0].trainee"], 0),
        "event-temoignage": ([], 3),  # the title, and the name and e-mail in the description
    }
    assert report.cleaned == {"sync_runs.error": 1}
    assert report.leftovers == []
    text_now = _all_text(ws)
    assert not [n for n in NEEDLES if n in text_now]
    assert "jean martin" in text_now  # nobody else was touched
    # The figures are the same; the registration stays, attended, without its trainee.
    assert _figures(ws) == before
    training = ws.get("training-ecsi")
    assert isinstance(training, Training)
    first = training.session("s1").registrations[0]
    assert (first.trainee, first.status.value, first.hours_attended) == (None, "attended", 7.0)
    event = ws.get("event-temoignage")
    assert str(event.title) == "Témoignage d'[erased] sur la Casamance"  # type: ignore[attr-defined]
    assert find_persons(ws, "Awa Diop") == []
    with pytest.raises(ManagementError, match=r"that id was erased already"):
        forget(ws, Person(**AWA).id)
    if ws.store.is_sqlite:  # not even in the file's free pages or the write-ahead log
        for path in ws.root.glob("rrma.db*"):
            raw = path.read_bytes().lower()
            assert b"awa.diop@example.org" not in raw, path
            assert b"awa diop" not in raw, path


def test_an_erased_person_does_not_come_back_by_import_or_sync(
    ws: Workspace, httpserver: HTTPServer, tmp_path: Path
) -> None:
    _people(ws)
    exported = tmp_path / "backup.jsonl"
    with exported.open("w", encoding="utf-8") as out:  # a backup made before the erasure
        ws.export_jsonl(out, personal_data=True)
    contact_actor = ws.get("actor-terre-partage").model_dump(mode="json")
    forget(ws, "Awa Diop")
    before = _figures(ws)

    with exported.open(encoding="utf-8") as lines:
        count, problems = ws.import_jsonl(lines)
    assert (problems, count > 0) == ([], True)
    # A source that still delivers her, in a known record and in a new one.
    new_actor = {"id": "actor-casamance", "name": "Casamance Échanges",
                 "actor_type": "association", "contacts": [AWA]}  # fmt: skip
    body = "\n".join(json.dumps(d, ensure_ascii=False) for d in (contact_actor, new_actor))
    httpserver.expect_request("/annuaire.jsonl").respond_with_data(
        body, content_type="application/x-ndjson"
    )
    ws.add_source("annuaire", "jsonl", url=httpserver.url_for("/annuaire.jsonl"), model="Actor")
    assert ws.sync().ok
    assert find_persons(ws, "awa.diop@example.org") == []
    assert isinstance(ws.get("actor-casamance"), Actor)
    with ws.store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, data FROM records WHERE record_type <> 'event'")).all()
    # Three hand-entered actors, the two the source delivers (its own ids), space, training.
    assert len(rows) == 7
    assert not [i for i, data in rows if "awa" in data.casefold()]
    # (The event's free text came back with the backup: the register holds ids, not text.)
    assert _figures(ws)[0] == before[0]


def test_version_2_database_gets_the_register(opener: Opener, ws: Workspace) -> None:
    url = ws.store.url
    ws.close()
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE erased_persons"))
            conn.execute(text("UPDATE rrma_meta SET value = '2' WHERE key = 'schema_version'"))
    finally:
        engine.dispose()
    upgraded = opener.open()
    assert upgraded.store.schema_version() == SCHEMA_VERSION == 3
    _people(upgraded)
    forget(upgraded, "Awa Diop")
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            table = Table("erased_persons", MetaData(), autoload_with=conn)
            rows = conn.execute(select(table.c.person_id)).scalars().all()
    finally:
        engine.dispose()
    assert rows == [Person(**AWA).id]


def test_forget_leaves_other_names_alone(ws: Workspace) -> None:
    """A one-word name is erased from the person fields, not from free text, where it is as
    likely part of another name; a full name is erased only as a whole word."""
    ws.add(Actor(id="actor-paul", name="Asso Paul", actor_type="association",
                 contacts=[Person(name="Paul")]))  # fmt: skip
    ws.add(Actor(id="actor-saint-paul", name="Amis de Saint-Paul", actor_type="association",
                 description={"fr": "Fondée à Saint-Paul avec Jean-Awa Diop-Sarr."},
                 head_office={"address": {"city": "Saint-Paul",
                                          "postal_code": "97460"}}))  # fmt: skip
    ws.add(Actor(id="actor-awa", name="Asso Awa", actor_type="association",
                 contacts=[Person(**AWA)]))  # fmt: skip
    report = forget(ws, "Paul")
    assert {r.record_id: (r.paths, r.mentions) for r in report.records} == {
        "actor-paul": (["contacts[0]"], 0)
    }
    report = forget(ws, "Awa Diop")
    assert {r.record_id: (r.paths, r.mentions) for r in report.records} == {
        "actor-awa": (["contacts[0]"], 0)
    }
    other = ws.get("actor-saint-paul")
    assert isinstance(other, Actor)
    assert other.name == "Amis de Saint-Paul"
    assert str(other.description) == "Fondée à Saint-Paul avec Jean-Awa Diop-Sarr."
    assert other.head_office is not None
    assert other.head_office.address is not None
    assert other.head_office.address.city == "Saint-Paul"
    assert ws.get("actor-paul").contacts == []  # type: ignore[attr-defined]
