"""What the digest says about the demo records at a fixed moment: which calls, in which order,
with how many days left; which events, under which week and département; which resources;
in French and in English; the same items in HTML, Markdown and text."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from rrma_core.models import CallForProjects, Event, Record, Resource

from .conftest import (
    NOW,
    OPEN_CALLS,
    PARIS,
    html_sections,
    item_cells,
    markdown_page,
    markdown_sections,
    parse_html,
    render,
    squash,
)

CALLS_FR = "Appels à projets ouverts"
EVENTS_FR = "Agenda"
RESOURCES_FR = "Nouvelles ressources"

#: The demo's events from NOW to four weeks later, as the digest groups them.
_W1, _W2 = "Semaine du 23 novembre 2026", "Semaine du 30 novembre 2026"
WEEKS = [
    (_W1, "Drôme (26)", "Exposition « Regards croisés Drôme-Méditerranée »"),
    (_W1, "Isère (38)", "Apéro-rencontre « Entreprendre solidaire, ici et là-bas »"),
    (_W1, "Loire (42)", "Ciné-goûter ALIMENTERRE en famille"),
    (_W1, "Puy-de-Dôme (63)", "Projection-débat « Le prix du lait »"),
    (_W1, "Haute-Savoie (74)", "Ciné-débat « Elles cultivent demain »"),
    (_W2, "Ardèche (07)", "Jeu de rôle « Le tour du monde des droits » au lycée"),
    (_W2, "Cantal (15)", "Clôture ALIMENTERRE dans le Cantal : « Soleil sur les champs »"),
]


def by_id(records: list[Record], record_id: str) -> Record:
    return next(r for r in records if r.id == record_id)


def call_titles(records: list[Record], ids: list[str], lang: str = "fr") -> list[str]:
    return [squash(by_id(records, i).title.get(lang)) for i in ids]  # type: ignore[attr-defined]


def test_calls_are_the_open_ones_by_closing_date(records: list[Record]) -> None:
    html, _ = render(records)
    calls = html_sections(parse_html(html))[CALLS_FR]
    assert [title for _, _, title in calls] == call_titles(records, [i for i, _ in OPEN_CALLS])
    # The call that closed on 8 October is not relayed.
    closed = squash(by_id(records, "aap-fdf-agriculture-familiale-2026").title.get("fr"))  # type: ignore[attr-defined]
    assert closed not in squash(html)


def test_each_call_says_how_many_days_are_left(records: list[Record]) -> None:
    page = parse_html(render(records)[0])
    closes = [td.find_all("strong")[0].text for td in item_cells(page)[: len(OPEN_CALLS)]]
    assert closes == [f"clôture dans {days} jours" for _, days in OPEN_CALLS]
    text = squash(render(records, "text")[0])
    assert "Date limite : 29 janvier 2027 — clôture dans 63 jours" in text
    # A deadline with a time is shown with it, in the workspace's zone.
    assert "Date limite : 12 mars 2027, 12 h — clôture dans 105 jours" in text


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2027, 1, 27, 9, 0, tzinfo=PARIS), "clôture dans 2 jours"),
        (datetime(2027, 1, 28, 23, 59, tzinfo=PARIS), "clôture demain"),
        # 23:30 UTC on the 28th is already the 29th in Paris: the day is judged there.
        (datetime(2027, 1, 28, 23, 30, tzinfo=UTC), "clôture aujourd'hui"),
        (datetime(2027, 1, 29, 23, 59, tzinfo=PARIS), "clôture aujourd'hui"),
        (datetime(2027, 1, 30, 0, 0, tzinfo=PARIS), None),
    ],
)
def test_days_left_today_tomorrow_and_closed(
    records: list[Record], now: datetime, expected: str | None
) -> None:
    """The region's call closes on 29 January 2027 (a date: until the end of that day)."""
    title = squash(by_id(records, "aap-region-ara-csi-2027").title.get("fr"))  # type: ignore[attr-defined]
    calls = html_sections(parse_html(render(records, now=now)[0])).get(CALLS_FR, [])
    text = squash(render(records, "text", now=now)[0])
    if expected is None:
        assert title not in [t for _, _, t in calls]
        return
    assert calls[0][2] == title
    assert f"Date limite : 29 janvier 2027 — {expected}" in text


