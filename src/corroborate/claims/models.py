"""Claims read from archived reports, stored with the item they came from."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from corroborate.db import Base


class ClaimRow(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(ForeignKey("items.id"), index=True)
    count: Mapped[int]
    count_high: Mapped[int | None]
    qualifier: Mapped[str] = mapped_column(String(20))
    event: Mapped[str] = mapped_column(String(20), index=True)
    victims: Mapped[str | None] = mapped_column(Text)
    victim_category: Mapped[str] = mapped_column(String(20))
    claimant: Mapped[str | None] = mapped_column(Text)
    period: Mapped[str | None] = mapped_column(Text)
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(Text)
    place_resolved: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sentence: Mapped[str] = mapped_column(Text)
    char_start: Mapped[int]
    char_end: Mapped[int]
    created_at: Mapped[datetime]
