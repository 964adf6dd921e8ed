"""Decision store: leads, append-only decisions, gates per decision.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Create the three tables and their indexes."""
    op.create_table(
        "leads",
        sa.Column("lead_id", sa.String(200), primary_key=True),
        sa.Column("idempotency_key", sa.String(200), unique=True),
        sa.Column("lead", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("lead_id", sa.String(200), sa.ForeignKey("leads.lead_id"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("route_source", sa.String(20), nullable=False),
        sa.Column("band", sa.String(20)),
        sa.Column("p_sql", sa.Float()),
        sa.Column("next_step", sa.String(20), nullable=False),
        sa.Column("public_message", sa.String(40), nullable=False),
        sa.Column("model_version", sa.String(200)),
        sa.Column("model_missing", sa.Boolean(), nullable=False),
        sa.Column("policy_version", sa.String(100), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.UniqueConstraint("lead_id", "seq", name="uq_decisions_lead_seq"),
    )
    op.create_index("ix_decisions_lead_id", "decisions", ["lead_id"])
    op.create_index("ix_decisions_route_decided", "decisions", ["route", "decided_at"])
    op.create_index("ix_decisions_decided", "decisions", ["decided_at"])
    op.create_table(
        "decision_gates",
        sa.Column("decision_id", BigId, sa.ForeignKey("decisions.id"), primary_key=True),
        sa.Column("code", sa.String(60), primary_key=True),
        sa.Column("lifted", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_decision_gates_code", "decision_gates", ["code"])


def downgrade() -> None:
    """Drop everything the upgrade created."""
    op.drop_table("decision_gates")
    op.drop_table("decisions")
    op.drop_table("leads")