def test_a_deadline_with_a_time_closes_at_that_time(records: list[Record]) -> None:
    title = squash(by_id(records, "aap-afd-innov-ong-2027").title.get("fr"))  # type: ignore[attr-defined]
    before = render(records, "text", now=datetime(2027, 3, 12, 11, 59, tzinfo=PARIS))[0]
    after = render(records, "text", now=datetime(2027, 3, 12, 12, 1, tzinfo=PARIS))[0]
    assert title in squash(before)
    assert "12 mars 2027, 12 h — clôture aujourd'hui" in squash(before)
    assert title not in squash(after)


def test_calls_without_deadline_come_last_and_upcoming_ones_say_when_they_open() -> None:
    calls = [
        CallForProjects(id="sans-date-b", title="B sans date limite"),
        CallForProjects(id="sans-date-a", title="A sans date limite"),
        CallForProjects(id="proche", title="Z proche", deadline=date(2026, 12, 1)),
        CallForProjects(
            id="a-venir", title="À venir", opens_on=date(2027, 1, 5), deadline=date(2027, 3, 1)
        ),
    ]
    html, count = render(calls)
    titles = [t for _, _, t in html_sections(parse_html(html))[CALLS_FR]]
    assert titles == ["Z proche", "À venir", "A sans date limite", "B sans date limite"]
    assert count == 4
    text = squash(render(calls, "text")[0])
    assert "Sans date limite" in text
    assert "Ouverture des dépôts le 5 janvier 2027" in text
    assert "clôture dans 4 jours" in text


def test_events_are_grouped_by_week_then_departement(records: list[Record]) -> None:
    html, _ = render(records)
    assert html_sections(parse_html(html))[EVENTS_FR] == WEEKS


def test_event_lines_say_when_and_where(records: list[Record]) -> None:
    text = squash(render(records, "text")[0])
    # Under way since 20 November, all day long: in the current week.
    assert "du vendredi 20 novembre au vendredi 4 décembre 2026" in text
    assert "vendredi 27 novembre 2026, 18 h 30 – 21 h" in text
    assert "Tiers-lieu La Cordée, Grenoble · Rencontre" in text
    # An event with two sessions is shown at the next one, with the count of the others.
    assert "jeudi 3 décembre 2026, 9 h – 11 h (et 1 autre date)" in text


def test_weeks_sets_how_far_ahead_events_go(records: list[Record]) -> None:
    def titles(weeks: int) -> list[str]:
        sections = html_sections(parse_html(render(records, weeks=weeks)[0]))
        return [t for _, _, t in sections.get(EVENTS_FR, [])]

    assert titles(0) == []
    assert len(titles(1)) == len(WEEKS)  # until 4 December, 09:00
    later = titles(10)  # until 5 February 2027
    assert later[: len(WEEKS)] == [t for _, _, t in WEEKS]
    assert "Rencontre régionale des acteurs de la coopération internationale" in " ".join(later)
    # The conference of 18 February 2027 is beyond ten weeks.
    assert all("Sahel" not in t for t in later)


def test_cancelled_and_online_events_and_places_not_given() -> None:
    events = [
        Event(
            id="annule", title="Conférence annulée", status="cancelled",
            occurrences=[{"start": "2026-12-01T18:00:00+01:00"}],
            venue={"name": "Salle des fêtes", "address": {"commune": "69123"}},
        ),
        Event(
            id="webinaire", title="Webinaire", attendance_mode="online",
            online_url="https://visio.example.org/w",
            occurrences=[{"start": "2026-12-01T12:30:00+01:00",
                          "end": "2026-12-01T13:30:00+01:00"}],
        ),
        Event(id="quelque-part", title="Quelque part", occurrences=[{"start": "2026-12-02"}]),
    ]  # fmt: skip
    html, count = render(events)
    assert count == 3
    assert html_sections(parse_html(html))[EVENTS_FR] == [
        ("Semaine du 30 novembre 2026", "Rhône (69)", "Conférence annulée"),
        ("Semaine du 30 novembre 2026", "En ligne", "Webinaire"),
        ("Semaine du 30 novembre 2026", "Lieu à préciser", "Quelque part"),
    ]
    page = parse_html(html)
    cancelled = next(p for p in page.find_all("p") if p.text == "Conférence annulée")
    assert "line-through" in (cancelled.attrs["style"] or "")
    assert any(s.text == "Annulé" for s in page.find_all("strong"))
    assert page.find_all("a", href="https://visio.example.org/w")
    text = squash(render(events, "text")[0])
    assert "Annulé — Conférence annulée" in text
    assert "mercredi 2 décembre 2026" in text
    md = render(events, "markdown")[0]
    assert "- **Annulé** — **Conférence annulée**" in md


