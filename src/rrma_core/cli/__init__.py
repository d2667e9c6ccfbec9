"""The ``rrma`` command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from rrma_core import __version__
from rrma_core.cli._campaigns import campaign
from rrma_core.cli._demo import demo
from rrma_core.cli._indicators import indicators_command
from rrma_core.cli._jsonl import export, import_
from rrma_core.cli._manage import MANAGE_COMMANDS
from rrma_core.cli._plugins import add_plugin_commands, plugins_command
from rrma_core.cli._records import RECORD_COMMANDS
from rrma_core.cli._report import report
from rrma_core.cli._schema import schema
from rrma_core.cli._state import CliState, plugin_warnings
from rrma_core.cli._sync import sync
from rrma_core.cli._vocab import vocab
from rrma_core.cli._workspace import init, sources
from rrma_core.errors import ConfigError, PluginError, RrmaError

__all__ = ["cli", "main"]


class _Group(click.Group):
    """The ``rrma`` group: commands added by plugins are looked up when not built in."""

    def _load_plugin_commands(self, ctx: click.Context) -> None:
        # Click resolves the command before the group's callback runs: read the global
        # options from ctx.params here, so --workspace and --plugins-dir count.
        if ctx.meta.get("rrma.plugin_commands"):
            return
        ctx.meta["rrma.plugin_commands"] = True
        state = ctx.ensure_object(CliState)
        if ctx.params.get("workspace") is not None:
            state.workspace_dir = Path(ctx.params["workspace"]).resolve()
        state.plugins_dirs = list(ctx.params.get("plugins_dirs") or ())
        before = set(self.commands)
        try:
            with plugin_warnings():
                add_plugin_commands(self, state.plugins())
        except RrmaError as error:
            click.secho(f"Warning: plugin commands not loaded: {error}", err=True, fg="yellow")
        added = set(self.commands) - before
        # The group is shared by every run in a process: a workspace's plugin commands
        # must not stay for the next run.
        ctx.call_on_close(lambda: [self.commands.pop(name, None) for name in added])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._load_plugin_commands(ctx)
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load_plugin_commands(ctx)
        return super().list_commands(ctx)


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="rrma")
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="RRMA_WORKSPACE",
    default=".",
    show_default="the current folder, or RRMA_WORKSPACE",
    help="The workspace folder (the one holding rrma.toml).",
)
@click.option(
    "--plugins-dir",
    "plugins_dirs",
    multiple=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A folder of one-file plugins (*.py) to load too (repeat).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, workspace: Path, plugins_dirs: tuple[Path, ...], debug: bool) -> None:
    """rrma: keep a Réseau Régional Multi-Acteurs' data in step with its sources.

    Actors, multi-actor spaces, events, campaigns, trainings, calls for projects, resources
    and observations, synced from RSS feeds, calendars and platforms by plugins.
    Start with `rrma demo`, or `rrma init --name "Mon réseau" --region 84`.
    """
    state = ctx.ensure_object(CliState)
    state.workspace_dir = workspace.resolve()
    state.plugins_dirs = list(plugins_dirs)
    state.debug = debug
    ctx.call_on_close(state.close)


for _command in (
    init,
    sources,
    sync,
    *RECORD_COMMANDS,
    *MANAGE_COMMANDS,
    export,
    import_,
    indicators_command,
    plugins_command,
    schema,
    vocab,
    demo,
):
    cli.add_command(_command)
cli.add_command(campaign)
cli.add_command(report)


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI: exit 0 on success, 1 when a sync had failed sources, 2 on usage or
    configuration errors; an rrma_core error prints one line (the traceback with ``--debug``).
    """
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args or bool(os.environ.get("RRMA_DEBUG"))
    try:
        return cli.main(args=args, prog_name="rrma", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if isinstance(error, click.UsageError) else error.exit_code)
    except RrmaError as error:
        if debug:
            raise
        click.secho(f"Error: {error}", err=True, fg="red")
        code = 2 if isinstance(error, ConfigError | PluginError) else 1
        if type(error).__name__ in {"UnknownModel", "UnknownVocabulary"}:
            code = 2
        sys.exit(code)
