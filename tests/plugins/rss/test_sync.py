"""The ``rss`` connector through the engine: a workspace, its store, its command line.

The feed is served by a real local HTTP server whose answers change between syncs, as a
funder's site does: a new version of a call, an entry leaving the feed, an ETag, a login
page instead of the feed.
"""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest
import tomli_w
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.models import Actor
from rrma_core.testing import sync_source
from rrma_rss import RssConnector

from .conftest import RSS, sample

FUNDER = "Région Auvergne-Rhône-Alpes"
LOGIN_PAGE = b"<!DOCTYPE html><html><head><title>Connexion</title></head><body></body></html>"


class Site:
    """A funder's site: serves the current body of its feed, with an ETag."""

    def __init__(self, server: HTTPServer, body: bytes) -> None:
        self.body = body
        self.content_type = RSS
        self.requests = 0
        server.expect_request("/cooperation/appels-a-projets/feed/").respond_with_handler(
            self.answer
        )
        self.url = server.url_for("/cooperation/appels-a-projets/feed/")

    @property
    def etag(self) -> str:
        return f'"{hash(self.body) & 0xFFFFFFFF:x}"'

    def answer(self, request: Request) -> Response:
        self.requests += 1
        if request.headers.get("If-None-Match") == self.etag:
            return Response(status=304, headers={"ETag": self.etag})
        return Response(self.body, content_type=self.content_type, headers={"ETag": self.etag})


@pytest.fixture
def site(httpserver: HTTPServer) -> Site:
    return Site(httpserver, sample("demo.xml"))


def test_syncs_calls_into_a_workspace_and_queries_them(site: Site, tmp_path: Path) -> None:
    report, ws = sync_source(tmp_path / "ws", RssConnector, url=site.url, funder=FUNDER)
    with ws:
        assert report.ok, report.to_dict()
        (source,) = report.sources
        assert (source.fetched, source.new, source.skipped) == (5, 5, [])

        everything = ws.calls()
        assert len(everything) == 5
        # closing soonest first
        assert str(everything[0].title) == "Appel à projets « Solidarité internationale » 2027"
        assert str(everything[1].title).startswith("Appel à projets ECSI")
        open_mid_january = ws.calls(open_on=date(2027, 1, 20))
        assert {str(c.title)[:20] for c in open_mid_january} == {
            "Appel à projets ECSI",
            "Fonds d’appui aux pr",
            "Coopération décentra",
            "Appel à manifestatio",
        }
        assert [str(c.title) for c in ws.calls(eligible="osim")] == [
            "Fonds d’appui aux projets des OSIM 2027"
        ]
        assert len(ws.calls(theme="eau")) == 1
        assert len(ws.calls(sdg=16)) == 2
        assert len(ws.calls(funder="agence francaise de developpement (afd)")) == 1
        first = ws.calls(eligible="school", theme="ecsi")[0]
        assert first.provenance[0].source == "test"
        assert first.provenance[0].source_id == (
            "https://www.auvergnerhonealpes.example.fr/cooperation/?p=4230"
        )

        # unchanged: the server answers 304, nothing is parsed or written
        again = ws.sync()
        assert again.sources[0].status == "not-modified"

        # a new version of one call; another call leaves the feed (feeds show the latest
        # entries only: it is kept, not withdrawn)
        body = sample("demo.xml").decode()
        start = body.index("  <item>\n    <title>Appel à manifestation")
        body = body[:start] + body[body.index("</channel>") :]
        site.body = body.replace("15 janvier 2027 à 12h", "29 janvier 2027 à 12h").encode()
        third = ws.sync()
        assert third.ok, third.to_dict()
        assert (third.sources[0].updated, third.sources[0].unchanged) == (1, 3)
        assert third.sources[0].withdrawn == 0
        assert len(ws.calls()) == 5
        changed = next(c for c in ws.calls() if "Solidarité internationale" in str(c.title))
        assert changed.deadline is not None
        assert changed.deadline.isoformat() == "2027-01-29T12:00:00+01:00"


def test_a_source_that_stops_being_a_feed_keeps_its_calls(site: Site, tmp_path: Path) -> None:
    report, ws = sync_source(tmp_path / "ws", RssConnector, url=site.url)
    with ws:
        assert report.ok
        for body, content_type, reason in (
            (LOGIN_PAGE, "text/html; charset=utf-8", "returned an HTML page"),
            (b"", RSS, "returned an empty body"),
            (sample("demo.xml")[:3000], RSS, "does not end with </rss>"),
        ):
            site.body, site.content_type = body, content_type
            failed = ws.sync()
            assert not failed.ok
            assert failed.sources[0].status == "failed"
            assert reason in (failed.sources[0].error or "")
            assert len(ws.calls()) == 5
            assert ws.calls(include_withdrawn=True) == ws.calls()


def test_funders_found_in_the_directory_are_linked(site: Site, tmp_path: Path) -> None:
    ws = Workspace.init(tmp_path / "ws", name="Réseau test", region="84")
    with ws:
        afd = ws.add(
            Actor(name="Agence française de développement (AFD)", actor_type="public-body")
        )
        ws.config.workspace.allow_private_addresses = True
        ws.add_source("aap-region", "rss", url=site.url, funder=FUNDER)
        assert ws.sync().ok
        (osim,) = ws.calls(eligible="osim")
        assert [(f.id, f.name) for f in osim.funders] == [
            (None, FUNDER),
            (afd.id, "Agence française de développement (AFD)"),
        ]


def test_rrma_sync_from_the_command_line(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "reseau"
    main(["-w", str(folder), "init", "--name", "Réseau test", "--region", "84"])
    config_path = folder / "rrma.toml"
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    config["workspace"]["allow_private_addresses"] = True  # the feed is on this machine
    config_path.write_text(tomli_w.dumps(config), encoding="utf-8")
    main(
        ["-w", str(folder), "sources", "add", "aap-region", "rss",
         "-o", f"url={site.url}", "-o", f"funder={FUNDER}"]
    )  # fmt: skip
    capsys.readouterr()
    main(["-w", str(folder), "sync"])
    out = capsys.readouterr().out
    assert "aap-region" in out
    main(["-w", str(folder), "calls", "--eligible", "osim", "--format", "json"])
    (osim,) = json.loads(capsys.readouterr().out)
    assert osim["title"] == {"fr": "Fonds d’appui aux projets des OSIM 2027"}
    assert osim["deadline"] == "2027-03-31"

    site.body, site.content_type = LOGIN_PAGE, "text/html"
    with pytest.raises(SystemExit) as exit_:
        main(["-w", str(folder), "sync"])
    assert exit_.value.code == 1  # a source failed
    printed = " ".join(capsys.readouterr().out.split())
    assert "failed aap-region:" in printed
    assert "returned an HTML page, not an RSS or Atom feed" in printed


@pytest.mark.postgres
def test_syncs_into_postgresql(site: Site, tmp_path: Path, postgres_url: str) -> None:
    Workspace.init(tmp_path / "ws", name="Réseau test", region="84").close()
    with Workspace.open(tmp_path / "ws", database=postgres_url) as ws:
        ws.config.workspace.allow_private_addresses = True
        ws.add_source("aap-region", "rss", url=site.url, funder=FUNDER)
        report = ws.sync()
        assert report.ok, report.to_dict()
        assert report.sources[0].new == 5
        assert [str(c.title) for c in ws.calls(eligible="osim")] == [
            "Fonds d’appui aux projets des OSIM 2027"
        ]
        assert ws.sync().sources[0].status == "not-modified"
