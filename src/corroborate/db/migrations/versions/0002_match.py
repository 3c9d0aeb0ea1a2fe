"""Tables of the match capability: stored perceptual signatures and verified matches.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "match_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=12), nullable=False),
        sa.Column("signal", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("duration", sa.Float(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id", "signal", "version"),
    )
    op.create_index("ix_match_signatures_item_id", "match_signatures", ["item_id"])
    op.create_table(
        "match_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query_id", sa.String(length=12), nullable=False),
        sa.Column("item_id", sa.String(length=12), nullable=False),
        sa.Column("signal", sa.String(length=60), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("query_share", sa.Float(), nullable=False),
        sa.Column("item_share", sa.Float(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=False),
        sa.Column("distances", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["query_id"], ["items.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("query_id", "item_id", "signal"),
    )
    op.create_index("ix_match_links_query_id", "match_links", ["query_id"])
    op.create_index("ix_match_links_item_id", "match_links", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_match_links_item_id", "match_links")
    op.drop_index("ix_match_links_query_id", "match_links")
    op.drop_table("match_links")
    op.drop_index("ix_match_signatures_item_id", "match_signatures")
    op.drop_table("match_signatures")
