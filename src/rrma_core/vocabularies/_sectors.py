"""Sectors of intervention, after the list used by a regional baromètre of the RRMA networks.

The networks' shared thesaurus is not public, so this is a starting point that networks extend
with their own terms (the vocabulary is extendable). Top-level terms follow the baromètre's
groups; the grouped ones ("eau, assainissement, énergie, environnement, déchets") have child
terms whose ``parent`` is the group.

``data["dac"]``, where present, lists OECD DAC five-digit purpose codes (the sector codes IATI
uses) that clearly correspond to the term; terms without a clear match have no ``dac`` key.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any

from rrma_core.vocabularies._core import Term, Vocabulary

__all__ = ["sectors"]


def _term(
    code: str,
    fr: str,
    en: str,
    keywords: tuple[str, ...] = (),
    *,
    parent: str | None = None,
    dac: tuple[int, ...] = (),
) -> Term:
    data: dict[str, Any] = {"dac": list(dac)} if dac else {}
    return Term(
        code,
        MappingProxyType({"fr": fr, "en": en}),
        parent=parent,
        keywords=keywords,
        data=MappingProxyType(data),
    )


_WATER_ENV = "eau-environnement"
_ECONOMY = "economie"
_RURAL = "developpement-rural"
_CULTURE = "culture"


@functools.cache
def sectors() -> Vocabulary:
    """The sectors of intervention of the baromètre, coded by ASCII slugs (``"sante"``...).

    Returns:
        The extendable vocabulary ``"sectors"``: networks add their own sectors with
        ``VocabularyRegistry.extend``.
    """
    return Vocabulary(
        "sectors",
        [
            _term(
                "sante",
                "Santé",
                "Health",
                ("santé", "accès aux soins", "centre de santé", "dispensaire", "paludisme"),
                dac=(12110, 12220),
            ),
            _term(
                "education",
                "Éducation",
                "Education",
                (
                    "école",
                    "scolarisation",
                    "alphabétisation",
                    "enseignement",
                    "fournitures scolaires",
                ),
                dac=(11110, 11220),
            ),
            _term(
                _WATER_ENV,
                "Eau, assainissement, énergie, environnement, déchets",
                "Water, sanitation, energy, environment, waste",
            ),
            _term(
                "eau",
                "Eau",
                "Water",
                ("eau potable", "accès à l'eau", "forage", "forages", "puits", "adduction d'eau"),
                parent=_WATER_ENV,
                dac=(14030, 14031),
            ),
            _term(
                "assainissement",
                "Assainissement",
                "Sanitation",
                ("assainissement", "latrines", "toilettes", "eaux usées", "hygiène"),
                parent=_WATER_ENV,
                dac=(14032,),
            ),
            _term(
                "energie",
                "Énergie",
                "Energy",
                (
                    "énergie",
                    "énergies renouvelables",
                    "solaire",
                    "photovoltaïque",
                    "panneaux solaires",
                    "électrification",
                    "biogaz",
                    "foyers améliorés",
                ),
                parent=_WATER_ENV,
                dac=(23110, 23210, 23231),
            ),
            _term(
                "environnement",
                "Environnement",
                "Environment",
                (
                    "environnement",
                    "biodiversité",
                    "reboisement",
                    "reforestation",
                    "changement climatique",
                    "protection de la nature",
                ),
                parent=_WATER_ENV,
                dac=(41010, 41030),
            ),
            _term(
                "dechets",
                "Déchets",
                "Waste",
                (
                    "déchets",
                    "gestion des déchets",
                    "collecte des déchets",
                    "recyclage",
                    "compostage",
                ),
                parent=_WATER_ENV,
                dac=(14050,),
            ),
            _term(
                _ECONOMY,
                "Économie",
                "Economy",
                (
                    "économie sociale et solidaire",
                    "activités génératrices de revenus",
                    "entrepreneuriat",
                    "insertion économique",
                ),
            ),
            _term(
                "artisanat",
                "Artisanat",
                "Crafts",
                ("artisanat", "artisans", "artisanes"),
                parent=_ECONOMY,
                dac=(32140,),
            ),
            _term(
                "commerce-equitable",
                "Commerce équitable",
                "Fair trade",
                ("commerce équitable", "filières équitables"),
                parent=_ECONOMY,
            ),
            _term(
                "tourisme",
                "Tourisme",
                "Tourism",
                ("tourisme", "tourisme solidaire", "tourisme responsable", "écotourisme"),
                parent=_ECONOMY,
                dac=(33210,),
            ),
            _term(
                "microfinance",
                "Microfinance",
                "Microfinance",
                ("microfinance", "microcrédit", "micro-crédit", "tontine", "tontines"),
                parent=_ECONOMY,
                dac=(24040,),
            ),
            _term(
                _RURAL,
                "Développement rural",
                "Rural development",
                ("développement rural", "monde rural", "milieu rural"),
                dac=(43040,),
            ),
            _term(
                "agriculture",
                "Agriculture",
                "Agriculture",
                (
                    "agriculture",
                    "agroécologie",
                    "agro-écologie",
                    "agroforesterie",
                    "maraîchage",
                    "élevage",
                    "paysans",
                    "sécurité alimentaire",
                    "souveraineté alimentaire",
                ),
                parent=_RURAL,
                dac=(31110, 31120),
            ),
            _term(
                "peche",
                "Pêche",
                "Fisheries",
                ("pêche", "pêcheurs", "pisciculture", "aquaculture"),
                parent=_RURAL,
                dac=(31310, 31320),
            ),
            _term(
                _CULTURE,
                "Culture",
                "Culture",
                ("échanges culturels", "spectacle vivant", "arts"),
                dac=(16061,),
            ),
            _term(
                "patrimoine",
                "Patrimoine",
                "Heritage",
                ("patrimoine", "patrimoine culturel", "sauvegarde du patrimoine"),
                parent=_CULTURE,
            ),
            _term(
                "francophonie",
                "Francophonie",
                "French-speaking world (Francophonie)",
                ("francophonie", "francophone", "langue française"),
                parent=_CULTURE,
            ),
            _term(
                "ecsi",
                "Éducation à la citoyenneté et à la solidarité internationale (ECSI)",
                "Global citizenship and international solidarity education (ECSI)",
                (
                    "ecsi",
                    "éducation à la citoyenneté",
                    "éducation au développement",
                    "éducation à la solidarité internationale",
                ),
                dac=(99820,),
            ),
            _term(
                "formation-adultes",
                "Formation d'adultes",
                "Adult training",
                ("formation professionnelle", "formation continue", "formation d'adultes"),
                dac=(11230, 11330),
            ),
            _term(
                "developpement-urbain",
                "Développement urbain",
                "Urban development",
                ("développement urbain", "urbanisme", "aménagement urbain", "quartiers précaires"),
                dac=(43030,),
            ),
            _term(
                "appui-institutionnel",
                "Appui institutionnel",
                "Institutional support",
                (
                    "appui institutionnel",
                    "renforcement des capacités",
                    "gouvernance locale",
                    "décentralisation",
                    "état civil",
                ),
                dac=(15110, 15112, 15150),
            ),
            # The baromètre's label is just "Genre"; a fuller label keeps free-text matching
            # from tagging every "ce genre de..." with this sector. "genre" still normalises
            # to this term through its code.
            _term(
                "genre",
                "Genre et égalité femmes-hommes",
                "Gender equality",
                (
                    "approche genre",
                    "égalité femmes-hommes",
                    "égalité de genre",
                    "droits des femmes",
                    "autonomisation des femmes",
                ),
                dac=(15170, 15180),
            ),
            # Same reason: a bare "Autres" label would match "et autres partenaires".
            _term("autres", "Autres secteurs", "Other sectors"),
        ],
        title={"fr": "Secteurs d'intervention", "en": "Sectors of intervention"},
        extendable=True,
    )
