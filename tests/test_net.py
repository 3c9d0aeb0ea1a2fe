"""Ingest, claims and timestamping fetch through one HTTP client, `corroborate.net`: the same
request path, so the same refusals (an internal address, a redirect inward, the size cap) read
the same wherever a URL is given, and none of them has a side door of its own."""

from __future__ import annotations

import http.server
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from corroborate import net
from corroborate.archive import ingest, list_items
from corroborate.claims import read_text_source
from corroborate.custody.timestamp import request_timestamp
from corroborate.errors import InputError
from corroborate.storage.archive import Archive
from corroborate.testing import local_tsa
from corroborate.testing.http import LOCAL_ONLY, LocalSite, local_site

REPORT = "Police said 23 people were wounded in Kramatorsk.\n"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[LocalSite]:
    root = tmp_path / "site"
    root.mkdir()
    (root / "report.txt").write_text(REPORT, encoding="utf-8")
    with local_site(root) as served:
        yield served


def _ingest_error(archive: Archive, url: str, policy: net.FetchPolicy | None = None) -> str:
    (result,) = ingest(archive, [url], actor="alice", policy=policy).results
    assert result.error is not None, "ingest should have refused"
    return result.error


def _claims_error(url: str, policy: net.FetchPolicy | None = None) -> str:
    with pytest.raises(InputError) as refused:
        read_text_source(url, policy)
    return str(refused.value)


def _errors(result: Any) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def test_a_report_on_this_machine_is_refused_as_ingest_refuses_it(
    archive: Archive, site: LocalSite, cli: Any
) -> None:
    url = site.file_url("report.txt")
    refusal = _claims_error(url)
    assert refusal == _ingest_error(archive, url)
    assert "127.0.0.1 is a loopback address" in refusal and "--allow-private-addresses" in refusal
    # and the same line at the command line, with the same way to allow it
    (line,) = _errors(cli("claims", "extract", url))
    assert line == f"error: {refusal}" and _errors(cli("ingest", url)) == [line]
    allowed = cli("claims", "extract", url, "--allow-address", "127.0.0.1", "--json")
    assert allowed.exit_code == 0, allowed.stderr
    assert '"count": 23' in allowed.stdout
    assert list_items(archive) == []


def test_a_redirect_inward_is_refused_alike_before_any_connection(
    archive: Archive, site: LocalSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, claims followed redirects through urllib to any address."""
    url = site.redirect_url("http://10.0.0.1/secret")
    made: list[str] = []
    real = net.socket.create_connection

    def create(address: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(str(address[0]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(net.socket, "create_connection", create)
    refusal = _claims_error(url, LOCAL_ONLY)
    assert refusal == _ingest_error(archive, url, LOCAL_ONLY)
    assert "redirected to http://10.0.0.1/secret" in refusal and "10.0.0.1 is a private" in refusal
    assert "10.0.0.1" not in made and made, made


def test_the_size_cap_refuses_a_report_rather_than_reading_part_of_it(
    archive: Archive, site: LocalSite
) -> None:
    """Before, claims read the first 50 MiB of anything and said nothing about the rest."""
    capped = net.FetchPolicy(allowed_networks=LOCAL_ONLY.allowed_networks, max_size=1024)
    for announce in (True, False):
        url = site.big_url(4096, announce=announce)
        refusal = _claims_error(url, capped)
        assert refusal == _ingest_error(archive, url, capped)
        assert "larger than the size cap of 1 KiB" in refusal


def test_ingest_claims_and_timestamps_all_go_through_the_one_client(
    archive: Archive, site: LocalSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("openssl") is None and not os.environ.get("CI"):
        pytest.skip("needs openssl for the local timestamp authority")
    calls: list[tuple[str, str, bool]] = []
    real = net.open_checked

    def spy(url: str, policy: net.FetchPolicy, **kwargs: Any) -> Any:
        calls.append((kwargs.get("method", "GET"), url, policy.allow_private))
        return real(url, policy, **kwargs)

    def side_door(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a request went around corroborate.net")

    monkeypatch.setattr(net, "open_checked", spy)
    monkeypatch.setattr(urllib.request, "urlopen", side_door)
    url = site.file_url("report.txt")
    report = ingest(archive, [url], actor="alice", policy=LOCAL_ONLY)
    assert report.failed == 0, [r.error for r in report.results]
    text, _ = read_text_source(url, LOCAL_ONLY)
    assert text == REPORT
    with local_tsa(tmp_path / "tsa") as tsa:
        assert request_timestamp(tsa.url, b"tree head")
    # the TSA is named by the archive's operator, so it may be internal (as it always could)
    assert calls == [("GET", url, False), ("GET", url, False), ("POST", tsa.url, True)]


class _OddTSA(http.server.BaseHTTPRequestHandler):
    """An authority that redirects, or answers with far more than any timestamp."""

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path == "/moved":
            self.send_response(307)
            self.send_header("Location", "http://10.0.0.1/tsa")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b"\x30" * (2 * 1024 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:  # the client stops reading at its cap
            pass

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


@pytest.fixture
def odd_tsa() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _OddTSA)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_timestamp_request_is_never_redirected(odd_tsa: str) -> None:
    """Its body is not re-sent to wherever a redirect points (urllib turned a 302 into a GET)."""
    with pytest.raises(InputError, match=r"answered HTTP 307"):
        request_timestamp(f"{odd_tsa}/moved", b"tree head", timeout=5)


def test_a_timestamp_authority_that_sends_too_much_is_cut_off(odd_tsa: str) -> None:
    with pytest.raises(InputError, match=r"sent more than 1 MiB, which no timestamp needs"):
        request_timestamp(f"{odd_tsa}/huge", b"tree head", timeout=5)


def test_net_imports_nothing_above_the_core() -> None:
    """The client sits beside the core types, so every layer may use it."""
    import ast

    tree = ast.parse(Path(net.__file__).read_text(encoding="utf-8"))
    imported = {
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    ours = {name for name in imported if name and name.startswith("corroborate")}
    assert ours == {"corroborate.errors"}
