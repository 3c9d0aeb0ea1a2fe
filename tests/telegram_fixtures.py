"""Telegram Desktop channel exports built as Telegram Desktop writes them (result.json, or
messages.html pages), with photos rendered over real photographs beside them."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Any

from PIL import Image

from corroborate.samples import render_still

WITNESS_ID = 1500000001  # "Frontline Witness", public, posts the footage first
DIGEST_ID = 1500000002  # "Daily Digest", forwards it


def unix(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def message(
    ident: int, when: str, text: Any = "", *, channel: str, channel_id: int, **fields: Any
) -> dict[str, Any]:
    """One message object as Telegram Desktop serialises it (local `date`, UTC unix time)."""
    local = datetime.fromtimestamp(unix(when), UTC) + timedelta(hours=3)  # the exporter's zone
    msg: dict[str, Any] = {
        "id": ident,
        "type": "message",
        "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_unixtime": str(unix(when)),
        "from": channel,
        "from_id": f"channel{channel_id}",
    }
    msg.update(fields)
    msg["text"] = text
    if isinstance(text, list):
        msg["text_entities"] = [
            {"type": "plain", "text": p} if isinstance(p, str) else p for p in text
        ]
    else:
        msg["text_entities"] = [{"type": "plain", "text": text}] if text else []
    return msg


def write_json_export(
    folder: Path, name: str, chat_id: int, messages: list[dict[str, Any]]
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"name": name, "type": "public_channel", "id": chat_id, "messages": messages}
    (folder / "result.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    return folder


def photo(folder: Path, rel: str, scene: str = "rocket", *, quality: int = 90) -> str:
    """A photo in the export's photos/ folder, rendered over a real photograph."""
    out = folder / rel
    render_still(out, scene, width=480, height=360)
    if quality != 90:
        Image.open(out).save(out, quality=quality)
    return rel


WITNESS_CAPTION = [
    "Drone footage near ",
    {"type": "bold", "text": "Kupiansk"},
    ". Yesterday 2 civilians were killed there, the regional governor said. ",
    {"type": "text_link", "text": "Source", "href": "https://example.org/report"},
]
SHELLING = (
    "Russian shelling of Kharkiv killed 3 civilians and wounded 12 on Tuesday, "
    "the regional governor said."
)


def witness_export(root: Path, outside: Path) -> Path:
    """Frontline Witness: the footage first (977), a text-only report (978), a service
    message, a missing file, a malformed message, a path leaving the export, a file left out."""
    folder = root / "ChatExport_2024-10-12"
    ch = {"channel": "Frontline Witness", "channel_id": WITNESS_ID}
    first = photo(folder, "photos/photo_1@09-10-2024_11-00-00.jpg")
    render_still(outside, "coffee", width=200, height=150)
    messages = [
        message(
            977, "2024-10-09T08:00:00", WITNESS_CAPTION, photo=first, width=480, height=360, **ch
        ),
        message(978, "2024-10-10T09:30:00", SHELLING, **ch),
        {
            "id": 979,
            "type": "service",
            "date": "2024-10-10T12:31:00",
            "date_unixtime": str(unix("2024-10-10T09:31:00")),
            "actor": "Frontline Witness",
            "actor_id": f"channel{WITNESS_ID}",
            "action": "pin_message",
            "message_id": 978,
            "text": "",
            "text_entities": [],
        },
        message(980, "2024-10-10T10:00:00", "Another angle", photo="photos/photo_2@gone.jpg", **ch),
        {"id": 981, "type": "message", "date_unixtime": "not a time", "text": "broken"},
        message(982, "2024-10-10T11:00:00", "", photo=f"../{outside.name}", **ch),
        message(
            983,
            "2024-10-10T12:00:00",
            "Video of the strike",
            file="(File not included. Change data exporting settings to download.)",
            media_type="video_file",
            mime_type="video/mp4",
            **ch,
        ),
    ]
    return write_json_export(folder, "Frontline Witness", WITNESS_ID, messages)


def digest_export(root: Path, witness: Path) -> Path:
    """Daily Digest forwards Witness's photo twice: the very file (4812), and a re-compressed
    copy whose post claims a date before the original's (4813: a forward is never earlier)."""
    folder = root / "DigestExport"
    ch = {"channel": "Daily Digest", "channel_id": DIGEST_ID}
    (folder / "photos").mkdir(parents=True)
    same = "photos/photo_1@10-10-2024_17-03-00.jpg"
    (folder / same).write_bytes((witness / "photos/photo_1@09-10-2024_11-00-00.jpg").read_bytes())
    again = "photos/photo_2@08-10-2024_09-00-00.jpg"
    Image.open(witness / "photos/photo_1@09-10-2024_11-00-00.jpg").save(folder / again, quality=60)
    fwd = {"forwarded_from": "Frontline Witness", "forwarded_from_id": f"channel{WITNESS_ID}"}
    messages = [
        message(4812, "2024-10-10T14:03:00", WITNESS_CAPTION, photo=same, **fwd, **ch),
        message(4813, "2024-10-08T09:00:00", "", photo=again, **fwd, **ch),
    ]
    return write_json_export(folder, "Daily Digest", DIGEST_ID, messages)


