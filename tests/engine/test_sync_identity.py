"""Identity across syncs and sources: trusted ids, content hashes, the built-in matcher
(canonical URL without tracking parameters), the match and enrich hooks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rrma_core import Workspace, hookimpl
from rrma_core.models import CallForProjects

from ._helpers import Feed, by_source, call, event

Serve = Callable[..., Feed]

AAP_URL = "https://www.auvergnerhonealpes.fr/aides/appel-a-projets-solidarite-internationale-2099"


def _aap(source_id: str, url: str, **extra: Any) -> dict[str, Any]:
    return call(
        source_id,
        "Appel à projets Solidarité internationale 2099",
        funders=["Région Auvergne-Rhône-Alpes"],
        deadline="2099-04-30",
        themes=["ecsi"],
        url=url,
        **extra,
    )


def test_the_same_call_from_two_sources_is_one_record_with_both_provenances(
    workspace: Workspace, serve: Serve
) -> None:
    region = serve("/region.jsonl", [_aap("aap-2099-14", AAP_URL)])
    relay = serve(
        "/relais.jsonl",
        [
            _aap("12345", AAP_URL + "/?utm_source=lettre&utm_medium=email&utm_campaign=avril"),
            call(
                "12346", "Appel Jeunesse solidaire 2099", url="https://www.jeunesse.example.org/aap"
            ),
        ],
    )
    workspace.add_source("region", "jsonl", url=region.url, model="CallForProjects")
    workspace.add_source("relais", "jsonl", url=relay.url, model="CallForProjects")
    workspace.sync(["region"])
    report = workspace.sync(["relais"])
    assert (report.sources[0].new, report.sources[0].updated) == (1, 1)

    calls = workspace.calls(funder="Région Auvergne-Rhône-Alpes")
    assert len(calls) == 1
    (merged,) = calls
    assert sorted((p.source, p.source_id) for p in merged.provenance) == [
        ("region", "aap-2099-14"),
        ("relais", "12345"),
    ]
    assert len(workspace.calls()) == 2

    # Both syncing again: nothing changes, the merge holds.
    report = workspace.sync()
    assert {s.source: s.status for s in report.sources} == {
        "region": "not-modified",
        "relais": "not-modified",
    }
    assert len(workspace.calls()) == 2


def test_sources_sync_concurrently_into_one_merged_record(
    workspace: Workspace, serve: Serve
) -> None:
    region = serve("/region.jsonl", [_aap("aap-2099-14", AAP_URL)])
    relay = serve("/relais.jsonl", [_aap("12345", AAP_URL + "?utm_source=rss")])
    workspace.add_source("region", "jsonl", url=region.url, model="CallForProjects")
    workspace.add_source("relais", "jsonl", url=relay.url, model="CallForProjects")
    report = workspace.sync()  # both in one sync: whichever writes second merges
    totals = report.totals()
    assert (totals["new"], totals["updated"]) == (1, 1)
    (merged,) = workspace.calls()
    assert {p.source for p in merged.provenance} == {"region", "relais"}


def test_equal_ids_in_two_unrelated_sources_are_two_records(
    workspace: Workspace, serve: Serve
) -> None:
    lyon = serve("/lyon.jsonl", [event("1", "Ciné-débat à Lyon", commune="69123")])
    grenoble = serve(
        "/grenoble.jsonl",
        [
            event(
                "1",
                "Marché des solidarités à Grenoble",
                commune="38185",
                start="2099-11-25T10:00:00+01:00",
            )
        ],
    )
    workspace.add_source("agenda-lyon", "jsonl", url=lyon.url)
    workspace.add_source("agenda-grenoble", "jsonl", url=grenoble.url)
    workspace.sync(["agenda-lyon"])
    workspace.sync(["agenda-grenoble"])
    assert sorted(str(e.title) for e in workspace.events()) == [
        "Ciné-débat à Lyon",
        "Marché des solidarités à Grenoble",
    ]


def test_records_of_different_types_never_overwrite_each_other(
    workspace: Workspace, serve: Serve
) -> None:
    agenda = serve("/agenda.jsonl", [event("42", "Ciné-débat à Lyon")])
    calls = serve("/aap.jsonl", [call("42", "Appel ECSI 2099")])
    workspace.add_source("agenda", "jsonl", url=agenda.url)
    workspace.add_source("aap", "jsonl", url=calls.url, model="CallForProjects")
    workspace.sync(["agenda"])
    workspace.sync(["aap"])
    assert [str(e.title) for e in workspace.events()] == ["Ciné-débat à Lyon"]
    assert [str(c.title) for c in workspace.calls()] == ["Appel ECSI 2099"]


def test_the_same_event_uid_from_two_sources_is_one_record(
    workspace: Workspace, serve: Serve
) -> None:
    uid = "20991120T190000Z-nourrir@openagenda.com"
    network = serve("/reseau.jsonl", [event(uid, "Projection-débat « Nourrir »")])
    festival = serve(
        "/festival.jsonl",
        [
            event(
                uid,
                "Projection-débat « Nourrir » — Festival ALIMENTERRE",
                campaign="alimenterre-2099",
            ),
            event("20991121T190000Z-autre@openagenda.com", "Ciné-débat « Bonne gueule »"),
        ],
    )
    workspace.add_source("reseau", "jsonl", url=network.url)
    workspace.add_source("festival", "jsonl", url=festival.url)
    workspace.sync(["reseau"])
    report = workspace.sync(["festival"])
    assert (report.sources[0].new, report.sources[0].updated) == (1, 1)
    (merged,) = workspace.events(campaign="alimenterre")
    assert sorted((p.source, p.source_id) for p in merged.provenance) == [
        ("festival", uid),
        ("reseau", uid),
    ]
    assert len(workspace.events()) == 2


def test_untrusted_ids_that_change_on_every_download_do_not_duplicate(
    workspace: Workspace, serve: Serve
) -> None:
    def download(n: int) -> list[dict[str, Any]]:
        # A web calendar that regenerates its UIDs on every download.
        return [
            event(
                f"{n}-uid-a@agenda.example.org", "Rencontre régionale de l'ECSI", commune="69123"
            ),
            event(f"{n}-uid-b@agenda.example.org", "Conférence sur l'eau", commune="38185"),
        ]

    feed = serve("/calendrier.jsonl", download(1), etag=False)
    workspace.add_source("calendrier", "jsonl", url=feed.url, trust_ids=False)
    assert workspace.sync().sources[0].new == 2
    feed.items = download(2)
    report = workspace.sync()
    agenda = report.sources[0]
    assert (agenda.new, agenda.unchanged, agenda.withdrawn) == (0, 2, 0)
    assert len(workspace.events(include_withdrawn=True)) == 2
    # With trust_ids=false the identity is the content: an edited item is a new one.
    feed.items = [
        download(3)[0],
        event("x", "Conférence sur l'eau et l'assainissement", commune="38185"),
    ]
    agenda = workspace.sync().sources[0]
    assert (agenda.new, agenda.unchanged, agenda.withdrawn) == (1, 1, 1)


def test_a_trusted_id_keeps_identity_when_the_content_changes(
    workspace: Workspace, serve: Serve
) -> None:
    feed = serve("/agenda.jsonl", [event("rdv-1", "Soirée ciné-débat")])
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.sync()
    (before,) = workspace.events()
    feed.items = [event("rdv-1", "Soirée ciné-débat (changement de salle)", commune="69266")]
    report = workspace.sync()
    assert (report.sources[0].new, report.sources[0].updated) == (0, 1)
    (after,) = workspace.events()
    assert after.id == before.id
    assert after.departement == "69"


def test_items_without_ids_are_identified_by_their_content(
    workspace: Workspace, serve: Serve
) -> None:
    items = [event(None, f"Projection ALIMENTERRE n°{n}") for n in range(1, 4)]
    feed = serve("/agenda.jsonl", items)
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.sync()
    feed.items = [event(None, "Projection ALIMENTERRE d'ouverture"), *items]
    agenda = workspace.sync().sources[0]
    assert (agenda.new, agenda.updated, agenda.unchanged, agenda.withdrawn) == (1, 0, 3, 0)


# --- the match hook ----------------------------------------------------------------------------


class _Concordance:
    """A network's hand-kept table: this platform's URL is that stored record."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.asked: list[tuple[str | None, list[str]]] = []

    @hookimpl
    def rrma_match_record(self, record: Any, candidates: list[Any]) -> str | None:
        self.asked.append((record.url, [c.id for c in candidates]))
        return self.table.get(record.url)


