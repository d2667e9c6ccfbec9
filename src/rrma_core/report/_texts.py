"""The texts of the reports, in French and English, and how numbers, changes and dates read."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType

from rrma_core.charts import LANGS, check_lang, format_number
from rrma_core.vocabularies import MONTHS

__all__ = ["LANGS", "Texts", "change_text", "check_lang", "date_text", "texts"]

_TEXTS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        "fr": {
            "barometre": "Baromètre",
            "campaign_report": "Bilan de campagne",
            "of_region": "Région {region}",
            "all_regions": "Toutes les régions de la base",
            "data_date": "Données à jour au {date}",
            "generated": "Rapport généré le {date} par rrma_core",
            "key_figures": "Chiffres clés",
            "contents": "Sommaire",
            "vs": "{change} par rapport à {year}",
            "same": "autant qu'en {year}",
            "no_previous": "pas de données pour {year}",
            "no_data": "Aucune donnée pour cette période.",
            "no_data_report": (
                "La base ne contient encore aucune donnée pour {year} : synchronisez les "
                "sources du réseau (rrma sync) ou saisissez des fiches, puis générez à nouveau "
                "ce rapport."
            ),
            "value": "Nombre",
            "label": "Libellé",
            "previous_year": "{year}",
            "change": "Évolution",
            "more_rows": "… et {n} autres lignes (voir le graphique)",
            "total_note": "Nombre d'éléments distincts comptés : {total}.",
            "kf_actors": "acteurs dans l'annuaire",
            "kf_events": "événements",
            "kf_occurrences": "dates d'événements",
            "kf_calls": "appels à projets ouverts",
            "kf_trainings": "sessions de formation",
            "kf_trainees": "participants aux formations",
            "kf_spaces": "espaces multi-acteurs",
            "kf_meetings": "réunions d'espaces multi-acteurs",
            "section_map": "Carte des acteurs et des événements",
            "map_intro": (
                "Acteurs (siège) et événements de l'année ayant des coordonnées, sur un contour "
                "schématique de la France métropolitaine."
            ),
            "layer_actors": "Acteurs",
            "layer_events": "Événements",
            "section_actors": "Les acteurs",
            "actors_intro": "L'annuaire des acteurs de la coopération internationale au {date}.",
            "section_events": "Les événements",
            "events_intro": "Les événements qui ont lieu en {year} (hors événements annulés).",
            "section_calls": "Les appels à projets",
            "calls_intro": "Les appels à projets ouverts à un moment de l'année {year}.",
            "section_trainings": "Les formations",
            "trainings_intro": "Les sessions de formation de l'année {year}.",
            "section_spaces": "Les espaces multi-acteurs",
            "spaces_intro": "Les groupes d'échange animés par le réseau en {year}.",
            "section_method": "Méthodologie",
            "method_intro": (
                "Les chiffres sont calculés par rrma_core à partir de la base de données du "
                "réseau, avec les mêmes règles chaque année. {scope} Chaque indicateur est "
                "décrit ci-dessous."
            ),
            "scope_region": "Seuls les enregistrements de la région {region} sont comptés.",
            "scope_all": "Tous les enregistrements de la base sont comptés.",
            "section_sources": "Sources",
            "sources_intro": (
                "Les données viennent des sources synchronisées par le réseau et des fiches "
                "saisies à la main. Aucune donnée personnelle n'est publiée dans ce rapport."
            ),
            "source": "Source",
            "connector": "Connecteur",
            "records": "Fiches",
            "last_sync": "Dernière synchronisation réussie",
            "never": "jamais",
            "hand_entered": "Saisie manuelle",
            "hand_entered_connector": "—",
            "measure": "Mesure",
            "departement": "Département",
            "events": "Événements",
            "organisers": "Organisateurs",
            "departements": "Départements touchés",
            "communes": "Communes touchées",
            "organiser": "Organisateur",
            "film": "Film ou type d'animation",
            "kind_film": "film",
            "kind_animation": "animation",
            "kind": "Nature",
            "edition_of": "Édition {year}",
            "previous_edition": "Édition {year}",
            "reach": "Rayonnement de l'édition",
            "by_departement": "Événements par département",
            "by_kind": "Événements par type",
            "by_organiser": "Organisateurs",
            "by_film": "Films et types d'animation",
            "no_film": "Aucun film ni type d'animation n'est indiqué pour cette édition.",
            "no_events": "Aucun événement n'est enregistré pour cette édition.",
            "campaign_method": (
                "Sont comptés les événements de l'édition (champ « campaign_edition ») qui ne "
                "sont ni retirés ni annulés. Un événement est placé dans le département de son "
                "lieu ; sans lieu, dans celui du siège de son organisateur quand l'annuaire le "
                "connaît. Les organisateurs sont distingués par leur fiche dans l'annuaire, "
                "sinon par leur nom. L'édition précédente est celle de l'année d'avant, pour "
                "la même campagne et le même territoire."
            ),
            "new": "nouveau",
            "period": "Du {start} au {end}",
        },
        "en": {
            "barometre": "Barometer",
            "campaign_report": "Campaign report",
            "of_region": "Region {region}",
            "all_regions": "Every région of the database",
            "data_date": "Data as of {date}",
            "generated": "Report generated on {date} by rrma_core",
            "key_figures": "Key figures",
            "contents": "Contents",
            "vs": "{change} compared with {year}",
            "same": "as many as in {year}",
            "no_previous": "no data for {year}",
            "no_data": "No data for this period.",
            "no_data_report": (
                "The database holds no data for {year} yet: sync the network's sources "
                "(rrma sync) or enter records, then generate this report again."
            ),
            "value": "Number",
            "label": "Label",
            "previous_year": "{year}",
            "change": "Change",
            "more_rows": "… and {n} more rows (see the chart)",
            "total_note": "Distinct items counted: {total}.",
            "kf_actors": "actors in the directory",
            "kf_events": "events",
            "kf_occurrences": "event dates",
            "kf_calls": "open calls for projects",
            "kf_trainings": "training sessions",
            "kf_trainees": "training participants",
            "kf_spaces": "multi-actor spaces",
            "kf_meetings": "meetings of multi-actor spaces",
            "section_map": "Map of actors and events",
            "map_intro": (
                "Actors (head office) and events of the year with coordinates, on a schematic "
                "outline of metropolitan France."
            ),
            "layer_actors": "Actors",
            "layer_events": "Events",
            "section_actors": "Actors",
            "actors_intro": "The directory of international cooperation actors as of {date}.",
            "section_events": "Events",
            "events_intro": "Events taking place in {year} (cancelled ones left out).",
            "section_calls": "Calls for projects",
            "calls_intro": "Calls for projects open at some time in {year}.",
            "section_trainings": "Trainings",
            "trainings_intro": "Training sessions of {year}.",
            "section_spaces": "Multi-actor spaces",
            "spaces_intro": "The exchange groups the network ran in {year}.",
            "section_method": "Methodology",
            "method_intro": (
                "The figures are computed by rrma_core from the network's database, with the "
                "same rules every year. {scope} Each indicator is described below."
            ),
            "scope_region": "Only the records of the région {region} are counted.",
            "scope_all": "Every record of the database is counted.",
            "section_sources": "Sources",
            "sources_intro": (
                "The data comes from the sources the network syncs and from records entered "
                "by hand. No personal data is published in this report."
            ),
            "source": "Source",
            "connector": "Connector",
            "records": "Records",
            "last_sync": "Last successful sync",
            "never": "never",
            "hand_entered": "Entered by hand",
            "hand_entered_connector": "—",
            "measure": "Measure",
            "departement": "Département",
            "events": "Events",
            "organisers": "Organisers",
            "departements": "Départements reached",
            "communes": "Communes reached",
            "organiser": "Organiser",
            "film": "Film or type of activity",
            "kind_film": "film",
            "kind_animation": "activity",
            "kind": "Kind",
            "edition_of": "{year} edition",
            "previous_edition": "{year} edition",
            "reach": "The edition's reach",
            "by_departement": "Events by département",
            "by_kind": "Events by kind",
            "by_organiser": "Organisers",
            "by_film": "Films and types of activity",
            "no_film": "No film or type of activity is given for this edition.",
            "no_events": "No event is recorded for this edition.",
            "campaign_method": (
                "The events of the edition (their campaign_edition field) that are neither "
                "withdrawn nor cancelled are counted. An event is placed in its venue's "
                "département; without a venue, in its organiser's head office's when the "
                "directory knows it. Organisers are told apart by their directory record, else "
                "by their name. The previous edition is the one of the year before, for the "
                "same campaign and territory."
            ),
            "new": "new",
            "period": "From {start} to {end}",
        },
    }
)


class Texts:
    """The texts of one language: ``t["key"]``, or ``t("key", year=2026)`` to fill them in."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self._texts = _TEXTS[self.lang]

    def __getitem__(self, key: str) -> str:
        return self._texts[key]

    def __call__(self, key: str, **values: object) -> str:
        return self._texts[key].format(**values)


def texts(lang: str) -> Texts:
    """The texts of the reports in ``lang``."""
    return Texts(lang)


def date_text(value: date | datetime, lang: str) -> str:
    """``27 novembre 2026`` (``1er`` for the first of the month), or ``27 November 2026``."""
    day = value.day
    month = MONTHS[lang][value.month - 1]
    if lang == "fr":
        return f"{'1er' if day == 1 else day} {month} {value.year}"
    return f"{day} {month} {value.year}"


def change_text(now: float | None, before: float | None, lang: str) -> str | None:
    """A change as people read it: ``+3 (+25 %)``, ``−2 (−10 %)``, ``=``; ``None`` when one
    side is unknown."""
    if now is None or before is None or math.isnan(now) or math.isnan(before):
        return None
    change = now - before
    if change == 0:
        return "="
    sign = "+" if change > 0 else "−"
    text = f"{sign}{format_number(abs(change), lang)}"
    if before:
        percent = abs(change) / before * 100
        space = "\u202f" if lang == "fr" else ""
        text += f" ({sign}{format_number(round(percent), lang)}{space}%)"
    return text
