"""Items can be marked sensitive, and a web session can be granted an item's original.

`items.sensitive` starts false on every row; the state digest leaves it out while false (see
`corroborate.custody.state`), so an upgraded archive's logged digests still match its rows.
`media_reveals` is volatile (like `web_sessions`): which session may see which original, until
when. It changes on every reveal and is not bound to the custody log; the reveal itself is.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN, not a batch copy of the table: on SQLite a batch recreates `items`,
    # which every sighting, derivative and evidence link points at (foreign keys are on).
    op.add_column(
        "items", sa.Column("sensitive", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "media_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("holder_sha256", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_media_reveals_holder_sha256", "media_reveals", ["holder_sha256"])
    op.create_index("ix_media_reveals_expires_at", "media_reveals", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_media_reveals_expires_at", table_name="media_reveals")
    op.drop_index("ix_media_reveals_holder_sha256", table_name="media_reveals")
    op.drop_table("media_reveals")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("sensitive")
