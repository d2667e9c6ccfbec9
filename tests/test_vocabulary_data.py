"""The data of the built-in vocabularies: real facts about France, the SDGs and countries."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import Counter

import pycountry
import pytest

from rrma_core.vocabularies._campaigns import campaigns
from rrma_core.vocabularies._core import Vocabulary
from rrma_core.vocabularies._countries import countries
from rrma_core.vocabularies._geo import (
    departement_of_commune,
    departements,
    region_of_departement,
    regions,
    timezone_of_region,
)
from rrma_core.vocabularies._sdg import sdg
from rrma_core.vocabularies._sectors import sectors
from rrma_core.vocabularies._training import training_themes

ALL = [regions, departements, sdg, sectors, training_themes, campaigns, countries]


@pytest.fixture(params=ALL, ids=lambda f: f.__name__)
def vocabulary(request: pytest.FixtureRequest) -> Vocabulary:
    factory = request.param
    return factory()  # type: ignore[no-any-return]


# --- every vocabulary ---------------------------------------------------------------------


def test_every_term_has_french_and_english_labels(vocabulary: Vocabulary) -> None:
    for term in vocabulary:
        assert term.labels["fr"].strip(), term.code
        assert term.labels["en"].strip(), term.code


def test_every_vocabulary_has_a_bilingual_title(vocabulary: Vocabulary) -> None:
    assert vocabulary.title["fr"].strip()
    assert vocabulary.title["en"].strip()
    assert vocabulary.title["fr"] != vocabulary.name


def test_keywords_are_lower_case_and_unique_per_term(vocabulary: Vocabulary) -> None:
    for term in vocabulary:
        assert all(k == k.lower() and k == k.strip() and k for k in term.keywords), term.code
        assert len(set(term.keywords)) == len(term.keywords), term.code


def test_every_parent_is_a_top_level_term_of_the_same_vocabulary(vocabulary: Vocabulary) -> None:
    for term in vocabulary:
        if term.parent is not None:
            assert term.parent in vocabulary
            assert vocabulary[term.parent].parent is None


def test_factories_return_the_same_cached_vocabulary() -> None:
    assert all(factory() is factory() for factory in ALL)


def test_extendable_flags() -> None:
    assert {f.__name__: f().extendable for f in ALL} == {
        "regions": False,
        "departements": False,
        "sdg": False,
        "sectors": True,
        "training_themes": True,
        "campaigns": True,
        "countries": False,
    }


# --- régions and départements --------------------------------------------------------------


def test_there_are_18_regions_13_in_mainland_france() -> None:
    vocabulary = regions()
    assert len(vocabulary) == 18
    overseas = {t.code for t in vocabulary if t.data["overseas"]}
    assert overseas == {"01", "02", "03", "04", "06"}
    assert vocabulary.label("53", "fr") == "Bretagne"
    assert vocabulary.label("53", "en") == "Brittany"
    assert vocabulary.label("03", "en") == "French Guiana"
    assert vocabulary.label("94", "en") == "Corsica"


def test_every_region_time_zone_loads_and_matches_its_place() -> None:
    expected = {
        "01": "America/Guadeloupe",
        "02": "America/Martinique",
        "03": "America/Cayenne",
        "04": "Indian/Reunion",
        "06": "Indian/Mayotte",
    }
    for term in regions():
        zone = term.data["timezone"]
        zoneinfo.ZoneInfo(zone)  # raises if the zone is unknown
        assert zone == expected.get(term.code, "Europe/Paris"), term.code
        assert timezone_of_region(term.code) == zone


def test_overseas_time_zones_have_their_real_offsets() -> None:
    # 15 January 2025, noon UTC: Paris is on winter time, the overseas régions have no DST.
    instant = dt.datetime(2025, 1, 15, 12, tzinfo=dt.UTC)
    offsets = {
        code: instant.astimezone(zoneinfo.ZoneInfo(timezone_of_region(code))).utcoffset()
        for code in ("11", "01", "02", "03", "04", "06")
    }
    hours = {code: offset.total_seconds() / 3600 for code, offset in offsets.items() if offset}
    assert hours == {"11": 1, "01": -4, "02": -4, "03": -3, "04": 4, "06": 3}


def test_networks_are_attached_to_their_region() -> None:
    networks = {t.code: t.data.get("network") for t in regions()}
    assert networks["84"] == "RESACOOP"
    assert networks["24"] == "Centraider"
    assert networks["44"] == "GESCOD"
    assert networks["01"] == "Cap Coopération"
    assert networks["11"] is None  # not named in the domain notes: omitted, not invented


def test_there_are_101_departements_with_insee_codes() -> None:
    codes = departements().codes()
    assert len(codes) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(codes)
    assert not {"20", "975", "977", "978"} & set(codes)
    mainland = {f"{n:02d}" for n in range(1, 96)} - {"20"}
    assert set(codes) - {"2A", "2B", "971", "972", "973", "974", "976"} == mainland


def test_departement_labels_are_the_official_names() -> None:
    vocabulary = departements()
    assert vocabulary.label("22") == "Côtes-d'Armor"
    assert vocabulary.label("2A") == "Corse-du-Sud"
    assert vocabulary.label("974") == "La Réunion"
    assert vocabulary.label("90", "en") == "Territoire de Belfort"


def test_every_departement_points_to_an_existing_region_and_its_zone() -> None:
    region_vocabulary = regions()
    for term in departements():
        region = term.data["region"]
        assert region in region_vocabulary, term.code
        assert term.data["timezone"] == region_vocabulary[region].data["timezone"]
        assert region_of_departement(term.code) == region


def test_departement_counts_per_region() -> None:
    counts = Counter(t.data["region"] for t in departements())
    assert counts == {
        "84": 12, "27": 8, "53": 4, "24": 6, "94": 2, "44": 10, "32": 5, "11": 8,
        "28": 5, "75": 12, "76": 13, "52": 5, "93": 6,
        "01": 1, "02": 1, "03": 1, "04": 1, "06": 1,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("departement", "region"),
    [
        ("2A", "94"), ("2B", "94"), ("971", "01"), ("972", "02"), ("973", "03"),
        ("974", "04"), ("976", "06"), ("35", "53"), ("44", "52"), ("69", "84"),
        ("13", "93"), ("59", "32"), ("67", "44"), ("31", "76"), ("33", "75"),
        ("21", "27"), ("45", "24"), ("75", "11"), ("76", "28"),
    ],
)  # fmt: skip
def test_known_departement_regions(departement: str, region: str) -> None:
    assert region_of_departement(departement) == region


def test_metropolitan_regions_agree_with_iso_3166_2() -> None:
    """Cross-check against pycountry's ISO 3166-2:FR data, an independent source."""
    iso_to_insee = {
        "FR-ARA": "84", "FR-BFC": "27", "FR-BRE": "53", "FR-CVL": "24", "FR-20R": "94",
        "FR-GES": "44", "FR-HDF": "32", "FR-IDF": "11", "FR-NOR": "28", "FR-NAQ": "75",
        "FR-OCC": "76", "FR-PDL": "52", "FR-PAC": "93",
    }  # fmt: skip
    checked = 0
    for sub in pycountry.subdivisions:
        if sub.country_code != "FR" or sub.type != "Metropolitan department":
            continue
        parent = sub.parent_code
        if parent == "FR-6AE":  # Bas-Rhin and Haut-Rhin sit in the Alsace collectivity
            parent = "FR-GES"
        code = sub.code.removeprefix("FR-")
        assert region_of_departement(code) == iso_to_insee[parent], code
        assert departements().label(code) == sub.name, code
        checked += 1
    assert checked == 95  # 96 mainland départements minus Paris, which ISO files apart


