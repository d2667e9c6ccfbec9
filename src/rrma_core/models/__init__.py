"""The domain model: actors, spaces, events, campaigns, trainings, calls, resources...

Every top-level model derives from [`Record`][rrma_core.models.Record]; see
[`MODELS`][rrma_core.models.MODELS] for the list by name.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from rrma_core.errors import UnknownModel
from rrma_core.models._base import (
    PERSONAL_DATA,
    ActorRef,
    Address,
    Coordinates,
    DateRange,
    LocalizedText,
    Model,
    Person,
    Place,
    Price,
    Provenance,
    Record,
)
from rrma_core.models.actor import Actor
from rrma_core.models.call import Amount, CallForProjects, Perimeter
from rrma_core.models.campaign import Campaign, CampaignEdition
from rrma_core.models.event import Event, Occurrence
from rrma_core.models.observation import Observation
from rrma_core.models.project import Budget, Partner, Programme, Project
from rrma_core.models.resource import Resource
from rrma_core.models.space import Meeting, Membership, MultiActorSpace
from rrma_core.models.training import Registration, SessionEvaluation, Training, TrainingSession

__all__ = [
    "MODELS",
    "PERSONAL_DATA",
    "Actor",
    "ActorRef",
    "Address",
    "Amount",
    "Budget",
    "CallForProjects",
    "Campaign",
    "CampaignEdition",
    "Coordinates",
    "DateRange",
    "Event",
    "LocalizedText",
    "Meeting",
    "Membership",
    "Model",
    "MultiActorSpace",
    "Observation",
    "Occurrence",
    "Partner",
    "Perimeter",
    "Person",
    "Place",
    "Price",
    "Programme",
    "Project",
    "Provenance",
    "Record",
    "Registration",
    "Resource",
    "SessionEvaluation",
    "Training",
    "TrainingSession",
    "get_model",
    "json_schema",
    "personal_fields",
]

MODELS: dict[str, type[Record]] = {
    model.__name__: model
    for model in (
        Actor,
        MultiActorSpace,
        Event,
        Campaign,
        CampaignEdition,
        Training,
        CallForProjects,
        Resource,
        Observation,
        Project,
        Programme,
    )
}
"""Every top-level record model, by its class name (``MODELS["Event"] is Event``)."""


def get_model(name: str) -> type[Record]:
    """The record model called ``name``: its class name or its record type, in any case.

    Raises:
        UnknownModel: listing the known names.
    """
    wanted = name.casefold().replace("_", "").replace("-", "")
    for class_name, model in MODELS.items():
        keys = {class_name.casefold(), model.record_type.replace("-", "")}
        if wanted in keys:
            return model
    raise UnknownModel(f"no model named {name!r} (known: {', '.join(MODELS)})")


def json_schema(model: type[BaseModel] | str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a model, as pydantic validates it.

    Fields holding personal data carry ``"x-personal-data": true``; fields whose codes come
    from a vocabulary carry ``"x-vocabulary": "<name>"``.
    """
    cls = get_model(model) if isinstance(model, str) else model
    schema = cls.model_json_schema(mode="validation")
    schema.setdefault("$schema", "https://json-schema.org/draft/2020-12/schema")
    return schema


def personal_fields(model: type[BaseModel] | str) -> list[str]:
    """Dotted paths of the fields of ``model`` marked as personal data, at any depth."""
    schema = json_schema(model)
    found: list[str] = []

    def walk(node: Any, path: str, seen: frozenset[str]) -> None:
        if isinstance(node, dict):
            if node.get(PERSONAL_DATA):
                found.append(path)
                return
            ref = node.get("$ref")
            if isinstance(ref, str) and ref not in seen:
                target = schema["$defs"][ref.split("/")[-1]]
                walk(target, path, seen | {ref})
            for key in ("items", "anyOf", "allOf"):
                sub = node.get(key)
                for child in sub if isinstance(sub, list) else [sub] if sub else []:
                    walk(child, path, seen)
            for name, child in (node.get("properties") or {}).items():
                walk(child, f"{path}.{name}" if path else name, seen)

    walk(schema, "", frozenset())
    return sorted(set(found))


def dumps_schema(model: type[BaseModel] | str) -> str:
    """The JSON Schema of ``model`` as indented JSON text."""
    return json.dumps(json_schema(model), indent=2, ensure_ascii=False)
