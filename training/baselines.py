"""What leadgate must beat: a points scorecard, and plain LightGBM and logistic regression on every export column."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from leadgate.decision.policy import Policy
from leadgate.features.derived import Derived
from leadgate.training.baseline_columns import ColumnFrame, column_frame, lead_frame
from leadgate.training.baseline_words import SCORECARD_SEEN, SHOWN_COLUMNS, column_words
from leadgate.training.history import History
from leadgate.training.leakage import columns_alone
from leadgate.training.splits import Split

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
# The baseline regressions' strengths (sklearn's C) validation chooses among: with C = 1 on every one-hot level
# of a many-valued column a regression overfits (0.56 where the same model on the real columns reached 0.67–0.75),
# and a baseline weaker than a data scientist's own makes leadgate look better than it is.
LOGISTIC_C_GRID = (0.01, 0.1, 1.0, 10.0)
DEFAULT_C = 1.0
LOGISTIC_TOLERANCE = 0.002  # as leadgate's own choices (training.fit.AUC_TOLERANCE): noise keeps the default


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


@dataclass
class Baselines:
    """Plain scorers on the same split as leadgate, their scores on the test part, and what each one saw."""

    scores: dict[str, np.ndarray]  # by BASELINES key
    names: dict[str, list[str]]  # scorer key -> the export columns it learned from (not the scorecard's)
    columns: ColumnFrame
    strongest: list[tuple[str, float]] = field(default_factory=list)  # plain LightGBM's columns by gain share
    alone: list[tuple[str, float]] = field(default_factory=list)  # each column's test ROC-AUC by itself
    # Each export column no baseline learned from, with why: its values (an id, a constant), then the mapping's.
    left_out: dict[str, str] = field(default_factory=dict)
    strengths: dict[str, float] = field(default_factory=dict)  # each regression's C, as validation chose it

    def seen(self, limit: int | None = SHOWN_COLUMNS) -> dict[str, str]:
        """Scorer key -> the columns it learned from, in words: the first `limit` named (None: every one)."""
        said = {"scorecard": SCORECARD_SEEN}
        for key, names in self.names.items():
            every = key in ("raw_lightgbm", "logistic") and self.left_out
            said[key] = column_words(names, limit) + (f"; {len(self.left_out)} left out" if every else "")
            if (
                self.strengths.get(key, DEFAULT_C) != DEFAULT_C
            ):  # validation chose other than sklearn's default
                said[key] += f"; C {self.strengths[key]:g}, chosen on validation"
        return said

    def findings(self, history: History) -> dict:
        """What the verdict reads, as training keeps it with the run (`extras`)."""
        read = set(history.seen_columns)
        return {
            # The plain model's strongest columns, those the mapping does not read first: what to map next.
            "strongest": self.strongest[:10],
            # Each column's test ROC-AUC by itself: one near 1.0 was filled in after contact.
            "alone": self.alone[:10],
            "unread": [(c, g) for c, g in self.strongest if c not in read][:10]
            if history.columns is not None
            else [],
            # Columns leadgate reads only as a length (a free-text message), by plain LightGBM's gain on them.
            "length_only": [(c, g) for c, g in self.strongest if c in _length_only(history)],
            # The export columns leadgate reads (None: a history's lead fields, all of which it reads).
            "read": sorted(read) if history.columns is not None else None,
        }


def _length_only(history: History) -> set[str]:
    """The export columns mapped to a field leadgate reads only the length of: the form's message."""
    return {column for path, column in history.field_columns if path in LENGTH_ONLY_FIELDS}


# Lead fields whose text the model reads only as its length: their words need a mapping's flags.
LENGTH_ONLY_FIELDS = ("form.message",)
# Key, then the label people read. "raw_lightgbm" keeps the metric names earlier runs logged.
BASELINES = {
    "scorecard": "points scorecard",
    "raw_lightgbm": "plain LightGBM, every export column",
    "logistic": "logistic regression, every export column",
    "logistic_seen": "logistic regression, only the columns leadgate reads",
}


GAP_KEYS = ("roc_auc_gap", "roc_auc_gap_low", "roc_auc_gap_high")


def comparison_rows(
    metrics: dict[str, float], seen: dict[str, str], names: dict[str, list[str]] | None = None
) -> list[dict]:
    """One row per scorer (leadgate first): what it learned from, its test ROC-AUC and PR-AUC, its gap."""
    # `names`: each scorer's export columns, kept in full in the row (`column_names`) beside the words.
    labels = {"system": "leadgate (gates + model)", **BASELINES}
    return [
        {
            "scorer": labels[key],
            "key": key,
            "columns": seen[key],
            **({"column_names": names[key]} if names and key in names else {}),
            **{k: metrics[f"test.{key}.{k}"] for k in ("roc_auc", "pr_auc")},
            **{k: metrics[f"test.{key}.{k}"] for k in GAP_KEYS if f"test.{key}.{k}" in metrics},
        }
        for key in seen
    ]