def test_overseas_events_are_shown_in_their_own_time_zone() -> None:
    event = Event(
        id="pointe-a-pitre", title="Rencontre à Pointe-à-Pitre",
        occurrences=[{"start": "2026-12-01T23:00:00+00:00"}],  # 19:00 in Guadeloupe
        venue={"address": {"commune": "97120"}},
    )  # fmt: skip
    text = squash(render([event], "text")[0])
    assert "mardi 1er décembre 2026, 19 h" in text
    assert "Guadeloupe (971)" in text


def test_new_resources_are_those_of_the_last_days(records: list[Record]) -> None:
    def titles(since_days: int) -> list[str]:
        sections = html_sections(parse_html(render(records, since_days=since_days)[0]))
        return [t for _, _, t in sections.get(RESOURCES_FR, [])]

    assert titles(30) == ["Podcast « Les voix d'ALIMENTERRE » — saison 2026"]
    assert titles(0) == []
    assert titles(400) == [  # newest first
        "Podcast « Les voix d'ALIMENTERRE » — saison 2026",
        "Vidéo « Les OSIM, actrices de la coopération »",
        squash(by_id(records, "ressource-guide-montage-projet").title.get("fr")),  # type: ignore[attr-defined]
        "Baromètre régional de la coopération internationale 2025",
        squash(by_id(records, "ressource-capitalisation-eau-isere").title.get("fr")),  # type: ignore[attr-defined]
    ]


def test_a_resource_without_publication_date_is_new_when_it_was_added() -> None:
    added = NOW - timedelta(days=3)
    fresh = Resource(id="fresh", title="Fiche ajoutée", created_at=added, updated_at=added)
    old = NOW - timedelta(days=90)
    stale = Resource(id="stale", title="Fiche ancienne", created_at=old, updated_at=old)
    titles = [t for _, _, t in html_sections(parse_html(render([fresh, stale])[0]))[RESOURCES_FR]]
    assert titles == ["Fiche ajoutée"]


def test_limits_leave_a_note_of_what_was_left_out(records: list[Record]) -> None:
    html, count = render(records, max_calls=3, max_events=2, max_resources=1, since_days=400)
    sections = html_sections(parse_html(html))
    assert [t for _, _, t in sections[CALLS_FR]] == call_titles(
        records, [i for i, _ in OPEN_CALLS[:3]]
    )
    assert [t for _, _, t in sections[EVENTS_FR]] == [t for _, _, t in WEEKS[:2]]
    assert len(sections[RESOURCES_FR]) == 1
    assert count == 3 + 2 + 1
    text = squash(html)
    assert "… et 8 autres appels à projets." in text
    assert "… et 5 autres événements." in text
    assert "… et 4 autres ressources." in text


def test_title_intro_and_date(records: list[Record]) -> None:
    html, _ = render(records, title="La lettre de décembre", intro="Bonjour,\n\nBonne lecture !")
    page = parse_html(html)
    assert [h.text for h in page.find_all("h1")] == ["La lettre de décembre"]
    assert page.find_all("title")[0].text == "La lettre de décembre"
    paragraphs = [p.text for p in page.find_all("p")]
    assert paragraphs[:3] == ["27 novembre 2026", "Bonjour,", "Bonne lecture !"]
    default = parse_html(render(records)[0])
    assert default.find_all("h1")[0].text == "Lettre d'information — Réseau de démonstration"
    assert "Lettre préparée le 27 novembre 2026 avec rrma_core." in squash(render(records)[0])


