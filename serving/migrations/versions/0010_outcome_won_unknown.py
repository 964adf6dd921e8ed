"""An outcome's won label may be unknown (NULL): a missing won is not a lost deal.

Revision ID: 0010_outcome_won_unknown
Revises: 0009_account_status_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_outcome_won_unknown"
down_revision = "0009_account_status_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Let `outcomes.won` be NULL; rows stored before keep their false, which cannot be told from a real one."""
    with op.batch_alter_table("outcomes") as batch:
        batch.alter_column("won", existing_type=sa.Boolean(), nullable=True)


def downgrade() -> None:
    """Unknown reads as false again, as before this revision."""
    op.execute(sa.text("UPDATE outcomes SET won = false WHERE won IS NULL"))
    with op.batch_alter_table("outcomes") as batch:
        batch.alter_column("won", existing_type=sa.Boolean(), nullable=False)
