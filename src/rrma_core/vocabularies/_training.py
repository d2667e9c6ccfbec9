"""Themes of the training sessions that the RRMA networks run all year.

The list follows the networks' published training offers: project management, ECSI,
monitoring and evaluation, budgeting, the SDGs, sector approaches (water, sanitation, energy,
agriculture; children of ``"approches-sectorielles"``), participatory methods, gender equality,
inclusion, partnership, communication, fundraising and volunteering. Networks add their own
themes: the vocabulary is extendable.
"""

from __future__ import annotations

import functools
from types import MappingProxyType

from rrma_core.vocabularies._core import Term, Vocabulary

__all__ = ["training_themes"]

_SECTORAL = "approches-sectorielles"

# code, French label, English label, French keywords, parent.
_THEMES: tuple[tuple[str, str, str, tuple[str, ...], str | None], ...] = (
    (
        "gestion-de-projet",
        "Gestion de projet",
        "Project management",
        ("gestion de projet", "montage de projet", "cycle de projet", "cadre logique"),
        None,
    ),
    (
        "ecsi",
        "Éducation à la citoyenneté et à la solidarité internationale (ECSI)",
        "Global citizenship and international solidarity education (ECSI)",
        ("ecsi", "éducation à la citoyenneté", "animation ecsi", "outils pédagogiques"),
        None,
    ),
    (
        "suivi-evaluation",
        "Suivi-évaluation",
        "Monitoring and evaluation",
        ("suivi-évaluation", "suivi et évaluation", "évaluation", "indicateurs", "capitalisation"),
        None,
    ),
    (
        "budget-financement",
        "Budget et financement",
        "Budgeting and funding",
        ("budget", "budget prévisionnel", "plan de financement", "gestion financière"),
        None,
    ),
    (
        "odd",
        "Objectifs de développement durable (ODD)",
        "Sustainable Development Goals (SDGs)",
        ("odd", "objectifs de développement durable", "agenda 2030"),
        None,
    ),
    (
        _SECTORAL,
        "Approches sectorielles",
        "Sector approaches",
        ("approche sectorielle", "approches sectorielles"),
        None,
    ),
    ("eau", "Eau", "Water", ("eau potable", "accès à l'eau", "gestion de l'eau"), _SECTORAL),
    (
        "assainissement",
        "Assainissement",
        "Sanitation",
        ("assainissement", "latrines", "hygiène"),
        _SECTORAL,
    ),
    (
        "energie",
        "Énergie",
        "Energy",
        ("énergie", "énergies renouvelables", "solaire", "électrification"),
        _SECTORAL,
    ),
    (
        "agriculture",
        "Agriculture",
        "Agriculture",
        ("agriculture", "agroécologie", "sécurité alimentaire"),
        _SECTORAL,
    ),
    (
        "methodes-participatives",
        "Méthodes participatives",
        "Participatory methods",
        (
            "méthodes participatives",
            "animation participative",
            "diagnostic participatif",
            "intelligence collective",
            "éducation populaire",
        ),
        None,
    ),
    (
        "egalite-femmes-hommes",
        "Égalité femmes-hommes",
        "Gender equality",
        ("égalité femmes-hommes", "égalité de genre", "approche genre", "genre et développement"),
        None,
    ),
    (
        "inclusion",
        "Inclusion",
        "Inclusion",
        ("inclusion", "handicap", "accessibilité", "mixité sociale"),
        None,
    ),
    (
        "partenariat",
        "Partenariat",
        "Partnership",
        ("partenariat", "partenariats", "relation partenariale", "réciprocité"),
        None,
    ),
    (
        "communication",
        "Communication",
        "Communication",
        ("communication", "réseaux sociaux", "relations presse"),
        None,
    ),
    (
        "recherche-financements",
        "Recherche de financements",
        "Fundraising",
        (
            "recherche de financements",
            "collecte de fonds",
            "appel à projets",
            "appels à projets",
            "mécénat",
            "financement participatif",
        ),
        None,
    ),
    (
        "benevolat-volontariat",
        "Bénévolat et volontariat",
        "Volunteering",
        ("bénévolat", "bénévoles", "volontariat", "volontaires", "service civique"),
        None,
    ),
)


@functools.cache
def training_themes() -> Vocabulary:
    """The themes of the networks' training sessions, coded by ASCII slugs.

    Returns:
        The extendable vocabulary ``"training_themes"``.
    """
    return Vocabulary(
        "training_themes",
        (
            Term(code, MappingProxyType({"fr": fr, "en": en}), parent=parent, keywords=keywords)
            for code, fr, en, keywords, parent in _THEMES
        ),
        title={"fr": "Thèmes de formation", "en": "Training themes"},
        extendable=True,
    )
