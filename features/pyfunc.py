"""The MLflow pyfunc wrapper: a registered model version is the whole decision pipeline."""

from __future__ import annotations

import json

import mlflow.pyfunc

from features.model import ScoringModel
from features.pipeline import DecisionPipeline
from features.policy import parse_policy
from features.schema import parse_lead


class LeadgateModel(mlflow.pyfunc.PythonModel):
    """Loads the bundle and the policy it was trained with; predicts decisions for lead JSON objects."""

    def load_context(self, context) -> None:
        """Rebuild the scoring model and the pipeline from the logged artifacts."""
        with open(context.artifacts["bundle"]) as handle:
            self.scoring_model = ScoringModel.from_dict(json.load(handle))
        with open(context.artifacts["policy"]) as handle:
            self.policy = parse_policy(handle.read(), "policy.yaml")
        self.pipeline = DecisionPipeline(self.policy, self.scoring_model)

    def predict(self, context, model_input, params=None):
        """Decisions (route, P(SQL), reasons) for leads given as a DataFrame of lead JSON columns or dicts."""
        import pandas as pd

        rows = model_input.to_dict(orient="records") if isinstance(model_input, pd.DataFrame) else model_input
        leads = [parse_lead(_nested(row)) for row in rows]
        records = self.pipeline.decide(leads).records()
        return pd.DataFrame(
            {
                "lead_id": [r["lead_id"] for r in records],
                "route": [r["route"] for r in records],
                "p_sql": [r["p_sql"] for r in records],
                "decision": [json.dumps(r) for r in records],
            }
        )


def _nested(row: dict) -> dict:
    # MLflow's JSON input turns nested objects into columns that may arrive as JSON strings.
    return {k: json.loads(v) if isinstance(v, str) and v[:1] in "{[" else v for k, v in row.items()}
