"""Closed vocabularies: the fixed code lists that models use as enumerations.

Each is a ``StrEnum`` (so records store plain strings) with French and English labels.
"""

from __future__ import annotations

from enum import StrEnum

from rrma_core.vocabularies._core import Vocabulary, enum_terms

__all__ = [
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
    "TrainingFormat",
    "closed_vocabularies",
]


class ActorType(StrEnum):
    """What kind of body an actor is."""

    ASSOCIATION = "association"
    LOCAL_AUTHORITY = "local-authority"
    SCHOOL = "school"
    UNIVERSITY = "university"
    ESS_ENTERPRISE = "ess-enterprise"
    PUBLIC_BODY = "public-body"
    OSIM = "osim"
    FOUNDATION = "foundation"
    NETWORK = "network"
    OTHER = "other"


class LocalAuthorityLevel(StrEnum):
    """The level of a local authority (collectivité territoriale)."""

    REGION = "region"
    DEPARTEMENT = "departement"
    INTERCOMMUNALITE = "intercommunalite"
    COMMUNE = "commune"


class EventKind(StrEnum):
    """What kind of event it is."""

    RENCONTRE = "rencontre"
    AGORA = "agora"
    MARCHE_SOLIDARITES = "marche-solidarites"
    RENCONTRES_ECSI = "rencontres-ecsi"
    PROJECTION_DEBAT = "projection-debat"
    CONFERENCE = "conference"
    WORKSHOP = "workshop"
    SCHOOL_ACTIVITY = "school-activity"
    TRAINING_SESSION = "training-session"
    OTHER = "other"


class Audience(StrEnum):
    """Who an event is meant for."""

    GENERAL_PUBLIC = "general-public"
    SCHOOL = "school"
    PROFESSIONALS = "professionals"


class AttendanceMode(StrEnum):
    """Whether people attend in person, online, or either (schema.org's three modes)."""

    OFFLINE = "offline"
    ONLINE = "online"
    MIXED = "mixed"


class EventStatus(StrEnum):
    """Where an event stands (schema.org's EventStatusType, plus "full")."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"
    MOVED_ONLINE = "moved-online"
    FULL = "full"


class TrainingFormat(StrEnum):
    """How a training is organised."""

    SHORT_CYCLE = "short-cycle"
    LONG_CYCLE = "long-cycle"
    SPECIALISED_MODULE = "specialised-module"
    HYBRID = "hybrid"
    ONLINE = "online"
    IN_PERSON = "in-person"


class RegistrationStatus(StrEnum):
    """Where one trainee's registration to a session stands."""

    REGISTERED = "registered"
    WAITING_LIST = "waiting-list"
    ATTENDED = "attended"
    ABSENT = "absent"
    CANCELLED = "cancelled"


