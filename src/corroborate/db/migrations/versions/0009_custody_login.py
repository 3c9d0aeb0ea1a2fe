"""Custody entries can name the operating-system login that made them, beside the actor.

A CLI user declares who they are with `--as`; the OS login beside it says which account on the
machine ran the command. Existing entries have none (NULL), and an entry without one hashes
exactly as before, so an upgraded archive's tree still verifies.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("custody_entries") as batch:
        batch.add_column(sa.Column("os_login", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("custody_entries") as batch:
        batch.drop_column("os_login")