def test_the_match_hook_merges_what_the_built_in_matcher_would_not(
    workspace: Workspace, serve: Serve
) -> None:
    region = serve("/region.jsonl", [_aap("aap-2099-14", AAP_URL)])
    platform_url = "https://aides-territoires.beta.gouv.fr/aides/8f3e-solidarite-internationale/"
    platform = serve("/aides.jsonl", [_aap("8f3e", platform_url)])
    workspace.add_source("region", "jsonl", url=region.url, model="CallForProjects")
    workspace.add_source("aides", "jsonl", url=platform.url, model="CallForProjects")
    workspace.sync(["region"])
    (stored,) = workspace.calls()

    concordance = _Concordance({platform_url: stored.id})
    workspace.plugins.register(concordance, "concordance")
    report = workspace.sync(["aides"])
    assert (report.sources[0].new, report.sources[0].updated) == (0, 1)
    # No URL or source id in common: the built-in matcher would not merge them; the
    # same-title stored call is offered to the hook, which decides.
    assert concordance.asked == [(platform_url, [stored.id])]
    (merged,) = workspace.calls()
    assert merged.id == stored.id
    assert {p.source for p in merged.provenance} == {"region", "aides"}


def test_a_match_hook_answering_none_leaves_the_built_in_matcher(
    workspace: Workspace, serve: Serve
) -> None:
    region = serve("/region.jsonl", [_aap("aap-2099-14", AAP_URL)])
    relay = serve("/relais.jsonl", [_aap("77", AAP_URL + "?xtor=RSS-3")])
    workspace.add_source("region", "jsonl", url=region.url, model="CallForProjects")
    workspace.add_source("relais", "jsonl", url=relay.url, model="CallForProjects")
    workspace.sync(["region"])
    (stored,) = workspace.calls()
    concordance = _Concordance({})
    workspace.plugins.register(concordance, "concordance")
    workspace.sync(["relais"])
    assert concordance.asked == [(AAP_URL + "?xtor=RSS-3", [stored.id])]
    assert [c.id for c in workspace.calls()] == [stored.id]


