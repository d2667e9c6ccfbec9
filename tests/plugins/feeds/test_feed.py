"""Order, identity, dates, feed-level elements and options of the ``rss`` and ``atom`` feeds."""

from __future__ import annotations

import calendar
import random
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from rrma_core import Actor
from rrma_core.errors import ConfigError
from rrma_feeds import AtomExporter, RssExporter

from ._helpers import ATOM, NOW, STORED, call, entry_id, event, export, html_of, items, read


def _instant(parsed: object) -> datetime:
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC)  # type: ignore[arg-type]


# --- order -----------------------------------------------------------------------------------


def _calls() -> list:  # type: ignore[type-arg]
    return [
        call("c-none"),
        call("c-day", deadline="2027-01-15"),  # the whole day, Paris: until 23:59:59
        call("c-noon", deadline="2027-01-15T12:00:00+01:00"),
        call("c-night-ny", deadline="2027-01-14T23:30:00-05:00"),  # 05:30 on the 15th, Paris
        call("c-early", deadline="2026-12-01"),
        call("c-none-2"),
        call("c-day-b", deadline="2027-01-15"),  # same deadline as c-day: by id
    ]


def test_calls_by_deadline_soonest_first_undated_last(fmt: str) -> None:
    feed = read(export(fmt, _calls()))
    assert [entry_id(fmt, e) for e in feed.entries] == [
        "c-early",
        "c-night-ny",
        "c-noon",
        "c-day",
        "c-day-b",
        "c-none",
        "c-none-2",
    ]


def test_order_does_not_depend_on_the_input_order(fmt: str) -> None:
    records = [*_calls(), event("e-1", "2026-11-20T20:00:00+01:00"), event("e-2", "2026-11-20")]
    expected = export(fmt, records)
    shuffled = records[:]
    for seed in range(3):
        random.Random(seed).shuffle(shuffled)
        assert export(fmt, shuffled) == expected


def test_events_by_start_all_day_at_midnight(fmt: str) -> None:
    records = [
        event("e-evening", "2026-11-20T20:00:00+01:00"),
        event("e-allday", "2026-11-20"),
        event("e-morning-utc", "2026-11-20T08:00:00+00:00"),  # 09:00 in Paris
        event("e-before", "2026-11-19T23:30:00+01:00"),
        event("e-multi", "", occurrences=[{"start": "2026-12-24"}, {"start": "2026-11-18"}]),
    ]
    feed = read(export(fmt, records))
    assert [entry_id(fmt, e) for e in feed.entries] == [
        "e-multi",
        "e-before",
        "e-allday",
        "e-morning-utc",
        "e-evening",
    ]


def test_mixed_feed_interleaves_deadlines_and_starts(fmt: str) -> None:
    records = [
        call("c-dec", deadline="2026-12-10"),
        event("e-nov", "2026-11-20T20:00:00+01:00"),
        call("c-none"),
        event("e-jan", "2027-01-05"),
    ]
    feed = read(export(fmt, records))
    assert [entry_id(fmt, e) for e in feed.entries] == ["e-nov", "c-dec", "e-jan", "c-none"]
    assert feed.feed.title == "Réseau test — appels à projets et agenda"


def test_other_records_are_left_out(fmt: str) -> None:
    actor = Actor(name="Centraider", actor_type="network")
    feed = read(export(fmt, [actor, call("c-1")]))
    assert [entry_id(fmt, e) for e in feed.entries] == ["c-1"]


# --- identity and determinism ------------------------------------------------------------------


def test_same_records_and_clock_give_the_same_bytes(fmt: str) -> None:
    records = [*_calls(), event("e-1", "2026-11-20T20:00:00+01:00")]
    assert export(fmt, records) == export(fmt, [r.model_copy() for r in records])


def test_ids_do_not_change_with_the_content(fmt: str) -> None:
    before = read(export(fmt, [call("aap-1", title="Appel", deadline="2027-01-15")]))
    after = read(export(fmt, [call("aap-1", title="Appel (prolongé)", deadline="2027-02-15")]))
    assert before.entries[0].id == after.entries[0].id
    assert entry_id(fmt, before.entries[0]) == "aap-1"
    if fmt == "rss":
        assert before.entries[0].guidislink is False


# --- dates -----------------------------------------------------------------------------------


def test_published_is_the_publication_day_else_the_stored_time(fmt: str) -> None:
    published = call("c-pub", published_on="2026-10-15", deadline="2027-01-15")
    stored = call("c-stored", deadline="2027-01-16")
    feed = read(export(fmt, [published, stored]))
    first, second = feed.entries
    assert _instant(first.published_parsed) == datetime(2026, 10, 14, 22, 0, tzinfo=UTC)
    assert _instant(second.published_parsed) == STORED


