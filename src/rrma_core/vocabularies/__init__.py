"""Vocabularies: the coded lists records use, with French and English labels.

Open vocabularies (``sectors``, ``training_themes``, ``campaigns``) can be extended by plugins;
closed ones (SDGs, regions, départements, countries, and the enumerations such as
[`ActorType`][rrma_core.vocabularies.ActorType]) cannot.

Example:
    >>> from rrma_core.vocabularies import get_vocabulary
    >>> get_vocabulary("regions").label("84")
    'Auvergne-Rhône-Alpes'
    >>> get_vocabulary("departements")["974"].data["timezone"]
    'Indian/Reunion'
"""

from __future__ import annotations

from rrma_core.vocabularies._calendar import FRENCH_MONTH_NUMBERS, MONTHS, WEEKDAYS
from rrma_core.vocabularies._closed import (
    ActivityStatus,
    ActorType,
    AttendanceMode,
    Audience,
    CallStatus,
    EventKind,
    EventStatus,
    LocalAuthorityLevel,
    ObservationOrigin,
    PartnerRole,
    ProgrammeKind,
    RegistrationStatus,
    ResourceKind,
    SpaceKind,
    TrainingFormat,
)
from rrma_core.vocabularies._core import (
    LANGUAGES,
    Term,
    Vocabulary,
    VocabularyRegistry,
    builtin_registry,
    check_lang,
    current_registry,
    use_registry,
)
from rrma_core.vocabularies._geo import (
    departement_of_commune,
    region_of_departement,
    timezone_of_region,
)

__all__ = [
    "FRENCH_MONTH_NUMBERS",
    "LANGUAGES",
    "MONTHS",
    "WEEKDAYS",
    "ActivityStatus",
    "ActorType",
    "AttendanceMode",
    "Audience",
    "CallStatus",
    "EventKind",
    "EventStatus",
    "LocalAuthorityLevel",
    "ObservationOrigin",
    "PartnerRole",
    "ProgrammeKind",
    "RegistrationStatus",
    "ResourceKind",
    "SpaceKind",
    "Term",
    "TrainingFormat",
    "Vocabulary",
    "VocabularyRegistry",
    "builtin_registry",
    "check_lang",
    "current_registry",
    "departement_of_commune",
    "get_vocabulary",
    "region_of_departement",
    "timezone_of_region",
    "use_registry",
]


def get_vocabulary(name: str) -> Vocabulary:
    """The vocabulary ``name`` from the current registry.

    Raises:
        UnknownVocabulary: when no vocabulary has that name.
    """
    return current_registry().get(name)
