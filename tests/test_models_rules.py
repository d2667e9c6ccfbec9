"""The rules records enforce, each refused with its reason in the message."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
import pytest

from rrma_core.models import (
    Actor,
    Address,
    Amount,
    Budget,
    CallForProjects,
    CampaignEdition,
    Coordinates,
    DateRange,
    Event,
    Meeting,
    MultiActorSpace,
    Observation,
    Occurrence,
    Price,
    Programme,
    Project,
    Registration,
    Training,
    TrainingSession,
)
from rrma_core.vocabularies import CallStatus, RegistrationStatus

PARIS = ZoneInfo("Europe/Paris")


def reasons(error: pydantic.ValidationError) -> list[str]:
    return [e["msg"].removeprefix("Value error, ") for e in error.errors()]


def refused(model: type[pydantic.BaseModel], **data: Any) -> str:
    """The one reason ``model`` gives for refusing ``data``."""
    with pytest.raises(pydantic.ValidationError) as caught:
        model.model_validate(data)
    (reason,) = reasons(caught.value)
    return reason


# --- coordinates -----------------------------------------------------------------------------


def test_coordinates_in_range_are_kept() -> None:
    point = Coordinates(lat=-21.1151, lon=55.5364)  # La Réunion
    assert (point.lat, point.lon) == (-21.1151, 55.5364)
    assert Coordinates(lat=90, lon=-180).lat == 90


@pytest.mark.parametrize(
    ("lat", "lon", "reason"),
    [
        (91, 0, "latitude 91.0 is out of range (-90 to 90)"),
        (-90.5, 0, "latitude -90.5 is out of range (-90 to 90)"),
        (0, -181, "longitude -181.0 is out of range (-180 to 180)"),
        (45.76, 180.01, "longitude 180.01 is out of range (-180 to 180)"),
        (float("nan"), 4.83, "nan is not a finite number"),
        ("nan", 4.83, "nan is not a finite number"),
        (45.76, float("inf"), "inf is not a finite number"),
        (45.76, float("-inf"), "-inf is not a finite number"),
    ],
)
def test_bad_coordinates_are_refused(lat: Any, lon: Any, reason: str) -> None:
    assert refused(Coordinates, lat=lat, lon=lon) == reason


def test_bad_coordinates_in_an_event_venue_are_refused() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Event(
            title="Agora",
            occurrences=[{"start": "2026-11-20"}],
            venue={"name": "Halle", "coordinates": {"lat": 91, "lon": 4.8}},
        )
    (error,) = caught.value.errors()
    assert error["loc"] == ("venue", "coordinates")
    assert "latitude 91.0 is out of range" in error["msg"]


# --- occurrences and spans -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        ("2026-11-20", "2026-11-19", "end 2026-11-19 is before start 2026-11-20"),
        (
            "2026-11-20T20:00:00+01:00",
            "2026-11-20T19:00:00+01:00",
            "end 2026-11-20T19:00:00+01:00 is before start 2026-11-20T20:00:00+01:00",
        ),
        (
            "2026-11-20T20:00:00+01:00",
            "2026-11-20T18:30:00+00:00",
            "end 2026-11-20T18:30:00+00:00 is before start 2026-11-20T20:00:00+01:00",
        ),
    ],
)
def test_occurrence_ending_before_it_starts_is_refused(start: str, end: str, reason: str) -> None:
    assert refused(Occurrence, start=start, end=end) == reason


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-11-20", "2026-11-20T22:00:00+01:00"), ("2026-11-20T20:00:00+01:00", "2026-11-21")],
)
def test_occurrence_mixing_a_date_and_a_datetime_is_refused(start: str, end: str) -> None:
    reason = refused(Occurrence, start=start, end=end)
    assert f"start {start} and end {end} must both be dates (all day) or both date-times" == reason


def test_occurrence_of_one_day_and_an_instant() -> None:
    assert Occurrence(start="2026-11-20", end="2026-11-20").all_day is True
    timed = Occurrence(start="2026-11-20T20:00:00+01:00", end="2026-11-20T20:00:00+01:00")
    assert timed.all_day is False
    assert timed.sort_key == datetime(2026, 11, 20, 19, tzinfo=UTC)


@pytest.mark.parametrize("model", [TrainingSession, Meeting])
def test_sessions_and_meetings_also_check_their_span(model: Any) -> None:
    reason = refused(model, start="2027-02-05", end="2027-02-04")
    assert reason == "end 2027-02-04 is before start 2027-02-05"


def test_date_range_is_ordered_and_contains_its_days() -> None:
    assert refused(DateRange, start="2025-12-31", end="2025-01-01") == (
        "end 2025-01-01 is before start 2025-12-31"
    )
    year = DateRange.year(2025)
    assert (year.start, year.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert date(2025, 12, 31) in year
    assert date(2026, 1, 1) not in year
    assert datetime(2025, 6, 1, 12, tzinfo=UTC) in year
    assert "2025-06-01" not in year


# --- events ----------------------------------------------------------------------------------


def test_online_only_event_with_a_venue_address_is_refused() -> None:
    reason = refused(
        Event,
        title="Webinaire ECSI",
        occurrences=[{"start": "2026-11-20T18:00:00+01:00"}],
        attendance_mode="online",
        venue={"name": "Maison des solidarités", "address": {"commune": "69123"}},
    )
    assert reason == "an online-only event has no venue address (use attendance_mode mixed)"


def test_online_or_mixed_event_without_that_conflict_is_accepted() -> None:
    online = Event(
        title="Webinaire ECSI",
        occurrences=[{"start": "2026-11-20T18:00:00+01:00"}],
        attendance_mode="online",
        online_url="https://visio.example.org/ecsi",
        venue={"name": "En ligne"},
    )
    assert online.venue is not None
    assert online.venue.address is None
    mixed = Event(
        title="Agora hybride",
        occurrences=[{"start": "2026-11-20"}],
        attendance_mode="mixed",
        venue={"address": {"commune": "69123"}},
    )
    assert mixed.region == "84"


def test_event_needs_an_occurrence() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Event(title="Agora", occurrences=[])
    assert caught.value.errors()[0]["loc"] == ("occurrences",)


def test_event_start_end_and_next_occurrence() -> None:
    event = Event(
        title="Festival ALIMENTERRE à Rennes",
        occurrences=[
            {"start": "2026-11-21", "end": "2026-11-22"},
            {"start": "2026-10-16T20:00:00+02:00", "end": "2026-10-16T22:00:00+02:00"},
        ],
    )
    assert event.start == datetime(2026, 10, 16, 20, tzinfo=PARIS)
    assert event.end == date(2026, 11, 22)
    after = datetime(2026, 10, 16, 21, tzinfo=PARIS)
    assert event.next_occurrence(after) is event.occurrences[1]
    later = datetime(2026, 11, 1, tzinfo=UTC)
    assert event.next_occurrence(later) is event.occurrences[0]
    assert event.next_occurrence(datetime(2026, 12, 1, tzinfo=UTC)) is None


# --- calls for projects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "what"),
    [("published_on", "the publication date"), ("opens_on", "the opening date")],
)
def test_deadline_before_publication_or_opening_is_refused(field: str, what: str) -> None:
    reason = refused(
        CallForProjects, title="AAP ECSI 2027", deadline="2027-01-15", **{field: "2027-02-01"}
    )
    assert reason == f"deadline 2027-01-15 is before {what} 2027-02-01"


def test_deadline_at_noon_before_a_publication_that_afternoon_is_refused() -> None:
    reason = refused(
        CallForProjects,
        title="AAP",
        published_on="2027-01-15T14:00:00+01:00",
        deadline="2027-01-15T12:00:00+01:00",
    )
    assert "is before the publication date 2027-01-15T14:00:00+01:00" in reason


def test_deadline_on_the_publication_day_is_accepted() -> None:
    call = CallForProjects(
        title="AAP", published_on="2027-01-15", deadline="2027-01-15T12:00:00+01:00"
    )
    assert call.deadline == datetime(2027, 1, 15, 12, tzinfo=PARIS)


@pytest.fixture
def ecsi_call() -> CallForProjects:
    return CallForProjects(
        title="Appel à projets ECSI 2027",
        published_on="2026-11-02",
        opens_on="2026-12-01",
        deadline="2027-01-15",
    )


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (date(2026, 11, 30), CallStatus.UPCOMING),
        (datetime(2026, 11, 30, 23, 59, tzinfo=PARIS), CallStatus.UPCOMING),
        (date(2026, 12, 1), CallStatus.OPEN),
        (datetime(2026, 12, 1, 0, 0, tzinfo=PARIS), CallStatus.OPEN),
        (date(2027, 1, 15), CallStatus.OPEN),
        (datetime(2027, 1, 15, 23, 59, 59, tzinfo=PARIS), CallStatus.OPEN),  # open all day, Paris
        (datetime(2027, 1, 15, 22, 30, tzinfo=UTC), CallStatus.OPEN),  # 23:30 in Paris
        (datetime(2027, 1, 15, 23, 30, tzinfo=UTC), CallStatus.CLOSED),  # 00:30 the 16th
        (datetime(2027, 1, 16, 0, 0, 1, tzinfo=PARIS), CallStatus.CLOSED),
        (date(2027, 1, 16), CallStatus.CLOSED),
    ],
)
def test_call_status_with_a_date_deadline(
    ecsi_call: CallForProjects, on: date, status: CallStatus
) -> None:
    assert ecsi_call.status(on) is status


def test_date_deadline_is_judged_in_the_given_time_zone(ecsi_call: CallForProjects) -> None:
    # 2027-01-16 02:00 in Paris is still the 15th in Guadeloupe (UTC-4).
    late = datetime(2027, 1, 16, 2, 0, tzinfo=PARIS)
    assert ecsi_call.status(late) is CallStatus.CLOSED
    assert ecsi_call.status(late, tz=ZoneInfo("America/Guadeloupe")) is CallStatus.OPEN


@pytest.mark.parametrize(
    ("on", "status"),
    [
        (datetime(2027, 1, 15, 11, 59, tzinfo=PARIS), CallStatus.OPEN),
        (datetime(2027, 1, 15, 12, 0, tzinfo=PARIS), CallStatus.OPEN),
        (datetime(2027, 1, 15, 12, 1, tzinfo=PARIS), CallStatus.CLOSED),
        (datetime(2027, 1, 15, 11, 30, tzinfo=UTC), CallStatus.CLOSED),  # 12:30 in Paris
        (date(2027, 1, 15), CallStatus.OPEN),  # the day, as a whole, still has a morning
        (date(2027, 1, 16), CallStatus.CLOSED),
    ],
)
def test_call_status_with_a_datetime_deadline(on: date, status: CallStatus) -> None:
    call = CallForProjects(title="AAP", deadline="2027-01-15T12:00:00+01:00")
    assert call.status(on) is status


def test_call_without_dates_is_open() -> None:
    assert CallForProjects(title="AAP permanent").status(date(2030, 1, 1)) is CallStatus.OPEN
    assert CallForProjects(title="AAP permanent").days_left(date(2030, 1, 1)) is None


def test_call_status_defaults_to_now() -> None:
    past = CallForProjects(title="AAP 2020", deadline="2020-01-15")
    future = CallForProjects(title="AAP 2099", opens_on="2099-01-01", deadline="2099-02-01")
    assert past.status() is CallStatus.CLOSED
    assert future.status() is CallStatus.UPCOMING


@pytest.mark.parametrize(
    ("deadline", "on", "left"),
    [
        ("2027-01-15", date(2027, 1, 10), 5),
        ("2027-01-15", date(2027, 1, 15), 0),
        ("2027-01-15", date(2027, 1, 20), -5),
        ("2027-01-15T12:00:00+01:00", date(2027, 1, 14), 1),
        ("2027-01-15T23:30:00+00:00", date(2027, 1, 15), 1),  # already the 16th in Paris
    ],
)
def test_days_left(deadline: str, on: date, left: int) -> None:
    assert CallForProjects(title="AAP", deadline=deadline).days_left(on) == left


def test_days_left_in_another_time_zone() -> None:
    call = CallForProjects(title="AAP", deadline="2027-01-16T02:00:00+01:00")
    assert call.days_left(date(2027, 1, 15)) == 1
    assert call.days_left(date(2027, 1, 15), tz=ZoneInfo("America/Martinique")) == 0


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"min": 5000, "max": 1000}, "maximum amount 1000.0 is below the minimum 5000.0"),
        ({"rate": 120}, "Input should be less than or equal to 100"),
        ({"rate": -1}, "Input should be greater than or equal to 0"),
        ({"min": -10}, "Input should be greater than or equal to 0"),
        ({"max": float("nan")}, "nan is not a finite number"),
        ({"currency": "euros"}, "String should match pattern '^[A-Z]{3}$'"),
    ],
)
def test_bad_amounts_are_refused(data: dict[str, Any], reason: str) -> None:
    assert refused(Amount, **data) == reason


def test_amount_range_and_rate_are_kept() -> None:
    amount = Amount(min=2000, max=2000, rate=100, currency="XOF")
    assert (amount.min, amount.max, amount.rate, amount.currency) == (2000, 2000, 100, "XOF")


def test_perimeter_codes_are_checked() -> None:
    call = CallForProjects(title="AAP", perimeter={"regions": ["4", "84"], "departements": [1]})
    assert call.perimeter is not None
    assert call.perimeter.regions == ["04", "84"]
    assert call.perimeter.departements == ["01"]
    with pytest.raises(pydantic.ValidationError) as caught:
        CallForProjects(title="AAP", perimeter={"regions": ["12"]})
    assert caught.value.errors()[0]["loc"] == ("perimeter", "regions", 0)


# --- prices ----------------------------------------------------------------------------------


def test_free_event_with_an_amount_is_refused() -> None:
    assert refused(Price, free=True, amount=5) == "a free event cannot cost 5.0 EUR"


@pytest.mark.parametrize(
    "data", [{"free": True, "amount": 0}, {"free": False, "amount": 5}, {"text": "prix libre"}]
)
def test_consistent_prices_are_accepted(data: dict[str, Any]) -> None:
    price = Price.model_validate(data)
    assert price.model_dump(exclude_defaults=True) == data


def test_negative_price_is_refused() -> None:
    assert refused(Price, amount=-3) == "Input should be greater than or equal to 0"


# --- campaign editions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"start": "2026-11-30", "end": "2026-10-15"}, "end 2026-10-15 is before start 2026-11-30"),
        ({"figures": {"events": -3}}, "figure 'events' cannot be negative (-3.0)"),
        ({"start": "2028-10-15"}, "the 2026 edition cannot run on 2028-10-15"),
    ],
)
def test_bad_campaign_editions_are_refused(data: dict[str, Any], reason: str) -> None:
    assert refused(CampaignEdition, campaign="alimenterre", year=2026, **data) == reason


def test_campaign_edition_bounds() -> None:
    assert refused(CampaignEdition, campaign="Festisol", year=2026).startswith(
        "String should match pattern"
    )
    assert refused(CampaignEdition, campaign="festisol", year=1989) == (
        "Input should be greater than or equal to 1990"
    )
    edition = CampaignEdition(
        campaign="alimenterre", year=2026, start="2026-10-15", end="2026-11-30", figures={"x": 0}
    )
    assert (edition.start, edition.end, edition.figures) == (
        date(2026, 10, 15),
        date(2026, 11, 30),
        {"x": 0.0},
    )


# --- addresses -------------------------------------------------------------------------------


def test_address_departement_not_matching_its_commune_is_refused() -> None:
    reason = refused(Address, commune="69123", departement="38", city="Lyon")
    assert reason == "département 38 does not match commune 69123 (which is in 69)"


def test_address_region_not_matching_its_departement_is_refused() -> None:
    reason = refused(Address, departement="2A", region="93")
    assert reason == "région 93 does not match département 2A (which is in région 94)"
    reason = refused(Address, commune="97411", region="01")
    assert reason == "région 01 does not match département 974 (which is in région 04)"


def test_address_codes_that_agree_are_kept() -> None:
    address = Address(commune="35238", departement="35", region="53", city="Rennes")
    assert (address.commune, address.departement, address.region) == ("35238", "35", "53")
    assert Address(departement="974").region == "04"


@pytest.mark.parametrize("codes", [{"commune": "69123"}, {"departement": "69"}, {"region": "84"}])
def test_insee_codes_on_an_address_abroad_are_refused(codes: dict[str, str]) -> None:
    reason = refused(Address, city="Dakar", country="sn", **codes)
    assert reason == "INSEE codes only apply to addresses in France, not SN"


def test_address_abroad_without_insee_codes_is_accepted() -> None:
    address = Address(street="Rue 10", city="Ouagadougou", country="bf")
    assert (address.country, address.departement, address.region) == ("BF", None, None)


# --- actors ----------------------------------------------------------------------------------


def test_local_authority_level_on_an_association_is_refused() -> None:
    reason = refused(
        Actor, name="Les Amis du Sahel", actor_type="association", local_authority_level="commune"
    )
    assert reason == "local_authority_level is only for local authorities, not association"


def test_local_authority_level_on_a_local_authority_is_kept() -> None:
    actor = Actor(
        name="Région Bretagne", actor_type="local-authority", local_authority_level="region"
    )
    assert actor.local_authority_level == "region"


def test_siret_not_matching_siren_is_refused() -> None:
    reason = refused(
        Actor, name="ADS", actor_type="association", siren="552100554", siret="73282932000074"
    )
    assert reason == "SIRET 73282932000074 does not belong to SIREN 552100554"


def test_siren_is_derived_from_the_siret() -> None:
    actor = Actor(name="ADS", actor_type="association", siret="732 829 320 00074")
    assert (actor.siren, actor.siret) == ("732829320", "73282932000074")
    both = Actor(name="ADS", actor_type="association", siren="552100554", siret="55210055400013")
    assert both.siren == "552100554"


def test_actor_place_shortcuts() -> None:
    actor = Actor(
        name="Cap Coopération",
        actor_type="network",
        head_office={"address": {"commune": "97105", "city": "Basse-Terre"}},
    )
    assert (actor.departement, actor.region) == ("971", "01")
    assert Actor(name="X", actor_type="other").region is None


# --- multi-actor spaces ----------------------------------------------------------------------


def test_geographic_space_without_countries_or_territory_is_refused() -> None:
    reason = refused(MultiActorSpace, name="Groupe pays", space_kind="geographic")
    assert reason == "a geographic space needs countries, regions or départements"


@pytest.mark.parametrize(
    "where", [{"countries": ["sn"]}, {"regions": ["53"]}, {"departements": ["35"]}]
)
def test_geographic_space_with_a_place_is_accepted(where: dict[str, list[str]]) -> None:
    space = MultiActorSpace(name="Groupe pays", space_kind="geographic", **where)
    assert space.countries or space.regions or space.departements


@pytest.mark.parametrize("kind", ["thematic", "sectoral"])
def test_thematic_or_sectoral_space_without_themes_is_refused(kind: str) -> None:
    assert refused(MultiActorSpace, name="Groupe", space_kind=kind) == (
        f"a {kind} space needs themes or SDGs"
    )
    assert MultiActorSpace(name="Groupe eau", space_kind=kind, themes=["Eau"]).themes == ["eau"]
    assert MultiActorSpace(name="Groupe ODD", space_kind=kind, sdgs=["ODD 5"]).sdgs == [5]


@pytest.mark.parametrize(
    ("first", "second", "who"),
    [
        ({"name": "Les Amis du Sahel"}, {"name": "les amis du sahel"}, "les amis du sahel"),
        ({"id": "actor-ads", "name": "ADS"}, {"id": "actor-ads", "name": "Amis du Sahel"}, "Amis"),
    ],
)
def test_member_twice_is_refused(first: dict[str, str], second: dict[str, str], who: str) -> None:
    reason = refused(
        MultiActorSpace,
        name="Espace généraliste",
        space_kind="generalist",
        members=[{"actor": first}, {"actor": second, "role": "observer"}],
    )
    assert reason.endswith("is a member twice")
    assert who in reason


def test_distinct_members_are_accepted() -> None:
    space = MultiActorSpace(
        name="Espace généraliste",
        space_kind="generalist",
        members=[{"actor": {"name": "Les Amis du Sahel"}}, {"actor": {"name": "Rennes Métropole"}}],
    )
    assert [m.role for m in space.members] == ["member", "member"]


def test_actor_reference_needs_an_id_or_a_name() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        MultiActorSpace(name="E", space_kind="generalist", members=[{"actor": {"role": "x"}}])
    (error,) = caught.value.errors()
    assert error["loc"] == ("members", 0, "actor")
    assert "an actor reference needs an id or a name" in error["msg"]


# --- trainings -------------------------------------------------------------------------------


def test_duplicate_session_ids_are_refused() -> None:
    reason = refused(
        Training,
        title="Formation ECSI",
        sessions=[
            {"id": "s-fev", "start": "2027-02-04"},
            {"id": "s-mars", "start": "2027-03-04"},
            {"id": "s-fev", "start": "2027-04-04"},
        ],
    )
    assert reason == "session ids must be unique; repeated: s-fev"


def test_generated_session_ids_are_distinct_and_stable() -> None:
    sessions = [{"start": "2027-02-04"}] * 3 + [{"start": "2027-03-04"}]
    training = Training(title="Formation", sessions=sessions)
    ids = [s.id for s in training.sessions]
    assert len(set(ids)) == 4
    assert all(i.startswith("session-") for i in ids)
    # the same sessions read again get the same ids (so content hashes do not change)
    assert [s.id for s in Training(title="Formation", sessions=sessions).sessions] == ids


@pytest.fixture
def session() -> TrainingSession:
    statuses = ["registered", "attended", "attended", "absent", "waiting-list", "cancelled"]
    return TrainingSession(
        start="2027-02-04T09:30:00+01:00",
        end="2027-02-04T17:00:00+01:00",
        capacity=8,
        registrations=[
            {"trainee": {"name": f"Stagiaire {i}"}, "status": s} for i, s in enumerate(statuses)
        ],
    )


def test_session_counts(session: TrainingSession) -> None:
    assert session.registered == 4  # registered, attended twice, absent
    assert session.attended == 2
    assert session.count(RegistrationStatus.WAITING_LIST) == 1
    assert session.count(RegistrationStatus.CANCELLED, RegistrationStatus.ABSENT) == 2
    assert session.count() == 0
    assert session.fill_rate == 0.5


@pytest.mark.parametrize("capacity", [None, 0])
def test_fill_rate_needs_a_capacity(capacity: int | None) -> None:
    session = TrainingSession(start="2027-02-04", capacity=capacity, registrations=[{}])
    assert session.registered == 1
    assert session.fill_rate is None


@pytest.mark.parametrize(
    ("data", "loc"),
    [
        ({"satisfaction": 6}, ("satisfaction",)),
        ({"satisfaction": 0}, ("satisfaction",)),
        ({"hours_attended": -1}, ("hours_attended",)),
        ({"status": "present"}, ("status",)),
        ({"registered_at": "2027-01-10T09:00:00"}, ("registered_at",)),
    ],
)
def test_bad_registrations_are_refused(data: dict[str, Any], loc: tuple[str, ...]) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Registration.model_validate(data)
    assert caught.value.errors()[0]["loc"] == loc


def test_training_themes_accept_labels() -> None:
    training = Training(title="Formation", themes=["Gestion de projet", "Fundraising", "ecsi"])
    assert training.themes == ["gestion-de-projet", "recherche-financements", "ecsi"]
    with pytest.raises(pydantic.ValidationError) as caught:
        Training(title="Formation", themes=["yoga"])
    assert "unknown training theme 'yoga'" in caught.value.errors()[0]["msg"]


# --- projects --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["1403", "140300", "1403a", "ABCDE"])
def test_bad_dac_codes_are_refused(code: str) -> None:
    reason = refused(Project, title="Accès à l'eau à Kaya", dac_sectors=["14030", code])
    assert reason == f"DAC sector code {code!r} must be 5 digits (such as 14030)"


def test_project_and_programme_end_before_start_are_refused() -> None:
    assert refused(Project, title="P", start="2027-01-01", end="2026-12-31") == (
        "end 2026-12-31 is before start 2027-01-01"
    )
    assert refused(
        Programme,
        title="P",
        programme_kind="pooled-programme",
        start="2027-01-01",
        end="2026-01-01",
    ) == ("end 2026-01-01 is before start 2027-01-01")


def test_project_partner_roles_and_budget() -> None:
    project = Project(
        title="Accès à l'eau à Kaya",
        partners=[{"actor": {"name": "Ville de Kaya"}, "role": "implementing"}],
        budget={"amount": 85000},
        status="implementation",
    )
    assert project.partners[0].role.iati_code == "4"
    assert project.status is not None
    assert project.status.iati_code == "2"
    assert refused(Budget, amount=-1) == "Input should be greater than or equal to 0"
    assert refused(Project, title="P", iati_identifier="sans tiret").startswith(
        "String should match pattern"
    )


# --- observations ----------------------------------------------------------------------------


def obs(dimensions: dict[str, Any]) -> Observation:
    return Observation(
        indicator="actors.count", value=12, period=DateRange.year(2025), dimensions=dimensions
    )


@pytest.mark.parametrize(
    ("dimensions", "expected"),
    [
        ({"departement": "1"}, {"departement": "01"}),
        ({"departement": "2a"}, {"departement": "2A"}),
        ({"region": "4"}, {"region": "04"}),
        ({"country": "sn"}, {"country": "SN"}),
        ({"sector": "Santé"}, {"sector": "sante"}),
        ({"sdg": "ODD 6"}, {"sdg": "6"}),
        ({"actor_type": "osim"}, {"actor_type": "osim"}),
        ({"campaign": "festisol-2026"}, {"campaign": "festisol-2026"}),  # free dimension
    ],
)
def test_observation_dimensions_are_normalised(
    dimensions: dict[str, str], expected: dict[str, str]
) -> None:
    assert obs(dimensions).dimensions == expected


@pytest.mark.parametrize(
    ("dimensions", "reason"),
    [
        ({"region": "12"}, "dimension region: unknown région code '12'"),
        ({"departement": "975"}, "dimension departement: unknown département code '975'"),
        ({"country": "XX"}, "dimension country: unknown country code 'XX'"),
        ({"sector": "astrologie"}, "dimension sector: unknown sector 'astrologie'"),
        ({"sdg": "ODD 18"}, "dimension sdg: unknown SDG 18"),
        ({"actor_type": "assoc"}, "dimension actor_type: 'assoc' is not a valid ActorType"),
        ({"Region": "84"}, "dimension name 'Region' must be a lower-case slug"),
    ],
)
def test_bad_observation_dimensions_are_refused(dimensions: dict[str, str], reason: str) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        obs(dimensions)
    (message,) = reasons(caught.value)
    assert message.startswith(reason)


def test_observation_dimension_given_as_a_number_is_read_as_a_code() -> None:
    # Spreadsheets give département 1 as a number: it is read as the code "01".
    assert obs({"departement": 1, "sdg": 6}).dimensions == {"departement": "01", "sdg": "6"}


def test_observation_value_must_be_finite_and_indicator_a_key() -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        Observation(indicator="Actors count", value=float("nan"), period=DateRange.year(2025))
    locs = {e["loc"] for e in caught.value.errors()}
    assert locs == {("indicator",), ("value",)}


# --- unknown fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "data", "loc"),
    [
        (Actor, {"name": "ADS", "actor_type": "association", "colour": "bleu"}, ("colour",)),
        (
            Actor,
            {"name": "ADS", "actor_type": "association", "head_office": {"adresse": "Lyon"}},
            ("head_office", "adresse"),
        ),
        (
            Event,
            {"title": "Agora", "occurrences": [{"start": "2026-11-20", "timezone": "Paris"}]},
            ("occurrences", 0, "timezone"),
        ),
        (CallForProjects, {"title": "AAP", "date_limite": "2027-01-15"}, ("date_limite",)),
    ],
)
def test_unknown_fields_are_refused(
    model: type[pydantic.BaseModel], data: dict[str, Any], loc: tuple[Any, ...]
) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        model.model_validate(data)
    (error,) = caught.value.errors()
    assert error["loc"] == loc
    assert error["type"] == "extra_forbidden"


def test_assignment_is_validated() -> None:
    actor = Actor(name="ADS", actor_type="association")
    actor.countries = ["sn"]
    assert actor.countries == ["SN"]
    with pytest.raises(pydantic.ValidationError):
        actor.sdgs = [18]
    assert actor.sdgs == []
