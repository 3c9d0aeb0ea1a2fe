"""Item ids may be longer than 12 hex digits (16, 20, ... when two files share a prefix).

Revision ID: 0006
Revises: 0005

SQLite does not enforce VARCHAR lengths, so only other databases (PostgreSQL) need the
columns widened; the item id and every column that refers to it become VARCHAR(64).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = [
    ("items", "id", False),
    ("derivatives", "item_id", False),
    ("sightings", "item_id", False),
    ("match_signatures", "item_id", False),
    ("match_links", "query_id", False),
    ("match_links", "item_id", False),
    ("incident_evidence", "item_id", True),
    ("incident_citations", "item_id", True),
    ("claims", "item_id", False),
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            type_=sa.String(length=64),
            existing_type=sa.String(length=12),
            existing_nullable=nullable,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column, nullable in reversed(COLUMNS):
        op.alter_column(
            table,
            column,
            type_=sa.String(length=12),
            existing_type=sa.String(length=64),
            existing_nullable=nullable,
        )
