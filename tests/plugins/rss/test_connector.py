"""The ``rss`` connector on the shipped samples, served by a real local HTTP server."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from rrma_core.errors import ConfigError
from rrma_core.models import CallForProjects, Resource
from rrma_core.testing import run_connector
from rrma_rss import RssConnector, RssOptions

from .conftest import RSS, Serve

FUNDER = "Région Auvergne-Rhône-Alpes"


def calls(url: str, **options: Any) -> list[CallForProjects]:
    run = run_connector(RssConnector, {"url": url, **options})
    assert run.skipped == []
    return [record for record in run.records if isinstance(record, CallForProjects)]


def test_reads_the_calls_of_a_wordpress_feed(serve: Serve) -> None:
    url = serve("/cooperation/appels-a-projets/feed/", "demo.xml")
    run = run_connector(RssConnector, {"url": url, "funder": FUNDER})
    assert run.skipped == []
    records = [record for record in run.records if isinstance(record, CallForProjects)]
    assert len(records) == len(run.records) == 5
    first, ecsi, osim, senegal, festisol = records
    assert run.source_ids[0] == "https://www.auvergnerhonealpes.example.fr/cooperation/?p=4211"
    assert str(first.title) == "Appel à projets « Solidarité internationale » 2027"
    assert first.url == (
        "https://www.auvergnerhonealpes.example.fr/cooperation/appels-a-projets/"
        "solidarite-internationale-2027/"
    )
    assert first.published_on == datetime.fromisoformat("2026-11-02T09:30:00+01:00")
    assert first.deadline == datetime.fromisoformat("2027-01-15T12:00:00+01:00")
    assert first.amount is not None
    assert (first.amount.min, first.amount.max, first.amount.rate) == (10000, 30000, 80)
    assert first.amount.text == "de 10 000 à 30 000 euros ; dans la limite de 80 % du budget"
    assert first.eligible_actor_types == ["association", "local-authority", "school"]
    assert first.themes == ["eau", "assainissement", "agriculture"]
    assert first.sdgs == [2, 6]
    assert [(f.name, f.role) for f in first.funders] == [(FUNDER, "funder")]
    description = first.description.get("fr") if first.description else ""
    assert "<script" not in description
    assert "onclick" not in description
    # the relative link is resolved against the feed's final URL (the test server)
    assert f'href="{url.split("/cooperation")[0]}/cooperation/wp-content/uploads/' in description
    assert "<li>associations loi 1901" in description

    # "clôture le 1er février", published on 10 November 2026: the next 1 February
    assert ecsi.deadline == date(2027, 2, 1)
    assert ecsi.amount is not None
    assert (ecsi.amount.min, ecsi.amount.max) == (5000, 5000)
    assert ecsi.themes == ["education", "ecsi"]
    # "Candidatures du 1er décembre 2026 au 31 mars 2027", two funders on their line
    assert (osim.opens_on, osim.deadline) == (date(2026, 12, 1), date(2027, 3, 31))
    assert osim.eligible_actor_types == ["osim"]
    assert [f.name for f in osim.funders] == [FUNDER, "Agence française de développement (AFD)"]
    assert senegal.deadline == datetime.fromisoformat("2027-03-12T12:00:00+01:00")
    assert senegal.eligible_actor_types == ["local-authority"]
    # an information meeting on 10 December is not the deadline
    assert festisol.deadline == date(2027, 4, 30)
    assert festisol.eligible_actor_types == ["association", "ess-enterprise"]
    statuses = [call.status(date(2026, 11, 27)).value for call in records]
    assert statuses == ["open", "open", "upcoming", "open", "open"]


def test_reads_an_atom_feed_with_xml_base(serve: Serve) -> None:
    url = serve("/appels/atom.xml", "atom-calls.xml", content_type="application/atom+xml")
    eau, prix, sante = calls(url)
    assert str(eau.title) == "Eau & assainissement au Sahel : appel à projets 2027"
    assert eau.url == "https://www.fonds-solidarite.example.org/appels/eau-sahel-2027"
    assert eau.deadline == date(2027, 2, 28)
    assert eau.amount is not None
    assert (eau.amount.max, eau.amount.rate) == (40000, 70)
    assert eau.eligible_actor_types == ["association", "local-authority"]
    assert eau.funders == []  # no funder named, and none set for the source
    assert eau.description is not None
    assert (
        'href="https://www.fonds-solidarite.example.org/appels/documents/cahier-des-charges'
        in eau.description.get("fr")
    )
    assert prix.deadline == datetime.fromisoformat("2027-03-15T23:59:00+01:00")
    assert prix.sdgs == [2, 5]
    # "la date limite ... est prolongée au 8 janvier 2027"
    assert sante.deadline == date(2027, 1, 8)
    assert sante.eligible_actor_types == ["association", "foundation"]


def test_reads_resources_from_rss_1_0(serve: Serve) -> None:
    url = serve("/ressources/rss", "rss1-resources.rdf", content_type="application/rdf+xml")
    run = run_connector(RssConnector, {"url": url, "kind": "resource"})
    assert run.skipped == []
    resources = [record for record in run.records if isinstance(record, Resource)]
    assert len(resources) == len(run.records) == 3
    jeu, guide, podcast = resources
    assert jeu.resource_kind == "pedagogical-tool"  # from dc:subject, a resource kind's label
    assert jeu.licence == "CC-BY-SA-4.0"  # from cc:license
    assert jeu.published_on == date(2026, 11, 16)  # from dc:date
    assert jeu.languages == ["fr"]
    assert jeu.themes == ["commerce-equitable"]
    assert (guide.resource_kind, podcast.resource_kind) == ("methodological-guide", "podcast")


def test_news_become_resources_of_kind_other_unless_told(serve: Serve) -> None:
    url = serve("/actualites/feed/", "news.xml")
    run = run_connector(RssConnector, {"url": url, "kind": "news"})
    assert [(type(r).__name__, r.resource_kind) for r in run.records] == [  # type: ignore[attr-defined]
        ("Resource", "other"),
        ("Resource", "other"),
    ]
    told = run_connector(RssConnector, {"url": url, "kind": "news", "resource_kind": "report"})
    assert {r.resource_kind for r in told.records} == {"report"}  # type: ignore[attr-defined]


def test_the_language_option_keys_the_texts(serve: Serve) -> None:
    url = serve("/feed/", "news.xml")
    run = run_connector(RssConnector, {"url": url, "kind": "news", "language": "en_GB"})
    assert run.records[0].title.languages == ["en-GB"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "url: Field required"),
        ({"url": "ftp://x.org/feed"}, "is not an http:// or https:// URL"),
        ({"url": "https://x.org/f", "kind": "event"}, "kind: Input should be"),
        ({"url": "https://x.org/f", "language": "français"}, "is not a language tag"),
        ({"url": "https://x.org/f", "funder": "  "}, "the funder's name is empty"),
        ({"url": "https://x.org/f", "resource_kind": "video"}, "only applies to kind"),
        ({"url": "https://x.org/f", "kind": "news", "funder": "AFD"}, "only applies to kind"),
        ({"url": "https://x.org/f", "max_items": 0}, "max_items"),
        ({"url": "https://x.org/f", "titre": "x"}, "titre: unknown key for connector 'rss'"),
    ],
)
def test_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match="source 'test'") as error:
        RssConnector.parse_options("test", options)
    assert message in str(error.value)


def test_options_defaults() -> None:
    options = RssOptions(url="https://x.org/feed")
    assert (options.kind, options.funder, options.language) == ("call", None, "fr")
    assert (options.resource_kind, options.max_items) == (None, None)
    assert RssConnector.snapshot is False  # a feed shows its latest entries only


def feed(*items: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Appels</title>'
        + "".join(items)
        + "</channel></rss>\n"
    )


def item(title: str, guid: str | None = None, link: str | None = None, when: str = "") -> str:
    parts = [f"<item><title>{title}</title>"]
    if guid is not None:
        parts.append(f"<guid>{guid}</guid>")
    if link is not None:
        parts.append(f"<link>{link}</link>")
    if when:
        parts.append(f"<pubDate>{when}</pubDate>")
    parts.append("<description>Appel du réseau.</description></item>")
    return "".join(parts)


def test_identity_is_the_guid_then_the_link_then_a_hash(serve: Serve) -> None:
    body = feed(
        item("Avec guid", guid="  tag:reseau.example.org,2026:42 ", link="https://r.example.org/1"),
        item("Avec lien", link="https://r.example.org/2"),
        item("Sans rien", when="Mon, 16 Nov 2026 10:00:00 +0100"),
    )
    first = run_connector(RssConnector, {"url": serve("/a", body)})
    assert first.source_ids[:2] == ["tag:reseau.example.org,2026:42", "https://r.example.org/2"]
    hashed = first.source_ids[2]
    assert hashed is not None
    assert hashed.startswith("hash:")
    # the same entry, among other entries, in another poll: the same id
    again = run_connector(
        RssConnector,
        {
            "url": serve(
                "/b",
                feed(
                    item("Nouveau", guid="n"),
                    item("Sans rien", when="Mon, 16 Nov 2026 10:00:00 +0100"),
                ),
            )
        },
    )
    assert again.source_ids[1] == hashed


def test_duplicate_guids_keep_the_entry_updated_last_whatever_the_order(serve: Serve) -> None:
    old = item("Version du 16", guid="aap-7", when="Mon, 16 Nov 2026 10:00:00 +0100")
    new = item("Version du 24", guid="aap-7", when="Tue, 24 Nov 2026 09:00:00 +0100")
    other = item("Autre", guid="aap-8")
    for path, body in (("/1", feed(old, other, new)), ("/2", feed(new, other, old))):
        run = run_connector(RssConnector, {"url": serve(path, body)})
        assert [str(r.title) for r in run.records] == ["Version du 24", "Autre"]  # type: ignore[attr-defined]
        assert [(s.item, s.reason) for s in run.skipped] == [
            ("aap-7", "id: 2 entries share this guid; kept the one updated last")
        ]
    # same date: the winner still does not depend on the order
    a = item("Texte A", guid="aap-9", when="Mon, 16 Nov 2026 10:00:00 +0100")
    b = item("Texte B", guid="aap-9", when="Mon, 16 Nov 2026 10:00:00 +0100")
    one = run_connector(RssConnector, {"url": serve("/3", feed(a, b))})
    two = run_connector(RssConnector, {"url": serve("/4", feed(b, a))})
    assert str(one.records[0].title) == str(two.records[0].title)  # type: ignore[attr-defined]


def test_max_items_reads_the_first_entries(serve: Serve) -> None:
    body = feed(*(item(f"Appel {n}", guid=str(n)) for n in range(5)))
    run = run_connector(RssConnector, {"url": serve("/m", body), "max_items": 2})
    assert run.source_ids == ["0", "1"]
    assert [(s.item, s.reason) for s in run.skipped] == [
        ("3 entries after the first 2", "beyond max_items = 2")
    ]


def test_links_resolve_against_the_url_after_redirects(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/ancien/flux").respond_with_data(
        "", status=301, headers={"Location": httpserver.url_for("/nouveau/appels/feed/")}
    )
    body = feed(
        item("Appel", guid="1").replace(
            "Appel du réseau.", "&lt;a href=&quot;reglement.pdf&quot;&gt;Règlement&lt;/a&gt;"
        )
    )
    httpserver.expect_request("/nouveau/appels/feed/").respond_with_data(body, content_type=RSS)
    (call,) = calls(httpserver.url_for("/ancien/flux"))
    assert call.description is not None
    assert httpserver.url_for("/nouveau/appels/feed/reglement.pdf") in call.description.get("fr")


def test_a_deadline_before_publication_is_left_empty(
    serve: Serve, caplog: pytest.LogCaptureFixture
) -> None:
    body = feed(
        item("Appel republié", guid="1", when="Mon, 16 Nov 2026 10:00:00 +0100").replace(
            "Appel du réseau.", "Date limite : 15 septembre 2026 à 12h."
        )
    )
    with caplog.at_level(logging.WARNING, logger="rrma_core.sync"):
        (call,) = calls(serve("/r", body))
    assert call.deadline is None
    assert call.published_on is not None
    assert (
        "source test: entry 1: deadline 2026-09-15T12:00:00+02:00 is before the entry's "
        "publication (2026-11-16T10:00:00+01:00); left out"
    ) in caplog.messages


def test_an_empty_feed_is_not_an_error(serve: Serve) -> None:
    run = run_connector(RssConnector, {"url": serve("/vide", feed())})
    assert run.records == []
    assert run.skipped == []
