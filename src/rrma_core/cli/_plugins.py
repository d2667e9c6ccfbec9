"""``rrma plugins``: what is loaded; and the commands plugins add to ``rrma``."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from rrma_core._plugins import Plugins, PluginWarning, load_plugins

__all__ = ["add_plugin_commands", "plugins_command"]


# The same help options as the rrma group, also when the command is run on its own (click
# builds a command's help option once and keeps it).
@click.command("plugins", context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--plugins-dir",
    "plugin_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of one-file plugins (*.py) to load too. Repeat for several.",
)
@click.option(
    "--strict",
    is_flag=True,
    default=None,
    help="Fail when a plugin cannot be loaded (default: RRMA_STRICT_PLUGINS).",
)
def plugins_command(plugin_dirs: tuple[Path, ...], strict: bool | None) -> None:
    """Print the loaded plugins as JSON: name, version, origin, hooks, connectors, exporters.

    Installed plugins (entry point group "rrma") load first, then the files of the global
    --plugins-dir folders, of the workspace's plugins/ folder, and of this command's
    --plugins-dir. RRMA_PLUGINS and RRMA_DISABLE_PLUGINS choose which load; a plugin that
    fails to load is skipped with a warning on stderr.
    """
    from rrma_core.cli._state import CliState

    state = click.get_current_context().find_object(CliState)
    dirs = list(plugin_dirs)
    if state is not None:
        dirs = [*state.plugins_dirs, *dirs]
        if state.has_workspace():
            dirs.append(state.workspace_dir / "plugins")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PluginWarning)
        plugins = load_plugins(dirs, strict=strict)
    for warning in caught:
        if issubclass(warning.category, PluginWarning):
            click.secho(f"Warning: {warning.message}", err=True, fg="yellow")
        else:
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    click.echo(json.dumps(plugins.describe(), ensure_ascii=False, indent=2))


def add_plugin_commands(cli: click.Group, plugins: Plugins) -> None:
    """Let every plugin add its commands to ``cli`` (its ``rrma_cli_commands`` hook).

    A plugin whose hook fails is skipped with a
    [`PluginWarning`][rrma_core._plugins.PluginWarning] (an error in strict mode), so that one
    broken plugin never breaks the whole command line.
    """
    plugins.call_each("rrma_cli_commands", {"cli": cli}, skip_failing=True)