def test_datetime_deadline_is_shown_in_the_workspace_zone(fmt: str) -> None:
    record = call("c-time", deadline="2027-03-12T12:00:00+01:00")
    feed = read(export(fmt, [record], tz=ZoneInfo("America/Martinique")))
    entry = feed.entries[0]
    assert "<strong>Date limite\xa0:</strong> vendredi 12 mars 2027 à 07:00" in entry.summary
    assert entry.title.endswith("date limite\xa0: 12 mars 2027")
    assert any(t.term == "2027-03-12" for t in entry.tags if t.scheme == "urn:rrma:deadline")


def test_event_times_in_an_overseas_workspace(fmt: str) -> None:
    record = event("e-971", "2026-11-20T23:00:00+00:00", end="2026-11-21T01:00:00+00:00")
    entry = read(export(fmt, [record], tz=ZoneInfo("America/Martinique"))).entries[0]
    assert "vendredi 20 novembre 2026, 19:00 – 21:00" in entry.summary
    assert entry.ev_startdate == "2026-11-20T19:00:00-04:00"
    assert entry.ev_enddate == "2026-11-20T21:00:00-04:00"


def test_event_across_midnight(fmt: str) -> None:
    record = event("e-night", "2026-11-20T22:00:00+01:00", end="2026-11-21T02:00:00+01:00")
    entry = read(export(fmt, [record])).entries[0]
    assert "du vendredi 20 novembre 2026, 22:00 au samedi 21 novembre 2026, 02:00" in entry.summary


def test_build_time_is_the_export_clock(fmt: str) -> None:
    feed = read(export(fmt, [call("c-1")]))
    stamp = feed.feed.get("updated_parsed")
    assert stamp is not None
    assert _instant(stamp) == NOW


# --- feed-level elements -----------------------------------------------------------------------


def test_rss_channel_elements() -> None:
    data = export("rss", [call("c-1")], link="https://www.centraider.org/")
    channel = ET.fromstring(data).find("channel")
    assert channel is not None
    assert channel.findtext("title") == "Réseau test — appels à projets"
    assert channel.findtext("link") == "https://www.centraider.org/"
    assert channel.findtext("description") == (
        "Les appels à projets relayés par Réseau test, par date limite."
    )
    assert channel.findtext("language") == "fr"
    assert channel.findtext("lastBuildDate") == "Mon, 02 Nov 2026 10:30:00 +0100"
    self_link = channel.find(f"{ATOM}link")
    assert self_link is not None
    assert (self_link.get("rel"), self_link.get("href")) == (
        "self",
        "https://www.centraider.org/calls.rss",
    )


def test_atom_feed_elements() -> None:
    data = export("atom", [event("e-1", "2026-11-20")], lang="en",
                  feed_url="https://www.centraider.org/flux/agenda.xml")  # fmt: skip
    root = ET.fromstring(data)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert root.findtext(f"{ATOM}id") == "https://www.centraider.org/flux/agenda.xml"
    assert root.findtext(f"{ATOM}title") == "Réseau test — events"
    assert root.findtext(f"{ATOM}updated") == "2026-11-02T10:30:00+01:00"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == "Réseau test"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {
        "alternate": "https://example.org/",
        "self": "https://www.centraider.org/flux/agenda.xml",
    }
    (entry,) = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "urn:rrma:e-1"
    assert entry.findtext(f"{ATOM}updated") == "2026-10-01T10:00:00+02:00"
    for required in ("id", "title", "updated", "content"):
        assert entry.find(f"{ATOM}{required}") is not None