@pytest.mark.parametrize(
    ("commune", "departement", "region", "zone"),
    [
        ("2A004", "2A", "94", "Europe/Paris"),  # Ajaccio
        ("2B033", "2B", "94", "Europe/Paris"),  # Bastia
        ("97105", "971", "01", "America/Guadeloupe"),  # Basse-Terre
        ("97411", "974", "04", "Indian/Reunion"),  # Saint-Denis
        ("75056", "75", "11", "Europe/Paris"),  # Paris
        ("35238", "35", "53", "Europe/Paris"),  # Rennes
        ("01053", "01", "84", "Europe/Paris"),  # Bourg-en-Bresse
    ],
)
def test_commune_to_departement_to_region_to_zone(
    commune: str, departement: str, region: str, zone: str
) -> None:
    assert departement_of_commune(commune) == departement
    assert region_of_departement(departement) == region
    assert timezone_of_region(region) == zone


def test_commune_codes_are_read_tolerantly() -> None:
    assert departement_of_commune(" 2a004 ") == "2A"


def test_commune_in_saint_pierre_et_miquelon_is_refused_naming_975() -> None:
    with pytest.raises(ValueError, match=r"'97512' is in 975, which is not one of the 101"):
        departement_of_commune("97512")


def test_commune_in_french_polynesia_is_refused_naming_987() -> None:
    with pytest.raises(ValueError, match=r"is in 987,"):
        departement_of_commune("98735")


