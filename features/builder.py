"""Fit, intent, staleness and data-quality features as one float64 matrix (estimator contract)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from leadgate.features import titles
from leadgate.features.category_levels import level_spellings, title_levels
from leadgate.features.custom import CustomField
from leadgate.features.custom_columns import custom_categories, custom_column, level_key
from leadgate.features.derived import DEFAULT_EMPLOYEES_TARGET, Derived, unlisted_classes
from leadgate.features.intent import check_windows, window_days, windows_key
from leadgate.features.table import EVENT_TYPES


@dataclass(frozen=True)
class FeatureSpec:
    """One model column: its reason family, known direction and whether it is categorical."""

    name: str
    family: str
    monotone: int = 0
    categorical: bool = False


# Count features: (event type, cap, monotone direction). Caps stop a bot-like burst from dominating.
COUNTS = (
    ("demo_request", 3, 1, "demo"),
    ("pricing_page", 5, 1, "pricing"),
    ("email_reply", 5, 1, "reply"),
    ("meeting_booked", 3, 1, "meeting"),
    ("meeting_cancelled", 3, 0, "meeting"),
    ("content_download", 5, 0, "content"),
    ("webinar_registered", 3, 0, "webinar"),
    ("webinar_attended", 3, 0, "webinar"),
    ("webinar_no_show", 3, 0, "webinar"),
    ("email_open", 20, 0, "email_engagement"),
    ("email_click", 10, 0, "email_engagement"),
    ("page_view", 30, 0, "web_activity"),
    ("form_submit", 5, 0, "web_activity"),
    ("careers_page", 5, 0, "careers"),
    # An opt-out is a gate's business (a cap or a stop) and also evidence the model should weigh.
    ("unsubscribe", 1, -1, "opt_out"),
)
CATEGORICALS = (
    ("email_domain_class", "email_domain"),
    ("industry", "industry"),
    ("company_type", "company_type"),
    ("country", "country"),
    ("function", "function"),
    ("crm", "stack"),
    ("inquiry_type", "inquiry"),
    ("channel", "channel"),
    # Picklist values the CRM repeats (a campaign, a title chosen from a list) carry signal of their own;
    # free text is pooled into "(other)" by the vocabulary's minimum count.
    ("campaign", "channel"),
    ("job_title", "seniority"),
)
# The most levels a category column learns (each with min_category_count training leads or more); the rest
# are pooled as "(other)". Below LightGBM's 255 bins a column, which would pool the rarest itself. It was 40:
# walk AA's 80 resellers of ~70 leads each lost 0.05-0.10 ROC-AUC to a one-hot regression (45% of leads
# pooled), level with it at 250. A module constant so bench/shapes can ablate it (--set).
MAX_CATEGORIES = 250
# How the job_title column names a title: "read" (a title the rules read is its reading, so 'Head of Sales
# EMEA' is 'Head of Sales'), or "raw" (each spelling its own level, as models trained before it).
TITLE_LEVELS = "read"
_SENIORITY_RANK = {name: rank for rank, name in enumerate(titles.SENIORITIES)}
# Weights of meaningful events in decayed intent; opens and page views carry little buying signal.
INTENT_WEIGHTS = {
    "demo_request": 5.0,
    "meeting_booked": 4.0,
    "email_reply": 3.0,
    "pricing_page": 2.0,
    "webinar_attended": 1.5,
    "content_download": 1.0,
    "webinar_registered": 0.5,
    "email_click": 0.5,
    "form_submit": 1.0,
}

FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec("log10_employees", "company_size"),
    FeatureSpec("log10_below_target_size", "company_size", monotone=-1),
    FeatureSpec("log10_above_target_size", "company_size"),
    FeatureSpec("log10_revenue", "revenue"),
    FeatureSpec("seniority_rank", "seniority"),
    FeatureSpec("email_matches_website", "email_domain"),
    *(FeatureSpec(name, family, categorical=True) for name, family in CATEGORICALS),
    FeatureSpec("log10_cost", "channel"),
    *(FeatureSpec(f"n_{event}", family, monotone=direction) for event, _, direction, family in COUNTS),
    FeatureSpec("days_since_meaningful", "staleness", monotone=-1),
    FeatureSpec("decayed_intent", "staleness", monotone=1),
    FeatureSpec("lead_age_days", "staleness", monotone=-1),
    FeatureSpec("has_website", "data_quality"),
    FeatureSpec("has_company_name", "data_quality"),
    FeatureSpec("company_unidentified", "data_quality"),
    FeatureSpec("log10_message_chars", "data_quality"),
    FeatureSpec("log10_seconds_on_form", "data_quality"),
)
# The built-in columns every model has; a model's own list adds its custom fields (FeatureBuilder.features).
FEATURE_NAMES = tuple(spec.name for spec in FEATURES)
FAMILIES = tuple(dict.fromkeys(spec.family for spec in FEATURES))


def custom_spec(field: CustomField) -> FeatureSpec:
    """The model column of one custom field: its own reason family, its direction, native if a category."""
    return FeatureSpec(field.feature, field.feature, field.monotone, field.type == "category")


def _log10(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(np.maximum(values, 0) + 1)


class FeatureBuilder:
    """Turns derived signals into the model matrix; `fit` learns the categorical vocabularies."""

    def __init__(
        self,
        employees_target: tuple[int, int] = DEFAULT_EMPLOYEES_TARGET,
        half_life_days: float = 30.0,
        max_categories: int | None = None,
        min_category_count: int = 20,
        custom_fields: tuple[CustomField, ...] = (),
        intent_windows: dict[str, float] | None = None,
        title_levels: str | None = None,
    ):
        self.employees_target = employees_target
        self.half_life_days = half_life_days
        self.max_categories = MAX_CATEGORIES if max_categories is None else max_categories
        self.min_category_count = min_category_count
        self.custom_fields = custom_fields
        # Days an event of each intent type counts as current intent; older ones are history, left out of the
        # counts and the decayed intent. None (models trained before windows existed): every event counts.
        self.intent_windows = intent_windows
        self.title_levels = title_levels or TITLE_LEVELS

    @property
    def windows(self) -> tuple[tuple[str, float], ...]:
        """The intent windows as sorted (event type, days) pairs; () when every event counts whatever its age."""
        return windows_key(self.intent_windows)

    @property
    def features(self) -> tuple[FeatureSpec, ...]:
        """This model's columns: the built-in ones, then one per custom field."""
        return FEATURES + tuple(custom_spec(field) for field in self.custom_fields)

    @property
    def feature_names(self) -> tuple[str, ...]:
        """Column names, in matrix order."""
        return tuple(spec.name for spec in self.features)

    @property
    def families(self) -> tuple[str, ...]:
        """Reason families, in first-feature order."""
        return tuple(dict.fromkeys(spec.family for spec in self.features))

    def get_params(self) -> dict:
        """Constructor parameters, logged with every model."""
        return {
            "employees_target": list(self.employees_target),
            "half_life_days": self.half_life_days,
            "max_categories": self.max_categories,
            "min_category_count": self.min_category_count,
            "custom_fields": [field.to_dict() for field in self.custom_fields],
            "intent_windows": dict(self.windows),
            "title_levels": self.title_levels,
        }

    def fit(self, derived: Derived, rows: np.ndarray | None = None) -> FeatureBuilder:
        """Learn each categorical column's vocabulary from the training leads (all, or `rows`)."""
        check_windows(self.intent_windows or {})
        keep = np.ones(derived.table.n, dtype=bool) if rows is None else rows
        self.vocabularies_: dict[str, list[str]] = {}
        for name, _ in CATEGORICALS:
            self.vocabularies_[name] = self._vocabulary(self._category_values(derived, name), keep)
        # How the export spells each custom level ('Demo request', not the key 'demo request'), for words.
        self.spellings_: dict[str, dict[str, str]] = {}
        for field in self.custom_fields:
            if field.type == "category":
                keys = custom_categories(derived, field)
                self.vocabularies_[field.feature] = vocabulary = self._vocabulary(keys, keep)
                self.spellings_[field.feature] = level_spellings(derived, field, keys, keep, vocabulary)
        return self

    def level_names(self, feature: str) -> list[str]:
        """A category column's levels by code, as the training leads spelled them most often."""
        spelled = getattr(self, "spellings_", {}).get(feature, {})
        return [spelled.get(level, level) for level in getattr(self, "vocabularies_", {}).get(feature, [])]

    def category_keys(self, derived: Derived, feature: str) -> list[str]:
        """A category column's value per lead as its vocabulary keys it ("" when missing)."""
        field = next((f for f in self.custom_fields if f.feature == feature), None)
        return custom_categories(derived, field) if field else self._category_values(derived, feature)

    def _vocabulary(self, values, keep: np.ndarray) -> list[str]:
        # Rare levels are pooled into code 0, "(other)", with values unseen in training; missing stays NaN.
        counts = Counter(v for v, k in zip(values, keep, strict=True) if k and v)
        common = [v for v, c in counts.most_common(self.max_categories) if c >= self.min_category_count]
        return ["(other)", *sorted(common)]

    def _category_values(self, derived: Derived, name: str):
        if name == "email_domain_class":
            return unlisted_classes(derived)
        if name == "job_title" and self.title_levels == "read":
            return title_levels(derived)
        if name in ("industry", "company_type", "country", "function", "crm"):
            return getattr(derived, name)
        return [level_key(v) for v in derived.table.text[name]]

    def transform(self, derived: Derived) -> np.ndarray:
        """The (n, features) float64 matrix, in `feature_names` order."""
        if not hasattr(self, "vocabularies_"):
            raise RuntimeError("FeatureBuilder is not fitted: call fit() first")
        table = derived.table
        numbers = table.numbers
        n = table.n
        columns: list[np.ndarray] = []
        employees = numbers["employees"]
        low, high = self.employees_target
        log_employees = _log10(employees)
        columns.append(log_employees)
        columns.append(np.maximum(np.log10(low + 1) - log_employees, 0))
        columns.append(np.maximum(log_employees - np.log10(high + 1), 0))
        columns.append(_log10(numbers["annual_revenue"]))
        columns.append(np.array([_SENIORITY_RANK[s] for s in derived.seniority], dtype=np.float64))
        has_site = derived.website_domain != ""
        matches = np.array(
            [
                e == w or e.endswith("." + w)
                for e, w in zip(derived.email_domain, derived.website_domain, strict=True)
            ],
            dtype=np.float64,
        )
        columns.append(np.where(has_site, matches, np.nan))
        codes = self._codes()
        for name, _ in CATEGORICALS:
            index = codes[name]
            values = self._category_values(derived, name)
            columns.append(np.array([index.get(v, 0) if v else np.nan for v in values], dtype=np.float64))
        columns.append(_log10(numbers["cost"]))
        counts = derived.counts_within(self.windows)
        for event, cap, _, _ in COUNTS:
            columns.append(np.minimum(counts[:, EVENT_TYPES.index(event)], cap))
        since_created = numbers["scored_days"] - numbers["created_days"]
        since_meaningful = derived.days_since_meaningful
        # The form submission that created the lead is itself meaningful activity.
        columns.append(np.fmin(since_meaningful, since_created))
        columns.append(table.decayed_sum(INTENT_WEIGHTS, self.half_life_days, window_days(self.windows)))
        columns.append(since_created)
        columns.append(has_site.astype(np.float64))
        has_name = np.array([bool(c) for c in table.text["company_name"]], dtype=np.float64)
        columns.append(has_name)
        # Neither a company name nor a website: nobody can tell which company this is.
        columns.append(((has_name == 0) & ~has_site).astype(np.float64))
        columns.append(_log10(np.array([len(m) for m in table.text["message"]], dtype=np.float64)))
        columns.append(_log10(numbers["seconds_on_form"]))
        columns += [custom_column(derived, field, codes) for field in self.custom_fields]
        if not n:
            return np.zeros((0, len(self.features)))
        # One (features, n) array transposed: column_stack costs ~1 µs a column, as much as one lead's values.
        return np.ascontiguousarray(np.array(columns, dtype=np.float64).T)

    def _codes(self) -> dict[str, dict[str, int]]:
        # Built once per fitted vocabulary: one lead at a time must not rebuild eight dicts per call.
        if getattr(self, "_codes_for", None) is not self.vocabularies_:
            self._codes_cache = {
                name: {value: code for code, value in enumerate(vocabulary)}
                for name, vocabulary in self.vocabularies_.items()
            }
            self._codes_for = self.vocabularies_
        return self._codes_cache

    def to_dict(self) -> dict:
        """Parameters and learned state, for the model bundle."""
        return {
            "params": self.get_params(),
            "vocabularies": self.vocabularies_,
            "spellings": getattr(self, "spellings_", {}),
        }

    @classmethod
    def from_dict(cls, data: dict) -> FeatureBuilder:
        """Rebuild a fitted builder from `to_dict` output."""
        params = dict(data["params"])
        params["employees_target"] = tuple(params["employees_target"])
        params["custom_fields"] = tuple(CustomField.from_dict(f) for f in params.get("custom_fields", ()))
        # Bundles saved before intent windows have none: every event counts, as it did when they were trained.
        params["intent_windows"] = params.get("intent_windows") or None
        # Bundles saved before title readings named each spelling of a title as its own level.
        params["title_levels"] = params.get("title_levels", "raw")
        builder = cls(**params)
        builder.vocabularies_ = {k: list(v) for k, v in data["vocabularies"].items()}
        # Bundles saved before spellings name each level by its key (lower case).
        builder.spellings_ = {k: dict(v) for k, v in data.get("spellings", {}).items()}
        return builder
