"""Account tables.

`users` and `api_tokens` are evidence of who may act, so they are bound to the custody log like
every other table (a role raised by a direct database edit is found by `verify`). Failed logins,
a token's last use and web sessions change on every request: they live in their own metadata
(`VolatileBase`), outside the state the log binds, and are written without custody entries.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from corroborate.db import Base, UTCDateTime


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, PHC string
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiTokenRow(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)  # never the token
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class VolatileBase(DeclarativeBase):
    """Tables that change per request and are deliberately not bound to the custody log."""

    type_annotation_map = {datetime: UTCDateTime}


class LoginFailureRow(VolatileBase):
    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(200), index=True)  # as typed, known or not
    address: Mapped[str] = mapped_column(String(100), index=True)
    time: Mapped[datetime] = mapped_column(index=True)


class TokenUseRow(VolatileBase):
    __tablename__ = "api_token_uses"

    token_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_used: Mapped[datetime]


class WebSessionRow(VolatileBase):
    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)  # never the cookie
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class MediaRevealRow(VolatileBase):
    """A session (or token) may see one sensitive item's original until `expires_at`. The grant
    is volatile; the reveal that made it is a custody entry (`media.reveal`)."""

    __tablename__ = "media_reveals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    holder_sha256: Mapped[str] = mapped_column(String(64), index=True)  # never the cookie
    item_id: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
