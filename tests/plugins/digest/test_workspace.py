"""The digest of a synced workspace (``rrma demo``), through ``Workspace.export`` and the CLI:
HTML, Markdown and text, English, query filters, and templates a network overrides."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from rrma_core import Workspace
from rrma_core.cli import main
from rrma_core.errors import ConfigError
from rrma_core.exporters import ExportContext
from rrma_core.models import CallForProjects
from rrma_digest import TEMPLATES, DigestOptions, build_digest, render_digest

from .conftest import (
    OPEN_CALLS,
    PARIS,
    DemoWorkspace,
    html_sections,
    item_cells,
    markdown_page,
    markdown_sections,
    parse_html,
    squash,
)

CALLS_FR = "Appels à projets ouverts"
EVENTS_FR = "Agenda"


MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]  # fmt: skip


def french_day(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def export(demo: DemoWorkspace, tmp_path: Path, *args: str, name: str = "digest.html") -> str:
    """Run ``rrma export digest`` on the demo workspace; the file it wrote."""
    out = tmp_path / name
    assert main(["-w", str(demo.root), "export", "digest", "-o", str(out), *args]) in (0, None)
    return out.read_text(encoding="utf-8")


def open_calls(demo: DemoWorkspace) -> list[CallForProjects]:
    """The workspace's calls not closed at the demo's "now", by closing date (a date-only
    deadline lasts until the end of its day), those without a deadline last."""

    def closing(call: CallForProjects) -> tuple[bool, float, str, str]:
        deadline = call.deadline
        if deadline is None:
            instant = float("inf")
        elif isinstance(deadline, datetime):
            instant = deadline.timestamp()
        else:
            instant = datetime.combine(deadline + timedelta(days=1), time(), PARIS).timestamp()
        return (deadline is None, instant, call.title.get("fr").casefold(), call.id)

    with Workspace.open(demo.root) as ws:
        calls = [c for c in ws.calls() if c.status(demo.now, tz=PARIS).value != "closed"]
    return sorted(calls, key=closing)


def days_left(call: CallForProjects, now: datetime) -> int:
    deadline = call.deadline
    assert deadline is not None
    day = deadline.astimezone(PARIS).date() if isinstance(deadline, datetime) else deadline
    return (day - now.astimezone(PARIS).date()).days


def test_python_api_writes_the_digest_of_the_workspace(
    demo_ws: DemoWorkspace, tmp_path: Path
) -> None:
    out = tmp_path / "lettre.html"
    with Workspace.open(demo_ws.root) as ws:
        count = ws.export("digest", out, on=demo_ws.now)
        events = {e.id: e for e in ws.events()}
    page = parse_html(out.read_text(encoding="utf-8"))
    sections = html_sections(page)
    # Every call still open, by closing date, with the days left to it.
    expected = open_calls(demo_ws)
    assert len(expected) >= len(OPEN_CALLS)  # the demo's JSON Lines calls, and others
    assert [t for _, _, t in sections[CALLS_FR]] == [squash(c.title.get("fr")) for c in expected]
    closes = [td.find_all("strong")[0].text for td in item_cells(page)[: len(expected)]]
    assert closes == [
        {0: "clôture aujourd'hui", 1: "clôture demain"}.get(n, f"clôture dans {n} jours")
        for n in (days_left(c, demo_ws.now) for c in expected if c.deadline is not None)
    ]
    # Every event stands under the week of its next date and the label of its département.
    assert sections[EVENTS_FR]
    by_title = {squash(e.title.get("fr")): e for e in events.values()}
    for week, place, title in sections[EVENTS_FR]:
        event = by_title[title]
        if event.departement:
            assert place is not None
            assert place.endswith(f" ({event.departement})")
        occurrence = event.next_occurrence(demo_ws.now)
        assert occurrence is not None
        start = occurrence.start
        day = start.astimezone(PARIS).date() if isinstance(start, datetime) else start
        day = max(day, demo_ws.now.date())  # an event under way is in the current week
        assert week == f"Semaine du {french_day(day - timedelta(days=day.weekday()))}"
    assert count == len(sections[CALLS_FR]) + len(sections[EVENTS_FR]) + len(
        sections.get("Nouvelles ressources", [])
    )


def test_records_from_a_query(demo_ws: DemoWorkspace) -> None:
    out = io.BytesIO()
    with Workspace.open(demo_ws.root) as ws:
        day = demo_ws.now.date()
        chosen = ws.calls(open_on=day)
        count = ws.export("digest", out, records=chosen, on=demo_ws.now)
    sections = html_sections(parse_html(out.getvalue().decode()))
    assert list(sections) == [CALLS_FR]
    assert count == len(sections[CALLS_FR]) == len(chosen)
    assert {t for _, _, t in sections[CALLS_FR]} == {squash(c.title.get("fr")) for c in chosen}


def test_cli_html(demo_ws: DemoWorkspace, tmp_path: Path) -> None:
    html = export(demo_ws, tmp_path, "-O", f"on={demo_ws.now.isoformat()}")
    page = parse_html(html)
    assert page.doctype is not None
    assert page.doctype.lower() == "doctype html"
    assert page.find_all("h1")[0].text == "Lettre d'information — Réseau de démonstration"
    assert list(html_sections(page))[:2] == [CALLS_FR, EVENTS_FR]


def test_cli_markdown_holds_the_items_of_the_html(demo_ws: DemoWorkspace, tmp_path: Path) -> None:
    on = f"on={demo_ws.now.isoformat()}"
    html = export(demo_ws, tmp_path, "-O", on)
    markdown = export(demo_ws, tmp_path, "-O", "format=markdown", "-O", on, name="digest.md")
    assert markdown.startswith("# Lettre d'information — Réseau de démonstration\n")
    assert markdown_sections(markdown_page(markdown)) == html_sections(parse_html(html))


def test_cli_text_and_english(demo_ws: DemoWorkspace, tmp_path: Path) -> None:
    text = export(
        demo_ws, tmp_path, "--lang", "en", "-O", "format=text", "-O", "max_calls=2",
        "-O", f"on={demo_ws.now.isoformat()}", name="digest.txt",
    )  # fmt: skip
    assert text.startswith("Newsletter — Réseau de démonstration\n=====")
    assert "OPEN CALLS FOR PROJECTS" in text
    assert "closes in 63 days" in text
    assert f"… and {len(open_calls(demo_ws)) - 2} more calls for projects." in text


def test_cli_query_filters_apply(demo_ws: DemoWorkspace, tmp_path: Path) -> None:
    html = export(
        demo_ws, tmp_path, "--departement", "69", "-O", "weeks=12",
        "-O", f"on={demo_ws.now.isoformat()}",
    )  # fmt: skip
    events = html_sections(parse_html(html))[EVENTS_FR]
    assert events
    assert {place for _, place, _ in events} == {"Rhône (69)"}


def test_cli_refuses_bad_options(
    demo_ws: DemoWorkspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["-w", str(demo_ws.root), "export", "digest", "-O", "format=pdf",
              "-o", str(tmp_path / "x.pdf")])  # fmt: skip
    assert exit_.value.code == 2
    assert "format" in capsys.readouterr().err


def test_template_override(demo_ws: DemoWorkspace, tmp_path: Path) -> None:
    templates = tmp_path / "gabarits"
    templates.mkdir()
    (templates / "footer.html").write_text(
        '<tr><td style="padding:24px;">RESACOOP — <a href="https://resacoop.example/desinscription"'
        ' style="color:#0b5cad;">Se désinscrire</a> · {{ digest.footer }}</td></tr>\n',
        encoding="utf-8",
    )
    (templates / "digest.txt").write_text(
        "{{ digest.title }}\n{% for call in digest.calls %}{{ call.title }} ({{ call.closes }})\n"
        "{% endfor %}",
        encoding="utf-8",
    )
    on = f"on={demo_ws.now.isoformat()}"
    html = export(demo_ws, tmp_path, "-O", f"templates={templates}", "-O", on)
    page = parse_html(html)
    unsubscribe = page.find_all("a", href="https://resacoop.example/desinscription")
    assert [a.text for a in unsubscribe] == ["Se désinscrire"]
    assert "Lettre préparée le" in page.root.text  # the rest is the package's
    assert html_sections(page)[CALLS_FR]
    text = export(demo_ws, tmp_path, "-O", f"templates={templates}", "-O", "format=txt",
                  "-O", on, name="digest.txt")  # fmt: skip
    lines = text.splitlines()
    assert lines[0] == "Lettre d'information — Réseau de démonstration"
    assert any(squash(line).endswith("(clôture dans 63 jours)") for line in lines)
    assert len(lines) == 1 + len(open_calls(demo_ws))


def test_overriding_templates_are_autoescaped_too(tmp_path: Path) -> None:
    """A network's own HTML template escapes source text, and its Markdown one escapes it
    for Markdown: a careless override cannot let a script through."""
    templates = tmp_path / "gabarits"
    templates.mkdir()
    (templates / "digest.html").write_text(
        "{% for call in digest.calls %}<p>{{ call.title }}</p>{% endfor %}", encoding="utf-8"
    )
    (templates / "digest.md").write_text(
        "{% for call in digest.calls %}- {{ call.title }}\n{% endfor %}", encoding="utf-8"
    )
    call = CallForProjects(title="<script>alert(1)</script> *gras*", deadline="2099-01-01")
    Workspace.init(tmp_path / "ws", name="Test").close()
    with Workspace.open(tmp_path / "ws") as ws:
        out = io.BytesIO()
        ws.export("digest", out, records=[call], templates=templates)
        assert out.getvalue().decode() == "<p>&lt;script&gt;alert(1)&lt;/script&gt; *gras*</p>"
        out = io.BytesIO()
        ws.export("digest", out, records=[call], templates=templates, format="markdown")
        assert out.getvalue().decode() == "- \\<script\\>alert(1)\\</script\\> \\*gras\\*\n"


def test_broken_templates_are_reported_with_their_file_and_line(tmp_path: Path) -> None:
    templates = tmp_path / "gabarits"
    templates.mkdir()
    (templates / "header.html").write_text("<tr><td>\n{% if %}</td></tr>", encoding="utf-8")
    Workspace.init(tmp_path / "ws", name="Test").close()
    with Workspace.open(tmp_path / "ws") as ws:
        with pytest.raises(ConfigError, match=r"header\.html, line 2: TemplateSyntaxError"):
            ws.export("digest", io.BytesIO(), records=[], templates=templates)
        (templates / "header.html").write_text(
            "<tr><td>\n{{ digest.colour }}</td></tr>", encoding="utf-8"
        )
        with pytest.raises(ConfigError, match=r"header\.html, line 2: UndefinedError.*colour"):
            ws.export("digest", io.BytesIO(), records=[], templates=templates)
        with pytest.raises(ConfigError, match=r"templates: .* is not a folder"):
            ws.export("digest", io.BytesIO(), templates=tmp_path / "nowhere")
        empty = tmp_path / "vide"
        empty.mkdir()
        with pytest.raises(ConfigError, match="holds none of the digest's templates"):
            ws.export("digest", io.BytesIO(), templates=empty)


def test_events_of_other_models_are_not_exported(demo_ws: DemoWorkspace) -> None:
    """The engine gives the digest calls, events and resources only."""
    out = io.BytesIO()
    with Workspace.open(demo_ws.root) as ws:
        everything = [*ws.actors(), *ws.events(), *ws.calls()]
        count = ws.export("digest", out, records=everything, on=demo_ws.now)
        assert count == ws.export("digest", io.BytesIO(), on=demo_ws.now, since_days=0)
    assert "Nouvelles ressources" not in html_sections(parse_html(out.getvalue().decode()))


def test_render_digest_reports_template_errors_too(tmp_path: Path) -> None:
    """The Python API (one digest, several layouts) names the broken template as well."""
    templates = tmp_path / "gabarits"
    templates.mkdir()
    (templates / "digest.txt").write_text("{{ digest.title }}\n{{ digest.colour }}\n")
    digest = build_digest([], ExportContext(workspace="Test", timezone=PARIS), DigestOptions())
    assert "".join(render_digest(digest, "text")).startswith("Lettre d'information — Test\n")
    chunks = render_digest(digest, "text", templates)
    with pytest.raises(ConfigError, match=r"digest\.txt, line 2: UndefinedError"):
        "".join(chunks)


def test_a_network_changes_the_colours_with_styles_html(tmp_path: Path) -> None:
    templates = tmp_path / "gabarits"
    templates.mkdir()
    styles = (TEMPLATES / "styles.html").read_text(encoding="utf-8")
    assert "#0f3d5e" in styles
    (templates / "styles.html").write_text(styles.replace("#0f3d5e", "#7a1f5c"), encoding="utf-8")
    call = CallForProjects(title="Appel", deadline="2099-01-01")
    out = io.BytesIO()
    Workspace.init(tmp_path / "ws", name="Test").close()
    with Workspace.open(tmp_path / "ws") as ws:
        ws.export("digest", out, records=[call], templates=templates)
    page = parse_html(out.getvalue().decode())
    styles_used = " ".join(n.attrs.get("style") or "" for n in page.root.iter())
    assert "#7a1f5c" in styles_used
    assert "#0f3d5e" not in styles_used
