"""The MLflow pyfunc wrapper: a registered model version is the whole decision pipeline.

Logged as "model from code": MLflow stores `MODEL_CODE`, not a pickle, and runs it on load. That entry
imports this class from the installed package, so a loaded model runs the very modules everything else
runs, under their one name.
"""

from __future__ import annotations

import json
from pathlib import Path

import mlflow.pyfunc

from leadgate.decision.model import ScoringModel
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.decision.policy import parse_policy
from leadgate.features.schema import LeadValidationError, parse_lead


class LeadgateModel(mlflow.pyfunc.PythonModel):
    """Loads the bundle and the policy it was trained with; predicts decisions for lead JSON objects."""

    def load_context(self, context) -> None:
        """Rebuild the scoring model and the pipeline from the logged artifacts."""
        with open(context.artifacts["bundle"]) as handle:
            self.scoring_model = ScoringModel.from_dict(json.load(handle))
        registered = registered_version(Path(context.artifacts["bundle"]), self.scoring_model.version)
        if registered is not None:  # a registered version: named as every other path names it
            self.scoring_model.version = registered
        with open(context.artifacts["policy"]) as handle:
            self.policy = parse_policy(
                handle.read(), "the policy stored with the model (policy.yaml)", stored=True
            )
        self.pipeline = DecisionPipeline(self.policy, self.scoring_model)

    def predict(self, context, model_input: list[str], params=None) -> list[str]:
        """One decision record (JSON) per lead given as JSON text, in order; an invalid lead gets its error."""
        leads, answers = [], []
        for text in model_input:
            try:
                lead = parse_lead(json.loads(text))
                problems = self.pipeline.custom_problems(lead)
                if problems:
                    raise LeadValidationError(problems)
                leads.append(lead)
                answers.append(None)
            except (json.JSONDecodeError, LeadValidationError) as error:
                answers.append(json.dumps({"error": str(error)}))
        records = iter(self.pipeline.decide_records(leads)[1]) if leads else iter(())
        return [answer if answer is not None else json.dumps(next(records).to_json()) for answer in answers]


def registered_version(bundle: Path, logged_as: str) -> str | None:
    """'leadgate/3' when the model is a registered version, else None (it keeps `logged_as`, its run's name)."""
    # MLflow before 3.18 writes `registered_model_meta` (the name, and the version an alias resolved to) beside
    # `MLmodel` when it downloads a registered version; a model loaded by run or path has none.
    import yaml

    for folder in bundle.parents[:3]:  # the bundle sits in the model folder's artifacts/
        meta = folder / "registered_model_meta"
        if (folder / "MLmodel").is_file() and meta.is_file():
            data = yaml.safe_load(meta.read_text()) or {}
            name, version = data.get("model_name"), data.get("model_version")
            if name and version is not None:
                return f"{name}/{version}"
    # MLflow 3.18 writes none (and 3.17 writes an empty one for runs:/): the registry MLflow points at says
    # which version the model's run became.
    return version_of_run(logged_as)


def version_of_run(logged_as: str) -> str | None:
    """'leadgate/3' for 'leadgate@run:<id>' when the registry holds exactly one version of that run, else None.

    Asked only of a registry the caller pointed MLflow at: a model loaded from a plain folder must not make
    MLflow create a default store in the working directory.
    """
    import mlflow
    from mlflow.exceptions import MlflowException

    name, _, run_id = logged_as.partition("@run:")
    if not run_id or "'" in name or not mlflow.is_tracking_uri_set():
        return None
    try:
        found = mlflow.MlflowClient().search_model_versions(f"name = '{name}' and run_id = '{run_id}'")
    except MlflowException:
        return None  # no registry there: the run's name still traces the model
    # leadgate registers a run once; a run registered twice gives no one version to name.
    return f"{name}/{found[0].version}" if len(found) == 1 else None


# The model's code file: MLflow executes it under a module name of its own, so it holds no class of ours.
MODEL_CODE = """\
from mlflow.models import set_model

from leadgate.training.pyfunc import LeadgateModel

set_model(LeadgateModel())
"""
