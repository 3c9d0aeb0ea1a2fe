"""Footage clusters with stable names (FC-0001) and the items each holds.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "footage_clusters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["merged_into_id"], ["footage_clusters.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_footage_clusters_merged_into_id", "footage_clusters", ["merged_into_id"])
    op.create_table(
        "footage_cluster_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("compilation", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["cluster_id"], ["footage_clusters.id"]),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cluster_id", "item_id"),
    )
    op.create_index("ix_footage_cluster_items_cluster_id", "footage_cluster_items", ["cluster_id"])
    op.create_index("ix_footage_cluster_items_item_id", "footage_cluster_items", ["item_id"])


def downgrade() -> None:
    op.drop_index("ix_footage_cluster_items_item_id", table_name="footage_cluster_items")
    op.drop_index("ix_footage_cluster_items_cluster_id", table_name="footage_cluster_items")
    op.drop_table("footage_cluster_items")
    op.drop_index("ix_footage_clusters_merged_into_id", table_name="footage_clusters")
    op.drop_table("footage_clusters")
