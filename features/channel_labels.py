"""Words for the channel codes leadgate's own data and docs use: a rep reads "Content syndication", not a code."""

from __future__ import annotations

# Only leadgate's own codes (the demo generator's and the docs'): a channel a CRM spelled its own way
# ("LinkedIn Lead Gen", HubSpot's "ORGANIC_SEARCH") is the customer's word for it, and is shown as written.
CHANNEL_LABELS = {
    "paid_search": "Paid search",
    "paid_social": "Paid social",
    "organic": "Organic search",
    "referral": "Referral",
    "events": "Events",
    "partner": "Partner",
    "content_syndication": "Content syndication",
    "outbound": "Outbound",
    "direct": "Direct traffic",
    "email": "Email",
}


def channel_label(channel: str) -> str:
    """The channel in a rep's words: the label of one of leadgate's codes, else the value as it was sent."""
    return CHANNEL_LABELS.get(channel, channel)
