"""Erasure audit: what is kept of a lead erased on request or by retention, without its identity.

Revision ID: 0003_erasure
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_erasure"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the erasures table."""
    op.create_table(
        "erasures",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("lead_hash", sa.String(64)),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("route", sa.String(20)),
        sa.Column("route_source", sa.String(20)),
        sa.Column("band", sa.String(20)),
        sa.Column("gates", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(200)),
        sa.Column("policy_version", sa.String(100)),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("sql", sa.Boolean()),
        sa.Column("won", sa.Boolean()),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_erasures_lead_hash", "erasures", ["lead_hash"])
    op.create_index("ix_erasures_erased", "erasures", ["erased_at"])


def downgrade() -> None:
    """Drop the erasures table."""
    op.drop_table("erasures")
