"""Indicators of the directory of actors (SQL): by type, territory, country, continent,
sector and SDG."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, or_

from rrma_core.indicators._base import Scope
from rrma_core.indicators._continents import CONTINENT_OF
from rrma_core.indicators._counting import ByColumn, ByFacet, SqlIndicator, case_groups, records
from rrma_core.indicators._labels import bilingual

__all__ = [
    "ActorsByContinent",
    "ActorsByCountry",
    "ActorsByDepartement",
    "ActorsByRegion",
    "ActorsBySdg",
    "ActorsBySector",
    "ActorsByType",
]

_SCOPE = {
    "fr": (
        "Les acteurs de l'annuaire (non retirés) ; avec une période, ceux présents dans la base à "
        "la fin de la période (enregistrés avant, retirés après ou jamais). Avec une région, "
        "ceux dont le siège y est."
    ),
    "en": (
        "Actors of the directory (not withdrawn); with a period, those in the database at the "
        "end of the period (stored before it ends, withdrawn after or never). With a région, "
        "those whose head office is in it."
    ),
}


def _method(fr: str, en: str) -> Mapping[str, str]:
    return bilingual(f"{_SCOPE['fr']} {fr}", f"{_SCOPE['en']} {en}")


def _multi_note(fr: str, en: str) -> Mapping[str, str]:
    return bilingual(
        f"Un acteur compte une fois pour chaque {fr} : le total des valeurs dépasse le "
        "nombre d'acteurs.",
        f"An actor counts once for each of its {en}: the values add up to more than the "
        "number of actors.",
    )


class _Actors(SqlIndicator):
    record_type = "actor"

    def conditions(self, scope: Scope) -> list[ColumnElement[bool]]:
        """Actors in the directory (at the end of the period), in the région if given.

        The directory has no history but the records' own: with a period, an actor counts
        when it was stored before the period ends and not withdrawn by then.
        """
        conditions: list[ColumnElement[bool]] = [records.c.record_type == "actor"]
        high = scope.high
        if high is None:
            conditions.append(records.c.withdrawn_at.is_(None))
        else:
            conditions.append(records.c.created_at < high)
            conditions.append(or_(records.c.withdrawn_at.is_(None), records.c.withdrawn_at >= high))
        if scope.region is not None:
            conditions.append(records.c.region == scope.region)
        return conditions


class ActorsByType(_Actors, ByColumn):
    """``actors.by_type``: actors by type (association, local authority, school...)."""

    key = "actors.by_type"
    labels = bilingual(
        "Acteurs par type",
        "Actors by type",
    )
    dimensions = ("actor_type",)
    columns = MappingProxyType({"actor_type": "category"})
    method = _method("Chaque acteur compte une fois, sous son type.", "Each counts once, by type.")


class ActorsByDepartement(_Actors, ByColumn):
    """``actors.by_departement``: actors by the département of their head office."""

    key = "actors.by_departement"
    labels = bilingual(
        "Acteurs par département du siège",
        "Actors by head office département",
    )
    dimensions = ("departement", "region")
    label_dimensions = ("departement",)
    columns = MappingProxyType({"departement": "departement", "region": "region"})
    method = _method(
        "Chaque acteur compte une fois, sous le département de son siège (code INSEE de la "
        "commune) ; sans adresse connue, sous « Non renseigné ».",
        "Each counts once, under its head office's département (from the commune's INSEE "
        'code); without a known address, under "Not given".',
    )


class ActorsByRegion(_Actors, ByColumn):
    """``actors.by_region``: actors by the région of their head office."""

    key = "actors.by_region"
    labels = bilingual(
        "Acteurs par région du siège",
        "Actors by head office région",
    )
    dimensions = ("region",)
    columns = MappingProxyType({"region": "region"})
    method = _method(
        "Chaque acteur compte une fois, sous la région de son siège.",
        "Each counts once, under its head office's région.",
    )


class ActorsByCountry(_Actors, ByFacet):
    """``actors.by_country``: actors by country of intervention (ISO 3166-1 alpha-2)."""

    key = "actors.by_country"
    labels = bilingual(
        "Acteurs par pays d'intervention",
        "Actors by country of intervention",
    )
    dimensions = ("country",)
    facet = "country"
    method = _method(
        "Un acteur compte sous chacun de ses pays d'intervention ; sans pays, sous « Non "
        "renseigné ».",
        "An actor counts under each of its countries of intervention; without any, under "
        '"Not given".',
    )
    note = _multi_note("pays d'intervention", "countries of intervention")


class ActorsByContinent(_Actors, ByFacet):
    """``actors.by_continent``: actors by continent of intervention (UN M49 regions)."""

    key = "actors.by_continent"
    labels = bilingual(
        "Acteurs par continent d'intervention",
        "Actors by continent of intervention",
    )
    dimensions = ("continent",)
    facet = "country"
    method = _method(
        "Les pays d'intervention sont regroupés par continent selon les régions M49 des "
        "Nations unies (Afrique, Amériques, Asie, Europe, Océanie) ; un acteur compte une fois "
        "par continent, quel que soit son nombre de pays sur ce continent.",
        "Countries of intervention are grouped by continent as the UN M49 regions do (Africa, "
        "Americas, Asia, Europe, Oceania); an actor counts once per continent, however many "
        "of its countries are on it.",
    )
    note = _multi_note("continent d'intervention", "continents of intervention")

    def group(self, code: ColumnElement[Any]) -> ColumnElement[Any] | None:
        """The continent of a country code, as a SQL ``CASE``."""
        groups: dict[str, set[str]] = {}
        for country, continent in CONTINENT_OF.items():
            groups.setdefault(continent, set()).add(country)
        return case_groups(code, groups)  # type: ignore[no-any-return]


class ActorsBySector(_Actors, ByFacet):
    """``actors.by_sector``: actors by sector of activity (the networks' thesaurus)."""

    key = "actors.by_sector"
    labels = bilingual(
        "Acteurs par secteur d'activité",
        "Actors by sector",
    )
    dimensions = ("sector",)
    facet = "theme"
    method = _method(
        "Un acteur compte sous chacun de ses secteurs (vocabulaire « sectors »).",
        'An actor counts under each of its sectors (the "sectors" vocabulary).',
    )
    note = _multi_note("secteur", "sectors")


class ActorsBySdg(_Actors, ByFacet):
    """``actors.by_sdg``: actors by Sustainable Development Goal (1 to 17)."""

    key = "actors.by_sdg"
    labels = bilingual(
        "Acteurs par ODD",
        "Actors by SDG",
    )
    dimensions = ("sdg",)
    facet = "sdg"
    sort_by_value = False
    method = _method(
        "Un acteur compte sous chacun des objectifs de développement durable qu'il déclare.",
        "An actor counts under each Sustainable Development Goal it names.",
    )
    note = _multi_note("ODD", "SDGs")

    def figures(self, scope: Scope) -> tuple[list[Mapping[str, Any]], float | None]:
        """SDGs in their order, 1 to 17, then the actors without any; and the total."""
        found, total = super().figures(scope)
        return sorted(found, key=lambda r: (r["sdg"] is None, int(r["sdg"] or 0))), total
