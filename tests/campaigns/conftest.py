"""A hand-made campaign fixture: Festival ALIMENTERRE 2025 and 2026 as the network of
Auvergne-Rhône-Alpes (région 84) gathered it.

Every expected number in the tests is counted by hand from the lists below; the comments say
what each event is there for.

2026 (``alimenterre-2026``, unless said), counted in the région 84 view:

====  =====================  ============  ====================  ==============================
id    organisers             département   kind                  what it misses / why it is here
====  =====================  ============  ====================  ==============================
e1    actor-adm              69 (69266)    projection-debat      nothing
e2    "ARTISANS DU MONDE     69 (69123)    workshop              no-time (all day), no-link
      LYON" (name only)
e3    actor-tp +             38 (38185)    projection-debat      nothing (2 occurrences;
      "terre et partage"                                         the two refs are one organiser)
e4    "Collectif             none          conference            no-venue, no-description,
      Alimentation Durable"                                      no-link (cannot be placed:
                                                                 kept in the own région)
e5    actor-cine             42 (42218)    other                 no-kind
e9    "Artisans du Monde     69 (postal    rencontre             outside-period (5 December);
      Lyon" (name only)      code 69190)                         edition alimenterre-2026-84
e10   actor-tp               none          conference            nothing (online, with a link;
                             (online)                            placed at Grenoble: région 84)
e11   (none)                 69 (69123)    projection-debat      no-organiser
e6    actor-adm              69            workshop              withdrawn: nowhere
e7    "artisans du monde     69            workshop              cancelled: shown, not counted
      lyon"
e8    actor-far              37 (Tours)    projection-debat      another région: left out
e12   actor-far              none (online) conference            organiser in Tours: left out
====  =====================  ============  ====================  ==============================

Organisers: actor-adm "Artisans du Monde Lyon" (an e-mail, and a contact person with a
phone), actor-tp "Terre et Partage" (a contact person: has a contact), actor-cine "Ciné Loire"
(nothing: no-contact), the Collectif (not in the directory: not-linked, no-contact).

2025 (``alimenterre-2025``): p1 "Artisans du monde Lyon" (name only) in 69123, p2
actor-old (not stored) in 63113, p3 actor-cine in 69266, p4 withdrawn, p5 in Tours (left out).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest

from _backends import BACKENDS, workspace_on
from rrma_core import Actor, CampaignEdition, Event, Workspace
from rrma_core.models import Person

AL25, AL26, AL26_84 = "alimenterre-2025", "alimenterre-2026", "alimenterre-2026-84"


def _venue(commune: str | None = None, **address: str) -> dict[str, Any]:
    if commune:
        address["commune"] = commune
    return {"name": "Salle", "address": address}


def _ref(actor_id: str | None = None, name: str | None = None) -> dict[str, str]:
    ref = {}
    if actor_id:
        ref["id"] = actor_id
    if name:
        ref["name"] = name
    return ref


ACTORS: list[Actor] = [
    Actor(id="actor-adm", name="Artisans du Monde Lyon", actor_type="association",
          head_office={"address": {"commune": "69123"}},
          email="contact@adm-lyon.example.org",
          contacts=[Person(name="Paul Martin", phone="04 78 00 00 00")]),
    Actor(id="actor-tp", name="Terre et Partage", actor_type="association",
          head_office={"address": {"commune": "38185"}},
          contacts=[Person(name="Marie Dupont", email="marie.dupont@tp.example.org",
                           phone="04 76 00 00 00")]),
    Actor(id="actor-cine", name="Ciné Loire", actor_type="association",
          head_office={"address": {"commune": "42218"}}),
    Actor(id="actor-far", name="Solidarité Touraine", actor_type="association",
          head_office={"address": {"commune": "37261"}}, email="contact@st.example.org"),
]  # fmt: skip

FULL: dict[str, Any] = {
    "description": {"fr": "Projection et débat."},
    "url": "https://example.org/programme",
}


def _event(number: str, kind: str, starts: list[str], *, campaign: str = AL26,
           organisers: list[dict[str, str]] | None = None, **extra: Any) -> Event:  # fmt: skip
    data: dict[str, Any] = {
        "id": f"event-{number}",
        "title": {"fr": f"Séance {number}"},
        "event_kind": kind,
        "occurrences": [{"start": start} for start in starts],
        "campaign_edition": campaign,
        "organisers": organisers or [],
        **extra,
    }
    return Event.model_validate(data)


ADM = _ref("actor-adm", "Artisans du Monde Lyon")
TP = _ref("actor-tp", "Terre et Partage")
CINE = _ref("actor-cine", "Ciné Loire")
FAR = _ref("actor-far", "Solidarité Touraine")

EVENTS: list[Event] = [
    _event("e1", "projection-debat", ["2026-10-16T20:00:00+02:00"], organisers=[ADM],
           venue=_venue("69266"), audiences=["general-public"],
           keywords=["film: Nourrir la ville", "animation: Ciné-débat", "alimentation"], **FULL),
    _event("e2", "workshop", ["2026-10-20"], organisers=[_ref(name="ARTISANS DU MONDE LYON")],
           venue=_venue("69123"), keywords=["animation: Atelier"],
           description={"fr": "Atelier cuisine."}),
    _event("e3", "projection-debat", ["2026-11-05T18:30:00+01:00", "2026-11-06T18:30:00+01:00"],
           organisers=[TP, _ref(name="terre et partage")], venue=_venue("38185"),
           keywords=["film: NOURRIR LA VILLE", "animation: ciné-débat"],
           description={"fr": "Deux séances."},
           registration_url="https://example.org/inscription"),
    _event("e4", "conference", ["2026-11-10T19:00:00+01:00"],
           organisers=[_ref(name="Collectif Alimentation Durable")]),
    _event("e5", "other", ["2026-11-12T15:00:00+01:00"], organisers=[CINE],
           venue=_venue("42218"), audiences=["school"],
           keywords=["film: Les Déracinés", "animation: Ciné-goûter"], **FULL),
    _event("e9", "rencontre", ["2026-12-05T10:00:00+01:00"], campaign=AL26_84,
           organisers=[_ref(name="Artisans du Monde Lyon")],
           venue=_venue(postal_code="69190", city="Saint-Fons"), audiences=["general-public"],
           **FULL),
    _event("e10", "conference", ["2026-11-18T18:00:00+01:00"], organisers=[TP],
           attendance_mode="online", online_url="https://example.org/webinaire", **FULL),
    _event("e11", "projection-debat", ["2026-11-25T20:00:00+01:00"], venue=_venue("69123"),
           **FULL),
    _event("e6", "workshop", ["2026-11-02T14:00:00+01:00"], organisers=[ADM],
           venue=_venue("69123"), **FULL),
    _event("e7", "workshop", ["2026-11-03T14:00:00+01:00"],
           organisers=[_ref(name="artisans du monde lyon")], venue=_venue("69123"),
           status="cancelled", **FULL),
    _event("e8", "projection-debat", ["2026-11-04T20:00:00+01:00"], organisers=[FAR],
           venue=_venue("37261"), **FULL),
    _event("e12", "conference", ["2026-11-05T20:00:00+01:00"], organisers=[FAR],
           attendance_mode="online", online_url="https://example.org/visio", **FULL),
    # 2025
    _event("p1", "projection-debat", ["2025-10-20T20:00:00+02:00"], campaign=AL25,
           organisers=[_ref(name="Artisans du monde Lyon")], venue=_venue("69123"), **FULL),
    _event("p2", "projection-debat", ["2025-11-10T20:00:00+01:00"], campaign=AL25,
           organisers=[_ref("actor-old", "Ancien Organisateur")], venue=_venue("63113"),
           **FULL),
    _event("p3", "workshop", ["2025-11-15T14:00:00+01:00"], campaign=AL25,
           organisers=[CINE], venue=_venue("69266"), **FULL),
    _event("p4", "workshop", ["2025-11-16T14:00:00+01:00"], campaign=AL25,
           organisers=[CINE], venue=_venue("69123"), **FULL),
    _event("p5", "workshop", ["2025-11-17T14:00:00+01:00"], campaign=AL25,
           organisers=[FAR], venue=_venue("37261"), **FULL),
    # Another campaign, the same year: never counted.
    _event("x1", "projection-debat", ["2026-11-20T20:00:00+01:00"], campaign="festisol-2026",
           organisers=[ADM], venue=_venue("69123"), **FULL),
]  # fmt: skip

WITHDRAWN = ("event-e6", "event-p4")

EDITION_84 = CampaignEdition(
    campaign="alimenterre",
    year=2026,
    region="84",
    start="2026-10-15",
    end="2026-11-30",
    coordinators=[{"name": "RESACOOP", "role": "coordinator"}],
    figures={"attendance": 1500, "events": 99},
)


def fill(ws: Workspace) -> None:
    """Add the fixture to ``ws`` through the public API."""
    for record in [*ACTORS, EDITION_84, *EVENTS]:
        ws.add(record)
    for record_id in WITHDRAWN:
        ws.withdraw(record_id)


def network(root: Path, backend: str) -> AbstractContextManager[Workspace]:
    """The filled workspace of the network of Auvergne-Rhône-Alpes (région 84)."""
    return workspace_on(root, backend, fill=fill, name="Réseau Test")


@pytest.fixture(scope="module", params=BACKENDS)
def ws(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workspace]:
    """The filled workspace, shared by the tests that only read it, on each backend."""
    with network(tmp_path_factory.mktemp("campaigns") / "reseau", request.param) as workspace:
        yield workspace


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Workspace]:
    """A filled workspace of the test's own, on each backend (for tests that change it)."""
    with network(tmp_path / "reseau", request.param) as workspace:
        yield workspace
