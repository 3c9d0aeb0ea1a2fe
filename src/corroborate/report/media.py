"""What of an item's media a reader is sent: pictures blurred when the item is sensitive and this
session has not chosen to see it, the original for the player only after that choice, and
downloads of sensitive originals on the custody record.

Every route that sends media calls one of these, so no page, API endpoint or future front end
can send a sensitive original by forgetting a check. `holder` is the SHA-256 of the session
cookie or token asking (`accounts.reveals.holder_of`): a reveal is granted to one session only.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from corroborate.accounts import AccessError, Actor, require
from corroborate.accounts.reveals import grant_reveal, revealed_to
from corroborate.archive.queries import get_item
from corroborate.archive.views import keyframe_jpeg
from corroborate.core import Item
from corroborate.custody import log
from corroborate.errors import IntegrityError, NotFoundError
from corroborate.incidents.sensitive import sensitive_items, sensitivity
from corroborate.media.blur import blurred_jpeg, still_thumbnail
from corroborate.storage.archive import Archive

REVEAL = "media.reveal"
DOWNLOAD = "media.download"
PLAYABLE = ("video", "audio")
PLAYABLE_TYPES = ("video/", "audio/")
_CACHE_SIZE = 256
MAX_STILL_BYTES = 64 * 1024 * 1024  # a still is read whole, checked, then made small


class NotRevealedError(AccessError):
    """A sensitive original asked for before this session chose to see it (403)."""


@dataclass(frozen=True)
class Picture:
    """A JPEG to send, and whether it is the blurred stand-in for the real picture."""

    jpeg: bytes
    blurred: bool


@dataclass(frozen=True)
class Original:
    """An item's stored file, to be streamed (never read whole): `open()` gives its bytes."""

    item: Item
    size: int
    mime: str
    filename: str  # safe to put in a Content-Disposition header
    open: Callable[[], IO[bytes]]


class _Pictures:
    """A small LRU of pictures made from blobs (by the blob's SHA-256, which names its bytes)."""

    def __init__(self) -> None:
        self._made: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, kind: str, sha256: str, make: Callable[[], bytes]) -> bytes:
        key = (kind, sha256)
        with self._lock:
            if key in self._made:
                self._made.move_to_end(key)
                return self._made[key]
        made = make()
        with self._lock:
            self._made[key] = made
            while len(self._made) > _CACHE_SIZE:
                self._made.popitem(last=False)
        return made


_PICTURES = _Pictures()


def hidden(archive: Archive, item_id: str, holder: str | None) -> bool:
    """True when the item is shown sensitive and `holder` has no live reveal of it."""
    return bool(sensitivity(archive, item_id)) and item_id not in revealed_to(archive, holder)


def blurred_among(archive: Archive, item_ids: Iterable[str], holder: str | None) -> frozenset[str]:
    """Which of these items a page must show blurred to `holder` (for `data-blurred`): one
    reading of the sensitivity and the grants for a whole page of thumbnails."""
    reasons = sensitive_items(archive)
    seen = revealed_to(archive, holder)
    return frozenset(i for i in item_ids if i in reasons and i not in seen)


def _picture(archive: Archive, item: Item, jpeg: bytes, holder: str | None) -> Picture:
    if not hidden(archive, item.id, holder):
        return Picture(jpeg, blurred=False)
    sha = hashlib.sha256(jpeg).hexdigest()
    return Picture(_PICTURES.get("blur", sha, lambda: blurred_jpeg(jpeg)), blurred=True)


def keyframe_picture(
    archive: Archive, ref: str, index: int, *, actor: Actor, holder: str | None
) -> Picture:
    """Keyframe `index` of a video, blurred unless the item may be seen by `holder`."""
    require(actor, "read")
    item = get_item(archive, ref)
    return _picture(archive, item, keyframe_jpeg(archive, item.id, index), holder)


