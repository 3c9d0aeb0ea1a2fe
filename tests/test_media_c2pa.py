"""Content Credentials are read for what they are: a signed file, a file changed after signing
and a damaged manifest store are three different findings, and none of them is "no manifest".

The files are signed for real with c2pa's own Builder (corroborate.testing.credentials).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from corroborate.archive import get_item, ingest
from corroborate.custody import entries
from corroborate.custody.log import canonical_json
from corroborate.media import c2pa_notice, probe
from corroborate.storage.archive import Archive
from corroborate.testing.credentials import (
    damage_manifest,
    plain_jpeg,
    sign_jpeg,
    tamper_caption,
)


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("c2pa")
    plain = plain_jpeg(root / "plain.jpg")
    signed = sign_jpeg(plain, root / "signed.jpg")
    return {
        "plain": plain,
        "signed": signed,
        "tampered": tamper_caption(signed, root / "tampered.jpg"),
        "damaged": damage_manifest(signed, root / "damaged.jpg"),
    }


def _as_blob(path: Path, tmp_path: Path) -> Path:
    """The file as the archive holds it: named by its hash, without an extension."""
    blob = tmp_path / hashlib.sha256(path.read_bytes()).hexdigest()
    shutil.copy(path, blob)
    return blob


def test_a_file_without_credentials_has_none(photos: dict[str, Path], tmp_path: Path) -> None:
    assert "c2pa" not in probe(_as_blob(photos["plain"], tmp_path), "image")


def test_a_signed_file_is_valid_but_its_unknown_signer_is_said(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    found = probe(_as_blob(photos["signed"], tmp_path), "image")["c2pa"]
    assert found["status"] == "valid"
    assert [p.split(":")[0] for p in found["problems"]] == ["signingCredential.untrusted"]
    assert found["manifest_store"]["active_manifest"]
    assert c2pa_notice({"c2pa": found}) is None


def test_a_file_changed_after_signing_is_invalid_not_absent(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    meta = probe(_as_blob(photos["tampered"], tmp_path), "image")
    found = meta["c2pa"]
    assert found["status"] == "invalid"
    assert any(p.startswith("assertion.dataHash.mismatch") for p in found["problems"])
    assert found["manifest_store"]["active_manifest"]  # what it claimed is kept as evidence
    notice = c2pa_notice(meta)
    assert notice is not None and "do not verify" in notice
    assert "assertion.dataHash.mismatch" in notice


def test_a_damaged_manifest_store_is_unreadable_not_absent(
    photos: dict[str, Path], tmp_path: Path
) -> None:
    meta = probe(_as_blob(photos["damaged"], tmp_path), "image")
    found = meta["c2pa"]
    assert found["status"] == "unreadable"
    assert found["problems"] and found["manifest_store"] is None
    notice = c2pa_notice(meta)
    assert notice is not None and "unreadable" in notice


def test_a_document_c2pa_cannot_parse_is_not_said_to_carry_credentials(tmp_path: Path) -> None:
    # c2pa raises for a PDF whose cross-reference table is broken; no store is in its bytes
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    assert "c2pa" not in probe(pdf, "document")


def test_ingest_flags_bad_credentials_and_the_custody_log_covers_the_finding(
    archive: Archive, photos: dict[str, Path]
) -> None:
    report = ingest(
        archive,
        [str(photos[name]) for name in ("plain", "signed", "tampered", "damaged")],
        actor="alice",
    )
    by_name = {Path(r.input).stem: r for r in report.results}
    assert by_name["plain"].ok and by_name["signed"].ok
    assert "do not verify" in str(by_name["tampered"].warning)
    assert "unreadable" in str(by_name["damaged"].warning)
    assert report.failed == 2
    for name, status in (("signed", "valid"), ("tampered", "invalid"), ("damaged", "unreadable")):
        item = get_item(archive, str(by_name[name].item_id))
        assert item.metadata["c2pa"]["status"] == status
        # the media.metadata entry signs a digest of exactly this metadata
        (entry,) = [
            e for e in entries(archive, subject_sha256=item.sha256) if e.action == "media.metadata"
        ]
        digest = hashlib.sha256(canonical_json(item.metadata).encode()).hexdigest()
        assert entry.details["metadata_sha256"] == digest
    # the same bytes again, from another channel: a second sighting, and the same warning
    again = ingest(archive, [str(photos["tampered"])], actor="bob", source="Telegram: @b")
    (result,) = again.results
    assert not result.new and "already archived" in str(result.warning)
    assert "do not verify" in str(result.warning)


def test_show_tells_the_user(cli, photos: dict[str, Path]) -> None:
    assert cli("ingest", photos["tampered"], photos["signed"]).exit_code == 1
    items = {
        i["original_name"]: i["id"] for i in json.loads(cli("items", "--json").stdout)["items"]
    }
    tampered = cli("show", items["tampered.jpg"]).stdout
    assert "C2PA Content Credentials do not verify" in tampered
    assert "assertion.dataHash.mismatch" in tampered
    signed = cli("show", items["signed.jpg"]).stdout
    assert "C2PA Content Credentials valid" in signed
    assert "signingCredential.untrusted" in signed
    shown = json.loads(cli("show", items["tampered.jpg"], "--json").stdout)
    assert shown["item"]["metadata"]["c2pa"]["status"] == "invalid"
