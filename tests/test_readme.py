"""The README's tour must run as written, and its commands must match what CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_python_tour_runs_and_says_what_it_shows(capsys: object) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README has no Python tour"
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    actor = namespace["actor"]
    assert actor.region == "84"  # type: ignore[attr-defined]
    assert actor.countries == ["BF", "ML"]  # type: ignore[attr-defined]
    assert actor.sectors == ["eau", "ecsi"]  # type: ignore[attr-defined]
    assert actor.sdgs == [6]  # type: ignore[attr-defined]
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "['Projection-débat « Nourrir »']\n[]\n" in out
    assert "SIRET 12345678901234 fails its check digit" in out
    assert "source 'annuaire'" in out
    assert "item 'ligne 12'" in out


def test_ci_runs_the_readme_commands() -> None:
    commands = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert len(commands) == 2, "the README gives exactly two set-up commands"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    install_run, install_test = (c.strip() for c in commands)
    assert 'pip install ".[report]"' in install_run
    assert "rrma demo" in install_run
    assert '.[test]"' in install_test
    assert "-m pytest" in install_test
    # CI runs both blocks as written (see readme_command in .ci/run), not a copy of them.
    assert "readme_command 0" in ci
    assert "readme_command 1" in ci