def thumbnail_picture(archive: Archive, ref: str, *, actor: Actor, holder: str | None) -> Picture:
    """The item's picture in a grid: a video's first keyframe, a still made small; blurred
    unless the item may be seen. Items with no picture (documents, unreadable files): 404."""
    require(actor, "read")
    item = get_item(archive, ref)
    if item.keyframes:
        return _picture(archive, item, keyframe_jpeg(archive, item.id, 0), holder)
    if item.kind == "image" and item.media_readable:

        def make() -> bytes:
            if item.size > MAX_STILL_BYTES:
                raise NotFoundError(f"item {item.id}: a still this large is not pictured")
            with archive.blobs.open(item.sha256) as blob:
                data = blob.read(MAX_STILL_BYTES + 1)
            if hashlib.sha256(data).hexdigest() != item.sha256:  # a swapped blob is not shown
                raise IntegrityError(f"the original of item {item.id} does not match its SHA-256")
            return still_thumbnail(io.BytesIO(data))

        return _picture(archive, item, _PICTURES.get("still", item.sha256, make), holder)
    raise NotFoundError(f"item {item.id} ({item.kind}) has no picture to show")


@dataclass(frozen=True)
class Reveal:
    """What a reveal did: the item, and until when this session may see it (None: the item is
    not sensitive, nothing was hidden, nothing was logged)."""

    item: Item
    until: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {"item": self.item.id, "revealed_until": self.until}


def reveal_media(archive: Archive, ref: str, *, actor: Actor, holder: str) -> Reveal:
    """A person chooses to see a sensitive item's pictures and footage: `media.reveal` is logged
    (who, when, which item) and this session alone may see the originals for a while. An item
    that is not sensitive has nothing hidden: nothing is logged or granted."""
    name = require(actor, "read")
    item = get_item(archive, ref)
    reasons = sensitivity(archive, item.id)
    if not reasons:
        return Reveal(item, None)
    with archive.write() as session:
        log.append(
            session,
            actor=name,
            action=REVEAL,
            subject_sha256=item.sha256,
            details={"item": item.id, "sensitive": reasons},
        )
    return Reveal(item, grant_reveal(archive, holder, item.id))


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def download_name(item: Item) -> str:
    """The item's original name reduced to letters, digits, `.`, `_`, `-` (nothing a header,
    a shell or a file system can misread), never empty, never hidden, at most 120 characters."""
    name = item.original_name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip("._")[-120:].lstrip("._")
    return name or f"{item.id}.bin"


def _original(archive: Archive, item: Item, *, playing: bool) -> Original:
    if not archive.blobs.exists(item.sha256):
        raise NotFoundError(f"the original of item {item.id} is missing from the blob store")
    mime = item.mime or "application/octet-stream"
    if playing and not mime.startswith(PLAYABLE_TYPES):  # never a page or script, inline
        mime = "application/octet-stream"
    return Original(
        item=item,
        size=item.size,
        mime=mime,
        filename=download_name(item),
        open=lambda: archive.blobs.open(item.sha256),
    )


def playable_original(archive: Archive, ref: str, *, actor: Actor, holder: str | None) -> Original:
    """A video's or a recording's original for the player; a sensitive one only once this
    session revealed it (NotRevealedError before)."""
    require(actor, "read")
    item = get_item(archive, ref)
    if item.kind not in PLAYABLE:
        raise NotFoundError(f"item {item.id} is a {item.kind}: nothing to play")
    if hidden(archive, item.id, holder):
        raise NotRevealedError(
            f"item {item.id} is sensitive: reveal it on its page before it is played"
        )
    return _original(archive, item, playing=True)


def download_original(archive: Archive, ref: str, *, actor: Actor) -> Original:
    """The original file to download. Downloading is a deliberate act, so it needs no reveal;
    for a sensitive item it is logged as `media.download` (who, when, which file) before a
    byte is sent. Other downloads are not logged: the archive is the team's to read."""
    name = require(actor, "read")
    item = get_item(archive, ref)
    original = _original(archive, item, playing=False)
    reasons = sensitivity(archive, item.id)
    if reasons:
        with archive.write() as session:
            log.append(
                session,
                actor=name,
                action=DOWNLOAD,
                subject_sha256=item.sha256,
                details={"item": item.id, "size": item.size, "sensitive": reasons},
            )
    return original
