"""What leadgate must beat: a seed-style points scorecard and plain LightGBM on the raw columns."""

from __future__ import annotations

import numpy as np

from leadgate.decision.policy import Policy
from leadgate.features.derived import Derived
from leadgate.features.table import EVENT_TYPES, NUMBER_COLUMNS

# The classic marketing-automation scorecard: points for activity, penalties for bad fit.
SCORECARD_POINTS = {
    "demo_request": 25,
    "pricing_page": 10,
    "email_reply": 15,
    "meeting_booked": 20,
    "content_download": 5,
    "webinar_attended": 5,
    "email_open": 1,
    "email_click": 2,
}
SCORECARD_CAPS = {"pricing_page": 3, "content_download": 3, "email_open": 10, "email_click": 5}


def scorecard_points(derived: Derived, policy: Policy) -> np.ndarray:
    """Seed-style points: + for demo/pricing/replies, - for personal email, student, tiny company, etc."""
    employees_floor = policy.firmographics.employees_floor
    supported = set(policy.firmographics.supported_countries)
    points = np.zeros(derived.table.n)
    for event, value in SCORECARD_POINTS.items():
        count = derived.count(event)
        points += value * np.minimum(count, SCORECARD_CAPS.get(event, 2))
    employees = derived.table.numbers["employees"]
    with np.errstate(invalid="ignore"):
        points -= 20 * (employees < employees_floor)
        points -= 10 * ((employees >= employees_floor) & (employees < 50))
        points += 10 * (employees >= 200)
    points -= 15 * np.isin(derived.domain_class, ["free"])
    points -= 40 * np.isin(derived.domain_class, ["disposable", "academic"])
    points -= 50 * np.isin(derived.domain_class, ["competitor"])
    points -= 40 * derived.is_student
    points -= 30 * np.array([bool(c) and c not in supported for c in derived.country])
    points += 10 * np.isin(derived.seniority, ["executive", "vp", "director"])
    points -= 10 * np.isin(derived.seniority, ["junior"])
    return points


RAW_TEXT_COLUMNS = ("industry", "country", "company_type", "crm", "inquiry_type", "channel", "job_title")


def raw_frame(derived: Derived):
    """The raw lead columns as a pandas frame: numbers, text as categories, uncapped event counts, email domain."""
    import pandas as pd

    table = derived.table
    frame = pd.DataFrame({name: table.numbers[name] for name in NUMBER_COLUMNS if name != "scored_days"})
    frame["age_days"] = table.numbers["scored_days"] - table.numbers["created_days"]
    frame = frame.drop(columns=["created_days"])
    for name in RAW_TEXT_COLUMNS:
        frame[name] = pd.Categorical([v.strip().lower() or None for v in table.text[name]])
    frame["email_domain"] = pd.Categorical([d or None for d in derived.email_domain])
    counts = derived.counts
    for j, event in enumerate(EVENT_TYPES):
        frame[f"n_{event}"] = counts[:, j]
    return frame


def fit_raw_lightgbm(frame_train, y_train: np.ndarray, frame_valid, y_valid: np.ndarray, seed: int = 0):
    """Plain LightGBM on raw columns: no gates, no constraints, default size, early-stopped on validation."""
    import lightgbm

    params = {
        "objective": "binary",
        "verbosity": -1,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        # LightGBM defaults otherwise; raw email domains and job titles have tens of thousands of categories,
        # and searching splits over all of them costs minutes without changing the comparison.
        "max_cat_threshold": 32,
        "min_data_per_group": 50,
    }
    train_set = lightgbm.Dataset(frame_train, label=y_train.astype(float))
    valid_set = lightgbm.Dataset(frame_valid, label=y_valid.astype(float), reference=train_set)
    return lightgbm.train(
        params,
        train_set,
        num_boost_round=400,
        valid_sets=[valid_set],
        callbacks=[lightgbm.early_stopping(30, verbose=False)],
    )
