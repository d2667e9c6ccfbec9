"""The national awareness campaigns that the RRMA networks relay in their région.

Each term's ``data`` holds:

- ``organiser``: ``{"name", "acronym", "url"}`` of the national body that runs the campaign;
- ``url``: the campaign's own site;
- ``usual_period``: ``{"start": "MM-DD", "end": "MM-DD"}``, the dates it usually runs
  between (each edition sets its own; this is a default for filters and reports);
- ``coordinator_role``: what a network that coordinates the campaign in its région is called
  (``"coras"`` for the Festival des Solidarités, ``"coordinator"`` otherwise).

Networks add campaigns of their own: the vocabulary is extendable.
"""

from __future__ import annotations

import functools
from types import MappingProxyType
from typing import Any

from rrma_core.vocabularies._core import Term, Vocabulary

__all__ = ["campaigns"]


def _campaign(
    code: str,
    labels: tuple[str, str],
    keywords: tuple[str, ...],
    *,
    organiser: tuple[str, str, str],
    url: str,
    period: tuple[str, str],
    coordinator_role: str = "coordinator",
) -> Term:
    name, acronym, organiser_url = organiser
    data: dict[str, Any] = {
        "organiser": {"name": name, "acronym": acronym, "url": organiser_url},
        "url": url,
        "usual_period": {"start": period[0], "end": period[1]},
        "coordinator_role": coordinator_role,
    }
    return Term(
        code,
        MappingProxyType({"fr": labels[0], "en": labels[1]}),
        keywords=keywords,
        data=MappingProxyType(data),
    )


@functools.cache
def campaigns() -> Vocabulary:
    """The national campaigns relayed by the networks (ALIMENTERRE, Festisol...).

    Returns:
        The extendable vocabulary ``"campaigns"``.
    """
    return Vocabulary(
        "campaigns",
        [
            _campaign(
                "alimenterre",
                ("Festival ALIMENTERRE", "ALIMENTERRE Festival"),
                ("alimenterre", "festival alimenterre"),
                organiser=(
                    "Comité français pour la solidarité internationale",
                    "CFSI",
                    "https://www.cfsi.asso.fr",
                ),
                url="https://www.alimenterre.org",
                period=("10-15", "11-30"),
            ),
            _campaign(
                "festisol",
                ("Festival des Solidarités", "Festival of Solidarity (Festisol)"),
                ("festisol", "festival des solidarités"),
                organiser=(
                    "Centre de recherche et d'information pour le développement",
                    "CRID",
                    "https://www.crid.asso.fr",
                ),
                url="https://www.festivaldessolidarites.org",
                # Mid/late November; recent editions ran 15 Nov-1 Dec 2024 and 14-30 Nov 2025.
                period=("11-14", "12-01"),
                coordinator_role="coras",
            ),
            _campaign(
                "mois-ess",
                ("Mois de l'ESS", "Social and Solidarity Economy Month"),
                ("mois de l'ess", "mois de l'économie sociale et solidaire"),
                organiser=(
                    "ESS France – Chambre française de l'économie sociale et solidaire",
                    "ESS France",
                    "https://www.ess-france.org",
                ),
                url="https://lemois-ess.org",
                period=("11-01", "11-30"),
            ),
            _campaign(
                "migrantscene",
                ("Festival Migrant'scène", "Migrant'scène Festival"),
                ("migrant'scène", "migrantscène", "migrant scène"),
                organiser=("La Cimade", "Cimade", "https://www.lacimade.org"),
                url="https://www.festivalmigrantscene.org",
                # Unverified: sources only say "mid-November to early December", and the dates
                # change with each edition. Adjust when an edition's programme is at hand.
                period=("11-15", "12-05"),
            ),
        ],
        title={"fr": "Campagnes nationales", "en": "National campaigns"},
        extendable=True,
    )
