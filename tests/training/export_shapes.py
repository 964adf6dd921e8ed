"""Synthetic export "shapes" that broke real trainings: written as the CRM would write them, seeded."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

# A `;`-separated European export without ids or dates: its own picklists, a decimal-comma budget.
SHOP_MAPPING = """\
name: shop
description: a B2C shop's CRM, semicolons, no ids, no dates
decimal: ","
fields:
  company.country: {column: Land}
custom:
  segment: {column: Segment}
  product_line: {column: Produktlinie, label: Product line}
  landing_page: {column: Landingpage, label: Landing page}
  budget: {column: Budget freigegeben, type: flag, label: Budget allocated, true_values: [ja]}
  calls: {column: Anrufe, type: integer, label: Calls this campaign}
  budget_eur: {column: Budget, type: number, label: Budget (EUR)}
label:
  sql: {column: Ergebnis}
  sql_positive: [Yes]
after_contact: [Betreuer]
"""

SEGMENTS = ("privat", "kleinbetrieb", "mittelstand", "konzern")
LINES = ("basis", "plus", "pro", "enterprise", "addon", "service")
PAGES = tuple(f"/lp/{name}" for name in ("a", "b", "c", "d", "e", "f", "g", "h"))


def shop_rows(n: int = 3000, seed: int = 0) -> list[dict]:
    """Rows whose outcome depends on the shop's own columns (segment, budget flag, calls), not on schema fields."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        segment = rng.choice(SEGMENTS, p=(0.4, 0.3, 0.2, 0.1))
        budget = rng.random() < 0.35
        calls = int(rng.poisson(2))
        logit = -1.6 + {"privat": -0.8, "kleinbetrieb": 0.0, "mittelstand": 0.6, "konzern": 1.0}[segment]
        logit += 1.4 * budget + 0.35 * min(calls, 6)
        converted = rng.random() < 1 / (1 + np.exp(-logit))
        rows.append(
            {
                "Segment": segment,
                "Produktlinie": rng.choice(LINES),
                "Landingpage": rng.choice(PAGES),
                "Budget freigegeben": "ja" if budget else "nein",
                "Anrufe": str(calls),
                "Budget": f"{rng.gamma(2, 900):.2f}".replace(".", ","),
                "Land": rng.choice(("DE", "AT", "CH")),
                "Ergebnis": "Yes" if converted else "No",
                "Betreuer": rng.choice(("kim", "alex")) if converted else "",
            }
        )
    return rows


def shop_new_leads(n: int, seed: int, budget_times: float = 1.0) -> list[dict]:
    """New leads of the shop export (no outcome columns), their Budget multiplied by `budget_times`."""
    rows = []
    for row in shop_rows(n, seed):
        budget = float(row["Budget"].replace(",", ".")) * budget_times
        new = {k: v for k, v in row.items() if k not in ("Ergebnis", "Betreuer")}
        rows.append({**new, "Budget": f"{budget:.2f}".replace(".", ",")})
    return rows


def register_shop_models(folder: Path, mappings: list[str]):
    """Settings of a data folder with one model per mapping of `shop_rows()`: the first champion, the next
    challenger (MLflow's exported tracking URI put back as it was)."""
    import os

    from leadgate.decision.policy import load_policy
    from leadgate.features.mapping import parse_mapping
    from leadgate.settings import Settings
    from leadgate.training.exports import history_from_export
    from leadgate.training.registry import log_training
    from leadgate.training.train import train_model

    policy = load_policy()
    saved = {k: os.environ.pop(k, None) for k in ("DATABASE_URL", "MLFLOW_TRACKING_URI")}
    settings = Settings(data_dir=folder)
    for mapping in mappings:
        history = history_from_export(shop_rows(), parse_mapping(mapping)).history
        log_training(train_model(history, policy, seed=0), policy, settings, {"path": "shop", "leads": 3000})
    for key, value in saved.items():
        os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    return settings


