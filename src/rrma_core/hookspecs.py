"""The hooks plugins implement. Each is documented in the plugin author's guide.

A plugin is a module (or any object) with functions decorated by ``@hookimpl``, named after
these specifications. A hook implementation may accept fewer arguments than its
specification passes (pluggy's rule): new arguments may be added to a hook, never removed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy

# The specifications have no bodies: pluggy calls the plugins' implementations.
# mypy: disable-error-code="empty-body"

if TYPE_CHECKING:
    import click

    from rrma_core.connectors import Connector
    from rrma_core.indicators import Indicator
    from rrma_core.models import Record
    from rrma_core.sync import SyncReport
    from rrma_core.vocabularies import Term, Vocabulary
    from rrma_core.workspace import Workspace

__all__ = ["PROJECT", "hookimpl", "hookspec"]

PROJECT = "rrma"
"""The project name that binds hook markers, entry points and plugins together."""

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
"""Decorate a plugin's hook functions with this: ``from rrma_core import hookimpl``.

Example:
    ```python
    from rrma_core import hookimpl


    @hookimpl
    def rrma_enrich_record(record):
        return None
    ```
"""


@hookspec
def rrma_connectors() -> Sequence[type[Connector[Any]]]:
    """Return the connector classes this plugin provides.

    Two connectors with the same ``name`` (from any two plugins) is an error naming both.
    """


@hookspec
def rrma_exporters() -> Sequence[type[Any]]:
    """Return the exporter classes this plugin provides (each with a unique ``name``)."""


@hookspec
def rrma_indicators() -> Sequence[type[Indicator]]:
    """Return the indicator classes this plugin provides (subclasses of ``Indicator``).

    Each needs a unique ``key``: one taken by a built-in indicator or by another plugin's is
    an error naming the plugin(s).
    """


@hookspec
def rrma_vocabularies() -> Sequence[Vocabulary | tuple[str, Sequence[Term]]]:
    """Return vocabularies to add, or ``(name, terms)`` pairs extending an open vocabulary.

    A new vocabulary whose name is taken, or terms for a closed vocabulary, is an error
    naming the plugin.
    """


@hookspec
def rrma_enrich_record(record: Record, source: str) -> dict[str, Any] | None:
    """Return field updates for ``record`` (or ``None``), before it is stored.

    Updates from every plugin are merged in plugin order, then the record is validated
    again: an update that breaks a rule skips the item with the reason, naming the plugin.
    """


@hookspec(firstresult=True)
def rrma_match_record(record: Record, candidates: Sequence[Record]) -> str | None:
    """Return the id of the stored record that ``record`` is, or ``None``.

    ``candidates`` are stored records of the same type, from other sources, that share its
    canonical URL, a global source id (an iCalendar UID, a URL) or its title. The first
    plugin to answer wins; then the built-in matcher merges a record that shares the
    canonical URL or a global source id (never on the title alone). ``record`` is the item
    as the record it becomes if it is new (its id, provenance and times included), given as
    a copy: changing it changes nothing (``rrma_enrich_record`` changes records).
    """


@hookspec
def rrma_sync_finished(workspace: Workspace, report: SyncReport) -> None:
    """Called once a sync has finished (successfully or not), with its report."""


@hookspec
def rrma_cli_commands(cli: click.Group) -> None:
    """Add commands to the ``rrma`` command line: ``cli.add_command(...)``."""
