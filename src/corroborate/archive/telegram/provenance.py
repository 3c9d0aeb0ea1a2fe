"""What archived Telegram posts say about when footage existed: each copy's post date and
forward chain (for "earliest copy"), and a sighting told as a reader says it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corroborate.archive.models import TelegramPostRow


@dataclass(frozen=True)
class PostCopy:
    """An item as posted in a channel (its media file), from `telegram_posts`."""

    item_id: str
    channel_key: str
    channel_name: str | None
    username: str | None
    post_id: int
    posted_at: datetime
    forwarded_from: str | None = None
    forwarded_from_key: str | None = None
    forwarded_post_id: int | None = None
    forwarded_at: datetime | None = None

    @property
    def label(self) -> str:
        who = f"@{self.username}" if self.username else (self.channel_name or self.channel_key)
        return f"Telegram {who}, post {self.post_id}, {self.posted_at:%Y-%m-%d %H:%M} UTC"

    @property
    def is_forward(self) -> bool:
        return self.forwarded_from is not None or self.forwarded_from_key is not None

    def forwards_from(self, origin: PostCopy) -> bool:
        """Whether this post is a forward of `origin` (same channel by id or, in an HTML export
        that has no ids, by name; the same post when the export names the post)."""
        if not self.is_forward or origin.is_forward and origin.channel_key == self.channel_key:
            return False
        same_channel = self.forwarded_from_key == origin.channel_key or (
            self.forwarded_from is not None and self.forwarded_from == origin.channel_name
        )
        if not same_channel:
            return False
        return self.forwarded_post_id is None or self.forwarded_post_id == origin.post_id

    @property
    def origin_label(self) -> str:
        name = self.forwarded_from or self.forwarded_from_key or "an unknown channel"
        return name + (f" (post {self.forwarded_post_id})" if self.forwarded_post_id else "")


def post_copies(session: Session) -> dict[str, list[PostCopy]]:
    """Every archived Telegram media post, by item."""
    out: dict[str, list[PostCopy]] = defaultdict(list)
    for r in session.scalars(select(TelegramPostRow).where(TelegramPostRow.part == "media")):
        out[r.item_id].append(
            PostCopy(
                r.item_id,
                r.channel_key,
                r.channel_name,
                r.channel_username,
                r.post_id,
                r.posted_at,
                r.forwarded_from,
                r.forwarded_from_key,
                r.forwarded_post_id,
                r.forwarded_at,
            )
        )
    return dict(out)


def describe_sighting(extra: dict[str, Any]) -> str | None:
    """ "Telegram @channel, post 4812, 2024-10-10 14:03 UTC, forwarded from Other (post 977)"
    for a sighting read from a Telegram export; None for any other sighting."""
    t = extra.get("telegram") if isinstance(extra, dict) else None
    if not isinstance(t, dict) or "post_id" not in t:
        return None
    who = f"@{t['username']}" if t.get("username") else str(t.get("channel") or "?")
    try:
        when = datetime.fromisoformat(str(t.get("posted_at"))).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        when = "date unknown"
    text = f"Telegram {who}, post {t['post_id']}, {when}"
    if t.get("forwarded_from") or t.get("forwarded_from_id"):
        origin = str(t.get("forwarded_from") or t.get("forwarded_from_id"))
        bits = []
        if t.get("forwarded_post_id"):
            bits.append(f"post {t['forwarded_post_id']}")
        if t.get("forwarded_at"):
            try:
                at = datetime.fromisoformat(str(t["forwarded_at"]))
                bits.append(f"originally {at:%Y-%m-%d %H:%M} UTC")
            except ValueError:
                pass
        text += f", forwarded from {origin}" + (f" ({', '.join(bits)})" if bits else "")
    if t.get("part") == "text":
        text += " (the post's text)"
    return text
