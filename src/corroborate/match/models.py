"""Tables of the match capability: stored signatures and the matches found between items.

Every stored match records the signal (name/version), the threshold and the distances, so a
result can be explained later without recomputing it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corroborate.db import Base, utcnow


class SignatureRow(Base):
    """The stored views of one item under one signal (packed hashes, times, views, quality)."""

    __tablename__ = "match_signatures"
    __table_args__ = (UniqueConstraint("item_id", "signal", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    signal: Mapped[str] = mapped_column(String(60))
    version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    duration: Mapped[float] = mapped_column(Float)
    rows: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)  # NumPy .npz, no pickle
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchRow(Base):
    """A verified match found when `query_id` was ingested (or rehashed) against `item_id`."""

    __tablename__ = "match_links"
    __table_args__ = (UniqueConstraint("query_id", "item_id", "signal"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    signal: Mapped[str] = mapped_column(String(60))
    threshold: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    query_share: Mapped[float] = mapped_column(Float)
    item_share: Mapped[float] = mapped_column(Float)
    # [{"query": [t0, t1], "item": [t0, t1], "speed": s, "hits": n, "median_distance": d}]
    segments: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    distances: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClusterRow(Base):
    """A piece of footage, named `FC-0001` from its key when first formed; the name never
    changes as copies arrive. When two pieces turn out to be one, the younger points at the
    older (`merged_into_id`), so its name still resolves."""

    __tablename__ = "footage_clusters"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("footage_clusters.id"), index=True
    )
    merged_at: Mapped[datetime | None] = mapped_column()


class ClusterItemRow(Base):
    """An item's place in a piece of footage as last computed (a compilation is in several)."""

    __tablename__ = "footage_cluster_items"
    __table_args__ = (UniqueConstraint("cluster_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("footage_clusters.id"), index=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    compilation: Mapped[bool] = mapped_column(default=False)
