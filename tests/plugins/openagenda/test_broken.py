"""Hostile and broken OpenAgenda pages: each file of ``broken/`` is named after its defect.

Every file is served as the answer to every request of one sync, and the outcome must be
the one in ``EXPECTED``: the source fails with a reason (the page as a whole is unusable),
or one event is skipped with a reason naming the field while the others are stored, or the
events are stored with what could not be read left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from rrma_core.errors import RrmaError
from rrma_core.models import Event
from rrma_core.testing import run_connector
from rrma_openagenda import OpenAgendaConnector

from .conftest import BROKEN, KEY, FakeOpenAgenda

LYON = "63815274"  # the event each event-level file makes defective
GRENOBLE = "63902118"  # the sound event beside it


@dataclass(frozen=True)
class Expect:
    """The outcome of one broken file.

    ``fails``: the source fails, and its message holds this text. Otherwise ``stored``
    events are stored and ``skipped`` (text of the reason) is the one event left out, if
    any; ``check`` then looks at the defective event (``None`` when it was not stored).
    """

    fails: str | None = None
    stored: int = 0
    skipped: str | None = None
    check: Callable[[Event | None], bool] | None = None


def _venue_kept_without(field: str) -> Callable[[Event | None], bool]:
    def check(event: Event | None) -> bool:
        address = event.venue.address if event and event.venue else None
        return address is not None and getattr(address, field) is None and address.city == "Lyon"

    return check


def _no_coordinates(event: Event | None) -> bool:
    return event is not None and event.venue is not None and event.venue.coordinates is None


def _safe_description(event: Event | None) -> bool:
    text = event.description.get("fr") if event and event.description else ""
    banned = ["script", "onclick", "onerror", "javascript:", "data:", "<img", "<style", "iframe"]
    banned += ["style=", "evil.example", "mailto:"]
    return (
        not any(b in text for b in banned)
        and "<b>suivie</b>" in text
        and '<a href="https://openagenda.com/agendas/51742968/events/63815274/programme">' in text
        and "<a>Réserver</a>" in text
    )


EXPECTED: dict[str, Expect] = {
    # --- the page as a whole: the source fails, its stored events are kept ------------------
    "html-login-page-instead-of-json.html": Expect(
        fails="an HTML or XML page, not the OpenAgenda JSON expected"
    ),
    "empty-body.json": Expect(fails="empty body where OpenAgenda JSON was expected"),
    "truncated-json.json": Expect(fails="not valid JSON"),
    "error-object-with-status-200.json": Expect(
        fails="the API answered with an error: Forbidden: key *** cannot read agenda 51742968"
    ),
    "top-level-array.json": Expect(
        fails="expected a JSON object with an 'events' list, got a list"
    ),
    "events-is-an-object.json": Expect(fails="'events' list (keys found: after, events, total)"),
    "after-is-a-string.json": Expect(fails="the 'after' cursor should be null or a list"),
    "same-after-twice.json": Expect(fails="returned the same 'after' cursor twice (page 2"),
    "empty-page-with-after.json": Expect(fails="has no events but a cursor to a next page"),
    "deeply-nested-json.json": Expect(fails="JSON nested too deeply"),
    "utf8-bom-before-json.json": Expect(stored=1),
    "latin1-bytes-in-utf8-page.json": Expect(stored=1),
    # --- one event: skipped with the field named, the others stored -------------------------
    "event-not-an-object.json": Expect(
        stored=1, skipped="page 1, item 1: not a JSON object but str"
    ),
    "event-without-uid.json": Expect(
        stored=1,
        skipped="page 1, item 1 (Ciné-débat ALIMENTERRE « Les gardiennes de la terre »): "
        "uid: missing",
    ),
    "event-uid-is-text.json": Expect(
        stored=1, skipped='uid = "cine-debat-alimenterre": not an OpenAgenda uid'
    ),
    "event-without-title.json": Expect(
        stored=1, skipped="63815274: title: missing or empty in every language"
    ),
    "event-without-timings.json": Expect(stored=1, skipped="63815274: timings: no timing"),
    "timings-without-offset-or-timezone.json": Expect(
        stored=1,
        skipped="63815274: timings: none of the 1 timings can be read "
        "(first: begin = '2026-11-28T20:00:00')",
    ),
    "timing-in-year-26.json": Expect(stored=1, skipped="timings: none of the 1 timings"),
    "too-many-timings.json": Expect(stored=1, skipped="timings: 1001 timings, more than 1000"),
    # --- one field unreadable: left out, the event stored -----------------------------------
    "timings-without-offset-in-reunion.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and e.occurrences[0].start.isoformat() == "2026-11-28T19:00:00+04:00"
            and e.region == "04"
        ),
    ),
    "one-timing-unreadable.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and [o.start.isoformat() for o in e.occurrences] == ["2026-11-29T17:00:00+01:00"]
        ),
    ),
    "timing-end-before-begin.json": Expect(
        stored=2, check=lambda e: e is not None and e.occurrences[0].end is None
    ),
    "invalid-insee-code.json": Expect(stored=2, check=_venue_kept_without("commune")),
    "insee-code-of-a-department-that-does-not-exist.json": Expect(
        stored=2, check=_venue_kept_without("departement")
    ),
    "postal-code-with-letters.json": Expect(
        stored=2,
        check=lambda e: (
            _venue_kept_without("postal_code")(e) and e is not None and e.departement == "69"
        ),
    ),
    "nan-coordinates.json": Expect(stored=2, check=_no_coordinates),
    "huge-latitude.json": Expect(stored=2, check=_no_coordinates),
    "latitude-out-of-range.json": Expect(stored=2, check=_no_coordinates),
    "zero-zero-coordinates.json": Expect(stored=2, check=_no_coordinates),
    "unknown-country-code.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and e.venue is not None
            and e.venue.address is None
            and e.venue.name == "Cinéma Comœdia"
        ),
    ),
    "venue-outside-france.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and e.venue is not None
            and e.venue.address is not None
            and e.venue.address.model_dump(exclude_none=True)
            == {"street": "15 rue des Savoises", "city": "Genève", "country": "CH"}
        ),
    ),
    "location-is-a-string.json": Expect(stored=2, check=lambda e: e is not None and not e.venue),
    "script-and-handlers-in-description.json": Expect(stored=2, check=_safe_description),
    "html-and-entities-in-title.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None and e.title.root == {"fr": "Ciné-débat « Nourrir » & échanger"}
        ),
    ),
    "javascript-links.json": Expect(
        stored=2,
        check=lambda e: e is not None and e.online_url is None and e.registration_url is None,
    ),
    "unknown-status-and-attendance-mode.json": Expect(
        stored=2,
        check=lambda e: e is not None and (e.status, e.attendance_mode) == ("scheduled", "offline"),
    ),
    "lone-surrogate-in-title.json": Expect(
        stored=2, check=lambda e: e is not None and str(e.title) == "Ciné-débat ALIMENTERRE"
    ),
    "control-characters-in-texts.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and str(e.title) == "Ciné-débat ALIMENTERRE[31m"
            and e.keywords == ["ALIMENTERRE"]
        ),
    ),
    "invalid-language-tag.json": Expect(
        stored=2, check=lambda e: e is not None and e.title.languages == ["fr"]
    ),
    "title-is-a-plain-string.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and e.title.root == {"fr": "Ciné-débat ALIMENTERRE"}
            and e.description is not None
            and e.description.get("fr").startswith("<p>Projection suivie d'un débat.</p><p>")
        ),
    ),
    "keywords-in-odd-shapes.json": Expect(
        stored=2, check=lambda e: e is not None and e.keywords == ["ALIMENTERRE", "food"]
    ),
    "removed-and-unpublished-events.json": Expect(stored=1),
    "online-event-with-a-venue.json": Expect(
        stored=2,
        check=lambda e: (
            e is not None
            and e.venue is None
            and e.online_url == "https://visio.example.org/alimenterre"
        ),
    ),
}


def test_every_broken_file_has_an_expected_outcome() -> None:
    assert sorted(p.name for p in BROKEN.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_input(name: str, make_openagenda: Callable[..., FakeOpenAgenda]) -> None:
    expected = EXPECTED[name]
    content_type = "text/html; charset=utf-8" if name.endswith(".html") else "application/json"
    fake = make_openagenda(raw=(200, (BROKEN / name).read_bytes(), content_type))

    if expected.fails is not None:
        with pytest.raises(RrmaError) as caught:
            run_connector(OpenAgendaConnector, fake.options())
        assert expected.fails in str(caught.value)
        assert KEY not in str(caught.value)
        return

    run = run_connector(OpenAgendaConnector, fake.options())
    reasons = [str(s) for s in run.skipped]
    if expected.skipped is None:
        assert reasons == []
    else:
        assert len(reasons) == 1, reasons
        assert expected.skipped in reasons[0]
    assert len(run.records) == expected.stored
    assert GRENOBLE in run.source_ids
    if expected.check is not None:
        stored = dict(zip(run.source_ids, run.records, strict=True))
        event = stored.get(LYON)
        assert isinstance(event, Event | None)
        assert expected.check(event), event.model_dump(mode="json") if event else None
