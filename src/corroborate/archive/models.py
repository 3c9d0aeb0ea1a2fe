"""Archive tables: items (one per distinct SHA-256), sightings (every place a file was found)
and derivatives (keyframe thumbnails and other files made from an item)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corroborate.db import Base


class ItemRow(Base):
    __tablename__ = "items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # 12+ hex of sha256
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    mime: Mapped[str | None] = mapped_column(String(100))
    original_name: Mapped[str] = mapped_column(Text)
    archived_at: Mapped[datetime]
    archived_by: Mapped[str] = mapped_column(String(200))
    media_readable: Mapped[bool] = mapped_column(Boolean, default=True)
    media_error: Mapped[str | None] = mapped_column(Text)
    metadata_json: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Marked by a person (archive.sensitive); left out of the state digest while false, the
    # value every row had when the column was added (migration 0010).
    sensitive: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), info={"state_omit_if": False}
    )

    sightings: Mapped[list[SightingRow]] = relationship(
        back_populates="item", order_by="SightingRow.id"
    )
    derivatives: Mapped[list[DerivativeRow]] = relationship(order_by="DerivativeRow.id")


class SightingRow(Base):
    __tablename__ = "sightings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    source_label: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    local_path: Mapped[str | None] = mapped_column(Text)
    original_name: Mapped[str] = mapped_column(Text)
    archived_at: Mapped[datetime]
    archived_by: Mapped[str] = mapped_column(String(200))
    published_at: Mapped[datetime | None]
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    item: Mapped[ItemRow] = relationship(back_populates="sightings")


class DerivativeRow(Base):
    __tablename__ = "derivatives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))  # keyframe
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(100))
    time_s: Mapped[float | None] = mapped_column(Float)


class TelegramPostRow(Base):
    """One part (its media file or its text) of a Telegram post already archived, by the post's
    identity: written in the transaction of the part's sighting, so an interrupted export
    ingest resumes where it stopped and skips what is done without reading it again."""

    __tablename__ = "telegram_posts"
    __table_args__ = (UniqueConstraint("channel_key", "post_id", "part"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel_key: Mapped[str] = mapped_column(String(300), index=True)  # channel123 or name:...
    channel_name: Mapped[str | None] = mapped_column(Text)
    channel_username: Mapped[str | None] = mapped_column(String(64))
    post_id: Mapped[int] = mapped_column(BigInteger)
    part: Mapped[str] = mapped_column(String(10))  # media or text
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    sighting_id: Mapped[int] = mapped_column(ForeignKey("sightings.id"))
    posted_at: Mapped[datetime]
    forwarded_from: Mapped[str | None] = mapped_column(Text)  # the name the export shows
    forwarded_from_key: Mapped[str | None] = mapped_column(String(300))  # channel456, name:...
    forwarded_post_id: Mapped[int | None] = mapped_column(BigInteger)
    forwarded_at: Mapped[datetime | None]  # the original's date, where the export gives it
