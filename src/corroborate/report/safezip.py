"""Reading a zip that may be hostile, in bounded memory and time.

A zip's headers are the sender's word: a 1.6 MB file can declare, or really hold, gigabytes
(a zip bomb), millions of entries, or one name twice. Before anything is read we check the
central directory's size and entry count from the end record ourselves (so `zipfile` never
loads a huge directory), then every entry's declared size and compression ratio; while reading
we count the bytes actually decompressed and stop at a hard cap.
"""

from __future__ import annotations

import hashlib
import lzma
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from corroborate.errors import InputError

CHUNK = 1024 * 1024
KiB, MiB, GiB = 1024, 1024**2, 1024**3


@dataclass(frozen=True)
class ZipLimits:
    """What a package may hold before we refuse to read it; generous for real evidence."""

    entries: int = 100_000
    central_directory: int = 64 * MiB
    entry_bytes: int = 64 * GiB  # one original video may be large
    total_bytes: int = 256 * GiB
    ratio: int = 200  # uncompressed / compressed; video hardly compresses, zeros 1000:1
    ratio_floor: int = 4 * MiB  # small files (JSON, HTML) may compress well
    parsed_bytes: int = 64 * MiB  # a file we parse in memory (manifest, proofs, JSON)


class HostileZip(InputError):
    """The zip's own directory says it is too big to read safely."""


class LimitExceeded(Exception):
    """An entry gave more bytes than allowed or than it declared."""


def _end_record(path: Path) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end of central directory record, or None."""
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        tail_len = min(size, 22 + 65535)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < 22:
            return None
        _sig, _d, _dcd, _n_disk, entries, cd_size, cd_offset, _c = struct.unpack(
            "<4s4H2LH", tail[at : at + 22]
        )
        if entries != 0xFFFF and cd_size != 0xFFFFFFFF and cd_offset != 0xFFFFFFFF:
            return int(entries), int(cd_size)
        # ZIP64: a locator just before the end record points at the ZIP64 end record
        loc = at - 20
        if loc < 0 or tail[loc : loc + 4] != b"PK\x06\x07":
            return int(entries), int(cd_size)
        _sig, _disk, z64_offset, _disks = struct.unpack("<4sLQL", tail[loc : loc + 20])
        if z64_offset + 56 > size:
            return None
        fh.seek(z64_offset)
        rec = fh.read(56)
        if rec[:4] != b"PK\x06\x06":
            return None
        fields = struct.unpack("<4sQ2H2L4Q", rec)
        return int(fields[7]), int(fields[8])


def open_zip(path: Path, limits: ZipLimits) -> zipfile.ZipFile:
    """Open `path` for reading after checking its directory is of a sane size."""
    try:
        end = _end_record(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if end is None:
        raise InputError(f"{path}: not a readable zip file (truncated or damaged: no end record)")
    entries, cd_size = end
    if entries > limits.entries:
        raise HostileZip(f"the zip declares {entries:,} entries (limit {limits.entries:,})")
    if cd_size > limits.central_directory:
        raise HostileZip(
            f"the zip's directory is {cd_size:,} bytes (limit {limits.central_directory:,})"
        )
    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError, EOFError) as exc:
        raise InputError(f"{path}: not a readable zip file (truncated or damaged: {exc})") from None


def declared_problems(infos: list[zipfile.ZipInfo], zip_size: int, limits: ZipLimits) -> list[str]:
    """Why the zip's own headers say it is too big to read (empty when it is fine)."""
    out: list[str] = []
    if len(infos) > limits.entries:
        out.append(f"the zip holds {len(infos):,} entries (limit {limits.entries:,})")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > limits.entry_bytes:
            out.append(
                f"{info.filename}: declares {info.file_size:,} bytes "
                f"(limit {limits.entry_bytes:,} per file)"
            )
        elif info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(
            info.compress_size, 1
        ):
            out.append(
                f"{info.filename}: {info.compress_size:,} bytes unpack to {info.file_size:,} "
                f"(over {limits.ratio}:1, a zip bomb)"
            )
        if len(out) >= 5:
            break
    if total > limits.total_bytes or total > max(limits.ratio * zip_size, limits.ratio_floor):
        out.append(f"the zip unpacks to {total:,} bytes from {zip_size:,} (a zip bomb)")
    return out


def chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> Iterator[bytes]:
    """The entry's bytes in chunks; raises LimitExceeded past `cap` or past its declared size."""
    limit = min(cap, info.file_size)
    seen = 0
    with zf.open(info) as src:
        while chunk := src.read(CHUNK):
            seen += len(chunk)
            if seen > limit:
                raise LimitExceeded(
                    f"gives more than {limit:,} bytes"
                    + (" (its declared size)" if limit == info.file_size else "")
                )
            yield chunk


def sha256_of(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    cap: int,
    on_chunk: Callable[[int], None] | None = None,
) -> tuple[str, int]:
    """SHA-256 (hex) and length of an entry, streamed; `on_chunk(bytes)` after each chunk."""
    digest = hashlib.sha256()
    n = 0
    for chunk in chunks(zf, info, cap):
        digest.update(chunk)
        n += len(chunk)
        if on_chunk is not None:
            on_chunk(len(chunk))
    return digest.hexdigest(), n


def read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """A whole entry that we parse in memory; LimitExceeded if it is over `cap`."""
    if info.file_size > cap:
        raise LimitExceeded(f"is {info.file_size:,} bytes, over the {cap:,} we read")
    return b"".join(chunks(zf, info, cap))


def is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


READ_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,  # encrypted entries
    ValueError,
    LimitExceeded,
    zlib.error,
    lzma.LZMAError,
)
