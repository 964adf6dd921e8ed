"""Human review of automatic decisions (GDPR Art. 22): review tokens and items, sales overrides, sales feedback.

Revision ID: 0005_reviews
Revises: 0003_erasure
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_reviews"
down_revision = "0004_lists"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _lead() -> sa.Column:
    return sa.Column("lead_id", sa.String(200), sa.ForeignKey("leads.lead_id"), nullable=False)


def upgrade() -> None:
    """Add leads.review_token; create reviews, overrides and feedback."""
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("review_token", sa.String(64)))
        batch.create_unique_constraint("uq_leads_review_token", ["review_token"])
    op.create_table(
        "reviews",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        _lead(),
        sa.Column("decision_seq", sa.Integer(), nullable=False),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("control", sa.String(20), nullable=False),
        sa.Column("p_sql", sa.Float()),
        sa.Column("message", sa.String(2000)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("note", sa.String(2000)),
        sa.Column("resolved_by", sa.String(100)),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("lead_id", "decision_seq", name="uq_reviews_lead_seq"),
    )
    op.create_index("ix_reviews_lead_id", "reviews", ["lead_id"])
    op.create_index("ix_reviews_status_opened", "reviews", ["status", "opened_at"])
    op.create_index("ix_reviews_resolved_at", "reviews", ["resolved_at"])
    op.create_table(
        "overrides",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        _lead(),
        sa.Column("route", sa.String(20), nullable=False),
        sa.Column("reason_code", sa.String(20), nullable=False),
        sa.Column("note", sa.String(2000)),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True)),
        sa.Column("lifted_by", sa.String(100)),
        sa.Column("lift_note", sa.String(2000)),
    )
    op.create_index("ix_overrides_lead_id", "overrides", ["lead_id"])
    op.create_table(
        "feedback",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        _lead(),
        sa.Column("verdict", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("note", sa.String(2000)),
        sa.Column("recorded_by", sa.String(100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_feedback_lead_id", "feedback", ["lead_id"])


def downgrade() -> None:
    """Drop feedback, overrides, reviews and leads.review_token."""
    for table in ("feedback", "overrides", "reviews"):
        op.drop_table(table)
    with op.batch_alter_table("leads") as batch:
        batch.drop_constraint("uq_leads_review_token", type_="unique")
        batch.drop_column("review_token")
