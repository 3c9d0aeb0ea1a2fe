"""Reading a Telegram Desktop "Export chat history" of one channel, in both forms it writes.

JSON (`result.json`): `{"name", "type", "id", "messages": [...]}`, each message with `id`,
`type`, `date` (local time, no zone) and `date_unixtime` (UTC seconds, as a string), `from` /
`from_id`, `forwarded_from` / `forwarded_from_id`, `photo` or `file` (a path relative to the
export folder, or a "(File not included...)" note), `media_type`, and `text`: a string, or a
list of strings and `{"type", "text", "href"?}` entities. It is streamed with ijson and each
message is built under a size and depth budget, so neither a huge export nor one hostile
message takes unbounded memory.

HTML (`messages.html`, `messages2.html`, ...; 1,000 messages a page): `div.message.default`
with `id="message4812"`, the date in `div.date.details[title]` ("10.10.2024 14:03:00
UTC+03:00"), a forward in `div.forwarded.body` whose `from_name` holds the origin's name and
original date, media as links (`a.photo_wrap`, `a.video_file_wrap`, `a.media`...) to files
beside the page, the text in `div.text`. Each page is parsed alone (lxml through BeautifulSoup).

A media path is the export's word: one that leaves the export folder (`../`, an absolute path,
a symlink pointing out) is refused. A zip is refused whole when any entry would leave it or is
a symlink, and every entry is read no further than the size it declares.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path, PurePosixPath
from typing import IO, Any

from corroborate.errors import FormatError, InputError

MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # one post's text and fields; real ones are < 100 KB
MAX_DEPTH = 32  # nesting inside one message (entities are 2 deep)
MAX_HTML_PAGE = 64 * 1024 * 1024  # Telegram writes 1,000 messages a page: a few MB
MAX_ZIP_ENTRIES = 2_000_000
ZIP_RATIO = 1000  # uncompressed / compressed beyond which a large entry is a zip bomb
ZIP_RATIO_FLOOR = 16 * 1024 * 1024
CHUNK = 4 * 1024 * 1024
_NOT_INCLUDED = "("  # "(File not included. ...)", "(File unavailable, ...)", ...
_PAGE = re.compile(r"^messages(\d*)\.html$")


@dataclass(frozen=True)
class Channel:
    """The exported chat: its name, type and id as the export gives them (no @username: the
    export does not record it, so a public link needs the user to name it)."""

    name: str
    type: str | None = None
    id: int | None = None
    username: str | None = None

    @property
    def key(self) -> str:
        """The channel's identity, in the form a forward names its origin (`channel123`); an
        HTML export has no id, so its name stands in (`name:...`)."""
        if self.id is None:
            return f"name:{self.name}"
        prefix = (
            "channel"
            if (self.type or "").endswith(("channel", "supergroup"))
            else "chat"
            if self.type == "private_group"
            else "user"
        )
        return f"{prefix}{self.id}"

    @property
    def label(self) -> str:
        return f"@{self.username}" if self.username else self.name

    def link(self, post_id: int) -> str | None:
        """`https://t.me/<username>/<post>`, for a public channel whose username is known."""
        return f"https://t.me/{self.username}/{post_id}" if self.username else None


@dataclass(frozen=True)
class Forward:
    """Where a forwarded post came from, as far as the export says."""

    name: str | None
    key: str | None = None  # forwarded_from_id (channel456) or name:<name>
    post_id: int | None = None
    date: datetime | None = None  # the original's date (the HTML form gives it)


@dataclass(frozen=True)
class Post:
    """One message of the channel, with its media file (a path inside the export) if any."""

    id: int
    date: datetime  # UTC
    text: str
    media: str | None = None
    media_type: str | None = None
    media_missing: str | None = None  # the export's note when it left the file out
    forward: Forward | None = None
    edited: datetime | None = None
    links: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class BadPost:
    """A message that cannot be read; `id` when it could be told."""

    id: int | None
    problem: str


@dataclass(frozen=True)
class Skipped:
    """A message that is no post (a service message: channel created, pinned...)."""

    id: int


Entry = Post | BadPost | Skipped


# -- the files of an export: a folder or a zip ------------------------------------------------


class ExportFiles:
    """The files of one export, by their path relative to the export's folder."""

    label: str

    def open(self, rel: str) -> IO[bytes]:  # pragma: no cover - interface
        raise NotImplementedError

    def size(self, rel: str) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def local_path(self, rel: str) -> str | None:
        return None

    def names(self) -> list[str]:  # pragma: no cover - interface
        """The files at the top of the export folder."""
        raise NotImplementedError

    def close(self) -> None:
        return None


