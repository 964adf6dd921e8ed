"""The base of every policy section: unknown keys are errors, a loaded policy never changes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A validated, frozen part of the policy file; a misspelt key is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)