def fit_baselines(
    history: History, derived: Derived, policy: Policy, split: Split, seed: int = 0
) -> Baselines:
    """The scorecard, plain LightGBM and logistic regression on each export column not known after contact."""
    # A mapping that leaves useful columns out shows up here: the plain models see them, leadgate does not.
    import pandas as pd

    own = pd.DataFrame(history.columns) if history.columns is not None else lead_frame(derived.table)
    # The columns leadgate reads are numbers to it whatever their values: never left out as a row id here.
    read = set(history.seen_columns) if history.columns is not None else set(own.columns)
    created = derived.table.numbers["created_days"]
    columns = column_frame(own, created, split.train, history.decimal, read)
    frame, y = columns.frame, history.sql
    scores = {"scorecard": scorecard_points(derived, policy)[split.test]}
    names: dict[str, list[str]] = {}
    strengths: dict[str, float] = {}
    strongest: list[tuple[str, float]] = []
    alone: list[tuple[str, float]] = []
    if columns.used:
        booster = fit_plain_lightgbm(
            frame[split.train], y[split.train], frame[split.valid], y[split.valid], seed
        )
        scores["raw_lightgbm"] = booster.predict(_positional(frame[split.test]))
        gains = booster.feature_importance(importance_type="gain")
        total = max(float(gains.sum()), 1e-12)
        strongest = sorted(zip(frame.columns, gains / total, strict=True), key=lambda item: -item[1])
        logistic = fit_logistic(columns, split.train, split.valid, y)
        scores["logistic"] = logistic(frame[split.test])
        strengths["logistic"] = logistic.strength
        names["raw_lightgbm"] = names["logistic"] = list(frame.columns)  # in the export's order
        alone = columns_alone(columns, y, split.train, split.test)
    mapped = [name for name in frame.columns if name in set(history.seen_columns)]
    if history.columns is not None and mapped and len(mapped) < len(columns.used):
        only = ColumnFrame(
            frame[mapped],
            [c for c in columns.numeric if c in mapped],
            [c for c in columns.categorical if c in mapped],
        )
        logistic_seen = fit_logistic(only, split.train, split.valid, y)
        scores["logistic_seen"] = logistic_seen(frame[mapped][split.test])
        strengths["logistic_seen"] = logistic_seen.strength
        names["logistic_seen"] = mapped
    # The columns the values rule out first: the mapping's are the ones its author already knows of.
    left_out = {**columns.dropped, **dict(history.kept_from_baselines)}
    return Baselines(scores, names, columns, strongest, alone, left_out, strengths)


def fit_plain_lightgbm(frame_train, y_train: np.ndarray, frame_valid, y_valid: np.ndarray, seed: int = 0):
    """Plain LightGBM: no gates, no constraints, default size, early-stopped on validation."""
    import lightgbm

    params = {
        "objective": "binary",
        "verbosity": -1,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        # LightGBM defaults otherwise; searching splits over many categories costs minutes for no change.
        "max_cat_threshold": 32,
        "min_data_per_group": 50,
    }
    # Export headers may hold characters LightGBM refuses in a feature name ("Betrag, brutto"): by position.
    train_set = lightgbm.Dataset(_positional(frame_train), label=y_train.astype(float))
    valid_set = lightgbm.Dataset(_positional(frame_valid), label=y_valid.astype(float), reference=train_set)
    return lightgbm.train(
        params,
        train_set,
        num_boost_round=1000,
        valid_sets=[valid_set],
        callbacks=[lightgbm.early_stopping(30, verbose=False)],
    )


def _positional(frame):
    return frame.set_axis([f"column_{i}" for i in range(frame.shape[1])], axis=1)


def fit_logistic(columns: ColumnFrame, train: np.ndarray, valid: np.ndarray, y: np.ndarray) -> FittedLogistic:
    """Logistic regression: numbers standardized (median for missing, plus a missing flag), categories one-hot;
    its regularization chosen on the validation part, as plain LightGBM's trees are by early stopping."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    encode = ColumnTransformer(
        [
            ("numbers", numbers, columns.numeric),
            ("categories", OneHotEncoder(handle_unknown="ignore"), columns.categorical),
        ]
    )
    inputs = _logistic_inputs(columns, columns.frame)
    design = encode.fit_transform(inputs[train])
    design_valid = encode.transform(inputs[valid])
    labels = y[train].astype(int)
    # Strongest regularization first, each fit starting from the last: a path, as glmnet walks it.
    models = {}
    start = None
    for strength in sorted(LOGISTIC_C_GRID):
        models[strength] = start = _logistic(design, labels, strength, start)
    aucs = {c: float(roc_auc_score(y[valid], m.decision_function(design_valid))) for c, m in models.items()}
    best = max(aucs, key=aucs.get)
    # sklearn's default unless another strength ranks validation better by more than leadgate's own tolerance.
    chosen = best if aucs[best] > aucs[DEFAULT_C] + LOGISTIC_TOLERANCE else DEFAULT_C
    return FittedLogistic(columns, encode, models[chosen], chosen)


def _logistic(design, labels: np.ndarray, strength: float, start):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=strength, max_iter=2000, warm_start=start is not None)
    if start is not None:
        model.coef_, model.intercept_ = start.coef_.copy(), start.intercept_.copy()
    return model.fit(design, labels)


def _logistic_inputs(columns: ColumnFrame, rows):
    """Numbers as they are, categories as text with missing one more level."""
    cats = rows[columns.categorical].astype(object).where(rows[columns.categorical].notna(), "(missing)")
    return rows[columns.numeric].join(cats)


@dataclass
class FittedLogistic:
    """A fitted baseline regression and the regularization validation chose for it."""

    columns: ColumnFrame
    encode: object
    model: object
    strength: float  # sklearn's C

    def __call__(self, rows) -> np.ndarray:
        """P(SQL) of each row."""
        design = self.encode.transform(_logistic_inputs(self.columns, rows))
        return self.model.predict_proba(design)[:, 1]
