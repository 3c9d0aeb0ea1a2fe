"""Telegram posts already archived, by identity (channel and post id), for resumable ingest.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "telegram_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_key", sa.String(length=300), nullable=False),
        sa.Column("channel_name", sa.Text(), nullable=True),
        sa.Column("channel_username", sa.String(length=64), nullable=True),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("part", sa.String(length=10), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("sighting_id", sa.Integer(), nullable=False),
        sa.Column("posted_at", sa.DateTime(), nullable=False),
        sa.Column("forwarded_from", sa.Text(), nullable=True),
        sa.Column("forwarded_from_key", sa.String(length=300), nullable=True),
        sa.Column("forwarded_post_id", sa.BigInteger(), nullable=True),
        sa.Column("forwarded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.ForeignKeyConstraint(["sighting_id"], ["sightings.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_key", "post_id", "part"),
    )
    op.create_index("ix_telegram_posts_channel_key", "telegram_posts", ["channel_key"])
    op.create_index("ix_telegram_posts_item_id", "telegram_posts", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_telegram_posts_item_id", table_name="telegram_posts")
    op.drop_index("ix_telegram_posts_channel_key", table_name="telegram_posts")
    op.drop_table("telegram_posts")
