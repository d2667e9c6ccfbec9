"""What the ``rrma`` commands share: the workspace folder, plugin folders, and output helpers."""

from __future__ import annotations

import csv
import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console

from rrma_core.config import CONFIG_FILE

if TYPE_CHECKING:
    from rrma_core._plugins import Plugins
    from rrma_core.workspace import Workspace

__all__ = ["CliState", "console", "parse_options", "pass_state", "plugin_warnings", "write_csv"]


def console(err: bool = False) -> Console:
    """A rich console on stdout (or stderr), as wide as the terminal (100 when piped)."""
    return Console(stderr=err, width=None if Console().is_terminal else 100)


@dataclass
class CliState:
    """The global options of one ``rrma`` run."""

    workspace_dir: Path = field(default_factory=Path.cwd)
    plugins_dirs: list[Path] = field(default_factory=list)
    debug: bool = False
    _workspace: Workspace | None = None
    _plugins: Plugins | None = None

    def has_workspace(self) -> bool:
        """Whether the workspace folder holds an ``rrma.toml``."""
        return (self.workspace_dir / CONFIG_FILE).is_file()

    def workspace(self) -> Workspace:
        """The workspace, opened once (its plugin warnings shown on stderr)."""
        if self._workspace is None:
            from rrma_core.workspace import Workspace

            self._workspace = Workspace.open(self.workspace_dir, plugins_dirs=self.plugins_dirs)
            with plugin_warnings():
                self._workspace.plugins  # noqa: B018 - load now, to show warnings once
        return self._workspace

    def plugins(self) -> Plugins:
        """The workspace's plugins, or (outside a workspace) the installed ones."""
        if self.has_workspace():
            return self.workspace().plugins
        if self._plugins is None:
            from rrma_core._plugins import load_plugins

            with plugin_warnings():
                self._plugins = load_plugins(self.plugins_dirs)
        return self._plugins

    def close(self) -> None:
        """Close the workspace if it was opened."""
        if self._workspace is not None:
            self._workspace.close()


class plugin_warnings:
    """Print plugin warnings as one yellow line each on stderr."""

    def __enter__(self) -> None:
        self._catch = warnings.catch_warnings(record=True)
        self._caught = self._catch.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc: object) -> None:
        self._catch.__exit__(*exc)  # type: ignore[arg-type]
        for warning in self._caught or []:
            click.secho(f"Warning: {warning.message}", err=True, fg="yellow")


pass_state = click.make_pass_decorator(CliState)


def parse_options(pairs: tuple[str, ...] | list[str]) -> dict[str, object]:
    """``KEY=VALUE`` pairs as a dict; a VALUE that parses as JSON is taken as JSON.

    Raises:
        ConfigError: for a pair without ``=``.
    """
    import json

    from rrma_core.errors import ConfigError

    parsed: dict[str, object] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"option {pair!r} must be KEY=VALUE")
        try:
            parsed[key.strip()] = json.loads(value)
        except json.JSONDecodeError:
            parsed[key.strip()] = value
    return parsed


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def write_csv(rows: list[dict[str, str]]) -> str:
    """Rows as CSV text; cells a spreadsheet would run as formulas are made inert."""
    if not rows:
        return ""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("'" + v if v.startswith(_FORMULA) else v) for k, v in row.items()})
    return buffer.getvalue()
