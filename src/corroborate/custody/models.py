"""Custody log tables: entries (never updated or deleted), signed tree heads, timestamp tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from corroborate.db import Base


class CustodyEntryRow(Base):
    __tablename__ = "custody_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    # the OS account that ran the CLI command, beside the declared actor (None: from the web
    # workspace, where the actor is a logged-in account, or before migration 0009)
    os_login: Mapped[str | None] = mapped_column(String(200), default=None)
    action: Mapped[str] = mapped_column(String(100))
    subject_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON, stored exactly as hashed
    leaf_hash: Mapped[str] = mapped_column(String(64))


class TreeHeadRow(Base):
    __tablename__ = "tree_heads"

    tree_size: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[datetime]
    signature: Mapped[str] = mapped_column(String(200))
    key_id: Mapped[str] = mapped_column(String(64))
    frontier: Mapped[str] = mapped_column(Text)  # JSON list of hex subtree roots (compact range)


class TimestampTokenRow(Base):
    __tablename__ = "timestamp_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    tree_size: Mapped[int] = mapped_column(ForeignKey("tree_heads.tree_size"), index=True)
    tsa_url: Mapped[str] = mapped_column(Text)
    response: Mapped[bytes] = mapped_column(LargeBinary)
    gen_time: Mapped[datetime]
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
