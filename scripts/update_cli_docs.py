"""Regenerate the `rrma ... --help` blocks of docs/cli.md from the CLI itself.

    python scripts/update_cli_docs.py          # rewrite the blocks in place
    python scripts/update_cli_docs.py --check  # exit 1 if any block is stale

tests/test_docs.py checks the same thing, so the reference cannot drift from the code.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from pathlib import Path

from rrma_core.cli import main

PAGE = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
BLOCK = re.compile(r"```console\n(\$ rrma [^\n]*--help)\n(.*?)```", re.S)


def help_text(command: str) -> str:
    """What `rrma ... --help` prints, as in a terminal of 200 columns."""
    os.environ["COLUMNS"] = "200"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        main(shlex.split(command[2:])[1:])
    return "\n".join(line.rstrip() for line in out.getvalue().strip().splitlines()) + "\n"


def main_() -> int:
    text = PAGE.read_text(encoding="utf-8")
    stale = []

    def regenerate(match: re.Match[str]) -> str:
        command, shown = match[1], match[2]
        fresh = help_text(command)
        if fresh.strip() != "\n".join(x.rstrip() for x in shown.strip().splitlines()).strip():
            stale.append(command)
        return f"```console\n{command}\n{fresh}```"

    updated = BLOCK.sub(regenerate, text)
    if "--check" in sys.argv:
        for command in stale:
            print(f"stale: {command}")
        return 1 if stale else 0
    PAGE.write_text(updated, encoding="utf-8")
    print(f"updated {len(stale)} blocks: {', '.join(stale) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main_())
