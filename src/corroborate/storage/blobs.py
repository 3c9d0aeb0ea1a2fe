"""Content-addressed blob storage over fsspec: a local folder and S3-compatible storage are the
same code path with a different URL. A blob's path derives from its SHA-256.

Writes are atomic: bytes go to a temporary name in `tmp/`, are fsynced, then renamed into
place, so a reader never sees half a blob and a kill leaves at most a stray temporary file (an
object store shows an object only once it is whole: up to `ONE_PUT_MAX`, bytes go there in one
PUT straight under their address). The
store's first write removes temporaries older than `STALE_TEMPORARY_S`: a live writer rewrites
its temporary at every chunk, so only a dead writer's grows that old.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO

import fsspec

from corroborate.crashpoints import crash_point
from corroborate.errors import ArchiveError, IntegrityError, NotFoundError

CHUNK = 4 * 1024 * 1024
# A stream up to this size goes to an object store as one PUT under its address, held in
# memory until it ends; a longer one as a temporary object, copied under its address.
ONE_PUT_MAX = 64 * 1024 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A temporary untouched this long is a killed writer's (a live one writes a chunk at a time).
STALE_TEMPORARY_S = 3600.0


class BlobStore:
    """Blobs addressed by SHA-256 under one fsspec URL (a folder path or `s3://bucket/prefix`)."""

    def __init__(self, url: str, endpoint: str | None = None) -> None:
        """`endpoint` is an S3-compatible server's URL (RGW, MinIO); without it botocore's own
        settings apply (AWS_ENDPOINT_URL, ~/.aws/config). Keys come from botocore's chain:
        AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or ~/.aws/credentials, never from here."""
        self.url = url
        options: dict[str, object] = {"skip_instance_cache": True}
        if endpoint:
            options["endpoint_url"] = endpoint
        if url.startswith(("s3://", "s3a://")):
            # every blob is checked against its SHA-256 address wherever it is read, so the
            # CRC32 that botocore adds to each request by default is a second check that costs
            # both ends CPU for nothing
            options["config_kwargs"] = {
                "request_checksum_calculation": "when_required",
                "response_checksum_validation": "when_required",
            }
        self.fs, self.root = fsspec.core.url_to_fs(url, **options)
        self.is_local = "file" in (
            self.fs.protocol if isinstance(self.fs.protocol, tuple) else (self.fs.protocol,)
        )
        if self.is_local and not os.path.exists(self.root):
            os.makedirs(self.root, mode=0o700)  # a new local store is the owner's only
        with self.refusals("opening the store"):
            self.fs.makedirs(f"{self.root}/tmp", exist_ok=True)
            if not self.is_local:
                self._present(f"{self.root}/tmp/.probe")  # wrong keys are named now, not later
        self._swept = False  # stale temporaries are removed before this store's first write

    @contextmanager
    def refusals(self, doing: str) -> Iterator[None]:
        """A store that refuses our keys is one line naming the store and what to check; the
        server's words say which check failed and never carry the secret (S3 sends only a
        signature made with it), but any configured secret is masked all the same."""
        try:
            yield
        except PermissionError as exc:
            if self.is_local:
                raise
            cause = exc.__cause__ or exc
            said = " ".join(str(cause).split()) or type(cause).__name__
            secret = os.environ.get("AWS_SECRET_ACCESS_KEY")
            if secret:
                said = said.replace(secret, "***")
            raise ArchiveError(
                f"{self.url}: the object store refused access while {doing} ({said}); "
                "check the S3 access key and secret (AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or ~/.aws/credentials)"
            ) from None

    def path(self, sha256: str) -> str:
        """Where the blob with this digest lives (fsspec path)."""
        if not _SHA256.match(sha256):
            raise NotFoundError(f"not a SHA-256 digest: {sha256!r}")
        return f"{self.root}/sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def local_path(self, sha256: str) -> Path:
        """A local filesystem path for the blob (downloaded to a cache for remote stores)."""
        if self.is_local:
            return Path(self.path(sha256))
        cache = Path(os.environ.get("CORROBORATE_CACHE", Path.home() / ".cache/corroborate"))
        target = cache / "blobs" / sha256
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_suffix(f".{uuid.uuid4().hex}.part")
            self.fs.get(self.path(sha256), str(part))
            part.replace(target)
        return target

    @contextmanager
    def fetched(self, sha256: str) -> Iterator[Path]:
        """A local copy of the blob for one piece of work, removed after it (a worker of a
        team's cluster reads thousands of blobs and keeps none). The bytes are checked
        against their address first (a remote blob as it downloads): work is never done on
        bytes other than the ones the address names."""
        if self.is_local:
            if self.rehash(sha256) != sha256:
                raise IntegrityError(
                    f"{self.url}: the blob stored under {sha256} holds other bytes; "
                    "run `corroborate verify`"
                )
            yield Path(self.path(sha256))
            return
        import tempfile

        fd, name = tempfile.mkstemp(prefix="corroborate-blob-", suffix=".part")
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as out, self.open(sha256) as src:
                for chunk in iter(lambda: src.read(CHUNK), b""):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != sha256:
                raise IntegrityError(
                    f"{self.url}: the object stored under {sha256} holds other bytes "
                    f"(SHA-256 {digest.hexdigest()}); run `corroborate verify`"
                )
            yield Path(name)
        finally:
            with suppress(OSError):
                os.unlink(name)

    def exists(self, sha256: str) -> bool:
        with self.refusals(f"looking for blob {sha256}"):
            return self._present(self.path(sha256))

    def _present(self, path: str) -> bool:
        """Whether an object is stored at `path`. On S3 one HEAD request: s3fs's `exists`
        follows a missing key with a listing (is it a folder?), which for a content address
        it never is; that listing took 25 times the HEAD's wall time on RGW."""
        call = getattr(self.fs, "call_s3", None)
        if call is None:
            return bool(self.fs.exists(path))
        bucket, key, _ = self.fs.split_path(path)
        try:
            call("head_object", Bucket=bucket, Key=key)
        except FileNotFoundError:
            return False
        return True

    def open(self, sha256: str) -> IO[bytes]:
        """Open a stored blob for reading."""
        try:
            with self.refusals(f"reading blob {sha256}"):
                return self.fs.open(self.path(sha256), "rb")  # type: ignore[no-any-return]
        except FileNotFoundError:
            raise NotFoundError(f"blob {sha256} is missing from {self.url}") from None

    def put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Store a stream of bytes; returns (sha256, size). Memory stays at one chunk (on an
        object store, at most `ONE_PUT_MAX` plus one chunk)."""
        with self.refusals("storing a blob"):
            return self._put_chunks(chunks)

    def _put_chunks(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        if not self._swept:
            self._swept = True
            self.clean_temporary()
        if not self.is_local:
            # Most evidence files are small: held whole, they need one request where a
            # temporary needs an upload, a server-side copy and a delete (the store's CPU).
            stream = iter(chunks)
            held: list[bytes] = []
            size = 0
            for chunk in stream:
                held.append(chunk)
                size += len(chunk)
                if size > ONE_PUT_MAX:
                    return self._put_through_temporary(itertools.chain(held, stream))
            return self._put_held(b"".join(held))
        return self._put_through_temporary(chunks)

    def _put_held(self, data: bytes) -> tuple[str, int]:
        sha = hashlib.sha256(data).hexdigest()
        final = self.path(sha)
        if not self._present(final):
            crash_point("blob-written")
            self.fs.pipe_file(final, data)
        crash_point("blob-stored")
        return sha, len(data)

    def _put_through_temporary(self, chunks: Iterable[bytes]) -> tuple[str, int]:
        digest = hashlib.sha256()
        size = 0
        tmp = f"{self.root}/tmp/{uuid.uuid4().hex}.part"
        try:
            if self.is_local:
                # owner-only: evidence may show people who must not be identified
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as out:
                    for chunk in chunks:
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
                    out.flush()
                    os.fsync(out.fileno())
            else:
                with self.fs.open(tmp, "wb") as out:
                    for chunk in chunks:
                        digest.update(chunk)
                        out.write(chunk)
                        size += len(chunk)
            sha = digest.hexdigest()
            crash_point("blob-written")
            self._commit(tmp, sha)
            crash_point("blob-stored")
            return sha, size
        except BaseException:
            with suppress(Exception):
                self.fs.rm(tmp)
            raise

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        """Store bytes held in memory (a thumbnail, a signature): on an object store, one PUT
        under their address (S3 shows an object only once it is whole)."""
        return self.put_chunks([data])

    def _commit(self, tmp: str, sha: str) -> None:
        final = self.path(sha)
        if self._present(final):
            self.fs.rm(tmp)
            return
        self.fs.makedirs(final.rsplit("/", 1)[0], exist_ok=True)
        if self.is_local:
            os.replace(tmp, final)
            _fsync_dir(Path(final).parent)
        else:
            self.fs.mv(tmp, final)

    def rehash(self, sha256: str) -> str:
        """The SHA-256 of the stored bytes, read back in full."""
        digest = hashlib.sha256()
        with self.open(sha256) as src:
            for chunk in iter(lambda: src.read(CHUNK), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def iter_digests(self) -> Iterator[str]:
        """Every stored blob's digest (temporary files excluded)."""
        base = f"{self.root}/sha256"
        with self.refusals("listing blobs"):
            if not self.fs.exists(base):
                return
            found = self.fs.find(base)
        for path in found:
            name = str(path).rsplit("/", 1)[-1]
            if _SHA256.match(name):
                yield name

    def clean_temporary(self, older_than_s: float = STALE_TEMPORARY_S) -> int:
        """Remove temporary files left by killed writers (untouched for `older_than_s`); returns
        how many. A file another process removes first, or cannot be dated, is left alone."""
        removed = 0
        for path in self.fs.find(f"{self.root}/tmp"):
            with suppress(OSError, TypeError, ValueError):
                info = self.fs.info(path)
                mtime = info.get("mtime") or info.get("LastModified")
                age = time.time() - (mtime.timestamp() if hasattr(mtime, "timestamp") else mtime)
                if age > older_than_s:
                    self.fs.rm(path)
                    removed += 1
        return removed


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