def test_the_match_hook_gets_records_with_the_same_title_as_candidates(
    workspace: Workspace, serve: Serve
) -> None:
    region = serve("/region.jsonl", [_aap("aap-2099-14", AAP_URL)])
    platform = serve(
        "/aides.jsonl", [_aap("8f3e", "https://aides-territoires.beta.gouv.fr/aides/8f3e/")]
    )
    workspace.add_source("region", "jsonl", url=region.url, model="CallForProjects")
    workspace.add_source("aides", "jsonl", url=platform.url, model="CallForProjects")
    workspace.sync(["region"])
    (stored,) = workspace.calls()
    concordance = _Concordance({})
    workspace.plugins.register(concordance, "concordance")
    workspace.sync(["aides"])
    assert concordance.asked[0][1] == [stored.id]


# --- the enrich hook ---------------------------------------------------------------------------


class _ThemeTagger:
    """Adds the water theme (and SDG 6) to what talks about water."""

    @hookimpl
    def rrma_enrich_record(self, record: Any, source: str) -> dict[str, Any] | None:
        if re.search(r"\beau\b", str(record.title).lower()):
            return {"themes": [*record.themes, "eau"], "sdgs": [*record.sdgs, 6]}
        return None


class _BrokenTagger:
    """Gives events in Marseille an SDG that does not exist."""

    @hookimpl
    def rrma_enrich_record(self, record: Any, source: str) -> dict[str, Any] | None:
        if record.departement == "13":
            return {"sdgs": [18]}
        return None


