"""What the decision store knows of a lead beyond the lead itself, handed to the one pipeline as plain arrays.

The service counts these from the store before deciding (serving/history_store.py); the gates that read
them (rapid submissions, a recent bad-fit rejection of the account, churn for non-payment, an open
escalation, an account-level do-not-engage) never fire without them, so a CSV batch or a back-test without a
store decides exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class HistoryRules(BaseModel):
    """The policy's `history` section: windows and thresholds of the gates counted from the store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ip_window_seconds: float = Field(60, gt=0, description="how far back submissions from one IP count")
    submissions_per_ip: int = Field(5, ge=2, description="this many within the window (this one included)")
    email_window_seconds: float = Field(3600, gt=0, description="how far back submissions of one email count")
    submissions_per_email: int = Field(5, ge=2, description="this many within the window (this one included)")
    bad_fit_months: float = Field(6, gt=0, description="a bad-fit rejection of the account this recent holds")
    bad_fit_reasons: list[str] = Field(
        default_factory=lambda: [
            "not_a_fit_industry",
            "not_a_fit_type",
            "not_a_fit_size",
            "unsupported_region",
            "unsupported_stack",
        ],
        description="rejection reasons about the account; contact reasons (student, no_authority) stay out",
    )

    @property
    def bad_fit_days(self) -> float:
        """The bad-fit window in days (a month is 30.44 days)."""
        return self.bad_fit_months * 30.44


@dataclass(frozen=True)
class HistoryFacts:
    """Per lead, index-aligned with the batch: what the store counted for it as of its arrival."""

    account_domain: np.ndarray  # object: the account it was grouped in, '' for none
    ip_submissions: np.ndarray  # int: submissions from its IP within the policy window, this one included
    email_submissions: np.ndarray  # int: submissions of its email within the policy window, this one included
    bad_fit_rejected_days: np.ndarray  # float: epoch days of the account's latest bad-fit rejection, NaN none
    bad_fit_reason: np.ndarray  # object: that rejection's reason, '' for none
    # bool: that rejection's time was sent with it; else it is when leadgate recorded it (or not known which)
    bad_fit_dated: np.ndarray
    churned_non_payment: np.ndarray  # bool: the account churned for non-payment
    open_escalation: np.ndarray  # bool: the account has an open escalation
    account_do_not_engage: np.ndarray  # bool: the account is marked do-not-engage in the store

    def __len__(self) -> int:
        return len(self.ip_submissions)

    @classmethod
    def empty(cls, n: int) -> HistoryFacts:
        """Facts of n leads the store knows nothing about."""
        return cls(
            account_domain=np.full(n, "", dtype=object),
            ip_submissions=np.zeros(n, dtype=np.int64),
            email_submissions=np.zeros(n, dtype=np.int64),
            bad_fit_rejected_days=np.full(n, np.nan),
            bad_fit_reason=np.full(n, "", dtype=object),
            bad_fit_dated=np.zeros(n, dtype=bool),
            churned_non_payment=np.zeros(n, dtype=bool),
            open_escalation=np.zeros(n, dtype=bool),
            account_do_not_engage=np.zeros(n, dtype=bool),
        )

    @classmethod
    def join(cls, parts: list[HistoryFacts]) -> HistoryFacts:
        """The facts of consecutive batches as one."""
        names = parts[0].__dict__ if parts else cls.empty(0).__dict__
        return cls(**{name: np.concatenate([part.__dict__[name] for part in parts]) for name in names})

    def take(self, start: int, stop: int) -> HistoryFacts:
        """The facts of leads start..stop of the batch."""
        return HistoryFacts(**{name: values[start:stop] for name, values in self.__dict__.items()})
