"""Incident tables: incidents, their evidence links, sources, citations, reviews, and pairs of
incidents a person has ruled are not duplicates. Every write to them goes through the library
functions in `corroborate.incidents`, each of which appends a custody entry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corroborate.archive.models import ItemRow
from corroborate.db import Base


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)  # names the custody subject
    title: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    occurred_from: Mapped[date | None] = mapped_column(Date)
    occurred_to: Mapped[date | None] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(20))
    place_name: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    place_precision: Mapped[str | None] = mapped_column(String(20))
    region: Mapped[str | None] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(2))
    geolocation_note: Mapped[str | None] = mapped_column(Text)
    perpetrator_party: Mapped[str | None] = mapped_column(String(200))
    victim_party: Mapped[str | None] = mapped_column(String(200))
    killed_low: Mapped[int | None] = mapped_column(Integer)
    killed_high: Mapped[int | None] = mapped_column(Integer)
    injured_low: Mapped[int | None] = mapped_column(Integer)
    injured_high: Mapped[int | None] = mapped_column(Integer)
    victim_category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
    last_changed_by: Mapped[str] = mapped_column(String(200))
    # Raised by every change; a save based on an older one is refused (records.check_version).
    # Left out of the state digest while 1, the value rows had when the column was added.
    version: Mapped[int] = mapped_column(
        Integer, default=1, server_default=text("1"), info={"state_omit_if": 1}
    )
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"), index=True)

    evidence: Mapped[list[EvidenceRow]] = relationship(
        back_populates="incident", order_by="EvidenceRow.id"
    )
    citations: Mapped[list[CitationRow]] = relationship(order_by="CitationRow.id")
    reviews: Mapped[list[ReviewRow]] = relationship(order_by="ReviewRow.id")


class EvidenceRow(Base):
    __tablename__ = "incident_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[str | None] = mapped_column(ForeignKey("items.id"), index=True)
    cluster_id: Mapped[str | None] = mapped_column(String(64), index=True)
    cluster_items: Mapped[list[str]] = mapped_column(JSON, default=list)  # as linked
    note: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[datetime]
    linked_by: Mapped[str] = mapped_column(String(200))

    incident: Mapped[IncidentRow] = relationship(back_populates="evidence")
    item: Mapped[ItemRow | None] = relationship()


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    reliability: Mapped[str] = mapped_column(String(1))
    url: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class CitationRow(Base):
    __tablename__ = "incident_citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    credibility: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str | None] = mapped_column(ForeignKey("items.id"))
    note: Mapped[str | None] = mapped_column(Text)
    cited_at: Mapped[datetime]
    cited_by: Mapped[str] = mapped_column(String(200))

    source: Mapped[SourceRow] = relationship()


class ReviewRow(Base):
    __tablename__ = "incident_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    reviewer: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    time: Mapped[datetime]
    status_before: Mapped[str] = mapped_column(String(20))
    status_after: Mapped[str] = mapped_column(String(20))


class DistinctPairRow(Base):
    """Two incidents that share footage but that a person has ruled are different events."""

    __tablename__ = "incident_distinct_pairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    marked_at: Mapped[datetime]
    marked_by: Mapped[str] = mapped_column(String(200))
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
