"""Uploads: a stream of bytes (a web upload read chunk by chunk) archived as `ingest` archives
a file, by the same steps (`archive_stored`) and with the same one-line errors.

The bytes go straight into the blob store's own temporary file, hashed as they are written, and
are placed atomically: a multi-GB upload never sits in memory and has no second copy. A stream
that breaks off, is empty or grows over the cap fails inside that write, so the temporary file
is removed and nothing else was written (no item, no sighting, no custody entry).

Files that are not media are archived, as `corroborate ingest` archives them (a report is read
for its claims, anything else kept as a file), and the result says so in a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from corroborate import accounts
from corroborate.accounts import Actor
from corroborate.archive.fetch import safe_name
from corroborate.archive.ingest import IngestResult, archive_stored, not_archived
from corroborate.errors import CorroborateError, InputError
from corroborate.net import DEFAULT_MAX_SIZE, human_size
from corroborate.storage.archive import Archive

DEFAULT_MAX_UPLOAD = DEFAULT_MAX_SIZE  # the same 4 GiB cap as a download
MEDIA_KINDS = ("video", "image", "audio")
MAX_GIVEN_NAME = 1000  # characters of a hostile name kept, escaped, beside the safe one


class TooLargeError(InputError):
    """An upload over the workspace's maximum size (HTTP 413); nothing was archived."""


class UploadInterrupted(InputError):
    """The stream broke off before its end (the client went away); nothing was archived."""


def upload_name(given: str) -> str:
    """The name an upload is archived under: its last part, without control characters."""
    return safe_name(given, "upload")


def ingest_stream(
    archive: Archive,
    chunks: Iterable[bytes],
    name: str,
    *,
    actor: Actor,
    source: str | None = None,
    max_size: int = DEFAULT_MAX_UPLOAD,
    declared_size: int | None = None,
    signatures: bool = True,
) -> IngestResult:
    """Archive the bytes `chunks` yields as the file `name` (or a new sighting of them).

    Raises (nothing written) for an empty stream, one over `max_size` (TooLargeError, checked
    first against `declared_size` when the client announced one) or one that breaks off
    (UploadInterrupted); the result carries warnings and notes as `ingest_file`'s does.
    """
    who = accounts.require(actor, "edit")
    original = upload_name(name)
    shown = original
    if declared_size is not None and declared_size > max_size:
        raise TooLargeError(_too_large(shown, max_size, declared_size))
    if declared_size == 0:
        raise InputError(_empty(shown))
    result = IngestResult(input=shown, original_name=original)
    extra: dict[str, object] = {"via": "upload"}
    if original != name:  # kept as given (escaped: it may hold NULs and bidi controls)
        extra["given_name"] = _escaped(name)[:MAX_GIVEN_NAME]
    try:
        sha, size = archive.blobs.put_chunks(_checked(chunks, shown, max_size))
        archive_stored(
            archive,
            sha,
            size,
            result,
            actor=who,
            source=source,
            url=None,
            local_path=None,
            published_at=None,
            content_type=None,
            extra=extra,
            signatures=signatures,
        )
    except Exception as exc:
        error = not_archived(shown, exc)
        if error is None or error is exc:
            raise
        raise error from exc
    if result.kind not in MEDIA_KINDS:
        result.notes.append(
            f"{shown}: not media; archived as {result.kind} ({result.item_id}), as "
            "`corroborate ingest` archives it, with no footage to compare"
        )
    return result


def _checked(chunks: Iterable[bytes], shown: str, max_size: int) -> Iterator[bytes]:
    """The chunks, refused (inside the blob store's write, so its temporary goes) when the
    stream breaks off, grows over `max_size` or ends empty."""
    size = 0
    source = iter(chunks)
    while True:
        try:
            chunk = next(source)
        except StopIteration:
            break
        except CorroborateError:
            raise
        except Exception as exc:  # the client's stream failed: name it, keep the cause
            raise UploadInterrupted(
                f"{shown}: upload interrupted after {human_size(size)} "
                f"({type(exc).__name__}); nothing archived"
            ) from exc
        size += len(chunk)
        if size > max_size:
            raise TooLargeError(_too_large(shown, max_size))
        if chunk:
            yield chunk
    if size == 0:
        raise InputError(_empty(shown))


def _too_large(shown: str, max_size: int, declared: int | None = None) -> str:
    size = f" ({human_size(declared)})" if declared is not None else ""
    return (
        f"{shown}: larger{size} than the maximum upload of {human_size(max_size)}; nothing archived"
    )


def _empty(shown: str) -> str:
    return f"{shown}: empty file (0 bytes), nothing to archive"


def _escaped(name: str) -> str:
    """A name as printable text: control and format characters as `\\u202e` escapes."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in name)


__all__ = [
    "DEFAULT_MAX_UPLOAD",
    "TooLargeError",
    "UploadInterrupted",
    "ingest_stream",
    "upload_name",
]
