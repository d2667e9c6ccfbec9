"""The store: schema versions and upgrades, SQL-queryable fields, SQLite's WAL settings."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, insert, inspect, select, text, update
from sqlalchemy.pool import NullPool

from rrma_core import Workspace
from rrma_core.errors import StorageError
from rrma_core.models import Actor, CallForProjects, Event
from rrma_core.storage import SCHEMA_VERSION, index_record, tables_v1
from rrma_core.storage._store import meta_t

from ._helpers import Feed, actor, call, event
from .conftest import Backend, Workspaces

CURRENT_TABLES = {
    "rrma_meta",
    "records",
    "record_terms",
    "occurrences",
    "provenance",
    "sources",
    "sync_runs",
}


def _url(backend: Backend, spaces: Workspaces) -> str:
    return backend.database or f"sqlite:///{spaces.root / 'rrma.db'}"


def test_new_database_gets_the_current_schema_version(
    workspace: Workspace, workspaces: Workspaces, backend: Backend
) -> None:
    assert workspace.store.schema_version() == SCHEMA_VERSION
    engine = create_engine(_url(backend, workspaces), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= CURRENT_TABLES
            version = conn.execute(
                text("SELECT value FROM rrma_meta WHERE key = 'schema_version'")
            ).scalar()
        assert version == str(SCHEMA_VERSION)
    finally:
        engine.dispose()


def test_default_database_is_a_file_in_the_workspace(sqlite_workspace: Workspace) -> None:
    assert (sqlite_workspace.root / "rrma.db").is_file()
    assert sqlite_workspace.store.url == f"sqlite:///{sqlite_workspace.root / 'rrma.db'}"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(sqlite_workspace: Workspace) -> None:
    with sqlite_workspace.store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _v1_database(url: str) -> tuple[Event, Actor]:
    """A database as the first schema made it, holding an event, an actor and a source."""
    v1 = tables_v1()
    assert "sync_runs" not in v1.tables
    engine = create_engine(url, poolclass=NullPool)
    created = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    stored_event = Event.parse(
        event(
            None,
            "Rencontre régionale de la coopération internationale",
            start="2099-06-12T09:00:00+02:00",
            commune="69123",
            kind="rencontre",
            themes=["eau"],
            sdgs=[6],
        )
        | {"id": "event-rencontre-2099", "created_at": created, "updated_at": created}
    )
    stored_actor = Actor.parse(
        actor(None, "Les Amis du Sahel", commune="38185", countries=["BF"], sdgs=[6])
        | {"id": "actor-amis-du-sahel", "created_at": created, "updated_at": created}
    )
    paris = ZoneInfo("Europe/Paris")
    try:
        with engine.begin() as conn:
            v1.create_all(conn)
            t = v1.tables
            conn.execute(insert(t["rrma_meta"]).values(key="schema_version", value="1"))
            for record in (stored_event, stored_actor):
                indexed = index_record(record, paris)
                conn.execute(
                    insert(t["records"]).values(
                        id=record.id,
                        record_type=record.record_type,
                        data=record.model_dump_json(),
                        content_hash=record.content_hash(),
                        created_at=record.created_at,
                        updated_at=record.updated_at,
                        withdrawn_at=None,
                        **indexed.columns,
                    )
                )
                for facet, code in sorted(indexed.terms):
                    conn.execute(
                        insert(t["record_terms"]).values(
                            record_id=record.id, facet=facet, code=code
                        )
                    )
                for seq, (start, end, all_day) in enumerate(indexed.occurrences):
                    conn.execute(
                        insert(t["occurrences"]).values(
                            record_id=record.id,
                            seq=seq,
                            start_at=start,
                            end_at=end,
                            all_day=all_day,
                        )
                    )
            conn.execute(
                insert(t["sources"]).values(
                    name="agenda-v1",
                    connector="jsonl",
                    state='{"cursor": 41}',
                    validators="{}",
                    since=created,
                    last_status="ok",
                )
            )
    finally:
        engine.dispose()
    return stored_event, stored_actor


def test_version_1_database_is_upgraded_on_open_keeping_its_data(
    workspaces: Workspaces, backend: Backend, serve: Callable[..., Feed]
) -> None:
    Workspace.init(workspaces.root, name="Réseau Test", region="84").close()
    if backend.database is None:  # replace the file init made by one of the first schema
        for leftover in workspaces.root.glob("rrma.db*"):
            leftover.unlink()
    url = _url(backend, workspaces)
    stored_event, stored_actor = _v1_database(url)

    ws = workspaces.open()
    assert ws.store.schema_version() == SCHEMA_VERSION
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            assert inspect(conn).has_table("sync_runs")
            assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 2
    finally:
        engine.dispose()
    # The old rows read back as they were, and their indexes still answer queries.
    assert ws.get("event-rencontre-2099") == stored_event
    assert ws.get("actor-amis-du-sahel") == stored_actor
    assert [e.id for e in ws.events(departement="69", theme="eau", sdg=6)] == [
        "event-rencontre-2099"
    ]
    assert [a.id for a in ws.actors(departement="38", country="BF")] == ["actor-amis-du-sahel"]
    (old_source,) = ws.store.sources()
    assert (old_source.name, old_source.state) == ("agenda-v1", {"cursor": 41})
    # The version-2 table works: a sync records its run.
    feed = serve("/agenda.jsonl", [event("e1", "Ciné-débat « Nourrir »")])
    ws.add_source("agenda", "jsonl", url=feed.url)
    assert ws.sync().ok
    assert [run["source"] for run in ws.store.runs()] == ["agenda"]
    # Opening again does not migrate twice.
    ws.close()
    assert workspaces.open().store.schema_version() == SCHEMA_VERSION


def test_database_of_a_newer_schema_is_refused(
    workspace: Workspace, workspaces: Workspaces, backend: Backend
) -> None:
    workspace.add(CallForProjects.parse(call("call-ecsi", "Appel ECSI 2099")))
    with workspace.store.transaction() as conn:
        conn.execute(
            update(meta_t)
            .where(meta_t.c.key == "schema_version")
            .values(value=str(SCHEMA_VERSION + 1))
        )
    workspace.close()

    newer = workspaces.open()
    with pytest.raises(StorageError, match=rf"schema version {SCHEMA_VERSION + 1}.*newer"):
        newer.store  # noqa: B018
    # Refusing changed nothing: the version and the data are as the newer program left them.
    engine = create_engine(_url(backend, workspaces), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(meta_t.c.value)).scalar() == str(SCHEMA_VERSION + 1)
            assert conn.execute(text("SELECT id FROM records")).scalars().all() == ["call-ecsi"]
    finally:
        engine.dispose()


def test_fields_people_filter_on_are_queryable_in_sql(workspace: Workspace) -> None:
    workspace.add(
        Event.parse(
            event(
                None,
                "Projection-débat « Les damnés de la terre »",
                start="2099-11-14T20:00:00+01:00",
                commune="63113",
                themes=["agriculture", "Santé"],
                sdgs=["ODD 2"],
                campaign="alimenterre-2099",
            )
            | {"id": "event-clermont"}
        )
    )
    workspace.add(
        CallForProjects.parse(
            call(
                None,
                "Appel à projets Eau et assainissement",
                deadline="2099-03-15",
                themes=["eau"],
                countries=["SN", "MG"],
                sdgs=[6],
            )
            | {"id": "call-eau"}
        )
    )
    workspace.add(
        Actor.parse(
            actor(None, "Ville de Grenoble", actor_type="local-authority", commune="38185")
            | {"id": "actor-grenoble", "local_authority_level": "commune"}
        )
    )
    with workspace.store.engine.connect() as conn:

        def ids(sql: str, **params: object) -> list[str]:
            return sorted(conn.execute(text(sql), params).scalars())

        assert ids(
            "SELECT id FROM records WHERE record_type = 'event' AND region = '84' "
            "AND departement = '63' AND commune = '63113' AND category = 'projection-debat' "
            "AND campaign_edition = 'alimenterre-2099' AND start_at >= :after",
            after=datetime(2099, 11, 1),
        ) == ["event-clermont"]
        assert ids(
            "SELECT id FROM records WHERE record_type = 'call' AND deadline > :day",
            day=datetime(2099, 3, 15, 12),
        ) == ["call-eau"]
        assert ids("SELECT id FROM records WHERE category = 'local-authority'") == [
            "actor-grenoble"
        ]
        assert ids(
            "SELECT record_id FROM record_terms WHERE facet = 'theme' AND code = 'sante'"
        ) == ["event-clermont"]
        assert ids("SELECT record_id FROM record_terms WHERE facet = 'sdg' AND code = '6'") == [
            "call-eau"
        ]
        assert ids(
            "SELECT record_id FROM record_terms WHERE facet = 'country' AND code = 'MG'"
        ) == ["call-eau"]
        assert ids(
            "SELECT record_id FROM record_terms WHERE facet = 'funder' "
            "AND code = 'agence francaise de developpement'"
        ) == ["call-eau"]
        assert ids(
            "SELECT record_id FROM occurrences WHERE end_at > :t", t=datetime(2099, 1, 1)
        ) == ["event-clermont"]


def test_a_read_does_not_take_the_write_lock(sqlite_workspace: Workspace) -> None:
    sqlite_workspace.add(CallForProjects.parse(call("call-ecsi", "Appel ECSI 2099")))
    with sqlite_workspace.store.engine.connect() as conn:
        # A read transaction is open (a web page listing the calls, say)...
        assert conn.execute(text("SELECT count(*) FROM records")).scalar() == 1
        # ...and another process can still start writing at once (no waiting: timeout 0).
        other = sqlite3.connect(sqlite_workspace.root / "rrma.db", timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
