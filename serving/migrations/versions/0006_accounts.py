"""Accounts: each lead's company domain, email and source IP as indexed columns (backfilled), account status.

Revision ID: 0006_accounts
Revises: 0003_erasure
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_accounts"
down_revision = "0005_reviews"
branch_labels = None
depends_on = None

BACKFILL_CHUNK = 1_000


def upgrade() -> None:
    """Add the columns and their indexes, fill them from every stored lead, create account_status."""
    with op.batch_alter_table("leads") as batch:
        batch.add_column(sa.Column("account_domain", sa.String(253)))
        batch.add_column(sa.Column("email", sa.String(320)))
        batch.add_column(sa.Column("source_ip", sa.String(64)))
    _backfill()
    op.create_index("ix_leads_account_domain", "leads", ["account_domain"])
    op.create_index("ix_leads_ip_received", "leads", ["source_ip", "received_at"])
    op.create_index("ix_leads_email_received", "leads", ["email", "received_at"])
    op.create_table(
        "account_status",
        sa.Column("domain", sa.String(253), primary_key=True),
        sa.Column("do_not_engage", sa.Boolean(), nullable=False),
        sa.Column("churned_non_payment", sa.Boolean(), nullable=False),
        sa.Column("open_escalation", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def _backfill() -> None:
    # The same keys a new lead gets when stored: one definition, in features/accounts.py.
    from leadgate.features.accounts import ContactKeys

    leads = sa.table(
        "leads",
        sa.column("lead_id", sa.String),
        sa.column("lead", sa.JSON),
        sa.column("account_domain", sa.String),
        sa.column("email", sa.String),
        sa.column("source_ip", sa.String),
    )
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.select(leads.c.lead_id).order_by(leads.c.lead_id))]
    update = (
        sa.update(leads)
        .where(leads.c.lead_id == sa.bindparam("key"))
        .values(
            account_domain=sa.bindparam("account_domain"),
            email=sa.bindparam("email"),
            source_ip=sa.bindparam("source_ip"),
        )
    )
    for start in range(0, len(ids), BACKFILL_CHUNK):
        chunk = ids[start : start + BACKFILL_CHUNK]
        rows = connection.execute(sa.select(leads.c.lead_id, leads.c.lead).where(leads.c.lead_id.in_(chunk)))
        values = []
        for lead_id, lead in rows:
            keys = ContactKeys.of(lead or {})
            values.append(
                {
                    "key": lead_id,
                    "account_domain": keys.account_domain or None,
                    "email": keys.email or None,
                    "source_ip": keys.ip or None,
                }
            )
        if values:
            connection.execute(update, values)


def downgrade() -> None:
    """Drop account_status, the indexes and the columns."""
    op.drop_table("account_status")
    op.drop_index("ix_leads_email_received", "leads")
    op.drop_index("ix_leads_ip_received", "leads")
    op.drop_index("ix_leads_account_domain", "leads")
    with op.batch_alter_table("leads") as batch:
        batch.drop_column("source_ip")
        batch.drop_column("email")
        batch.drop_column("account_domain")
