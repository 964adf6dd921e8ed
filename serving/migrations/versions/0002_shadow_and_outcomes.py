"""Shadow decisions of a challenger model, and sales outcomes of leads.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create shadow_decisions and outcomes."""
    op.create_table(
        "shadow_decisions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("lead_id", sa.String(200), sa.ForeignKey("leads.lead_id"), nullable=False),
        sa.Column("model_version", sa.String(200), nullable=False),
        sa.Column("policy_version", sa.String(100), nullable=False),
        sa.Column("route", sa.String(20)),
        sa.Column("band", sa.String(20)),
        sa.Column("p_sql", sa.Float()),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("error", sa.String(500)),
        sa.Column("record", sa.JSON()),
        sa.UniqueConstraint("lead_id", "model_version", name="uq_shadow_lead_model"),
    )
    op.create_index("ix_shadow_decisions_lead_id", "shadow_decisions", ["lead_id"])
    op.create_index("ix_shadow_model_decided", "shadow_decisions", ["model_version", "decided_at"])
    op.create_table(
        "outcomes",
        sa.Column("lead_id", sa.String(200), sa.ForeignKey("leads.lead_id"), primary_key=True),
        sa.Column("sql", sa.Boolean(), nullable=False),
        sa.Column("won", sa.Boolean(), nullable=False),
        sa.Column("rejection_reason", sa.String(100)),
        sa.Column("feedback", sa.String(2000)),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_outcomes_recorded_at", "outcomes", ["recorded_at"])


def downgrade() -> None:
    """Drop both tables."""
    op.drop_table("outcomes")
    op.drop_table("shadow_decisions")
