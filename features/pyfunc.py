"""The MLflow pyfunc wrapper: a registered model version is the whole decision pipeline.

Logged as "model from code": MLflow stores this file, not a pickle, and runs it on load.
"""

from __future__ import annotations

import json

import mlflow.models
import mlflow.pyfunc

from features.model import ScoringModel
from features.pipeline import DecisionPipeline
from features.policy import parse_policy
from features.schema import LeadValidationError, parse_lead


class LeadgateModel(mlflow.pyfunc.PythonModel):
    """Loads the bundle and the policy it was trained with; predicts decisions for lead JSON objects."""

    def load_context(self, context) -> None:
        """Rebuild the scoring model and the pipeline from the logged artifacts."""
        with open(context.artifacts["bundle"]) as handle:
            self.scoring_model = ScoringModel.from_dict(json.load(handle))
        with open(context.artifacts["policy"]) as handle:
            self.policy = parse_policy(handle.read(), "policy.yaml")
        self.pipeline = DecisionPipeline(self.policy, self.scoring_model)

    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        """One decision record (JSON) per lead given as JSON text, in order; an invalid lead gets its error."""
        leads, answers = [], []
        for text in model_input:
            try:
                leads.append(parse_lead(json.loads(text)))
                answers.append(None)
            except (json.JSONDecodeError, LeadValidationError) as error:
                answers.append(json.dumps({"error": str(error)}))
        records = iter(self.pipeline.decide_records(leads)[1]) if leads else iter(())
        return [answer if answer is not None else json.dumps(next(records)) for answer in answers]


mlflow.models.set_model(LeadgateModel())
