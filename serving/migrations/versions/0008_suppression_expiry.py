"""Suppressions record when their expiry was acted on, so each expired one re-decides its leads once.

Revision ID: 0008_suppression_expiry
Revises: 0007_review_ids
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_suppression_expiry"
down_revision = "0007_review_ids"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `expiry_settled_at`; suppressions that expired before it are settled by the first sweep."""
    with op.batch_alter_table("suppressions") as batch:
        batch.add_column(sa.Column("expiry_settled_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    """Drop `expiry_settled_at`."""
    with op.batch_alter_table("suppressions") as batch:
        batch.drop_column("expiry_settled_at")
