"""Indicators of events (SQL): by campaign edition, département, kind and month."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, union_all

from rrma_core.indicators._base import Scope
from rrma_core.indicators._counting import ByColumn, ByMonth, SqlIndicator, records, terms
from rrma_core.indicators._labels import bilingual
from rrma_core.storage._store import occurrences_t

__all__ = [
    "EventsByCampaign",
    "EventsByDepartement",
    "EventsByKind",
    "EventsByMonth",
    "OccurrencesByMonth",
]

occurrences = occurrences_t

_SCOPE = {
    "fr": (
        "Les événements non retirés et non annulés ; avec une période, ceux dont une "
        "occurrence commence dans la période (jours du fuseau horaire de l'espace de travail). "
        "Avec une région, ceux dont le lieu y est."
    ),
    "en": (
        "Events neither withdrawn nor cancelled; with a period, those with an occurrence "
        "starting in it (days of the workspace time zone). With a région, those whose venue is "
        "in it."
    ),
}


def _method(fr: str, en: str) -> Mapping[str, str]:
    return bilingual(f"{_SCOPE['fr']} {fr}", f"{_SCOPE['en']} {en}")


class _Events(SqlIndicator):
    record_type = "event"

    def base(self, scope: Scope) -> list[ColumnElement[bool]]:
        """Events not withdrawn nor cancelled, in the région if given, that may have an
        occurrence in the period (their first starts before it ends, their last ends after
        it starts: a condition the index on ``(record_type, start_at)`` serves)."""
        cancelled = select(terms.c.record_id).where(
            terms.c.facet == "status", terms.c.code == "cancelled"
        )
        conditions: list[ColumnElement[bool]] = [
            records.c.record_type == "event",
            records.c.withdrawn_at.is_(None),
            records.c.id.not_in(cancelled),
        ]
        if scope.region is not None:
            conditions.append(records.c.region == scope.region)
        if scope.low is not None and scope.high is not None:
            conditions.append(records.c.start_at < scope.high)
            conditions.append(or_(records.c.start_at >= scope.low, records.c.end_at > scope.low))
        return conditions

    def in_period(self, scope: Scope) -> list[ColumnElement[bool]]:
        """Occurrences starting in the period (nothing without one)."""
        if scope.low is None or scope.high is None:
            return []
        return [occurrences.c.start_at >= scope.low, occurrences.c.start_at < scope.high]

    def conditions(self, scope: Scope) -> list[ColumnElement[bool]]:
        """Events counted: with an occurrence starting in the period, when there is one."""
        conditions = self.base(scope)
        window = self.in_period(scope)
        if window:
            conditions.append(
                exists().where(and_(occurrences.c.record_id == records.c.id, *window))
            )
        return conditions


class EventsByCampaign(_Events, ByColumn):
    """``events.by_campaign``: events by campaign edition (``alimenterre-2026``...)."""

    key = "events.by_campaign"
    labels = bilingual(
        "Événements par édition de campagne",
        "Events by campaign edition",
    )
    dimensions = ("campaign",)
    columns = MappingProxyType({"campaign": "campaign_edition"})
    method = _method(
        "Chaque événement compte une fois, sous son édition de campagne (Festival "
        "ALIMENTERRE 2026, Festisol 2026...) ; hors campagne, sous « Hors campagne ».",
        "Each event counts once, under its campaign edition (Festival ALIMENTERRE 2026, "
        'Festisol 2026...); outside any campaign, under "No campaign".',
    )


class EventsByDepartement(_Events, ByColumn):
    """``events.by_departement``: events by the département of their venue."""

    key = "events.by_departement"
    labels = bilingual(
        "Événements par département",
        "Events by département",
    )
    dimensions = ("departement", "region")
    label_dimensions = ("departement",)
    columns = MappingProxyType({"departement": "departement", "region": "region"})
    method = _method(
        "Chaque événement compte une fois, sous le département de son lieu (code INSEE de la "
        "commune) ; en ligne ou sans adresse, sous « Non renseigné ».",
        "Each event counts once, under its venue's département (from the commune's INSEE "
        'code); online or without an address, under "Not given".',
    )


class EventsByKind(_Events, ByColumn):
    """``events.by_kind``: events by kind (projection-débat, rencontre, school activity...)."""

    key = "events.by_kind"
    labels = bilingual(
        "Événements par type",
        "Events by kind",
    )
    dimensions = ("event_kind",)
    columns = MappingProxyType({"event_kind": "category"})
    method = _method("Chaque événement compte une fois, sous son type.", "Each counts once.")


class _EventsMonthly(_Events, ByMonth):
    def monthly_figures(
        self, scope: Scope, *, distinct: bool
    ) -> tuple[list[Mapping[str, Any]], int | None]:
        # Only events have occurrences: rather than join each occurrence to its event, leave
        # out the few events not counted (withdrawn or cancelled: a short list the database
        # hashes once) and, for a région, keep those of its events (an indexed list).
        excluded = union_all(
            select(records.c.id).where(records.c.withdrawn_at.is_not(None)),
            select(terms.c.record_id).where(terms.c.facet == "status", terms.c.code == "cancelled"),
        )
        where = [occurrences.c.record_id.not_in(excluded), *self.in_period(scope)]
        if scope.region is not None:
            regional = select(records.c.id).where(
                records.c.region == scope.region, records.c.record_type == "event"
            )
            where.append(occurrences.c.record_id.in_(regional))
        return self.monthly(
            scope,
            occurrences.c.start_at,
            occurrences.c.record_id,
            where,
            occurrences,
            distinct=distinct,
        )


class EventsByMonth(_EventsMonthly):
    """``events.by_month``: events by month (an event counts in each month it takes place)."""

    key = "events.by_month"
    labels = bilingual(
        "Événements par mois",
        "Events by month",
    )
    method = _method(
        "Un événement compte une fois dans chaque mois où l'une de ses occurrences commence "
        "(mois du fuseau horaire de l'espace de travail).",
        "An event counts once in each month one of its occurrences starts in (months of the "
        "workspace time zone).",
    )
    note = bilingual(
        "Un événement dont les occurrences s'étalent sur plusieurs mois compte dans "
        "chacun : le total des valeurs peut dépasser le nombre d'événements.",
        "An event whose occurrences fall in several months counts in each: the values "
        "may add up to more than the number of events.",
    )

    def figures(self, scope: Scope) -> tuple[list[Mapping[str, Any]], float | None]:
        """One row per month with events, in order, and how many distinct events, at once."""
        return self.monthly_figures(scope, distinct=True)

    def rows(self, scope: Scope) -> list[Mapping[str, Any]]:
        """One row per month with events, in order."""
        return self.monthly_figures(scope, distinct=True)[0]

    def total(self, scope: Scope) -> float | None:
        """How many distinct events were counted."""
        return self.count(scope)


class OccurrencesByMonth(_EventsMonthly):
    """``events.occurrences_by_month``: event occurrences (dates) by month."""

    key = "events.occurrences_by_month"
    labels = bilingual(
        "Dates d'événements par mois",
        "Event occurrences by month",
    )
    method = _method(
        "Chaque occurrence (date) d'un événement compte une fois, dans le mois où elle "
        "commence : un cycle de projections de dix séances compte dix.",
        "Each occurrence (date) of an event counts once, in the month it starts: a series of "
        "ten screenings counts ten.",
    )

    def rows(self, scope: Scope) -> list[Mapping[str, Any]]:
        """One row per month with occurrences, in order."""
        return self.monthly_figures(scope, distinct=False)[0]
