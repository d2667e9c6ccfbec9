"""The shared field types of the models: identifiers, places, vocabulary codes, URLs, dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pydantic
import pytest
from pydantic import BaseModel

from rrma_core.models import Actor, Address, Event, Occurrence, Resource
from rrma_core.models._types import (
    RNA,
    SDG,
    SIREN,
    SIRET,
    CountryCode,
    DateOrDateTime,
    DepartementCode,
    HttpURL,
    PostalCode,
    RegionCode,
    SectorCode,
    luhn_valid,
)
from rrma_core.vocabularies import (
    Term,
    builtin_registry,
    current_registry,
    timezone_of_region,
    use_registry,
)

# --- helpers ---------------------------------------------------------------------------------


def luhn(number: str) -> bool:
    """An independent Luhn check, so the tests do not trust the code under test."""
    digits = [int(c) for c in number]
    odd = digits[-1::-2]
    even = [sum(divmod(2 * d, 10)) for d in digits[-2::-2]]
    return (sum(odd) + sum(even)) % 10 == 0


def complete(prefix: str) -> str:
    """``prefix`` followed by the digit that makes it pass the Luhn check."""
    return next(prefix + str(d) for d in range(10) if luhn(prefix + str(d)))


class Ids(BaseModel):
    siren: SIREN | None = None
    siret: SIRET | None = None
    rna: RNA | None = None


class Geo(BaseModel):
    departement: DepartementCode | None = None
    region: RegionCode | None = None
    postal_code: PostalCode | None = None
    country: CountryCode | None = None


class Tags(BaseModel):
    sdg: SDG | None = None
    sector: SectorCode | None = None


class When(BaseModel):
    at: DateOrDateTime


class Link(BaseModel):
    url: HttpURL


def messages(error: pydantic.ValidationError) -> list[str]:
    return [e["msg"] for e in error.errors()]


def only_message(error: pydantic.ValidationError) -> str:
    (message,) = messages(error)
    return message


# --- SIREN / SIRET: Luhn ---------------------------------------------------------------------

KNOWN_SIRENS = ["552100554", "732829320", "356000000"]
KNOWN_SIRETS = ["55210055400013", "73282932000074"]


@pytest.mark.parametrize("number", KNOWN_SIRENS + KNOWN_SIRETS)
def test_known_numbers_pass_an_independent_luhn_check(number: str) -> None:
    assert luhn(number)
    assert luhn_valid(number)


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("552100554", True),
        ("552100555", False),
        ("12345678901234", False),
        ("79927398713", True),  # the textbook Luhn example
        ("79927398710", False),
        ("0", True),
    ],
)
def test_luhn_valid_agrees_with_the_textbook_rule(number: str, expected: bool) -> None:
    assert luhn(number) is expected
    assert luhn_valid(number) is expected


@pytest.mark.parametrize("siren", KNOWN_SIRENS)
def test_valid_siren_is_kept(siren: str) -> None:
    assert Ids(siren=siren).siren == siren


@pytest.mark.parametrize("siret", KNOWN_SIRETS)
def test_valid_siret_is_kept(siret: str) -> None:
    assert Ids(siret=siret).siret == siret


def test_computed_luhn_numbers_are_accepted() -> None:
    siren = complete("79461827")
    siret = complete(siren + "0002")
    assert len(siren) == 9
    assert len(siret) == 14
    ids = Ids(siren=siren, siret=siret)
    assert (ids.siren, ids.siret) == (siren, siret)


def test_siret_failing_its_check_digit_names_the_number() -> None:
    assert not luhn("12345678901234")
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(siret="12345678901234")
    assert only_message(caught.value) == "Value error, SIRET 12345678901234 fails its check digit"
    assert caught.value.errors()[0]["loc"] == ("siret",)


def test_siren_failing_its_check_digit_names_the_number() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(siren="552100555")
    assert only_message(caught.value) == "Value error, SIREN 552100555 fails its check digit"


def test_siret_passing_luhn_but_whose_siren_fails_is_refused() -> None:
    siren = "123456789"
    assert not luhn(siren)
    siret = complete(siren + "0001")
    assert luhn(siret)
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(siret=siret)
    assert f"SIRET {siret} starts with SIREN {siren}, which fails its check digit" in only_message(
        caught.value
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("552 100 554", "552100554"),
        ("552.100.554", "552100554"),
        ("552\u00a0100\u00a0554", "552100554"),  # non-breaking spaces, as French text has them
        ("  552100554 ", "552100554"),
        (552100554, "552100554"),
    ],
)
def test_siren_separators_are_stripped(written: object, expected: str) -> None:
    assert Ids(siren=written).siren == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("552 100 554 00013", "55210055400013"),
        ("552.100.554.00013", "55210055400013"),
        ("732 829 320 00074", "73282932000074"),
    ],
)
def test_siret_separators_are_stripped(written: str, expected: str) -> None:
    assert Ids(siret=written).siret == expected


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("siren", "55210055", "SIREN 55210055 must be 9 digits"),
        ("siren", "5521005540", "SIREN 5521005540 must be 9 digits"),
        ("siren", "55210055A", "SIREN 55210055A must be 9 digits"),
        ("siret", "5521005540001", "SIRET 5521005540001 must be 14 digits"),
        ("siret", "552100554000I3", "SIRET 552100554000I3 must be 14 digits"),
    ],
)
def test_malformed_siren_and_siret_are_refused(field: str, value: str, reason: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(**{field: value})
    assert reason in only_message(caught.value)


def test_la_poste_siret_uses_the_sum_of_digits_rule() -> None:
    siret = "35600000000001"  # digits sum to 15: valid for La Poste, though not Luhn-valid
    assert not luhn(siret)
    assert sum(map(int, siret)) % 5 == 0
    assert Ids(siret=siret).siret == siret


def test_la_poste_siret_failing_its_rule_says_so() -> None:
    siret = "35600000000002"  # digits sum to 16
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(siret=siret)
    assert "fails La Poste's check (sum of digits not a multiple of 5)" in only_message(
        caught.value
    )
    assert siret in only_message(caught.value)


def test_la_poste_rule_is_not_applied_to_other_companies() -> None:
    siret = "55210055400003"  # digits sum to 30, a multiple of 5, but Luhn fails
    assert sum(map(int, siret)) % 5 == 0
    assert not luhn(siret)
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(siret=siret)
    assert only_message(caught.value) == f"Value error, SIRET {siret} fails its check digit"


def test_la_poste_head_office_siret_is_accepted() -> None:
    assert luhn("35600000000048")
    assert Ids(siret="35600000000048").siret == "35600000000048"


# --- RNA -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [("W751234567", "W751234567"), ("w691234567", "W691234567"), ("W2A1234567", "W2A1234567")],
)
def test_rna_numbers_are_accepted_and_upper_cased(written: str, expected: str) -> None:
    assert Ids(rna=written).rna == expected


@pytest.mark.parametrize(
    "bad", ["W75123456", "W7512345678", "751234567", "X751234567", "W75 1234567"]
)
def test_malformed_rna_numbers_are_refused(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Ids(rna=bad)
    assert "must be W followed by 9 digits (such as W751234567)" in only_message(caught.value)


# --- postal codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [("69001", "69001"), ("69 001", "69001"), ("20000", "20000"), ("97400", "97400")],
)
def test_postal_codes(written: str, expected: str) -> None:
    assert Geo(postal_code=written).postal_code == expected


@pytest.mark.parametrize("bad", ["6900", "690011", "F69001", "2A000"])
def test_malformed_postal_codes_are_refused(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Geo(postal_code=bad)
    assert "must be 5 digits" in only_message(caught.value)


# --- communes, départements, régions, time zones ---------------------------------------------


@pytest.mark.parametrize(
    ("commune", "departement", "region", "tz"),
    [
        ("69123", "69", "84", "Europe/Paris"),  # Lyon
        ("35238", "35", "53", "Europe/Paris"),  # Rennes
        ("75056", "75", "11", "Europe/Paris"),  # Paris
        ("2A004", "2A", "94", "Europe/Paris"),  # Ajaccio
        ("2B033", "2B", "94", "Europe/Paris"),  # Bastia
        ("97105", "971", "01", None),  # Basse-Terre
        ("97209", "972", "02", "America/Martinique"),  # Fort-de-France
        ("97302", "973", "03", "America/Cayenne"),  # Cayenne
        ("97411", "974", "04", "Indian/Reunion"),  # Saint-Denis
        ("97611", "976", "06", "Indian/Mayotte"),  # Mamoudzou
    ],
)
def test_commune_tells_departement_region_and_time_zone(
    commune: str, departement: str, region: str, tz: str | None
) -> None:
    address = Address(commune=commune)
    assert (address.departement, address.region) == (departement, region)
    zone = timezone_of_region(address.region)
    if tz is not None:
        assert zone == tz
    winter = datetime(2027, 1, 15, 12, tzinfo=ZoneInfo(zone)).utcoffset()
    expected_offsets = {"53": 1, "84": 1, "11": 1, "94": 1, "01": -4, "02": -4, "03": -3}
    expected_offsets |= {"04": 4, "06": 3}
    assert winter == timedelta(hours=expected_offsets[region])


def test_lower_case_corsican_commune_is_upper_cased() -> None:
    address = Address(commune="2a004", city="Ajaccio")
    assert (address.commune, address.departement, address.region) == ("2A004", "2A", "94")


def test_place_exposes_departement_and_region_of_its_address() -> None:
    event = Event(
        title="Agora",
        occurrences=[{"start": "2026-11-20"}],
        venue={"name": "Maison des solidarités", "address": {"commune": "97411"}},
    )
    assert (event.departement, event.region) == ("974", "04")


@pytest.mark.parametrize(
    ("commune", "reason"),
    [
        (
            "20004",
            "is in 20, which is not one of the 101 départements (Corsican communes are coded",
        ),
        ("97502", "is in 975, which is not one of the 101 départements"),
        ("98735", "is in 987, which is not one of the 101 départements"),
        ("6912", "is not an INSEE commune code"),
        ("2C004", "is not an INSEE commune code"),
    ],
)
def test_unknown_commune_codes_are_refused(commune: str, reason: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Address(commune=commune)
    assert reason in only_message(caught.value)
    assert caught.value.errors()[0]["loc"] == ("commune",)


@pytest.mark.parametrize("code", ["20", "975", "96", "00", "977"])
def test_unknown_departement_codes_are_refused(code: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Geo(departement=code)
    assert f"unknown département code {code!r}" in only_message(caught.value)


@pytest.mark.parametrize("code", ["12", "05", "99", "21"])
def test_unknown_region_codes_are_refused(code: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Geo(region=code)
    assert f"unknown région code {code!r}" in only_message(caught.value)


@pytest.mark.parametrize(
    ("written", "expected"), [("1", "01"), (1, "01"), ("2a", "2A"), (" 974 ", "974"), (69, "69")]
)
def test_departement_codes_are_padded_and_upper_cased(written: object, expected: str) -> None:
    assert Geo(departement=written).departement == expected


@pytest.mark.parametrize(("written", "expected"), [("4", "04"), (4, "04"), ("84", "84")])
def test_region_codes_are_padded(written: object, expected: str) -> None:
    assert Geo(region=written).region == expected


# --- countries -------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "expected"), [("sn", "SN"), (" bf ", "BF"), ("FR", "FR")])
def test_country_codes_are_normalised(written: str, expected: str) -> None:
    assert Geo(country=written).country == expected


@pytest.mark.parametrize("bad", ["XX", "UK", "SEN", "Sénégal"])
def test_unknown_country_codes_are_refused(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Geo(country=bad)
    assert f"unknown country code {bad.upper()!r} (ISO 3166-1 alpha-2" in only_message(caught.value)


def test_country_lists_are_normalised_then_deduplicated() -> None:
    actor = Actor(name="Les Amis du Sahel", actor_type="association", countries=["bf", "ML", "BF"])
    assert actor.countries == ["BF", "ML"]


# --- SDGs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("ODD 6", 6),
        ("SDG6", 6),
        (6, 6),
        ("6", 6),
        ("odd 13", 13),
        ("ODD n°4", 4),
        ("Objectif 17", 17),
        ("SDG-5", 5),
        ("goal #1", 1),
    ],
)
def test_sdgs_are_parsed(written: object, expected: int) -> None:
    assert Tags(sdg=written).sdg == expected


@pytest.mark.parametrize(
    "bad", [0, 18, -1, "ODD 18", "0", True, False, "six", "ODD", "", 6.0, None]
)
def test_bad_sdgs_are_refused(bad: object) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Resource(title="Guide", sdgs=[bad])
    (error,) = caught.value.errors()
    assert error["loc"] == ("sdgs", 0)
    assert "SDGs are numbered 1 to 17" in error["msg"]


def test_sdg_lists_are_deduplicated_after_parsing() -> None:
    resource = Resource(title="Guide de l'eau", sdgs=["ODD 6", 6, "SDG6", 13])
    assert resource.sdgs == [6, 13]


# --- sectors (an extendable vocabulary) ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("sante", "sante"),
        ("Santé", "sante"),
        ("Health", "sante"),
        ("SANTE", "sante"),
        ("Commerce équitable", "commerce-equitable"),
        ("commerce equitable", "commerce-equitable"),
        ("ecsi", "ecsi"),
        ("Appui institutionnel", "appui-institutionnel"),
    ],
)
def test_sectors_are_accepted_by_code_and_by_label(written: str, expected: str) -> None:
    assert Tags(sector=written).sector == expected


def test_unknown_sector_is_refused_with_its_vocabulary() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Tags(sector="astrologie")
    assert only_message(caught.value) == (
        "Value error, unknown sector 'astrologie' (not in the vocabulary 'sectors')"
    )


def _digital_registry():  # type: ignore[no-untyped-def]
    registry = builtin_registry().copy()
    registry.extend(
        "sectors",
        [Term("numerique", {"fr": "Numérique", "en": "Digital"})],
        provider="territoires-solidaires",
    )
    return registry


def test_a_sector_added_by_a_plugin_is_accepted_only_inside_its_registry() -> None:
    with pytest.raises(pydantic.ValidationError):
        Actor(name="Bretagne Numérique Solidaire", actor_type="association", sectors=["numerique"])

    registry = _digital_registry()
    with use_registry(registry):
        assert current_registry() is registry
        actor = Actor(
            name="Bretagne Numérique Solidaire",
            actor_type="association",
            sectors=["numerique", "Digital", "eau"],
        )
        assert actor.sectors == ["numerique", "eau"]
        assert Tags(sector="Numérique").sector == "numerique"

    assert current_registry() is builtin_registry()
    assert "numerique" not in builtin_registry().get("sectors")
    with pytest.raises(pydantic.ValidationError) as caught:
        Tags(sector="numerique")
    assert "unknown sector 'numerique'" in only_message(caught.value)


def test_registry_is_restored_when_the_block_raises() -> None:
    registry = _digital_registry()
    with pytest.raises(RuntimeError), use_registry(registry):
        raise RuntimeError("boom")
    assert current_registry() is builtin_registry()


# --- dates -----------------------------------------------------------------------------------


def test_a_date_stays_a_date() -> None:
    assert When(at="2027-01-15").at == date(2027, 1, 15)
    assert type(When(at=date(2027, 1, 15)).at) is date


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2027-01-15T12:00:00+01:00", datetime(2027, 1, 15, 11, 0, tzinfo=UTC)),
        ("2027-01-15T11:00:00Z", datetime(2027, 1, 15, 11, 0, tzinfo=UTC)),
        (
            datetime(2027, 1, 15, 12, tzinfo=ZoneInfo("Europe/Paris")),
            datetime(2027, 1, 15, 11, tzinfo=UTC),
        ),
        (
            datetime(2027, 1, 15, 15, tzinfo=timezone(timedelta(hours=4))),  # La Réunion
            datetime(2027, 1, 15, 11, tzinfo=UTC),
        ),
    ],
)
def test_an_aware_datetime_is_kept(written: object, expected: datetime) -> None:
    value = When(at=written).at
    assert isinstance(value, datetime)
    assert value.utcoffset() is not None
    assert value == expected


@pytest.mark.parametrize(
    "naive", ["2027-01-15T12:00:00", datetime(2027, 1, 15, 12), datetime(2027, 1, 15, 0, 0)]
)
def test_a_naive_datetime_is_refused(naive: object) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        When(at=naive)
    message = only_message(caught.value)
    assert "2027-01-15T" in message
    assert "has no time zone: give an offset or a date without a time" in message


@pytest.mark.parametrize("bad", ["15/01/2027", "2027-13-01", "demain", "2027-01-15 midi"])
def test_text_that_is_not_iso_8601_is_refused(bad: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        When(at=bad)
    assert f"{bad!r} is not an ISO 8601 date or date-time" in only_message(caught.value)


def test_dates_serialise_to_iso_8601_in_json() -> None:
    assert When(at="2027-01-15").model_dump(mode="json") == {"at": "2027-01-15"}
    dumped = When(at="2027-01-15T12:00:00+01:00").model_dump(mode="json")
    assert dumped == {"at": "2027-01-15T12:00:00+01:00"}


def test_a_bare_number_is_not_a_date() -> None:
    with pytest.raises(pydantic.ValidationError):
        Occurrence(start=46402)


# --- URLs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://www.resacoop.org/agenda",
        "http://centraider.org/appels-a-projets?page=2",
        "https://festivalalimenterre.org/evenement/projection-debat-nourrir/",
    ],
)
def test_http_urls_are_kept_as_given(url: str) -> None:
    assert Link(url=url).url == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://ftp.example.org/guide.pdf", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("mailto:contact@resacoop.org", "must start with http:// or https://"),
        ("www.resacoop.org", "must start with http:// or https://"),
        ("http:///agenda", "has no host"),
        ("https://", "has no host"),
        ("https://www.resacoop.org/mon agenda", "contains white space"),
    ],
)
def test_bad_urls_are_refused_with_their_reason(url: str, reason: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Link(url=url)
    message = only_message(caught.value)
    assert reason in message
    assert repr(url) in message
