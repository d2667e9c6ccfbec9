"""The workspace configuration file, ``rrma.toml``.

Example:
    ```toml
    [workspace]
    name = "Réseau Exemple"
    region = "28"                      # INSEE region code; gives the default time zone
    database = "sqlite:///rrma.db"     # relative to the workspace, or postgresql+psycopg://...

    [[sources]]
    name = "appels-ministere"          # unique in the workspace
    connector = "rss"                  # a connector's name, from any installed plugin
    url = "https://example.org/feed"   # the connector's options are plain keys here
    ```
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli_w
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from rrma_core.errors import ConfigError
from rrma_core.models._types import RegionCode
from rrma_core.vocabularies import timezone_of_region

__all__ = ["CONFIG_FILE", "SourceConfig", "WorkspaceConfig", "WorkspaceSettings"]

#: The name of the configuration file at the root of a workspace.
CONFIG_FILE = "rrma.toml"

_SOURCE_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
#: Keys of a source that belong to the engine; every other key is a connector option.
ENGINE_KEYS = frozenset({"name", "connector", "enabled", "trust_ids"})


class WorkspaceSettings(BaseModel):
    """The ``[workspace]`` table."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, description="The network's name, shown in reports.")
    region: RegionCode | None = Field(
        default=None, description="INSEE code of the network's region; sets the time zone."
    )
    database: str = Field(
        default="sqlite:///rrma.db",
        description="SQLAlchemy URL; a relative SQLite path is relative to the workspace.",
    )
    timezone: str | None = Field(
        default=None, description="IANA time zone; defaults to the region's, else Europe/Paris."
    )
    allow_private_addresses: bool = Field(
        default=False,
        description="Let URLs found inside fetched data point to private or loopback addresses.",
    )
    concurrency: int = Field(default=4, ge=1, le=32, description="Sources fetched at once.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("database")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not re.match(r"(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError(
                f"database {value!r} must be an sqlite:/// or postgresql+psycopg:// URL"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The workspace's time zone."""
        if self.timezone:
            return ZoneInfo(self.timezone)
        if self.region:
            return ZoneInfo(timezone_of_region(self.region))
        return ZoneInfo("Europe/Paris")


class SourceConfig(BaseModel):
    """One ``[[sources]]`` entry: a name, a connector, and the connector's options."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(description="Unique in the workspace: lower-case letters, digits, - _ .")
    connector: str = Field(min_length=1)
    enabled: bool = True
    trust_ids: bool | None = Field(
        default=None, description="Override the connector's trust in the source's own ids."
    )

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SOURCE_NAME.fullmatch(value):
            raise ValueError(
                f"source name {value!r} must be lower-case letters, digits, '-', '_' or '.'"
            )
        return value

    @property
    def options(self) -> dict[str, Any]:
        """The connector's options: every key that is not the engine's."""
        return dict(self.model_extra or {})


class WorkspaceConfig(BaseModel):
    """The whole of ``rrma.toml``."""

    model_config = ConfigDict(extra="forbid")

    workspace: WorkspaceSettings
    sources: list[SourceConfig] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_sources(self) -> Self:
        seen: set[str] = set()
        for source in self.sources:
            if source.name in seen:
                raise ValueError(f"two sources are named {source.name!r}")
            seen.add(source.name)
        return self

    def source(self, name: str) -> SourceConfig:
        """The source called ``name``.

        Raises:
            ConfigError: when there is none; the message lists the configured names.
        """
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"no source named {name!r} in {CONFIG_FILE} (configured: {known})")

    @classmethod
    def load(cls, path: Path) -> WorkspaceConfig:
        """Read and validate ``path``.

        Raises:
            ConfigError: naming the file, the source (by name or position) and the key.
        """
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(
                f"{path}: no such file (create a workspace with `rrma init`)"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{path}: not valid TOML: {error}") from None
        try:
            return cls.model_validate(data)
        except ValidationError as error:
            raise ConfigError(f"{path}: {_describe(error, data)}") from None

    def dump(self) -> str:
        """The configuration as TOML text."""
        data: dict[str, Any] = {"workspace": self.workspace.model_dump(exclude_none=True)}
        data["sources"] = [s.model_dump(exclude_none=True) for s in self.sources]
        if not data["sources"]:
            del data["sources"]
        return tomli_w.dumps(data)

    def save(self, path: Path) -> None:
        """Write the configuration to ``path`` (atomically: a temporary file, then a rename)."""
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text(self.dump(), encoding="utf-8")
        tmp.replace(path)


def _describe(error: ValidationError, data: dict[str, Any]) -> str:
    problems = []
    for detail in error.errors(include_url=False):
        loc = list(detail["loc"])
        where = ".".join(str(p) for p in loc)
        if loc[:1] == ["sources"] and len(loc) >= 2 and isinstance(loc[1], int):
            index = loc[1]
            sources = data.get("sources") or []
            name = sources[index].get("name") if index < len(sources) else None
            label = f"source {name!r}" if name else f"source #{index + 1}"
            where = label + ("" if len(loc) == 2 else f": key {'.'.join(map(str, loc[2:]))!r}")
        elif loc[:1] == ["workspace"] and len(loc) >= 2:
            where = f"[workspace] key {'.'.join(map(str, loc[1:]))!r}"
        message = detail["msg"].removeprefix("Value error, ")
        if detail["type"] == "extra_forbidden":
            message = "unknown key"
        problems.append(f"{where}: {message}")
    return "; ".join(problems)
