"""The Python API for notebooks: a registered model version as an object that decides and explains leads."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from leadgate.api_inputs import (
    iterable,
    lead_fields_in,
    mapped_columns,
    mapped_leads,
    named_mapping,
    one_table,
)
from leadgate.api_values import WRITTEN, family_words, shown
from leadgate.api_warnings import Decided, notes_as_warnings, warn_dates, warn_decided
from leadgate.decision.record import DecisionRecord
from leadgate.features.column_currencies import with_trained_currencies
from leadgate.features.custom import CustomField
from leadgate.features.money_marks import trained_marks
from leadgate.features.schema import Lead, LeadValidationError
from leadgate.serving.as_of import AsOf
from leadgate.serving.batch import FLAT_COLUMNS, Row, decide_chunk, mapping_mismatch
from leadgate.serving.batch_output import output_row
from leadgate.serving.lead_rows import json_text_row, table_rows
from leadgate.serving.model_loading import LoadedModel

# When leads are decided: None is now; "created" each lead as it stood when created; a datetime one moment.
DecisionTime = datetime | Literal["created"] | None
ACCEPTED = (
    "a DataFrame (columns by lead path, or a CRM export with mapping=), one row of it (a Series), "
    "lead dicts, Leads or lead JSON text"
)


class Scorer:
    """One registered model version and the policy in force: the same pipeline as the API, `score` and back-tests."""

    def __init__(self, loaded: LoadedModel):
        self.loaded = loaded
        self.pipeline = loaded.pipeline()

    def __repr__(self) -> str:
        return f"Scorer({self.version}, policy {self.policy_version})"

    @property
    def version(self) -> str:
        """The model version, as decisions record it (`leadgate/3`)."""
        return self.loaded.model.version

    @property
    def policy_version(self) -> str:
        """The policy deciding, as decisions record it."""
        return self.pipeline.policy.version

    @property
    def feature_names(self) -> tuple[str, ...]:
        """The model's columns, stored with it: built-in ones, then its custom fields."""
        return self.loaded.model.builder.feature_names

    @property
    def custom_fields(self) -> tuple[CustomField, ...]:
        """The custom fields this model declares (what `custom` may hold)."""
        return self.loaded.model.builder.custom_fields

    def decide(self, leads, *, mapping=None, now: DecisionTime = None):
        """Decide leads (a DataFrame or one row of it, lead dicts, Leads or lead JSON text) → a DataFrame, one row
        per lead, `error` where one failed.

        A DataFrame has columns by lead path (`contact.email`, `custom.segment`) as batch CSV files do, or is
        a raw CRM export read through `mapping` (a shipped mapping's name, a file, or a Mapping). `now`: the
        decision time of leads without their own `scored_at` (default now; "created": as each stood when
        created, as back-tests decide). Leads without a custom field every training lead had are counted in
        `.attrs["unlearned_gaps"]` and warned of, as `score` does; `.attrs["drift"]` holds each model column's
        PSI against training (with batch_drift.MIN_LEADS decided leads or more, else []); columns far from it
        are warned of.
        """
        import pandas as pd

        leads = one_table(leads)
        index = leads.index if isinstance(leads, pd.DataFrame) else None
        mapping = None if mapping is None else named_mapping(mapping)
        rows = self._rows(leads, mapping)
        outputs, found = self._decide_rows(rows, now, columns=mapped_columns(mapping))
        frame = pd.DataFrame(outputs, columns=list(FLAT_COLUMNS))
        if index is not None and len(index) == len(frame):
            frame.index = index
        frame.attrs["unlearned_gaps"] = found.gaps
        frame.attrs["drift"] = found.drift
        return frame

    def records(self, leads, *, mapping=None, now: DecisionTime = None) -> list[DecisionRecord | str]:
        """Full decision records (reasons with their contributions, gates with categories); an error string per bad lead."""
        mapping = None if mapping is None else named_mapping(mapping)
        rows = self._rows(one_table(leads), mapping)
        outputs, _ = self._decide_rows(rows, now, full=True, columns=mapped_columns(mapping))
        return [DecisionRecord.from_json(o) if o["error"] is None else o["error"] for o in outputs]

    def explain(self, lead, *, mapping=None, now: DecisionTime = None):
        """One lead's exact SHAP contributions per model column (log-odds), with its values, strongest first.

        `lead` is a lead dict or Lead, or one export row (a dict or a one-row DataFrame) read through `mapping`.
        Columns: `feature`, its reason `family`, `value` (the lead's value as the model reads it, in the lead's
        terms: a category's level, not its code, a title, campaign or channel as the lead wrote it, a
        seniority's name, not its rank, a custom flag or date as its reasons say it; amounts and counts as
        the model reads them: log10(1 + employees), a capped count), `contribution` and `words` (what a reason
        of the family says of this lead, the meaning of a coded value: 'Company size 400 employees, in the
        target range 50–5,000').
        """
        import numpy as np
        import pandas as pd

        as_of = AsOf(now)
        parsed = as_of.pin(Row(1, self._lead(one_table(lead), mapping), None, None)).lead
        warn_decided(self.loaded.model, [parsed], as_of, stacklevel=3, batch=False)
        decisions = self.pipeline.decide([parsed])
        if decisions.matrix is None:
            raise ValueError("no model: nothing to explain (the policy alone decided)")
        contributions = self.loaded.model.contributions(decisions.matrix)[0]
        builder = self.loaded.model.builder
        specs = builder.features
        values = decisions.matrix[0].tolist()
        written = {name: decisions.derived.table.text[name][0] for name in WRITTEN}
        words = family_words(decisions)
        # Strongest first, ordered before the frame is made: looking a column up by name makes pandas enter
        # catch_warnings, which resets Python's once-per-line memory, and the old-lead warning came back on every
        # call of a notebook's loop (walk tiny F12) where `decide` says it once.
        order = np.argsort(-np.abs(contributions[: len(specs)]), kind="stable")
        frame = pd.DataFrame(
            {
                "feature": [specs[i].name for i in order],
                "family": [specs[i].family for i in order],
                "value": [shown(builder, specs[i], values[i], parsed.custom, written) for i in order],
                # A column the model's terms leave flat shows 0, not a centring's rounding (4.4e-14).
                "contribution": np.where(np.abs(contributions[order]) < 1e-12, 0.0, contributions[order]),
                "words": [words[specs[i].family] for i in order],
            }
        )
        frame.attrs = {
            "base_value": float(contributions[-1]),
            "raw_score": float(contributions.sum()),
            "p_sql": float(decisions.p_sql[0]),
            "route": decisions.record(0).route,
        }
        return frame

    def _decide_rows(
        self, rows: list[Row], now: DecisionTime, full: bool = False, columns: dict[str, str] | None = None
    ) -> tuple[list[dict], Decided]:
        """One output per row, and what was warned of the decided leads, as `score` tells it (gaps, drift);
        `columns`: a mapping's export column per lead path, to name values by."""
        # A fixed decision time, for back-tests by hand: each lead as of `now` unless it says otherwise.
        as_of = AsOf(now)
        outcomes, decisions = decide_chunk(self.pipeline, list(as_of.rows(rows)))
        decided = [row.lead for row, record in outcomes if record is not None]
        found = warn_decided(self.loaded.model, decided, as_of, columns=columns, decisions=decisions)
        return [output_row(row, record, full) for row, record in outcomes], found

    def _lead(self, lead, mapping=None) -> Lead:
        # A dict or Lead is one lead; a DataFrame must hold one row. Warnings point at explain's caller.
        rows = self._rows(lead, mapping, stacklevel=5)
        if len(rows) != 1:
            raise ValueError(f"explain takes one lead, got {len(rows)}")
        row = rows[0]
        if row.lead is None:
            raise LeadValidationError([row.error])
        problems = self.pipeline.custom_problems(row.lead)
        if problems:
            raise LeadValidationError(problems)
        return row.lead

    def _rows(self, leads, mapping, stacklevel: int = 4) -> list[Row]:
        import pandas as pd

        if isinstance(leads, Lead | dict | str):
            leads = [leads]
        if not isinstance(leads, pd.DataFrame) and not iterable(leads):
            raise ValueError(f"leads are {ACCEPTED}; got {type(leads).__name__}")
        if mapping is not None:
            mapping = named_mapping(mapping)
            problem = mapping_mismatch(mapping, self.custom_fields, self.version)
            if problem:  # every row would fail: one error, as `score` refuses
                raise ValueError(
                    f"{problem} Load the model trained on this one (leadgate.load('challenger'), or "
                    "data_dir= the folder it was trained in)"
                )
            warn_dates(self.loaded.model, mapping, stacklevel)
            marks = trained_marks(self.loaded.model.metadata)
            # A cell in another currency than training read the column in is its row's error, as in `score`.
            mapping = with_trained_currencies(mapping, self.loaded.model.metadata.get("currencies"))
            return notes_as_warnings(lambda: mapped_leads(leads, mapping, marks), stacklevel)
        if isinstance(leads, pd.DataFrame):
            lead_fields_in([str(column) for column in leads.columns])
            # As `score` reads a CSV: text cells of custom fields by the model's types, rows numbered as the file.
            currencies = self.loaded.model.metadata.get("currencies")
            return list(table_rows(leads.to_dict(orient="records"), self.custom_fields, currencies))
        leads = list(leads)
        if leads and all(isinstance(lead, dict) for lead in leads):  # export rows as dicts, as a DataFrame's
            lead_fields_in(list(dict.fromkeys(str(key) for lead in leads for key in lead)))
        # Text is a lead's JSON, as the pyfunc takes it: never a row's error message, which would echo the lead.
        return [
            json_text_row(number, lead) if isinstance(lead, str) else Row.of(number, lead)
            for number, lead in enumerate(leads, start=1)
        ]


def load(
    alias: str | None = None,
    *,
    version: int | str | None = None,
    data_dir: str | Path | None = None,
    policy: str | Path | None = None,
) -> Scorer:
    """A registered model version (by alias, champion by default, or by number) ready to decide."""
    import warnings

    if alias is not None and version is not None:  # one would be silently ignored: the wrong model compared
        raise ValueError(f"give alias or version, not both (alias={alias!r}, version={version!r})")

    from leadgate.serving.model_loading import load_by_alias, load_registered_version
    from leadgate.settings_env import COMMON_SETTINGS, settings_from_env

    overrides = {}
    if data_dir is not None:
        overrides["data_dir"] = Path(data_dir)
    if policy is not None:
        overrides["policy_path"] = Path(policy)
    # A bad setting load() reads raises SettingsError naming its variable; one it does not read is a warning.
    settings, passed_over = settings_from_env(overrides, COMMON_SETTINGS)
    for problem in passed_over:
        warnings.warn(f"{problem} (not read by leadgate.load, so ignored here)", stacklevel=2)
    if version is not None:
        return Scorer(load_registered_version(settings, str(version)))
    return Scorer(load_by_alias(settings, alias or "champion"))
