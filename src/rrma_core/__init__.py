"""rrma_core: the Python toolkit of France's Réseaux Régionaux Multi-Acteurs (RRMA).

The public API is what this module exports; submodules whose names start with an underscore
are private.

Example:
    >>> from rrma_core import Actor
    >>> Actor(name="Centraider", actor_type="network").actor_type.value
    'network'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from rrma_core._plugins import PluginInfo, Plugins, PluginWarning, load_plugins
from rrma_core.errors import InvalidRecord, Problem, RrmaError
from rrma_core.hookspecs import hookimpl
from rrma_core.models import (
    MODELS,
    Actor,
    ActorRef,
    Address,
    CallForProjects,
    Campaign,
    CampaignEdition,
    Coordinates,
    Event,
    LocalizedText,
    MultiActorSpace,
    Observation,
    Occurrence,
    Person,
    Place,
    Programme,
    Project,
    Provenance,
    Record,
    Resource,
    Training,
    TrainingSession,
    get_model,
    json_schema,
)
from rrma_core.sync import SourceReport, SyncReport
from rrma_core.vocabularies import Term, Vocabulary, get_vocabulary
from rrma_core.workspace import RecordList, Workspace

try:
    __version__ = version("rrma-core")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "MODELS",
    "Actor",
    "ActorRef",
    "Address",
    "CallForProjects",
    "Campaign",
    "CampaignEdition",
    "Coordinates",
    "Event",
    "InvalidRecord",
    "LocalizedText",
    "MultiActorSpace",
    "Observation",
    "Occurrence",
    "Person",
    "Place",
    "PluginInfo",
    "PluginWarning",
    "Plugins",
    "Problem",
    "Programme",
    "Project",
    "Provenance",
    "Record",
    "RecordList",
    "Resource",
    "RrmaError",
    "SourceReport",
    "SyncReport",
    "Term",
    "Training",
    "TrainingSession",
    "Vocabulary",
    "Workspace",
    "__version__",
    "get_model",
    "get_vocabulary",
    "hookimpl",
    "json_schema",
    "load_plugins",
]
