"""Resources: pedagogical tools, guides, capitalisation publications, videos..."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from rrma_core.models._base import ActorRef, LocalizedText, Record, unique
from rrma_core.models._types import SDG, HttpURL, SectorCode
from rrma_core.vocabularies._closed import ResourceKind

__all__ = ["Resource"]


class Resource(Record):
    """A resource a network publishes or relays.

    Example:
        >>> r = Resource(title="Guide de l'ECSI", resource_kind="methodological-guide",
        ...              themes=["ECSI"], licence="CC-BY-SA-4.0")
        >>> r.themes
        ['ecsi']
    """

    record_type = "resource"

    title: LocalizedText
    resource_kind: ResourceKind = ResourceKind.OTHER
    description: LocalizedText | None = None
    authors: list[ActorRef] = Field(
        default_factory=list, description="Authoring organisations (or names as published)."
    )
    themes: Annotated[list[SectorCode], AfterValidator(unique)] = Field(default_factory=list)
    sdgs: Annotated[list[SDG], AfterValidator(unique)] = Field(default_factory=list)
    published_on: date | None = None
    licence: str | None = Field(default=None, description='An SPDX id ("CC-BY-4.0") or words.')
    languages: list[str] = Field(default_factory=list, description="Language tags (fr, en...).")
    url: HttpURL | None = None
