"""Review ids are never reused: SQLite's AUTOINCREMENT on reviews (PostgreSQL's identity never reuses).

Revision ID: 0007_review_ids
Revises: 0006_accounts
"""

from alembic import op

revision = "0007_review_ids"
down_revision = "0006_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """On SQLite, rebuild reviews with AUTOINCREMENT, so the id of an erased lead's review is never handed out again."""
    # Without it SQLite gives a new row the highest id + 1, so erasing the newest review frees its id and a
    # sales tool still holding /v1/reviews/{id} would reach another person's review.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("reviews", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass


def downgrade() -> None:
    """Rebuild reviews without AUTOINCREMENT on SQLite."""
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("reviews", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
            pass
