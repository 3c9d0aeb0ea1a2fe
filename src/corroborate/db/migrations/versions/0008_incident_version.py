"""Incidents get a version number, so that a stale second save is refused, not silently lost.

Existing rows start at 1. The state digest leaves `version` out while it is 1 (see
`corroborate.custody.state`), so an upgraded archive's logged digests still match its rows.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default=sa.text("1"))
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("version")
