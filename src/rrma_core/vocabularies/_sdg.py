"""The 17 Sustainable Development Goals (SDGs, "ODD" in French) of the UN 2030 Agenda.

Codes are the goal numbers as strings (``"1"`` to ``"17"``). Labels are the UN's official
short names in French and English. Keywords are lower-case French words and phrases that
connectors use to tag free text (a feed item, an event description) with goals; they favour
precision over recall, so very common words of the field ("solidarité internationale",
"coopération") are left out: they would tag every item with goal 17.
"""

from __future__ import annotations

import functools
from types import MappingProxyType

from rrma_core.vocabularies._core import Term, Vocabulary

__all__ = ["sdg"]

# goal number, French short name, English short name, French keywords.
_GOALS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    (
        "1",
        "Pas de pauvreté",
        "No poverty",
        ("pauvreté", "extrême pauvreté", "précarité", "protection sociale"),
    ),
    (
        "2",
        "Faim zéro",
        "Zero hunger",
        ("faim", "sécurité alimentaire", "souveraineté alimentaire", "malnutrition"),
    ),
    (
        "3",
        "Bonne santé et bien-être",
        "Good health and well-being",
        ("santé", "accès aux soins", "santé maternelle", "paludisme", "vaccination"),
    ),
    (
        "4",
        "Éducation de qualité",
        "Quality education",
        ("éducation", "scolarisation", "alphabétisation", "école", "enseignement"),
    ),
    (
        "5",
        "Égalité entre les sexes",
        "Gender equality",
        (
            "égalité femmes-hommes",
            "égalité entre les femmes et les hommes",
            "égalité de genre",
            "approche genre",
            "droits des femmes",
            "autonomisation des femmes",
        ),
    ),
    (
        "6",
        "Eau propre et assainissement",
        "Clean water and sanitation",
        ("eau potable", "assainissement", "accès à l'eau", "latrines", "hygiène", "forage"),
    ),
    (
        "7",
        "Énergie propre et d'un coût abordable",
        "Affordable and clean energy",
        ("énergie", "énergies renouvelables", "électrification", "solaire", "photovoltaïque"),
    ),
    (
        "8",
        "Travail décent et croissance économique",
        "Decent work and economic growth",
        ("emploi", "travail décent", "insertion professionnelle", "entrepreneuriat"),
    ),
    (
        "9",
        "Industrie, innovation et infrastructure",
        "Industry, innovation and infrastructure",
        ("infrastructures", "innovation", "industrialisation", "numérique"),
    ),
    (
        "10",
        "Inégalités réduites",
        "Reduced inequalities",
        ("inégalités", "réduction des inégalités", "discriminations", "migrations"),
    ),
    (
        "11",
        "Villes et communautés durables",
        "Sustainable cities and communities",
        ("ville durable", "villes durables", "urbanisme", "logement", "développement urbain"),
    ),
    (
        "12",
        "Consommation et production responsables",
        "Responsible consumption and production",
        (
            "consommation responsable",
            "économie circulaire",
            "gaspillage alimentaire",
            "déchets",
            "recyclage",
        ),
    ),
    (
        "13",
        "Mesures relatives à la lutte contre les changements climatiques",
        "Climate action",
        (
            "climat",
            "changement climatique",
            "changements climatiques",
            "réchauffement climatique",
            "transition écologique",
        ),
    ),
    (
        "14",
        "Vie aquatique",
        "Life below water",
        ("océans", "océan", "milieu marin", "biodiversité marine", "pêche durable"),
    ),
    (
        "15",
        "Vie terrestre",
        "Life on land",
        ("biodiversité", "forêts", "déforestation", "reboisement", "désertification"),
    ),
    (
        "16",
        "Paix, justice et institutions efficaces",
        "Peace, justice and strong institutions",
        ("paix", "justice", "droits humains", "droits de l'homme", "gouvernance", "démocratie"),
    ),
    (
        "17",
        "Partenariats pour la réalisation des objectifs",
        "Partnerships for the goals",
        (
            "partenariat multi-acteurs",
            "partenariats multi-acteurs",
            "aide publique au développement",
            "financement du développement",
        ),
    ),
)


@functools.cache
def sdg() -> Vocabulary:
    """The 17 Sustainable Development Goals, coded ``"1"`` to ``"17"``.

    Returns:
        The closed vocabulary ``"sdg"``.

    Example:
        >>> sdg().label("6", "en")
        'Clean water and sanitation'
    """
    return Vocabulary(
        "sdg",
        (
            Term(code, MappingProxyType({"fr": fr, "en": en}), keywords=keywords)
            for code, fr, en, keywords in _GOALS
        ),
        title={
            "fr": "Objectifs de développement durable (ODD)",
            "en": "Sustainable Development Goals (SDGs)",
        },
        extendable=False,
    )