def test_commune_code_starting_with_20_is_refused_pointing_to_2a_2b() -> None:
    with pytest.raises(ValueError, match=r"'20004' is in 20, .*2A or 2B"):
        departement_of_commune("20004")


@pytest.mark.parametrize("bad", ["7505", "750560", "2C004", "ABCDE", "", "2A04"])
def test_malformed_commune_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"{bad!r} is not an INSEE commune code")):
        departement_of_commune(bad)


def test_unknown_departement_and_region_are_refused() -> None:
    with pytest.raises(ValueError, match=r"'20' is not one of the 101 départements"):
        region_of_departement("20")
    with pytest.raises(ValueError, match=r"'05' is not one of the 18 régions"):
        timezone_of_region("05")


# --- SDGs ----------------------------------------------------------------------------------


def test_there_are_17_sdgs_with_un_short_names() -> None:
    vocabulary = sdg()
    assert vocabulary.codes() == [str(n) for n in range(1, 18)]
    assert vocabulary.label("6", "en") == "Clean water and sanitation"
    assert vocabulary.label("1", "fr") == "Pas de pauvreté"
    assert vocabulary.label("5", "en") == "Gender equality"
    assert vocabulary.label("17", "en") == "Partnerships for the goals"
    assert vocabulary.title["fr"] == "Objectifs de développement durable (ODD)"
    assert not vocabulary.extendable


def test_every_sdg_has_keywords() -> None:
    assert all(len(term.keywords) >= 3 for term in sdg())


def test_sdg_keywords_tag_free_text() -> None:
    text = "Projet d'accès à l'eau potable et construction de latrines au Sénégal"
    assert "6" in sdg().match(text)


def test_sdg_normalizes_labels_in_either_language() -> None:
    assert sdg().normalize("clean water and sanitation") == "6"
    assert sdg().normalize("Éducation de qualité") == "4"


# --- sectors and training themes -----------------------------------------------------------


def test_sectors_follow_the_barometre_groups() -> None:
    vocabulary = sectors()
    top = [t.code for t in vocabulary if t.parent is None]
    assert top == [
        "sante", "education", "eau-environnement", "economie", "developpement-rural",
        "culture", "ecsi", "formation-adultes", "developpement-urbain",
        "appui-institutionnel", "genre", "autres",
    ]  # fmt: skip
    children = {t.code: t.parent for t in vocabulary if t.parent is not None}
    assert children == {
        "eau": "eau-environnement", "assainissement": "eau-environnement",
        "energie": "eau-environnement", "environnement": "eau-environnement",
        "dechets": "eau-environnement", "artisanat": "economie",
        "commerce-equitable": "economie", "tourisme": "economie", "microfinance": "economie",
        "agriculture": "developpement-rural", "peche": "developpement-rural",
        "patrimoine": "culture", "francophonie": "culture",
    }  # fmt: skip


def test_sector_codes_are_ascii_slugs() -> None:
    for vocabulary in (sectors(), training_themes(), campaigns()):
        for code in vocabulary.codes():
            assert re.fullmatch(r"[a-z]+(-[a-z]+)*", code), code


def test_sector_dac_codes() -> None:
    dac = {t.code: t.data.get("dac", []) for t in sectors()}
    assert 14030 in dac["eau"]
    assert dac["dechets"] == [14050]
    assert 12220 in dac["sante"]
    assert 11220 in dac["education"]
    assert 31120 in dac["agriculture"]
    assert 31320 in dac["peche"]
    assert 23210 in dac["energie"]
    assert 41010 in dac["environnement"]
    assert dac["microfinance"] == [24040]
    assert dac["ecsi"] == [99820]  # "promotion of development awareness"
    assert "dac" not in sectors()["commerce-equitable"].data  # no clear DAC code: left out
    all_codes = [c for codes in dac.values() for c in codes]
    assert all(isinstance(c, int) and 11000 <= c <= 99999 for c in all_codes)
    assert len(all_codes) == len(set(all_codes))  # each DAC code maps back to one sector