def write_csv(path: Path, rows: list[dict], delimiter: str = ";", encoding: str = "utf-8-sig") -> Path:
    """Rows as a CSV the way Excel writes one (BOM, semicolons)."""
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


# An export with dates whose newer leads convert on the opposite signal: a regime shift.
SHIFT_MAPPING = """\
name: shift
lead_id: {column: Id}
created_at: {column: Created, type: datetime}
custom:
  webinars: {column: Webinars, type: integer}
label:
  sql: {column: Converted}
  sql_positive: ["1"]
"""


def shift_rows(n: int = 2400, seed: int = 0, switch: float = 0.7) -> list[dict]:
    """Older leads convert when they attended webinars; from `switch` on, the ones who did not convert."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    rows = []
    for i in range(n):
        webinars = int(rng.integers(0, 4))
        strength = webinars if i < switch * n else 3 - webinars
        converted = rng.random() < 0.1 + 0.25 * strength
        rows.append(
            {
                "Id": f"s-{i}",
                "Created": (start + timedelta(hours=3 * i)).isoformat(),
                "Webinars": str(webinars),
                "Converted": "1" if converted else "0",
            }
        )
    return rows


# A typed export whose outcome is a smooth sum of its columns' effects: a straight line's world, where trees
# alone need more leads than a small CRM has.
ADDITIVE_MAPPING = """\
name: additive
lead_id: {column: Id}
created_at: {column: Created, type: datetime}
custom:
  visits: {column: Visits, type: number, direction: increasing}
  minutes: {column: Minutes on site, type: number}
  score: {column: Partner score, type: number}
  tenure: {column: Tenure, type: number}
  region: {column: Region, type: category}
  plan: {column: Plan, type: category}
label:
  sql: {column: Converted}
  sql_positive: ["1"]
"""


def additive_rows(n: int = 3000, seed: int = 0) -> list[dict]:
    """Each column adds a little log-odds, independently of the others; some values are missing."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    regions = {f"r{i}": effect for i, effect in enumerate(rng.normal(0, 0.5, 8))}
    plans = {f"p{i}": effect for i, effect in enumerate(rng.normal(0, 0.3, 20))}
    rows = []
    for i in range(n):
        visits, minutes = rng.gamma(2, 3), rng.lognormal(3, 1)
        score, tenure = rng.normal(), rng.uniform(0, 10)
        region, plan = rng.choice(list(regions)), rng.choice(list(plans))
        logit = -2.2 + 0.08 * visits + 0.3 * np.log(minutes) + 0.4 * score - 0.06 * tenure
        logit += regions[region] + plans[plan]
        rows.append(
            {
                "Id": f"a-{i}",
                "Created": (start + timedelta(hours=2 * i)).isoformat(),
                "Visits": "" if rng.random() < 0.1 else f"{visits:.0f}",
                "Minutes on site": f"{minutes:.1f}",
                "Partner score": f"{score:.3f}",
                "Tenure": f"{tenure:.1f}",
                "Region": region,
                "Plan": plan,
                "Converted": "1" if rng.random() < 1 / (1 + np.exp(-logit)) else "0",
            }
        )
    return rows


def coin_test_records(n: int = 600, twins: int = 60, seed: int = 0) -> list[dict]:
    """A synthetic history whose newest leads (the time split's test part) no model can rank: each of the
    newest `twins` leads twice, identical but for its id, once an SQL and once not, so any model's test ROC-AUC
    is 0.500 exactly, which chance could give; the older leads keep the generator's signal for validation."""
    import copy

    from leadgate.decision.policy import load_policy
    from leadgate.training.synth import generate_history

    records = generate_history(n_leads=n, months=12, seed=seed, policy=load_policy())
    records.sort(key=lambda record: record["created_at"])
    for record in records[-twins:]:
        twin = copy.deepcopy(record)
        twin["lead_id"] += "-twin"
        record["outcome"], twin["outcome"] = {"sql": True, "won": False}, {"sql": False, "won": False}
        records.append(twin)
    return records
