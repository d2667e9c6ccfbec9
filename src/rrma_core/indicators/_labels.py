"""Labels of dimension values, in French or English, for the ``label`` column of indicators."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from rrma_core.indicators._continents import continent_label
from rrma_core.vocabularies import MONTHS, VocabularyRegistry

__all__ = ["MEASURES", "bilingual", "dimension_label", "is_missing", "text_in"]


def bilingual(fr: str, en: str) -> Mapping[str, str]:
    """A text in French and English: ``{"fr": fr, "en": en}``, read-only."""
    return MappingProxyType({"fr": fr, "en": en})


#: Dimensions whose values are codes of a vocabulary, and that vocabulary's name.
VOCABULARY_OF: Mapping[str, str] = {
    "actor_type": "actor_types",
    "departement": "departements",
    "region": "regions",
    "country": "countries",
    "sector": "sectors",
    "event_kind": "event_kinds",
    "training_format": "training_formats",
    "training_theme": "training_themes",
    "space_kind": "space_kinds",
}

#: The measures of the trainings and spaces indicators (their ``measure`` dimension).
MEASURES: Mapping[str, Mapping[str, str]] = {
    "trainings": {"fr": "Formations", "en": "Trainings"},
    "sessions": {"fr": "Sessions", "en": "Sessions"},
    "hours": {"fr": "Heures de formation", "en": "Training hours"},
    "registered": {"fr": "Inscrits", "en": "Registered"},
    "participants": {"fr": "Participants", "en": "Participants"},
    "fill_rate": {"fr": "Taux de remplissage", "en": "Fill rate"},
    "satisfaction": {"fr": "Satisfaction", "en": "Satisfaction"},
    "spaces": {"fr": "Espaces", "en": "Spaces"},
    "members": {"fr": "Membres", "en": "Members"},
    "meetings": {"fr": "Réunions", "en": "Meetings"},
    "attendance": {"fr": "Participants aux réunions", "en": "Meeting attendance"},
    "attendance_mean": {
        "fr": "Participants par réunion (moyenne)",
        "en": "Attendance per meeting (mean)",
    },
}

_MISSING: Mapping[str, Mapping[str, str]] = {
    "campaign": {"fr": "Hors campagne", "en": "No campaign"},
    "month": {"fr": "Sans date", "en": "No date"},
    "": {"fr": "Non renseigné", "en": "Not given"},
}

_EDITION = re.compile(r"^(?P<campaign>.+?)-(?P<year>\d{4})(?:-(?P<region>.+))?$")


def text_in(text: str | Mapping[str, str] | None, lang: str) -> str:
    """``text`` in ``lang``: a plain string as it is, a ``{"fr": ..., "en": ...}`` mapping's
    entry for ``lang`` (else French, else any), ``""`` for ``None``."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    return text.get(lang) or text.get("fr") or next(iter(text.values()), "")


def is_missing(value: Any) -> bool:
    """Whether a cell holds no value (``None``, NaN, pandas' ``NA``)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return type(value).__name__ in {"NAType", "NaTType"}


def month_label(value: str, lang: str, *, year: bool = True) -> str:
    """``"2026-11"`` as ``"novembre 2026"`` (or ``"November 2026"``)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if match is None:
        return value
    name = MONTHS.get(lang, MONTHS["fr"])[int(match[2]) - 1]
    return f"{name} {match[1]}" if year else name


def _campaign_label(value: str, lang: str, registry: VocabularyRegistry) -> str:
    match = _EDITION.match(value)
    if match is None:
        return value
    term = registry.get("campaigns").get(match["campaign"])
    if term is None:
        return value
    label = f"{term.label(lang)} {match['year']}"
    region = match["region"]
    if region:
        region_term = registry.get("regions").get(region)
        label += f" ({region_term.label(lang) if region_term else region})"
    return label


def dimension_label(dimension: str, value: Any, lang: str, registry: VocabularyRegistry) -> str:
    """The label of one dimension value, in ``lang``.

    Codes of a vocabulary get the term's label (``"69"`` is ``"Rhône"``), SDGs their number
    and name, months their name, campaign editions their campaign's name and year; a missing
    value is "Non renseigné" ("Not given"), or "Hors campagne" for the campaign; an unknown
    code stays as it is.
    """
    if is_missing(value):
        missing = _MISSING.get(dimension, _MISSING[""])
        return missing.get(lang) or missing["fr"]
    code = str(value)
    if dimension == "sdg":
        term = registry.get("sdg").get(code)
        prefix = "ODD" if lang == "fr" else "SDG"
        return f"{prefix} {code} – {term.label(lang)}" if term else f"{prefix} {code}"
    if dimension == "continent":
        return continent_label(code, lang)
    if dimension == "month":
        return month_label(code, lang)
    if dimension == "campaign":
        return _campaign_label(code, lang, registry)
    if dimension == "measure" and code in MEASURES:
        return text_in(MEASURES[code], lang)
    name = VOCABULARY_OF.get(dimension)
    if name is not None and name in registry:
        term = registry.get(name).get(code)
        if term is not None:
            return term.label(lang)
    return code