class CallStatus(StrEnum):
    """Whether a call for projects can be answered on a given day."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


class ResourceKind(StrEnum):
    """What kind of resource it is."""

    PEDAGOGICAL_TOOL = "pedagogical-tool"
    METHODOLOGICAL_GUIDE = "methodological-guide"
    CAPITALISATION = "capitalisation"
    REPORT = "report"
    STUDY = "study"
    VIDEO = "video"
    PODCAST = "podcast"
    EXHIBITION = "exhibition"
    DIRECTORY = "directory"
    OTHER = "other"


class SpaceKind(StrEnum):
    """The four kinds of multi-actor space (espaces multi-acteurs) networks animate."""

    GENERALIST = "generalist"
    THEMATIC = "thematic"
    SECTORAL = "sectoral"
    GEOGRAPHIC = "geographic"


class ObservationOrigin(StrEnum):
    """Whether an indicator value was declared by someone or computed from the data."""

    DECLARED = "declared"
    COMPUTED = "computed"


class PartnerRole(StrEnum):
    """A partner's role in a project: IATI's OrganisationRole codes 1 to 4."""

    FUNDING = "funding"
    ACCOUNTABLE = "accountable"
    EXTENDING = "extending"
    IMPLEMENTING = "implementing"

    @property
    def iati_code(self) -> str:
        """The IATI OrganisationRole code ("1" funding ... "4" implementing)."""
        return str(list(PartnerRole).index(self) + 1)


class ActivityStatus(StrEnum):
    """A project's stage: IATI's ActivityStatus codes 1 to 6."""

    PIPELINE = "pipeline"
    IMPLEMENTATION = "implementation"
    FINALISATION = "finalisation"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"

    @property
    def iati_code(self) -> str:
        """The IATI ActivityStatus code ("1" pipeline ... "6" suspended)."""
        return str(list(ActivityStatus).index(self) + 1)


class ProgrammeKind(StrEnum):
    """What a programme is for the network."""

    POOLED_PROGRAMME = "pooled-programme"
    FUNDING_SCHEME = "funding-scheme"


_LABELS: dict[type[StrEnum], tuple[dict[str, str], dict[StrEnum, tuple[str, str]]]] = {
    ActorType: (
        {"fr": "Types d'acteurs", "en": "Actor types"},
        {
            ActorType.ASSOCIATION: ("Association", "Association"),
            ActorType.LOCAL_AUTHORITY: ("Collectivité territoriale", "Local authority"),
            ActorType.SCHOOL: ("Établissement scolaire", "School"),
            ActorType.UNIVERSITY: (
                "Université, établissement d'enseignement supérieur ou de recherche",
                "University or research body",
            ),
            ActorType.ESS_ENTERPRISE: (
                "Entreprise de l'économie sociale et solidaire",
                "Social and solidarity economy enterprise",
            ),
            ActorType.PUBLIC_BODY: (
                "Service de l'État ou établissement public",
                "State service or public institution",
            ),
            ActorType.OSIM: (
                "Organisation de solidarité internationale issue des migrations (OSIM)",
                "Migrants' organisation for international solidarity (OSIM)",
            ),
            ActorType.FOUNDATION: ("Fondation", "Foundation"),
            ActorType.NETWORK: ("Réseau", "Network"),
            ActorType.OTHER: ("Autre", "Other"),
        },
    ),
    LocalAuthorityLevel: (
        {"fr": "Niveaux de collectivité", "en": "Local authority levels"},
        {
            LocalAuthorityLevel.REGION: ("Région", "Region"),
            LocalAuthorityLevel.DEPARTEMENT: ("Département", "Département"),
            LocalAuthorityLevel.INTERCOMMUNALITE: ("Intercommunalité", "Inter-municipality"),
            LocalAuthorityLevel.COMMUNE: ("Commune", "Municipality"),
        },
    ),
    EventKind: (
        {"fr": "Types d'événements", "en": "Event kinds"},
        {
            EventKind.RENCONTRE: ("Rencontre", "Meeting"),
            EventKind.AGORA: ("Agora", "Agora"),
            EventKind.MARCHE_SOLIDARITES: ("Marché des solidarités", "Solidarity market"),
            EventKind.RENCONTRES_ECSI: (
                "Rencontres de l'ECSI",
                "Global citizenship education days",
            ),
            EventKind.PROJECTION_DEBAT: ("Projection-débat", "Film screening and debate"),
            EventKind.CONFERENCE: ("Conférence", "Conference"),
            EventKind.WORKSHOP: ("Atelier", "Workshop"),
            EventKind.SCHOOL_ACTIVITY: ("Animation scolaire", "School activity"),
            EventKind.TRAINING_SESSION: ("Session de formation", "Training session"),
            EventKind.OTHER: ("Autre", "Other"),
        },
    ),
    Audience: (
        {"fr": "Publics", "en": "Audiences"},
        {
            Audience.GENERAL_PUBLIC: ("Grand public", "General public"),
            Audience.SCHOOL: ("Public scolaire", "School pupils"),
            Audience.PROFESSIONALS: ("Professionnels", "Professionals"),
        },
    ),
    AttendanceMode: (
        {"fr": "Modes de participation", "en": "Attendance modes"},
        {
            AttendanceMode.OFFLINE: ("Sur place", "In person"),
            AttendanceMode.ONLINE: ("En ligne", "Online"),
            AttendanceMode.MIXED: ("Sur place et en ligne", "In person and online"),
        },
    ),
    EventStatus: (
        {"fr": "Statuts d'événement", "en": "Event statuses"},
        {
            EventStatus.SCHEDULED: ("Programmé", "Scheduled"),
            EventStatus.CANCELLED: ("Annulé", "Cancelled"),
            EventStatus.POSTPONED: ("Reporté", "Postponed"),
            EventStatus.MOVED_ONLINE: ("Passé en ligne", "Moved online"),
            EventStatus.FULL: ("Complet", "Full"),
        },
    ),
    TrainingFormat: (
        {"fr": "Formats de formation", "en": "Training formats"},
        {
            TrainingFormat.SHORT_CYCLE: ("Cycle court", "Short cycle"),
            TrainingFormat.LONG_CYCLE: ("Cycle long", "Long cycle"),
            TrainingFormat.SPECIALISED_MODULE: ("Module spécialisé", "Specialised module"),
            TrainingFormat.HYBRID: ("Hybride", "Hybrid"),
            TrainingFormat.ONLINE: ("À distance", "Online"),
            TrainingFormat.IN_PERSON: ("En présentiel", "In person"),
        },
    ),
    RegistrationStatus: (
        {"fr": "Statuts d'inscription", "en": "Registration statuses"},
        {
            RegistrationStatus.REGISTERED: ("Inscrit·e", "Registered"),
            RegistrationStatus.WAITING_LIST: ("Liste d'attente", "Waiting list"),
            RegistrationStatus.ATTENDED: ("Présent·e", "Attended"),
            RegistrationStatus.ABSENT: ("Absent·e", "Absent"),
            RegistrationStatus.CANCELLED: ("Annulé", "Cancelled"),
        },
    ),
    CallStatus: (
        {"fr": "Statuts d'appel à projets", "en": "Call statuses"},
        {
            CallStatus.UPCOMING: ("À venir", "Upcoming"),
            CallStatus.OPEN: ("Ouvert", "Open"),
            CallStatus.CLOSED: ("Clos", "Closed"),
        },
    ),
    ResourceKind: (
        {"fr": "Types de ressources", "en": "Resource kinds"},
        {
            ResourceKind.PEDAGOGICAL_TOOL: ("Outil pédagogique", "Teaching tool"),
            ResourceKind.METHODOLOGICAL_GUIDE: ("Guide méthodologique", "Methodological guide"),
            ResourceKind.CAPITALISATION: ("Publication de capitalisation", "Lessons-learned paper"),
            ResourceKind.REPORT: ("Rapport", "Report"),
            ResourceKind.STUDY: ("Étude", "Study"),
            ResourceKind.VIDEO: ("Vidéo", "Video"),
            ResourceKind.PODCAST: ("Podcast", "Podcast"),
            ResourceKind.EXHIBITION: ("Exposition", "Exhibition"),
            ResourceKind.DIRECTORY: ("Annuaire", "Directory"),
            ResourceKind.OTHER: ("Autre", "Other"),
        },
    ),
    SpaceKind: (
        {"fr": "Types d'espaces multi-acteurs", "en": "Multi-actor space kinds"},
        {
            SpaceKind.GENERALIST: ("Généraliste", "Generalist"),
            SpaceKind.THEMATIC: ("Thématique", "Thematic"),
            SpaceKind.SECTORAL: ("Sectoriel", "Sectoral"),
            SpaceKind.GEOGRAPHIC: ("Géographique", "Geographic"),
        },
    ),
    ObservationOrigin: (
        {"fr": "Origines des observations", "en": "Observation origins"},
        {
            ObservationOrigin.DECLARED: ("Déclarée", "Declared"),
            ObservationOrigin.COMPUTED: ("Calculée", "Computed"),
        },
    ),
    PartnerRole: (
        {"fr": "Rôles des partenaires (IATI)", "en": "Partner roles (IATI)"},
        {
            PartnerRole.FUNDING: ("Financeur", "Funding"),
            PartnerRole.ACCOUNTABLE: ("Responsable", "Accountable"),
            PartnerRole.EXTENDING: ("Gestionnaire", "Extending"),
            PartnerRole.IMPLEMENTING: ("Opérateur", "Implementing"),
        },
    ),
    ActivityStatus: (
        {"fr": "Stades de projet (IATI)", "en": "Activity statuses (IATI)"},
        {
            ActivityStatus.PIPELINE: ("En préparation", "Pipeline/identification"),
            ActivityStatus.IMPLEMENTATION: ("En cours", "Implementation"),
            ActivityStatus.FINALISATION: ("En finalisation", "Finalisation"),
            ActivityStatus.CLOSED: ("Clos", "Closed"),
            ActivityStatus.CANCELLED: ("Annulé", "Cancelled"),
            ActivityStatus.SUSPENDED: ("Suspendu", "Suspended"),
        },
    ),
    ProgrammeKind: (
        {"fr": "Types de programmes", "en": "Programme kinds"},
        {
            ProgrammeKind.POOLED_PROGRAMME: ("Programme mutualisé", "Pooled programme"),
            ProgrammeKind.FUNDING_SCHEME: ("Dispositif de financement", "Funding scheme"),
        },
    ),
}

#: Vocabulary name of each closed enumeration.
VOCABULARY_NAMES: dict[type[StrEnum], str] = {
    ActorType: "actor_types",
    LocalAuthorityLevel: "local_authority_levels",
    EventKind: "event_kinds",
    Audience: "audiences",
    AttendanceMode: "attendance_modes",
    EventStatus: "event_statuses",
    TrainingFormat: "training_formats",
    RegistrationStatus: "registration_statuses",
    CallStatus: "call_statuses",
    ResourceKind: "resource_kinds",
    SpaceKind: "space_kinds",
    ObservationOrigin: "observation_origins",
    PartnerRole: "partner_roles",
    ActivityStatus: "activity_statuses",
    ProgrammeKind: "programme_kinds",
}


def closed_vocabularies() -> list[Vocabulary]:
    """One closed [`Vocabulary`][rrma_core.vocabularies.Vocabulary] per enumeration above."""
    return [
        Vocabulary(VOCABULARY_NAMES[enum], enum_terms(enum, labels), title=title)
        for enum, (title, labels) in _LABELS.items()
    ]
