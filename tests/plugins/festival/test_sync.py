"""End to end: programmes synced into a workspace, organisers matched or created, the file
as the whole programme, and the same on PostgreSQL and through ``rrma sync``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.models import Actor, Event
from rrma_core.testing import sync_source
from rrma_festival import FestivalConnector

from .conftest import BROKEN, SAMPLES

PROGRAMME = "programmes/alimenterre-2026.csv"
SOURCE = {"campaign": "alimenterre", "edition": 2026}


def workspace(root: Path, database: str | None = None) -> Workspace:
    """A workspace holding the ALIMENTERRE sample in ``programmes/``, with its source."""
    (root / "programmes").mkdir(parents=True, exist_ok=True)
    shutil.copy(SAMPLES / "alimenterre-2026.csv", root / PROGRAMME)
    Workspace.init(root, name="RESACOOP", region="84").close()
    ws = Workspace.open(root, database=database)
    ws.add_source("alimenterre-2026", "festival", path=PROGRAMME, **SOURCE)
    return ws


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with workspace(tmp_path / "resacoop") as opened:
        yield opened


def rewrite(ws: Workspace, old: str, new: str) -> None:
    """Edit the programme file as a coordinator would (it stays Windows-1252)."""
    path = ws.root / PROGRAMME
    text = path.read_bytes().decode("cp1252")
    assert old in text
    path.write_bytes(text.replace(old, new).encode("cp1252"))


def test_a_programme_syncs_into_events_of_the_edition(ws: Workspace) -> None:
    report = ws.sync()
    assert report.ok, report.to_dict()
    source = report.sources[0]
    assert source.skipped == []
    assert source.new == 14 + 11  # the events, and the organisers no stored actor matched
    events = ws.events(campaign="alimenterre")
    assert len(events) == 14
    assert ws.events(campaign="alimenterre-2026") == events
    assert ws.events(campaign="festisol") == []
    assert len(ws.events(kind="projection-debat")) == 9
    assert {e.campaign_edition for e in events} == {"alimenterre-2026"}


def test_every_organiser_resolves_to_a_stored_actor(ws: Workspace) -> None:
    ws.sync()
    for event in ws.events():
        assert event.organisers
        for ref in event.organisers:
            assert ref.id is not None
            actor = ws.get(ref.id)
            assert isinstance(actor, Actor)
            assert actor.name == ref.name
    terre = {a.name: a for a in ws.actors()}["Terre et Partage"]
    assert (terre.actor_type, terre.siret, terre.rna) == (
        "association",
        "81588139691188",
        "W691012345",
    )
    assert terre.email == "contact@terre-et-partage.example.org"  # a generic address
    sahel = {a.name: a for a in ws.actors()}["Solidarité Sahel Isère"]
    assert sahel.email is None  # "Claire Martin – 06 12 34 56 78" is a person: not kept
    assert {a.name: a.actor_type for a in ws.actors()}["Ville de Valence"] == "local-authority"
    assert {a.name: a.actor_type for a in ws.actors()}["Collectif Alimentation Durable Annecy"] == (
        "other"
    )


def test_no_personal_contact_is_stored_anywhere(ws: Workspace) -> None:
    ws.sync()
    stored = " ".join(r.model_dump_json() for r in [*ws.events(), *ws.actors()])
    assert "Claire Martin" not in stored
    assert "06 12 34 56 78" not in stored


def test_organisers_already_in_the_directory_are_matched(ws: Workspace) -> None:
    by_siret = ws.add(
        Actor(name="Terre & Partage (Lyon)", actor_type="association", siret="81588139691188")
    )
    by_name = ws.add(Actor(name="SOLIDARITÉ SAHEL – ISÈRE", actor_type="association"))
    report = ws.sync()
    assert report.sources[0].new == 14 + 9  # two organisers fewer to create
    refs = {ref.id: ref.name for e in ws.events() for ref in e.organisers}
    assert refs[by_siret.id] == "Terre & Partage (Lyon)"
    assert refs[by_name.id] == "SOLIDARITÉ SAHEL – ISÈRE"
    assert "Terre et Partage" not in {a.name for a in ws.actors()}
    assert ws.get(by_siret.id) == by_siret  # the directory's record is left as it was


def test_a_second_sync_of_the_same_file_changes_nothing(ws: Workspace) -> None:
    ws.sync()
    again = ws.sync().sources[0]
    assert (again.new, again.updated, again.withdrawn) == (0, 0, 0)
    assert again.unchanged == 25  # the organisers created last time are delivered again
    assert len(ws.actors()) == 11


def test_the_file_is_the_whole_programme(ws: Workspace) -> None:
    ws.sync()
    # One row removed, one séance moved to another time, one description corrected.
    rewrite(
        ws,
        "Ciné-débat « La Terre en partage »;19/11/2026;20h;22h;;Cinéma Le Navire;9 boulevard "
        "d’Alsace;26000;Valence;Ville de Valence;;;Collectivité territoriale;La Terre en partage;"
        "Ciné-débat;Grand public;4,50 €;;;;https://ville.example.org/valence/alimenterre\r\n",
        "",
    )
    rewrite(
        ws,
        "Ciné-goûter « Le Prix du cacao »;samedi 28 novembre 2026;15h;17h",
        ("Ciné-goûter « Le Prix du cacao »;samedi 28 novembre 2026;14h30;16h30"),
    )
    rewrite(ws, "Goûter équitable offert", "Goûter bio et équitable offert")
    report = ws.sync().sources[0]
    assert report.ok, report.to_dict()
    # The moved séance is a new event (its day and time are its identity); the old one and
    # the removed one are withdrawn, with the organiser only the removed row had.
    assert (report.new, report.updated, report.withdrawn) == (1, 0, 3)
    titles = [str(e.title) for e in ws.events()]
    assert "Ciné-débat « La Terre en partage »" not in titles
    assert "Ville de Valence" not in {a.name for a in ws.actors()}
    withdrawn = ws.events(include_withdrawn=True)
    assert len(withdrawn) == 15
    goûter = [e for e in ws.events() if str(e.title) == "Ciné-goûter « Le Prix du cacao »"]
    assert [str(e.description) for e in goûter] == [
        "Goûter bio et équitable offert après la projection."
    ]


def test_a_description_change_updates_the_event(ws: Workspace) -> None:
    ws.sync()
    rewrite(ws, "Goûter équitable offert", "Goûter bio et équitable offert")
    report = ws.sync().sources[0]
    assert (report.new, report.updated, report.withdrawn) == (0, 1, 0)


def test_a_broken_file_keeps_the_stored_programme(ws: Workspace) -> None:
    ws.sync()
    for broken in ("html-instead-of-csv.csv", "header-only.csv", "truncated-download.xlsx"):
        shutil.copy(BROKEN / broken, ws.root / PROGRAMME)
        report = ws.sync().sources[0]
        assert report.status == "failed"
        assert report.error is not None
        assert PROGRAMME in report.error
        assert len(ws.events()) == 14
        assert len(ws.actors()) == 11


def test_bad_rows_are_reported_and_the_others_come_in(ws: Workspace) -> None:
    rewrite(
        ws,
        "Marché paysan et solidaire;samedi 14 novembre 2026",
        ("Marché paysan et solidaire;mardi 14 novembre 2026"),
    )
    rewrite(
        ws,
        "Cinéma Le Navire;9 boulevard d’Alsace;26000;Valence;Ville de Valence;",
        ("Cinéma Le Navire;9 boulevard d’Alsace;2600;Valence;Ville de Valence;12345678901234"),
    )
    report = ws.sync().sources[0]
    assert report.ok
    assert [str(s) for s in report.skipped] == [
        "ligne 11: colonne « Date » : le 14/11/2026 est un samedi, pas un mardi "
        "('mardi 14 novembre 2026')"
    ]
    assert [str(w) for w in report.warnings] == [
        "ligne 13: colonne « SIRET » : '12345678901234' n'est pas un SIRET valable (laissée vide)"
    ]
    assert len(ws.events()) == 13
    valence = [e for e in ws.events() if str(e.title) == "Ciné-débat « La Terre en partage »"]
    assert valence[0].venue is not None
    assert valence[0].venue.address is not None
    assert valence[0].venue.address.postal_code == "02600"  # 4 digits: Excel's lost zero


def test_a_renamed_organiser_keeps_its_actor(ws: Workspace) -> None:
    ws.sync()
    before = {a.name: a.id for a in ws.actors()}["Terre et Partage"]
    rewrite(ws, ";Terre et Partage;81588139691188", ";Terre & Partage Lyon;81588139691188")
    report = ws.sync().sources[0]
    assert report.withdrawn == 0  # found by its SIRET: the same actor, delivered again
    refs = {ref.id for e in ws.events() for ref in e.organisers}
    assert before in refs
    assert ws.get(before).withdrawn_at is None


def test_an_unchanged_programme_url_is_not_read_again(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    body = (SAMPLES / "demo.csv").read_bytes()

    def answer(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(body, content_type="text/csv", headers={"ETag": '"v1"'})

    httpserver.expect_request("/festisol.csv").respond_with_handler(answer)
    report, ws = sync_source(
        tmp_path / "ws",
        FestivalConnector,
        url=httpserver.url_for("/festisol.csv"),
        campaign="festisol",
        edition=2026,
    )
    with ws:
        assert report.ok
        assert report.sources[0].new == 11 + 8
        second = ws.sync().sources[0]
        assert second.status == "not-modified"
        assert len(ws.events(campaign="festisol-2026")) == 11


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "ws"
    assert main(["init", str(root), "--name", "RESACOOP", "--region", "84"]) in (0, None)
    (root / "programmes").mkdir()
    shutil.copy(SAMPLES / "alimenterre-2026.csv", root / PROGRAMME)
    options = ["-o", f"path={PROGRAMME}", "-o", "campaign=alimenterre", "-o", "edition=2026"]
    assert main(["-w", str(root), "sources", "add", "alimenterre", "festival", *options]) in (
        0,
        None,
    )
    assert main(["-w", str(root), "sync"]) in (0, None)
    out = root / "programme-regional.csv"
    main(["-w", str(root), "export", "festival-csv", "-o", str(out), "-O", "campaign=alimenterre"])
    assert "Exported 14 records" in capsys.readouterr().err
    assert out.read_bytes().startswith(b"\xef\xbb\xbfTitre;Date;Heure de d\xc3\xa9but;")


# --- PostgreSQL --------------------------------------------------------------------------


@pytest.mark.postgres
def test_a_programme_syncs_on_postgresql(tmp_path: Path, postgres_url: str) -> None:
    with workspace(tmp_path / "ws", database=postgres_url) as ws:
        report = ws.sync()
        assert report.ok, report.to_dict()
        events = ws.events(campaign="alimenterre")
        assert len(events) == 14
        for ref in (ref for e in events for ref in e.organisers):
            assert isinstance(ws.get(ref.id or ""), Actor)
        assert ws.sync().sources[0].unchanged == 25
        assert isinstance(events[0], Event)
