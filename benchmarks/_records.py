"""The records the export benchmarks measure on, made in memory the same way for each.

``make_events`` and ``make_calls`` give the same records in every run (and to every
benchmark asking for the same options), so that figures of different days compare.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects, Event

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
STORED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
VENUES = [
    {"name": "Cinéma Le Zola", "address": {"street": "117 cours Émile-Zola",
     "postal_code": "69100", "city": "Villeurbanne", "commune": "69266"},
     "coordinates": {"lat": 45.769, "lon": 4.8832}},
    {"name": "Salle des fêtes", "address": {"street": "2 place de la Mairie",
     "postal_code": "37000", "city": "Tours", "commune": "37261"},
     "coordinates": {"lat": 47.3941, "lon": 0.6848}},
    {"name": "Maison des associations", "address": {"city": "Nantes", "commune": "44109"}},
]  # fmt: skip
#: An event description as feeds receive it from agendas (HTML to sanitise).
HTML_DESCRIPTION = (
    "<p>Projection du documentaire suivie d'un débat avec une paysanne sénégalaise et "
    "Terre et Partage Rhône.</p><ul><li>Awa Ndiaye, productrice ;</li><li>l'équipe de "
    "Terre et Partage Rhône.</li></ul><p>Entrée libre, <strong>sur réservation</strong>.</p>"
)
#: An event description in plain text.
PLAIN_DESCRIPTION = (
    "Projection du documentaire suivie d'un débat avec une paysanne sénégalaise et "
    "Terre et Partage Rhône. Entrée libre, sur réservation ; buffet solidaire à l'issue "
    "de la séance, avec les producteurs du marché de la Croix-Rousse."
)
CALL_TEXT = (
    "Soutien aux projets de solidarité internationale portés par des associations et des "
    "OSIM ayant leur siège dans la région, menés avec un partenaire local dans les pays "
    "prioritaires.\n\nUne attention particulière est portée à l'implication de la jeunesse."
)
FUNDERS = ["Région Auvergne-Rhône-Alpes", "Agence française de développement", "Fondation X"]


def make_events(count: int, *, description: str, tabular: bool = False) -> list[Event]:
    """``count`` events over 2027: a tenth all-day, a tenth twice, a twentieth cancelled.

    With ``tabular``, each also has an audience, a price amount and keywords (one in fifty
    starting with ``=``, a formula for spreadsheets to neutralise): the open-data tables'
    columns.
    """
    events = []
    start = datetime(2027, 1, 1, 18, 0, tzinfo=PARIS)
    for n in range(count):
        first = start + timedelta(hours=7 * n)
        if n % 10 == 3:
            day = first.date()
            occurrences: list[dict[str, Any]] = [{"start": day, "end": day + timedelta(days=1)}]
        else:
            occurrences = [{"start": first, "end": first + timedelta(hours=2)}]
            if n % 10 == 5:
                occurrences.append({"start": first + timedelta(days=7)})
        extra: dict[str, Any] = {}
        price: dict[str, Any] = {"text": "5 € / 3 € tarif réduit"} if n % 2 else {"free": True}
        if tabular:
            extra["audiences"] = ["general-public"]
            extra["keywords"] = ["alimenterre", "=formule" if n % 50 == 0 else "semences"]
            if n % 2:
                price = {"amount": 5, **price}
        events.append(
            Event(
                id=f"event-{n:05d}",
                title={"fr": f"Projection-débat n° {n} « Nourrir la ville »",
                       "en": f"Screening and debate no. {n}"},
                description=description.replace("documentaire", f"documentaire n° {n}"),
                occurrences=occurrences,
                venue=VENUES[n % len(VENUES)],
                organisers=[{"name": "Terre et Partage Rhône"}, {"name": "RESACOOP"}],
                event_kind="projection-debat",
                status="cancelled" if n % 20 == 7 else "scheduled",
                price=price,
                campaign_edition="alimenterre-2026" if n % 3 == 0 else None,
                themes=["agriculture", "developpement-rural"],
                sdgs=[2, 12],
                url=f"https://agenda.example.org/evenements/{n}",
                created_at=STORED,
                updated_at=STORED,
                **extra,
            )
        )  # fmt: skip
    return events


def make_calls(count: int) -> list[CallForProjects]:
    """``count`` calls: deadlines as days or date-times, a tenth with none."""
    calls = []
    for n in range(count):
        deadline: date | datetime | None = date(2027, 1, 1) + timedelta(days=n % 365)
        if n % 4 == 1:
            deadline = datetime(2027, 3, 12, 12, 0, tzinfo=PARIS) + timedelta(days=n % 200)
        if n % 10 == 9:
            deadline = None
        calls.append(
            CallForProjects(
                id=f"call-{n:05d}",
                title=f"Appel à projets « Coopération et solidarité internationale » n° {n}",
                funders=[{"name": FUNDERS[n % 3]}],
                description=f"{CALL_TEXT} (appel n° {n})",
                url=f"https://www.example.org/aap/{n}",
                published_on=date(2026, 10, 15),
                deadline=deadline,
                amount={"min": 5000, "max": 30000, "rate": 50} if n % 2 else
                       {"text": "De 5 000 à 30 000 €, dans la limite de 50 % du budget"},
                eligible_actor_types=["association", "osim"],
                perimeter={"regions": ["84"]},
                themes=["agriculture", "eau", "sante"],
                sdgs=[2, 3, 6],
                countries=["SN", "BF", "MG"],
                created_at=STORED,
                updated_at=STORED,
            )
        )  # fmt: skip
    return calls


def export_context() -> ExportContext:
    """The context every export benchmark runs in: the demo network, Paris time, ``NOW``."""
    return ExportContext(workspace="Réseau de démonstration", timezone=PARIS, now=NOW)
