"""Account status records who changed it, and keeps every change in an append-only audit.

Revision ID: 0009_account_status_audit
Revises: 0008_suppression_expiry
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_account_status_audit"
down_revision = "0008_suppression_expiry"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    """Add `account_status.updated_by` (empty for statuses set before) and create `account_status_audit`."""
    with op.batch_alter_table("account_status") as batch:
        batch.add_column(sa.Column("updated_by", sa.String(200)))
    op.create_table(
        "account_status_audit",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("decided", sa.Integer(), nullable=False),
    )
    op.create_index("ix_account_status_audit_domain", "account_status_audit", ["domain", "id"])


def downgrade() -> None:
    """Drop the audit and `updated_by`."""
    op.drop_index("ix_account_status_audit_domain", "account_status_audit")
    op.drop_table("account_status_audit")
    with op.batch_alter_table("account_status") as batch:
        batch.drop_column("updated_by")
