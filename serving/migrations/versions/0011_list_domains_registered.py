"""A store list's domain entry added with www. is kept by its registered domain, as new entries are.

Revision ID: 0011_list_domains_registered
Revises: 0010_outcome_won_unknown
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from leadgate.features.signals import registered_domain

revision = "0011_list_domains_registered"
down_revision = "0010_outcome_won_unknown"
branch_labels = None
depends_on = None

WHO = "migration 0011"
# The rule as it stood when this migration was written, not as the list code may say later: a migration runs
# on stores upgraded long after, and must do then what it did when it shipped.
DOMAIN_KINDS = ("competitor_domains", "employee_domains", "do_not_engage", "previously_rejected")

entries = sa.table("list_entries", sa.column("kind"), sa.column("value"))
audit = sa.table(
    "list_audit",
    sa.column("kind"),
    sa.column("value"),
    sa.column("action"),
    sa.column("who"),
    sa.column("why"),
    sa.column("at"),
)


def upgrade() -> None:
    """Rewrite "www.acme.com" as "acme.com" (dropped when that is listed already), each step audited.

    The gates compare such an entry as "acme.com" already; rewritten, the entry can be shown, found and
    removed by the value the gates compare, and the audit says why it changed and moves the lists' version.
    """
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(entries.c.kind, entries.c.value).where(
            entries.c.kind.in_(DOMAIN_KINDS), entries.c.value.like("www.%")
        )
    ).all()
    at = datetime.now(UTC)
    for kind, value in rows:
        bare = value.removeprefix("www.")
        if registered_domain(bare) != bare:  # www.eu.acme.com, or a suffix the public list does not know
            continue
        listed = connection.execute(
            sa.select(entries.c.value).where(entries.c.kind == kind, entries.c.value == bare)
        ).first()
        mine = (entries.c.kind == kind) & (entries.c.value == value)
        why = f"www. taken off: the gates compare the registered domain {bare}"
        steps = [{"kind": kind, "value": value, "action": "remove", "who": WHO, "why": why, "at": at}]
        if listed is None:
            connection.execute(sa.update(entries).where(mine).values(value=bare))
            steps.append({"kind": kind, "value": bare, "action": "add", "who": WHO, "why": why, "at": at})
        else:
            connection.execute(sa.delete(entries).where(mine))
        connection.execute(sa.insert(audit), steps)


def downgrade() -> None:
    """Nothing to undo: "acme.com" is what the older code stores for "acme.com", and matches as "www.acme.com" did not."""