def test_sector_keywords_tag_free_text() -> None:
    found = sectors().match("Installation de panneaux solaires et formation en agroécologie")
    assert "energie" in found
    assert "agriculture" in found
    assert sectors().normalize("genre") == "genre"
    assert "genre" not in sectors().match("ce genre de projet")


def test_sectors_accept_a_networks_extension() -> None:
    from rrma_core.vocabularies._core import Term

    extended = sectors().extended(
        [Term("numerique", {"fr": "Numérique", "en": "Digital"})], provider="my-network"
    )
    assert extended.label("numerique", "en") == "Digital"
    assert "numerique" not in sectors()


def test_training_themes_cover_the_networks_offer() -> None:
    vocabulary = training_themes()
    assert vocabulary.label("suivi-evaluation", "en") == "Monitoring and evaluation"
    assert vocabulary.label("gestion-de-projet", "fr") == "Gestion de projet"
    sectoral = {t.code for t in vocabulary if t.parent == "approches-sectorielles"}
    assert sectoral == {"eau", "assainissement", "energie", "agriculture"}
    assert {"odd", "ecsi", "egalite-femmes-hommes", "recherche-financements"} <= set(
        vocabulary.codes()
    )


# --- campaigns -----------------------------------------------------------------------------


def test_campaigns_and_their_organisers() -> None:
    vocabulary = campaigns()
    assert vocabulary.codes() == ["alimenterre", "festisol", "mois-ess", "migrantscene"]
    organisers = {t.code: t.data["organiser"]["acronym"] for t in vocabulary}
    assert organisers == {
        "alimenterre": "CFSI",
        "festisol": "CRID",
        "mois-ess": "ESS France",
        "migrantscene": "Cimade",
    }
    roles = {t.code: t.data["coordinator_role"] for t in vocabulary}
    assert roles == {
        "alimenterre": "coordinator",
        "festisol": "coras",
        "mois-ess": "coordinator",
        "migrantscene": "coordinator",
    }


def test_campaign_periods_are_month_days_within_autumn() -> None:
    for term in campaigns():
        period = term.data["usual_period"]
        start = dt.datetime.strptime(f"2024-{period['start']}", "%Y-%m-%d").date()
        end = dt.datetime.strptime(f"2024-{period['end']}", "%Y-%m-%d").date()
        assert start < end, term.code
        assert start.month in (10, 11), term.code
        assert end.month in (11, 12), term.code
    alimenterre = campaigns()["alimenterre"].data["usual_period"]
    assert alimenterre == {"start": "10-15", "end": "11-30"}


def test_campaign_urls_are_https() -> None:
    for term in campaigns():
        assert term.data["url"].startswith("https://"), term.code
        assert term.data["organiser"]["url"].startswith("https://"), term.code
        assert term.data["organiser"]["name"].strip(), term.code


# --- countries -----------------------------------------------------------------------------


def test_countries_cover_iso_3166_1() -> None:
    vocabulary = countries()
    assert len(vocabulary) == len(pycountry.countries)
    assert len(vocabulary) >= 249
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in vocabulary.codes())


def test_country_labels_and_codes() -> None:
    vocabulary = countries()
    assert vocabulary.label("FR", "fr") == "France"
    assert vocabulary.label("SN", "fr") == "Sénégal"
    assert vocabulary.label("SN", "en") == "Senegal"
    assert "Côte d'Ivoire" in vocabulary.label("CI", "fr")
    assert vocabulary.label("BO", "en") == "Bolivia"  # common name, not the ISO long form
    assert vocabulary.label("BO", "fr") == "Bolivie"
    assert vocabulary["SN"].data == {"alpha3": "SEN", "numeric": "686"}
    assert vocabulary["BO"].data["numeric"] == "068"  # leading zero kept


def test_country_names_normalize_from_french_or_english() -> None:
    assert countries().normalize("sénégal") == "SN"
    assert countries().normalize("Burkina Faso") == "BF"
    assert countries().normalize("Maroc") == "MA"