def test_enrich_updates_are_merged_and_stored(workspace: Workspace, serve: Serve) -> None:
    feed = serve(
        "/agenda.jsonl",
        [
            event("rdv-1", "Conférence sur l'eau au Sahel", themes=["agriculture"]),
            event("rdv-2", "Projection-débat « Nourrir »", themes=["agriculture"]),
        ],
    )
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.plugins.register(_ThemeTagger(), "theme-tagger")
    assert workspace.sync().sources[0].new == 2
    (water,) = workspace.events(theme="eau")
    assert water.themes == ["agriculture", "eau"]
    assert water.sdgs == [6]
    assert [e.provenance[0].source_id for e in workspace.events(sdg=6)] == ["rdv-1"]


def test_an_invalid_enrichment_skips_the_item_with_a_reason(
    workspace: Workspace, serve: Serve
) -> None:
    feed = serve(
        "/agenda.jsonl",
        [
            event("rdv-1", "Ciné-débat à Lyon", commune="69123"),
            event("rdv-2", "Marché des solidarités", commune="13055"),
            event("rdv-3", "Rencontre à Grenoble", commune="38185"),
        ],
    )
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.plugins.register(_BrokenTagger(), "odd-tagger")
    agenda = workspace.sync().sources[0]
    assert (agenda.status, agenda.new) == ("ok", 2)
    (skipped,) = agenda.skipped
    assert skipped.item == "rdv-2"
    assert "enrich" in skipped.reason
    assert "sdgs" in skipped.reason
    assert "18" in skipped.reason
    assert sorted(e.departement for e in workspace.events()) == ["38", "69"]


def test_an_invalid_enrichment_names_the_plugin(workspace: Workspace, serve: Serve) -> None:
    feed = serve(
        "/agenda.jsonl",
        [
            event("rdv-1", "Ciné-débat à Lyon", commune="69123"),
            event("rdv-2", "Marché des solidarités", commune="13055"),
        ],
    )
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.plugins.register(_BrokenTagger(), "odd-tagger")
    (skipped,) = workspace.sync().sources[0].skipped
    assert "odd-tagger" in skipped.reason


def test_an_enrich_plugin_that_raises_skips_only_that_item(
    workspace: Workspace, serve: Serve
) -> None:
    class Flaky:
        @hookimpl
        def rrma_enrich_record(self, record: Any, source: str) -> None:
            if "Grenoble" in str(record.title):
                raise ConnectionError("géocodeur injoignable")

    feed = serve(
        "/agenda.jsonl",
        [
            event("rdv-1", "Ciné-débat à Lyon"),
            event("rdv-3", "Rencontre à Grenoble", commune="38185"),
        ],
    )
    workspace.add_source("agenda", "jsonl", url=feed.url)
    workspace.plugins.register(Flaky(), "flaky")
    report = workspace.sync()
    agenda = by_source(report)["agenda"]
    assert (agenda.status, agenda.new) == ("ok", 1)
    assert agenda.skipped[0].item == "rdv-3"
    assert "géocodeur injoignable" in agenda.skipped[0].reason


def test_hand_entered_and_synced_records_live_side_by_side(
    workspace: Workspace, serve: Serve
) -> None:
    workspace.add(
        CallForProjects.parse(call(None, "Appel interne du réseau") | {"id": "call-interne"})
    )
    feed = serve("/aap.jsonl", [_aap("aap-2099-14", AAP_URL)])
    workspace.add_source("region", "jsonl", url=feed.url, model="CallForProjects")
    workspace.sync()
    feed.items = []
    feed.body = "\n"  # the source is now empty: an error, not "everything was deleted"
    report = workspace.sync()
    assert report.sources[0].status == "failed"
    assert sorted(c.id for c in workspace.calls()) == sorted(
        ["call-interne", workspace.calls(funder="Région Auvergne-Rhône-Alpes")[0].id]
    )