def safe_relative(rel: str, shown: str) -> str:
    """`rel` as a clean relative path, or InputError when it would leave the export folder."""
    text = rel.replace("\\", "/")
    path = PurePosixPath(text)
    if not text or path.is_absolute() or re.match(r"^[A-Za-z]:", text):
        raise InputError(f"{shown}: media path {rel!r} is absolute, outside the export folder")
    if ".." in path.parts:
        raise InputError(f"{shown}: media path {rel!r} leads outside the export folder")
    return str(path)


class FolderExport(ExportFiles):
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.label = str(root)

    def _path(self, rel: str) -> Path:
        shown = f"{self.label}/{rel}"
        clean = safe_relative(rel, shown)
        path = self.root / clean
        real = path.resolve()
        if not real.is_relative_to(self.root):
            raise InputError(
                f"{shown}: a link to {real}, outside the export folder; refused, not archived"
            )
        try:
            st = real.stat()
        except FileNotFoundError:
            raise InputError(f"{shown}: media file missing from the export") from None
        except OSError as exc:
            raise InputError(f"{shown}: cannot read ({exc.strerror or exc})") from None
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"{shown}: not a regular file")
        return real

    def open(self, rel: str) -> IO[bytes]:
        path = self._path(rel)
        try:
            return open(path, "rb")
        except OSError as exc:
            raise InputError(f"{self.label}/{rel}: cannot read ({exc.strerror or exc})") from None

    def size(self, rel: str) -> int:
        return self._path(rel).stat().st_size

    def local_path(self, rel: str) -> str | None:
        return str(self._path(rel))

    def names(self) -> list[str]:
        return sorted(os.listdir(self.root))


class _Capped:
    """A zip entry's stream that stops with an error past the size the entry declares."""

    def __init__(self, raw: IO[bytes], limit: int, shown: str) -> None:
        self.raw, self.limit, self.seen, self.shown = raw, limit, 0, shown

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.seen += len(data)
        if self.seen > self.limit:
            raise InputError(f"{self.shown}: gives more bytes than it declares (a hostile zip)")
        return data

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> _Capped:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class ZipExport(ExportFiles):
    def __init__(self, path: Path) -> None:
        self.label = str(path)
        try:
            self.zf = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise InputError(f"{path}: not a readable zip file ({exc})") from None
        infos = self.zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise InputError(f"{path}: holds {len(infos):,} entries (limit {MAX_ZIP_ENTRIES:,})")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
                raise InputError(
                    f"{path}: entry {name!r} is a symbolic link (a hostile zip); nothing archived"
                )
            try:
                clean = safe_relative(name, f"{path}: entry")
            except InputError:
                raise InputError(
                    f"{path}: entry {name!r} would be written outside the export (a hostile "
                    "zip); nothing archived"
                ) from None
            if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_RATIO * max(
                info.compress_size, 1
            ):
                raise InputError(
                    f"{path}: entry {name!r} unpacks {info.compress_size:,} bytes to "
                    f"{info.file_size:,} (a zip bomb); nothing archived"
                )
            if not info.is_dir():
                self.entries[clean] = info
        self.prefix = _export_prefix(self.entries)

    def _info(self, rel: str) -> zipfile.ZipInfo:
        shown = f"{self.label}: {rel}"
        clean = safe_relative(rel, shown)
        full = f"{self.prefix}{clean}"
        info = self.entries.get(full)
        if info is None:
            raise InputError(f"{shown}: media file missing from the export")
        return info

    def open(self, rel: str) -> IO[bytes]:
        info = self._info(rel)
        try:
            raw = self.zf.open(info)
        except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
            raise InputError(f"{self.label}: {rel}: cannot read ({exc})") from None
        return _Capped(raw, info.file_size, f"{self.label}: {rel}")  # type: ignore[return-value]

    def size(self, rel: str) -> int:
        return self._info(rel).file_size

    def names(self) -> list[str]:
        n = len(self.prefix)
        return sorted(
            name[n:]
            for name in self.entries
            if name.startswith(self.prefix) and "/" not in name[n:]
        )

    def close(self) -> None:
        self.zf.close()


def _export_prefix(entries: dict[str, zipfile.ZipInfo]) -> str:
    """The folder inside the zip that holds result.json or messages.html (the shallowest)."""
    found = [
        name for name in entries if PurePosixPath(name).name in ("result.json", "messages.html")
    ]
    if not found:
        return ""
    best = min(found, key=lambda n: (n.count("/"), n))
    parent = str(PurePosixPath(best).parent)
    return "" if parent == "." else parent + "/"