def test_the_on_option_prepares_the_digest_for_another_day(records: list[Record]) -> None:
    later, _ = render(records, "text", on="2027-01-29")
    assert "29 janvier 2027" in later.splitlines()[2]
    assert "clôture aujourd'hui" in later
    assert render(records, "text", on=NOW.isoformat())[0] == render(records, "text")[0]


def test_english(records: list[Record]) -> None:
    html, _ = render(records, lang="en")
    page = parse_html(html)
    assert page.find_all("html")[0].attrs["lang"] == "en"
    sections = html_sections(page)
    assert list(sections) == ["Open calls for projects", "Upcoming events", "New resources"]
    assert sections["Open calls for projects"][0][2] == (
        "“International cooperation and solidarity” call for projects 2027"
    )
    assert sections["Upcoming events"][0][:2] == ("Week of 23 November 2026", "Drôme (26)")
    text = page.root.text
    assert "Deadline: 29 January 2027 — closes in 63 days" in text
    assert "Funded by: Région Auvergne-Rhône-Alpes" in text
    assert "Amount: €5,000 to €30,000, 50% of the budget" in text
    assert "from Friday 20 November to Friday 4 December 2026" in text
    assert "Friday 27 November 2026, 18:30–21:00" in text
    assert "Newsletter prepared on 27 November 2026 with rrma_core." in text
    for fmt in ("html", "markdown", "text"):
        output = render(records, fmt, lang="en")[0]
        for french in ("clôture", "Semaine du", "Date limite", "Financement", "novembre", "Lettre"):
            assert french not in output, (fmt, french)


def test_english_today_and_tomorrow(records: list[Record]) -> None:
    text = squash(render(records, "text", lang="en", now=datetime(2027, 1, 28, 9, tzinfo=PARIS))[0])
    assert "Deadline: 29 January 2027 — closes tomorrow" in text
    text = squash(render(records, "text", lang="en", now=datetime(2027, 1, 29, 9, tzinfo=PARIS))[0])
    assert "Deadline: 29 January 2027 — closes today" in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_markdown_and_text_hold_the_same_items_as_html(records: list[Record], lang: str) -> None:
    options: dict[str, Any] = {"since_days": 400, "weeks": 10, "lang": lang}
    html_items = html_sections(parse_html(render(records, **options)[0]))
    markdown, md_count = render(records, "markdown", **options)
    assert markdown_sections(markdown_page(markdown)) == html_items
    text, text_count = render(records, "text", **options)
    flat = squash(text)
    position = 0
    for heading, items in html_items.items():
        position = flat.index(heading.upper(), position)
        shown: tuple[str | None, str | None] = (None, None)
        for week, place, title in items:
            # Each heading once, when it changes, then the item: found, and in this order.
            parts = [week if week != shown[0] else None, place if (week, place) != shown else None]
            for part in [*parts, title]:
                if part is not None:
                    position = flat.index(part, position)
            shown = (week, place)
    assert md_count == text_count == render(records, **options)[1] == 26


def test_same_records_same_bytes_whatever_their_order(records: list[Record]) -> None:
    shuffled = list(records)
    random.Random(7).shuffle(shuffled)
    for fmt in ("html", "markdown", "text"):
        assert render(records, fmt)[0] == render(shuffled, fmt)[0]


def test_nothing_to_relay(records: list[Record]) -> None:
    html, count = render([])
    assert count == 0
    page = parse_html(html)
    assert not page.find_all("h2")
    assert "Rien de nouveau à relayer pour cette période." in squash(html)
    assert "Nothing new to relay for this period." in render([], "text", lang="en")[0]


def test_withdrawn_records_and_other_models_are_left_out(records: list[Record]) -> None:
    first_id = OPEN_CALLS[0][0]
    withdrawn = [
        r.model_copy(update={"withdrawn_at": NOW}) if r.id == first_id else r for r in records
    ]
    titles = [t for _, _, t in html_sections(parse_html(render(withdrawn)[0]))[CALLS_FR]]
    assert titles == call_titles(records, [i for i, _ in OPEN_CALLS[1:]])


def test_count_is_the_number_of_items_written(records: list[Record]) -> None:
    _, count = render(records)
    assert count == len(OPEN_CALLS) + len(WEEKS) + 1
