"""``edition_summary``: an edition's reach, every number counted by hand from conftest.py."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from _backends import BACKENDS, database
from rrma_core import Workspace
from rrma_core.campaigns import EditionSummary, edition_summary, parse_edition
from rrma_core.errors import ConfigError

from .conftest import AL26, AL26_84, fill


def _rows(rows: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in keys) for row in rows]


def test_totals_of_the_regional_view(ws: Workspace) -> None:
    summary = edition_summary(ws, AL26)
    # e1 e2 e3 e4 e5 e9 e10 e11: not e6 (withdrawn), e7 (cancelled), e8 and e12 (région 24),
    # x1 (Festisol).
    assert summary.events == 8
    assert summary.cancelled == 1
    assert summary.occurrences == 9  # e3 has two dates
    # actor-adm (e1, e2, e9 by name), actor-tp (e3 twice, e10), actor-cine, the Collectif.
    assert summary.organisers == 4
    assert summary.departements == 3  # 69, 38, 42
    # 69266, 69123, 38185, 42218 and Saint-Fons (postal code only).
    assert summary.communes == 5
    assert summary.region == "84"
    assert summary.campaign_name == "Festival ALIMENTERRE"


def test_the_stored_regional_record_is_the_edition(ws: Workspace) -> None:
    summary = edition_summary(ws, AL26)
    assert summary.edition.id == AL26_84
    assert summary.edition.coordinators[0].name == "RESACOOP"
    # No 2025 record: one made from the id, since 2025 has events.
    assert summary.previous is not None
    assert summary.previous.id == "alimenterre-2025-84"
    assert summary.previous.start is None


def test_previous_edition(ws: Workspace) -> None:
    summary = edition_summary(ws, AL26)
    # p1, p2, p3: not p4 (withdrawn) nor p5 (Tours).
    assert summary.previous_events == 3
    # "Artisans du monde Lyon" is actor-adm; actor-old; actor-cine.
    assert summary.previous_organisers == 3
    assert summary.previous_departements == 2  # 69, 63
    assert summary.previous_communes == 3  # 69123, 63113, 69266
    # actor-tp and the Collectif are new; actor-adm and actor-cine came back.
    assert summary.new_organisers == 2


def test_by_departement(ws: Workspace) -> None:
    rows = edition_summary(ws, AL26).by_departement
    assert _rows(rows, "code", "label", "events", "previous") == [
        ("69", "Rhône", 4, 2),  # e1 e2 e9 e11 / p1 p3
        ("38", "Isère", 1, 0),  # e3
        ("42", "Loire", 1, 0),  # e5
        ("63", "Puy-de-Dôme", 0, 1),  # p2
        (None, "Non renseigné", 2, 0),  # e4 (no venue), e10 (online)
    ]


def test_by_kind_in_english(ws: Workspace) -> None:
    rows = edition_summary(ws, AL26, lang="en").by_kind
    assert _rows(rows, "code", "label", "events", "previous") == [
        ("projection-debat", "Film screening and debate", 3, 2),  # e1 e3 e11 / p1 p2
        ("conference", "Conference", 2, 0),  # e4 e10
        ("workshop", "Workshop", 1, 1),  # e2 / p3
        ("rencontre", "Meeting", 1, 0),  # e9 (then by label)
        ("other", "Other", 1, 0),  # e5
    ]


def test_by_organiser(ws: Workspace) -> None:
    rows = edition_summary(ws, AL26).by_organiser
    assert _rows(rows, "organiser", "id", "events", "departements", "new") == [
        ("Artisans du Monde Lyon", "actor-adm", 3, 1, False),  # e1 e2 e9, all in 69
        ("Terre et Partage", "actor-tp", 2, 1, True),  # e3 (38), e10 (online)
        ("Ciné Loire", "actor-cine", 1, 1, False),  # e5
        ("Collectif Alimentation Durable", None, 1, 0, True),  # e4, no place
    ]


def test_by_film(ws: Workspace) -> None:
    rows = edition_summary(ws, AL26).by_film
    assert _rows(rows, "kind", "label", "events") == [
        ("film", "Nourrir la ville", 2),  # e1, e3 ("NOURRIR LA VILLE")
        ("film", "Les Déracinés", 1),  # e5
        ("animation", "Ciné-débat", 2),  # e1, e3 ("ciné-débat")
        ("animation", "Atelier", 1),  # e2
        ("animation", "Ciné-goûter", 1),  # e5
    ]


def test_the_regional_id_gives_the_same_view(ws: Workspace) -> None:
    by_id, by_region = edition_summary(ws, AL26_84), edition_summary(ws, AL26, region="84")
    assert by_id.previous is not None
    assert by_region.previous is not None
    assert by_id.previous.id == by_region.previous.id == "alimenterre-2025-84"
    # The rest is equal (a record made from the id has its own creation time).
    assert replace(by_id, previous=None) == replace(by_region, previous=None)


def test_another_region_leaves_out_what_cannot_be_placed(ws: Workspace) -> None:
    summary = edition_summary(ws, AL26, region="24")
    # e8 (Tours) and e12 (online, its organiser in Tours); not e4, which cannot be placed.
    assert summary.events == 2
    assert _rows(summary.by_departement, "code", "events", "previous") == [
        ("37", 1, 1),
        (None, 1, 0),
    ]
    assert summary.previous_events == 1  # p5
    assert summary.new_organisers == 0


def test_no_previous_edition(ws: Workspace) -> None:
    summary = edition_summary(ws, "alimenterre-2025")
    assert summary.events == 3
    assert summary.previous is None
    assert summary.previous_events is None
    assert summary.new_organisers is None
    assert all(row["previous"] is None for row in summary.by_departement)
    assert all(row["new"] is None for row in summary.by_organiser)


def test_a_known_campaign_without_events_is_empty(ws: Workspace) -> None:
    summary = edition_summary(ws, "migrantscene-2026")
    assert (summary.events, summary.organisers, summary.by_departement) == (0, 0, [])
    assert summary.previous is None


def test_summary_is_frozen(ws: Workspace) -> None:
    summary = edition_summary(ws, AL26)
    assert isinstance(summary, EditionSummary)
    with pytest.raises(AttributeError):
        summary.events = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("edition", "region", "message"),
    [
        ("alimenterre", None, "'alimenterre' is not a campaign edition id"),
        ("alimenterre-26", None, "is not a campaign edition id"),
        ("alimenterre-2026-99", None, "unknown région code '99'"),
        ("alimenterre-2026", "99", "unknown région code '99'"),
        ("alimenterre-2026-84", "24", "has no view of région 24"),
        ("nope-2026", None, "no campaign 'nope'"),
    ],
)
def test_bad_input_is_named(ws: Workspace, edition: str, region: str | None, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        edition_summary(ws, edition, region=region)


def test_parse_edition() -> None:
    assert parse_edition("mois-ess-2026-84") == ("mois-ess", 2026, "84")
    assert parse_edition("alimenterre-2026") == ("alimenterre", 2026, None)


def test_summary_tables_as_dataframes(ws: Workspace) -> None:
    summary = edition_summary(ws, AL26)
    with pytest.raises(ConfigError, match="no table 'by_month'"):
        summary.to_dataframe("by_month")
    pandas = pytest.importorskip("pandas")
    frame = summary.to_dataframe("by_kind")
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame["events"]) == [3, 2, 1, 1, 1]
    assert int(summary.to_dataframe().set_index("code").loc["69", "events"]) == 4


@pytest.mark.parametrize("backend", BACKENDS)
def test_national_view_in_a_workspace_without_region(backend: str, tmp_path: Path) -> None:
    with database(backend) as url:
        Workspace.init(tmp_path / "national", name="Tête de réseau").close()
        with Workspace.open(tmp_path / "national", database=url) as national:
            fill(national)
            summary = edition_summary(national, AL26)
    assert summary.region is None
    assert summary.edition.id == AL26
    # Every région: e1 e2 e3 e4 e5 e8 e9 (the regional edition's) e10 e11 e12.
    assert summary.events == 10
    assert summary.organisers == 5  # actor-far too
    assert _rows(summary.by_departement, "code", "events", "previous") == [
        ("69", 4, 2),
        ("37", 1, 1),  # e8 / p5
        ("38", 1, 0),
        ("42", 1, 0),
        ("63", 0, 1),
        (None, 3, 0),  # e4, e10, e12
    ]