def html_date(when: str) -> str:
    """The title Telegram Desktop writes: local time and its offset."""
    at = datetime.fromisoformat(when).replace(tzinfo=UTC).astimezone(timezone(timedelta(hours=3)))
    return at.strftime("%d.%m.%Y %H:%M:%S UTC+03:00")


def html_message(
    ident: int,
    when: str,
    *,
    text: str = "",
    media: str | None = None,
    forwarded_from: str | None = None,
    forwarded_when: str | None = None,
    joined: bool = False,
) -> str:
    inner = ""
    if media:
        inner += (
            '<div class="media_wrap clearfix">\n'
            f'<a class="photo_wrap clearfix pull_left" href="{escape(media)}">\n'
            f'<img class="photo" src="{escape(media)}_thumb.jpg" style="width: 260px; '
            'height: 195px"/>\n</a>\n</div>\n'
        )
    if text:
        inner += f'<div class="text">\n{escape(text).replace(chr(10), "<br>")}\n</div>\n'
    if forwarded_from:
        span = (
            f'<span class="date details" title="{html_date(forwarded_when)}"> '
            f"{html_date(forwarded_when)[:19]}</span>"
            if forwarded_when
            else ""
        )
        inner = (
            '<div class="pull_left forwarded userpic_wrap"><div class="userpic"></div></div>\n'
            f'<div class="forwarded body">\n<div class="from_name">\n{escape(forwarded_from)}'
            f"{span}\n</div>\n{inner}</div>\n"
        )
    name = "" if joined else '<div class="from_name">\nOstriv News\n</div>\n'
    cls = "message default clearfix joined" if joined else "message default clearfix"
    return (
        f'<div class="{cls}" id="message{ident}">\n'
        '<div class="pull_left userpic_wrap"><div class="userpic"></div></div>\n'
        '<div class="body">\n'
        f'<div class="pull_right date details" title="{html_date(when)}">\n'
        f"{html_date(when)[11:16]}\n</div>\n{name}{inner}</div>\n</div>\n"
    )


def html_page(channel: str, messages: list[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>Exported Data</title>\n"
        '<link href="css/style.css" rel="stylesheet"/>\n<script src="js/script.js"></script>\n'
        '</head>\n<body onload="CheckLocation();">\n<div class="page_wrap">\n'
        '<div class="page_header">\n<div class="content">\n'
        f'<div class="text bold">\n{escape(channel)}\n</div>\n</div>\n</div>\n'
        '<div class="page_body chat_page">\n<div class="history">\n'
        '<div class="message service" id="message-1">\n'
        '<div class="body details">\n9 October 2024\n</div>\n</div>\n'
        + "".join(messages)
        + "</div>\n</div>\n</div>\n</body>\n</html>\n"
    )


def ostriv_html_export(root: Path, witness: Path) -> Path:
    """Ostriv News in the HTML form over two pages: a forward of Witness's photo that gives
    the original's date, its own photo, a text-only report, a malformed message."""
    folder = root / "OstrivExport"
    (folder / "photos").mkdir(parents=True)
    fwd = "photos/photo_1@11-10-2024_10-00-00.jpg"
    Image.open(witness / "photos/photo_1@09-10-2024_11-00-00.jpg").save(folder / fwd, quality=75)
    own = photo(folder, "photos/photo_2@11-10-2024_12-00-00.jpg", "grass")
    page1 = html_page(
        "Ostriv News",
        [
            html_message(
                15,
                "2024-10-11T07:00:00",
                media=fwd,
                text="Footage from Kupiansk",
                forwarded_from="Frontline Witness",
                forwarded_when="2024-10-09T08:00:00",
            ),
            html_message(16, "2024-10-11T09:00:00", media=own, text="Our correspondent's photo"),
        ],
    )
    page2 = html_page(
        "Ostriv News",
        [
            html_message(
                17,
                "2024-10-12T06:00:00",
                text="Yesterday 5 civilians were wounded in Izium, the regional police said.",
                joined=True,
            ),
            '<div class="message default clearfix" id="message18">\n<div class="body">\n'
            '<div class="pull_right date details" title="sometime">?</div>\n</div>\n</div>\n',
        ],
    )
    (folder / "messages.html").write_text(page1, "utf-8")
    (folder / "messages2.html").write_text(page2, "utf-8")
    return folder


def zipped(folder: Path, out: Path, extra: dict[str, bytes] | None = None) -> Path:
    """The export folder as a zip (inside a top folder, as a user zips it)."""
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{folder.name}/{path.relative_to(folder)}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out
