"""The policy's routing and promotion sections: probability thresholds, recall floors, what promotion needs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from leadgate.decision.policy_section import Section
from leadgate.decision.routes import Route


class Thresholds(Section):
    """Lower bounds of calibrated P(SQL) for each model-decided route."""

    sales_ready: float = Field(..., gt=0, lt=1)
    verify: float = Field(..., gt=0, lt=1)
    nurture: float = Field(..., gt=0, lt=1)

    @model_validator(mode="after")
    def _ordered(self) -> Thresholds:
        if not self.sales_ready >= self.verify >= self.nurture:
            raise ValueError("thresholds must satisfy sales_ready >= verify >= nurture")
        return self


class Routing(Section):
    """How probability bands become routes; 'auto' thresholds are chosen in training."""

    recall_floor: float = Field(0.97, gt=0, le=1, description="share of SQLs kept out of self_service")
    sales_ready_precision: float = Field(0.5, gt=0, le=1, description="precision wanted of sales_ready")
    verify_recall: float = Field(0.80, gt=0, le=1, description="share of SQLs sent to sales or verify")
    thresholds: Thresholds | Literal["auto"] = "auto"
    no_model_route: Route = Route.verify


class Promotion(Section):
    """What the shadow period must show before a challenger replaces the champion."""

    min_outcomes: int = Field(200, ge=1, description="shadow-period leads with a known outcome")
    min_sqls: int = Field(20, ge=1, description="SQLs among them, so recall and AUC mean something")
    max_extra_won_hidden: int = Field(
        0, ge=0, description="won deals the challenger would keep from sales that the champion did not"
    )
    # Optional (None: 1% of the shadow period's SQLs), so a policy file written before it keeps its version.
    max_extra_sqls_hidden: int | None = Field(
        None,
        ge=0,
        description="SQLs the challenger would keep from sales that the champion sent on, beyond those the "
        "champion kept that the challenger would send (unset: 1% of the shadow period's SQLs)",
    )
    confidence: float = Field(
        0.95, gt=0.5, lt=1, description="level of the two-sided intervals the margins are checked against"
    )
    auc_margin: float = Field(
        0.005,
        ge=0,
        lt=0.5,
        description="non-inferiority: the lower bound of challenger - champion ROC-AUC must be >= -auc_margin",
    )
    sales_leads_margin: float = Field(
        0.10,
        ge=0,
        description="non-inferiority: the upper bound of the ratio of leads sent to sales at the champion's "
        "SQL recall (challenger / champion) must be <= 1 + sales_leads_margin",
    )
    max_calibration_error: float = Field(
        0.10, gt=0, le=1, description="of the challenger on the shadow leads"
    )
    bootstrap_rounds: int = Field(1000, ge=100, le=100_000)
