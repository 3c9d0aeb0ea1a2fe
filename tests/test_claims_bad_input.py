"""Bad input to `claims extract`: one clear line or an empty result with a note, never a
traceback and never a claim made up from bytes that are not words."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.claims import claims_for_file, extract_claims
from corroborate.cli import app

# A small PDF as a word processor writes one: no NUL in its first bytes, and figures
# ("12 0 obj", "/Length 44", "(12 soldiers killed)") that a text reader would take for counts.
PDF = (
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 712 Td (12 soldiers killed) Tj ET\n"
    b"endstream\nendobj\ntrailer\n<< /Root 1 0 R /Size 4 >>\n%%EOF\n"
)


def extract(path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["claims", "extract", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"  \n\n\t \n", "is empty"),
        ("report.pdf", PDF, "PDF"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + os.urandom(200), "PNG"),
        ("report.docx", b"PK\x03\x04" + os.urandom(200), "ZIP"),
        ("dump.bin", b"\x00" + os.urandom(4096), "binary"),
    ],
)
def test_a_file_that_is_not_a_text_report_is_one_line_naming_it(
    tmp_path: Path, name: str, data: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    for args in ((), ("--json",)):
        code, out, err = extract(path, *args)
        assert code == 2, (name, out, err)
        assert out == ""  # nothing half-written, no claim
        line = err.strip()
        assert "\n" not in line and name in line and says in line, line
        assert "Traceback" not in err


def test_an_empty_standard_input_is_refused_by_name() -> None:
    result = CliRunner().invoke(app, ["claims", "extract", "-"], input="")
    assert result.exit_code == 2
    assert "standard input: is empty" in result.stderr


def test_a_page_with_no_claims_is_an_empty_result_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(
        "The brigade received 12 new vehicles and 40 drones in March 2024, its commander said.",
        encoding="utf-8",
    )
    code, out, err = extract(path, "--json")
    assert code == 0
    assert json.loads(out) == {"source": str(path), "claims": []}
    assert "no numeric harm claims found" in err
    code, out, err = extract(path)
    assert code == 0 and "no numeric harm claims found" in err


def test_text_in_a_language_the_reader_does_not_read_gives_no_made_up_claim(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.txt"
    path.write_text("据当地官员称，导弹袭击造成12名平民死亡，30人受伤。", encoding="utf-8")
    code, out, err = extract(path, "--json")
    assert code == 0 and json.loads(out)["claims"] == []
    assert "no numeric harm claims found" in err


def test_an_archived_pdf_yields_no_claims_rather_than_numbers_from_its_bytes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(PDF)
    assert claims_for_file(path, "document") == []


def test_the_library_reads_empty_and_claimless_text_as_nothing() -> None:
    assert extract_claims("") == []
    assert extract_claims("   \n ") == []
    assert extract_claims("\x00\x01\x02 12 \x03") == []