@dataclass(frozen=True)
class Export:
    """A detected export: its files and its form (json or html)."""

    files: ExportFiles
    form: str  # "json" or "html"

    @property
    def pages(self) -> list[str]:
        """The export's own files, archived as the context of every date read from them."""
        if self.form == "json":
            return ["result.json"]
        names = [n for n in self.files.names() if _PAGE.match(n)]
        return sorted(names, key=lambda n: int(_PAGE.match(n)[1] or 1))  # type: ignore[index]


def find_export(spec: str) -> Export | None:
    """The Telegram export at `spec` (a folder or a zip holding result.json or messages.html),
    or None when it is something else. A zip that is hostile raises InputError."""
    path = Path(spec)
    try:
        if path.is_dir():
            names = set(os.listdir(path))
            if "result.json" in names and _looks_like_chat_json(path / "result.json"):
                return Export(FolderExport(path), "json")
            if "messages.html" in names and _looks_like_chat_html(path / "messages.html"):
                return Export(FolderExport(path), "html")
            return None
        if path.is_file() and path.suffix.lower() == ".zip" and zipfile.is_zipfile(path):
            files = ZipExport(path)
            top = files.names()
            form = "json" if "result.json" in top else "html" if "messages.html" in top else None
            if form is None:
                files.close()
                return None
            return Export(files, form)
    except OSError:
        return None
    return None


