"""Custom fields named like another tool's lead score: asked whether the export holds each lead's first value."""

from __future__ import annotations

import re

from leadgate.features.custom import CustomField

# Another tool's lead score (HubSpot Score, Marketo Lead Score, Pardot Grade, a Rating) is kept up to date: walk
# AC's Marketo score, mapped as a number (0.78 alone, under the leak lines), lifted held-out ROC-AUC above what
# the true probabilities reach, and nothing was said.
SCORE_NAME = re.compile(r"(?<![a-z])(score|grade|rating)(?![a-z])", re.IGNORECASE)


def score_notes(field: CustomField, column: str | None, advice: dict) -> list[str]:
    """A field named like another tool's lead score: asked whether it holds the value each lead arrived with."""
    if not any(SCORE_NAME.search(name) for name in (field.name, field.label, column or "")):
        return []
    return [
        f"custom field {field.name}: named like a lead score another tool keeps up to date (it rises with "
        "emails opened, meetings and the sales contact that makes a lead an SQL): if the export holds its value "
        f"of today rather than the one each lead arrived with, it gives the outcome away — {advice['late']} "
        "unless it is fixed when a lead arrives"
    ]
