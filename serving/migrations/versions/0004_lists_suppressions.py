"""Maintained lists with an append-only audit, and suppression records.

Revision ID: 0004_lists
Revises: 0003_erasure
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_lists"
down_revision = "0003_erasure"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create list_entries, list_audit and suppressions."""
    op.create_table(
        "list_entries",
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("value", sa.String(300), primary_key=True),
        sa.Column("added_at", Moment, nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("why", sa.String(500), nullable=False),
    )
    op.create_table(
        "list_audit",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("value", sa.String(300), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("why", sa.String(500), nullable=False),
        sa.Column("at", Moment, nullable=False),
    )
    op.create_table(
        "suppressions",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("subject_kind", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(320), nullable=False),
        sa.Column("contact", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("lead_id", sa.String(200)),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("expires_at", Moment),
        sa.Column("lifted_at", Moment),
        sa.Column("lifted_by", sa.String(200)),
        sa.Column("lift_reason", sa.String(500)),
        sa.UniqueConstraint("subject", "contact", "source", "created_at", name="uq_suppressions_same"),
    )
    op.create_index("ix_suppressions_subject", "suppressions", ["subject"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("suppressions")
    op.drop_table("list_audit")
    op.drop_table("list_entries")
