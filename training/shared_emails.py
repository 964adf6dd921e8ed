"""Leads sharing an email address with an earlier lead: one person learned from twice, the test part's copies."""

from __future__ import annotations

from leadgate.decision.count_words import plural
from leadgate.features.repeated_ids import SHOWN, earlier_holders
from leadgate.training.history import History
from leadgate.training.splits import Split


def shared_emails_note(history: History, split: Split) -> str | None:
    """How many leads share an email address (in any case, blanks ignored) with an earlier lead, how many of
    those later copies the test part holds and how many of them had their first copy trained or validated on;
    None when no two leads share one.

    A note, not a fix: a CRM that made a second record of one person (walk: 63 of 1,793 HubSpot contacts, a
    new Record ID, the same stage) has them trained on twice, and a copy in the test part whose first copy the
    model learned from flatters the test figures; which copy to keep is the data's owner's call."""
    pairs = earlier_holders(lead.contact.email for lead in history.leads)
    if not pairs:
        return None
    shown = ", ".join(
        f"{history.leads[later].lead_id} after {history.leads[first].lead_id}"
        for later, first in pairs[:SHOWN]
    )
    more = ", …" if len(pairs) > SHOWN else ""
    tested = [(later, first) for later, first in pairs if split.test[later]]
    across = sum(not split.test[first] for _, first in tested)
    if not tested:
        test = "none of the later copies is in the test part"
    else:
        one = len(tested) == 1
        test = (
            f"{len(tested):,} of the later copies {'is' if one else 'are'} in the test part, "
            f"{across if across else 'none'} of them with {'its' if one else 'their'} earlier copy among "
            "the leads trained or validated on"
            + (", which flatters the test figures a little" if across else "")
        )
    subject = "1 lead shares" if len(pairs) == 1 else f"{len(pairs):,} leads share"
    return (
        f"{subject} an email address with an earlier lead (case and spaces ignored; by lead id: {shown}"
        f"{more}): each such person is learned from more than once, and {test}. Deduplicate the export "
        "(merge the contacts in the CRM), or keep only the first lead of each address "
        f"({plural(len(pairs), 'lead')} fewer)"
    )