def test_call_terms_in_the_description_and_categories(fmt: str) -> None:
    record = call(
        "c-full",
        title="Appel ECSI 2027",
        deadline="2027-01-29",
        opens_on="2026-11-02",
        funders=[{"name": "Région Centre-Val de Loire"}, {"id": "actor-afd", "name": "AFD"}],
        amount={"min": 5000, "max": 30000, "rate": 50},
        eligible_actor_types=["association", "osim"],
        perimeter={"regions": ["24"], "departements": ["37"]},
        countries=["SN", "BF"],
        themes=["education"],
        sdgs=[4],
        url="https://www.example.org/ecsi?annee=2027&x=1",
    )
    data = export(fmt, [record])
    entry = read(data).entries[0]
    html = html_of(items(data)[0])
    assert entry.title == "Appel ECSI 2027 — date limite\xa0: 29 janvier 2027"
    assert entry.link == "https://www.example.org/ecsi?annee=2027&x=1"
    for text in (
        "<strong>Date limite\xa0:</strong> vendredi 29 janvier 2027",
        "<strong>Ouverture\xa0:</strong> lundi 2 novembre 2026",
        "<strong>Financement\xa0:</strong> Région Centre-Val de Loire, AFD",
        "<strong>Montant\xa0:</strong> De 5\u202f000\xa0€ à 30\u202f000\xa0€, 50 % du budget",
        "<strong>Structures éligibles\xa0:</strong> Association, Organisation de solidarité",
        "<strong>Territoire\xa0:</strong> Centre-Val de Loire, Indre-et-Loire (37)",
        "<strong>Pays\xa0:</strong> Sénégal, Burkina Faso",
    ):
        assert text in html
    tags = {(t.scheme, t.term) for t in entry.tags}
    if fmt == "atom":
        assert {
            ("urn:rrma:deadline", "2027-01-29"),
            ("urn:rrma:funder", "AFD"),
            ("urn:rrma:eligible", "osim"),
            ("urn:rrma:theme", "education"),
            ("urn:rrma:sdg", "4"),
        } <= tags
    else:  # RSS categories are the labels readers show
        assert {
            ("urn:rrma:deadline", "2027-01-29"),
            ("urn:rrma:funder", "AFD"),
            ("urn:rrma:theme", "Éducation"),
            ("urn:rrma:sdg", "ODD 4\xa0: Éducation de qualité"),
        } <= tags


def test_english_words(fmt: str) -> None:
    record = call(
        "c-en",
        title={"fr": "Appel", "en": "Call"},
        deadline="2027-01-01",
        amount={"max": 1500000.5, "currency": "EUR"},
        perimeter={"national": True},
    )
    entry = read(export(fmt, [record], lang="en")).entries[0]
    assert entry.title == "Call — deadline: 1 January 2027"
    assert "<strong>Deadline:</strong> Friday 1 January 2027" in entry.summary
    assert "<strong>Amount:</strong> Up to €1,500,000.50" in entry.summary
    assert "<strong>Area:</strong> All of France" in entry.summary


# --- options ---------------------------------------------------------------------------------


def test_title_description_and_date_in_title_options(fmt: str) -> None:
    feed = read(
        export(fmt, [call("c-1", title="Appel", deadline="2027-01-15")],
               title="Les AAP de Centraider", description="Tout ce qui est ouvert",
               date_in_title=False)
    )  # fmt: skip
    assert feed.feed.title == "Les AAP de Centraider"
    assert feed.feed.get("subtitle", feed.feed.get("description")) == "Tout ce qui est ouvert"
    assert feed.entries[0].title == "Appel"


def test_limit_keeps_the_first_entries(fmt: str) -> None:
    feed = read(export(fmt, _calls(), limit=2))
    assert [entry_id(fmt, e) for e in feed.entries] == ["c-early", "c-night-ny"]


def test_kind_filters_and_names_the_feed_even_when_empty(fmt: str) -> None:
    feed = read(export(fmt, [call("c-1")], kind="events"))
    assert feed.entries == []
    assert feed.feed.title == "Réseau test — agenda"


@pytest.mark.parametrize(
    ("options", "key"),
    [
        ({"link": "javascript:alert(1)"}, "link"),
        ({"feed_url": "https://exa mple.org/"}, "feed_url"),
        ({"limit": 0}, "limit"),
        ({"title": ""}, "title"),
        ({"kind": "news"}, "kind"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_options(options: dict[str, object], key: str) -> None:
    for exporter in (RssExporter, AtomExporter):
        with pytest.raises(ConfigError, match=key):
            exporter.parse_options(options)


def test_exporter_metadata() -> None:
    assert (RssExporter.name, RssExporter.media_type, RssExporter.extension) == (
        "rss",
        "application/rss+xml",
        ".rss",
    )
    assert (AtomExporter.name, AtomExporter.media_type, AtomExporter.extension) == (
        "atom",
        "application/atom+xml",
        ".atom",
    )


def test_dates_are_days(fmt: str) -> None:
    # ``date`` objects as given by hand (not strings) work as well.
    entry = read(export(fmt, [call("c-d", deadline=date(2027, 5, 1))])).entries[0]
    assert entry.title.endswith("1er mai 2027")


def test_atom_updated_is_never_before_published() -> None:
    record = call("c-later", published_on="2026-11-16", deadline="2027-01-15")  # stored 1 Oct
    entry = ET.fromstring(export("atom", [record])).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}published") == "2026-11-16T00:00:00+01:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-11-16T00:00:00+01:00"
