"""The vocabularies shipped with rrma_core."""

from __future__ import annotations

from rrma_core.vocabularies._campaigns import campaigns
from rrma_core.vocabularies._closed import closed_vocabularies
from rrma_core.vocabularies._core import Vocabulary
from rrma_core.vocabularies._countries import countries
from rrma_core.vocabularies._geo import departements, regions
from rrma_core.vocabularies._sdg import sdg
from rrma_core.vocabularies._sectors import sectors
from rrma_core.vocabularies._training import training_themes


def builtin_vocabularies() -> list[Vocabulary]:
    """Every built-in vocabulary, open and closed."""
    return [
        sdg(),
        sectors(),
        training_themes(),
        campaigns(),
        regions(),
        departements(),
        countries(),
        *closed_vocabularies(),
    ]
