"""An outcome records whether its time was sent with it (`at`) or is when leadgate recorded it.

Revision ID: 0012_outcome_at_given
Revises: 0011_list_domains_registered
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_outcome_at_given"
down_revision = "0011_list_domains_registered"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add `outcomes.at_given`; rows stored before stay NULL: whether their time was sent is not known."""
    with op.batch_alter_table("outcomes") as batch:
        batch.add_column(sa.Column("at_given", sa.Boolean(), nullable=True))


def downgrade() -> None:
    """Forget whether each outcome's time was sent with it."""
    with op.batch_alter_table("outcomes") as batch:
        batch.drop_column("at_given")