def _looks_like_chat_json(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(4096)
    return b'"messages"' in head or (b'"name"' in head and b'"type"' in head)


def _looks_like_chat_html(path: Path) -> bool:
    with open(path, "rb") as f:
        head = f.read(8192)
    return b"page_header" in head or b"history" in head or b'class="message' in head


# -- the JSON form ---------------------------------------------------------------------------


@dataclass
class JsonHeader:
    channel: Channel
    messages: int  # how many messages the file holds (counted in the first pass)
    broken: str | None = None  # where and why the JSON is malformed, if it is


def read_json_header(files: ExportFiles, username: str | None) -> JsonHeader:
    """The channel and the number of messages, in one streaming pass (bounded memory)."""
    import ijson

    name: str | None = None
    kind: str | None = None
    chat_id: int | None = None
    count = 0
    broken = None
    with files.open("result.json") as f:
        try:
            for prefix, event, value in ijson.parse(f, use_float=True):
                if prefix == "messages.item" and event == "start_map":
                    count += 1
                elif prefix == "name" and event == "string":
                    name = value
                elif prefix == "type" and event == "string":
                    kind = value
                elif prefix == "id" and event == "number" and isinstance(value, int):
                    chat_id = value
                elif prefix == "chats" and event == "start_map":
                    raise InputError(
                        f"{files.label}: a full Telegram account export (many chats); export "
                        "one channel with 'Export chat history' and ingest that"
                    )
        except ijson.JSONError as exc:
            broken = f"malformed JSON after message {count} ({_short(exc)})"
    if name is None and chat_id is None:
        raise InputError(
            f"{files.label}/result.json: no channel name or id: not a Telegram chat export"
            + (f" ({broken})" if broken else "")
        )
    channel = Channel(name or f"chat {chat_id}", kind, chat_id, _username(username))
    return JsonHeader(channel, count, broken)


def json_posts(files: ExportFiles) -> Iterator[Entry]:
    """Every message of result.json as a Post (or BadPost, Skipped), streamed.

    A syntax error ends the stream with ijson's error (raised): what came before is kept."""
    import ijson

    with files.open("result.json") as f:
        events = ijson.parse(f, use_float=True)
        for prefix, event, _value in events:
            if prefix == "messages.item" and event == "start_map":
                built = _build(events)
                yield built if isinstance(built, BadPost) else post_from_json(built)


def _build(events: Iterator[tuple[str, str, Any]]) -> dict[str, Any] | BadPost:
    """One message from ijson's events, under MAX_MESSAGE_BYTES and MAX_DEPTH."""
    root: dict[str, Any] = {}
    stack: list[Any] = [root]
    key: str | None = None
    size = 0
    problem: str | None = None
    for _prefix, event, value in events:
        if event == "map_key":
            key = value
            size += len(value)
            continue
        if event in ("start_map", "start_array"):
            child: Any = {} if event == "start_map" else []
            if len(stack) >= MAX_DEPTH and problem is None:
                problem = f"nested over {MAX_DEPTH} levels deep"
            if problem is None:
                _put(stack[-1], key, child)
            stack.append(child)
            continue
        if event in ("end_map", "end_array"):
            stack.pop()
            if not stack:
                break
            continue
        size += len(value) if isinstance(value, str) else 8
        if size > MAX_MESSAGE_BYTES and problem is None:
            problem = f"over {MAX_MESSAGE_BYTES:,} bytes in one message"
        if problem is None:
            _put(stack[-1], key, value)
        elif len(stack) == 1 and key == "id" and isinstance(value, int):
            root["id"] = value
    if problem is not None:
        ident = root.get("id")
        return BadPost(ident if isinstance(ident, int) else None, f"malformed message: {problem}")
    return root


def _put(container: Any, key: str | None, value: Any) -> None:
    if isinstance(container, list):
        container.append(value)
    else:
        container[key] = value


def post_from_json(msg: dict[str, Any]) -> Entry:
    """A message object of result.json as a Post; BadPost naming what is wrong with it."""
    ident = msg.get("id")
    if not isinstance(ident, int) or isinstance(ident, bool):
        return BadPost(None, f"malformed message: no numeric id ({_preview(ident)})")
    kind = msg.get("type", "message")
    if kind in ("service", "unsupported"):
        return Skipped(ident)
    if kind != "message":
        return BadPost(ident, f"malformed message: unknown type {_preview(kind)}")
    date = _unix(msg.get("date_unixtime"))
    if date is None:
        return BadPost(
            ident,
            "malformed message: no date_unixtime (the export's 'date' is local time without a "
            "zone; re-export with a current Telegram Desktop)",
        )
    try:
        text, links = flatten_text(msg.get("text", ""))
    except ValueError as exc:
        return BadPost(ident, f"malformed message: {exc}")
    media = None
    missing = None
    media_type = msg.get("media_type") if isinstance(msg.get("media_type"), str) else None
    for field_name in ("photo", "file"):
        value = msg.get(field_name)
        if value is None:
            continue
        if not isinstance(value, str):
            return BadPost(ident, f"malformed message: {field_name} is {_preview(value)}")
        if value.startswith(_NOT_INCLUDED):
            missing = value
        else:
            media = value
        media_type = media_type or ("photo" if field_name == "photo" else "file")
        break
    forward = None
    origin = msg.get("forwarded_from")
    origin_id = msg.get("forwarded_from_id")
    if origin is not None or origin_id is not None:
        name = origin if isinstance(origin, str) else None
        key = origin_id if isinstance(origin_id, str) else (f"name:{name}" if name else None)
        post_id = msg.get("forwarded_message_id")  # not in the documented form; kept if given
        forward = Forward(
            name,
            key,
            post_id if isinstance(post_id, int) and not isinstance(post_id, bool) else None,
        )
    extra = {
        k: msg[k]
        for k in ("from", "from_id", "author", "mime_type", "duration_seconds", "width", "height")
        if isinstance(msg.get(k), str | int | float) and not isinstance(msg.get(k), bool)
    }
    return Post(
        id=ident,
        date=date,
        text=text,
        media=media,
        media_type=media_type,
        media_missing=missing,
        forward=forward,
        edited=_unix(msg.get("edited_unixtime")),
        links=tuple(links),
        extra=extra,
    )


def flatten_text(value: Any) -> tuple[str, list[str]]:
    """The text as a reader sees it (entities flattened), and the links its entities carry."""
    if isinstance(value, str):
        return value, []
    if not isinstance(value, list):
        raise FormatError(f"text is {_preview(value)}, not a string or a list of parts")
    parts: list[str] = []
    links: list[str] = []
    for part in value:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text", ""), str):
            parts.append(part.get("text", ""))
            href = part.get("href")
            if part.get("type") == "text_link" and isinstance(href, str):
                links.append(href)
            elif part.get("type") == "link" and isinstance(part.get("text"), str):
                links.append(part["text"])
        else:
            raise FormatError(f"a text part is {_preview(part)}")
    return "".join(parts), links


def _unix(value: Any) -> datetime | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 < value < 2**40:
        return datetime.fromtimestamp(value, UTC)
    return None


# -- the HTML form ---------------------------------------------------------------------------

_HTML_DATE = re.compile(
    r"(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?(?: UTC([+-])(\d{2}):?(\d{2}))?"
)
_MEDIA_LINKS = (
    "photo_wrap",
    "video_file_wrap",
    "animated_wrap",
    "sticker_wrap",
    "media_wrap",
    "media",
)


def html_channel(files: ExportFiles, username: str | None) -> Channel:
    """The channel's name from the first page's header (the HTML form has no id)."""
    from bs4 import BeautifulSoup

    with files.open("messages.html") as f:
        head = f.read(256 * 1024)
    soup = BeautifulSoup(head, "lxml")
    node = soup.select_one(".page_header .text") or soup.select_one("title")
    name = " ".join(node.get_text(" ").split()) if node else ""
    if not name:
        raise InputError(f"{files.label}/messages.html: no channel name in the page header")
    return Channel(name, None, None, _username(username))


def html_posts(files: ExportFiles, page: str) -> Iterator[Entry]:
    """Every message of one page (they are at most 1,000) as a Post, BadPost or Skipped."""
    from bs4 import BeautifulSoup

    size = files.size(page)
    if size > MAX_HTML_PAGE:
        raise InputError(
            f"{files.label}/{page}: {size:,} bytes, over the {MAX_HTML_PAGE:,} a page may hold"
        )
    with files.open(page) as f:
        soup = BeautifulSoup(f.read(), "lxml")
    for node in soup.select("div.message"):
        ident_text = str(node.get("id") or "")
        m = re.fullmatch(r"message-?(\d+)", ident_text)
        if m is None:
            if "service" in (node.get("class") or []):
                continue  # date separators have id message-1...
            yield BadPost(None, f"malformed message: id {ident_text!r}")
            continue
        ident = int(m[1])
        if "service" in (node.get("class") or []) or "default" not in (node.get("class") or []):
            yield Skipped(ident)
            continue
        yield _html_post(ident, node)


def _html_post(ident: int, node: Any) -> Entry:
    body = node.find("div", class_="body", recursive=False) or node
    stamp = body.select_one(":scope > div.date.details")
    date = _html_date(str(stamp.get("title") or "")) if stamp else None
    if date is None:
        return BadPost(ident, "malformed message: no date with its time zone")
    holder = body
    forward = None
    fwd = body.select_one(":scope > div.forwarded.body")
    if fwd is not None:
        holder = fwd
        origin = fwd.find("div", class_="from_name", recursive=False)
        when = origin.find("span", class_="date") if origin else None
        original = _html_date(str(when.get("title") or "")) if when else None
        if when is not None:
            when.extract()
        name = " ".join(origin.get_text(" ").split()) if origin else None
        forward = Forward(name or None, f"name:{name}" if name else None, None, original)
    text_node = holder.find("div", class_="text", recursive=False)
    text = _html_text(text_node) if text_node else ""
    links = tuple(
        str(a["href"])
        for a in (text_node.find_all("a", href=True) if text_node else [])
        if str(a["href"]).startswith(("http://", "https://"))
    )
    media = None
    media_type = None
    missing = None
    wrap = holder.find("div", class_="media_wrap", recursive=False)
    if wrap is not None:
        link = wrap.find("a", href=True)
        if link is not None and not str(link["href"]).startswith(("http://", "https://")):
            media = str(link["href"])
            classes = link.get("class") or []
            media_type = (
                "photo"
                if "photo_wrap" in classes
                else "video_file"
                if "video_file_wrap" in classes
                else "animation"
                if "animated_wrap" in classes
                else "file"
            )
        else:
            note = wrap.find("div", class_="description")
            if note is not None:
                missing = " ".join(note.get_text(" ").split())
    return Post(
        id=ident,
        date=date,
        text=text,
        media=media,
        media_type=media_type,
        media_missing=missing,
        forward=forward,
        links=links,
    )


def _html_text(node: Any) -> str:
    for br in node.find_all("br"):
        br.replace_with("\n")
    return str(node.get_text()).strip()


def _html_date(title: str) -> datetime | None:
    """ "10.10.2024 14:03:00 UTC+03:00" in UTC; None without the zone (local time is no date)."""
    m = _HTML_DATE.search(title)
    if m is None or m[7] is None:
        return None
    day, month, year, hour, minute = (int(m[i]) for i in range(1, 6))
    second = int(m[6] or 0)
    offset = timedelta(hours=int(m[8]), minutes=int(m[9]))
    zone = timezone(offset if m[7] == "+" else -offset)
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    except ValueError:
        return None


# -- shared ----------------------------------------------------------------------------------


def _username(value: str | None) -> str | None:
    if not value:
        return None
    name = value.strip().removeprefix("https://t.me/").removeprefix("@").strip("/")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{3,31}", name):
        raise InputError(f"{value!r}: not a Telegram username (5-32 letters, digits, _)")
    return name


def _preview(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def is_export_file(path: Path) -> bool:
    """Whether an archived file is a Telegram export's own result.json or HTML page: the
    posts in it are read one by one as reports of their own, so it is not read again whole."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    start = head.lstrip()
    if start.startswith(b"{"):
        return bool(
            re.search(rb'"messages"\s*:\s*\[', head)
            and re.search(rb'"type"\s*:\s*"(public|private)_(channel|supergroup|group)"', head)
        )
    return b'class="page_header"' in head and b'class="history"' in head
