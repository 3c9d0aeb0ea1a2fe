"""The HTML report in an evidence package is rendered from a Jinja2 template with autoescaping:
whatever a source, a title or a note says is shown as text, never run as markup or template."""

from __future__ import annotations

import zipfile
from html.parser import HTMLParser
from pathlib import Path

from corroborate.incidents import add_source, cite_source, create_incident
from corroborate.report import build_package
from corroborate.storage.archive import Archive
from incident_fixtures import execution

# Each is a way into a page a reader opens: a tag, an attribute break-out, a template expression.
SCRIPT = "<script>alert('owned')</script>"
ATTRIBUTE = '" onload="alert(1)'
TEMPLATE = "{{ 7*7 }} {{ 1234567*7 }} {% if true %}EVALUATED{% endif %}"
HOSTILE = f"{SCRIPT} {ATTRIBUTE} {TEMPLATE}"


class _Page(HTMLParser):
    """What a browser would build from the page: its tags, attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _report(archive: Archive, tmp_path: Path) -> str:
    incident = create_incident(
        archive,
        execution(title=f"Shelling {HOSTILE}", description=HOSTILE, geolocation_note=HOSTILE),
        actor="alice",
    )
    source = add_source(archive, f"Channel {HOSTILE}", kind="media", reliability="B", actor="bob")
    cite_source(archive, incident.id, source.id, credibility=2, actor="bob", note=HOSTILE)
    out = tmp_path / "package.zip"
    build_package(archive, incident.id, out, actor="carol")
    with zipfile.ZipFile(out) as z:
        return z.read("report.html").decode("utf-8")


def test_markup_and_template_syntax_in_records_are_shown_as_text(
    archive: Archive, tmp_path: Path
) -> None:
    html = _report(archive, tmp_path)
    page = _parse(html)
    assert "script" not in page.tags
    assert [name for name, _ in page.attributes if name.startswith("on")] == []
    assert {value for name, value in page.attributes if name == "class"} <= {
        "status unverified",
        "status verified",
        "sensitive",
    }
    text = "".join(page.text)
    # Every hostile string reaches the reader verbatim: the title, the source, the note.
    assert f"Shelling {HOSTILE}" in text
    assert f"Channel {HOSTILE}" in text
    assert text.count(HOSTILE) >= 5  # title (twice), description, location note, source, note
    assert "8641969" not in text and "EVALUATED" not in text.replace(HOSTILE, "")
    assert SCRIPT not in html and ATTRIBUTE not in html and "&lt;script&gt;" in html


def test_the_report_keeps_its_sections_and_empty_cells(archive: Archive, tmp_path: Path) -> None:
    page = _parse(_report(archive, tmp_path))
    text = "".join(page.text)
    for heading in ("Victims", "Description", "Evidence", "Sources", "Reviews", "History"):
        assert heading in text
    assert page.tags.count("table") == 6
    assert "\u2014" in text  # an empty field reads as a dash, not as blank or "None"
    assert "None" not in text
    assert "B2" in text and "usually reliable; probably true" in text
