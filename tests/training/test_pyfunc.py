"""The registered MLflow pyfunc model: lead JSON strings in, decision JSON strings out."""

import json

import pytest

from tests.factories import lead_dict, make_lead
from tests.registry_folders import folder_copy

SMALL = lead_dict(lead_id="small", company={"employees": 3})


@pytest.fixture(scope="module")
def champion(registered_settings):
    """The registered version loaded the way any MLflow client would load it."""
    import mlflow

    settings, registered = registered_settings
    settings.point_mlflow()
    return mlflow.pyfunc.load_model(f"models:/{registered.name}/{registered.version}"), registered


def test_predict_returns_one_decision_json_per_lead(champion, pipeline):
    model, _ = champion
    answers = model.predict([json.dumps(lead_dict())])
    assert isinstance(answers, list) and len(answers) == 1
    decision = json.loads(answers[0])
    expected = pipeline.decide([make_lead()]).record(0)
    assert decision["route"] == expected.route
    assert decision["p_sql"] == pytest.approx(expected.p_sql)
    assert decision["lead_id"] == "t-1"
    assert decision["policy_version"] == expected.policy_version


def test_invalid_leads_get_their_error_in_place_and_the_others_are_decided(champion):
    model, _ = champion
    inputs = [
        json.dumps(lead_dict(lead_id="first")),
        json.dumps(lead_dict(lead_id="negative", company={"employees": -1})),
        "{not json",
        json.dumps(SMALL),
        json.dumps(["a", "list"]),
        json.dumps(lead_dict(lead_id="last")),
    ]
    answers = [json.loads(answer) for answer in model.predict(inputs)]
    assert len(answers) == len(inputs)
    assert [a.get("lead_id") for a in answers] == ["first", None, None, "small", None, "last"]
    assert set(answers[1]) == {"error"} and "company.employees" in answers[1]["error"]
    assert set(answers[2]) == {"error"} and answers[2]["error"]
    assert "expected a JSON object" in answers[4]["error"]
    assert answers[3]["route"] == "self_service"
    assert "below_size_floor" in [gate["code"] for gate in answers[3]["gates"]]
    assert all(0 < answers[i]["p_sql"] < 1 for i in (0, 3, 5))


def test_a_batch_of_only_invalid_leads_is_all_errors(champion):
    model, _ = champion
    answers = [json.loads(answer) for answer in model.predict(["[]", "{}"])]
    assert "expected a JSON object" in answers[0]["error"]
    assert "lead_id" in answers[1]["error"] and "created_at" in answers[1]["error"]


def test_the_loaded_model_carries_the_trained_policy(champion, policy):
    model, _ = champion
    wrapper = model.unwrap_python_model()
    assert wrapper.policy.version == policy.version
    assert json.loads(model.predict([json.dumps(lead_dict())])[0])["policy_version"] == policy.version


def test_decisions_from_the_pyfunc_name_the_model_that_made_them(champion, registered_settings):
    import mlflow
    from mlflow import MlflowClient

    model, registered = champion
    named = f"{registered.name}/{registered.version}"  # as the CLI, the API, the store and load() name it
    assert json.loads(model.predict([json.dumps(lead_dict())])[0])["model_version"] == named
    settings, _ = registered_settings
    settings.point_mlflow()
    champion_version = MlflowClient().get_model_version_by_alias(registered.name, "champion").version
    by_alias = mlflow.pyfunc.load_model(f"models:/{registered.name}@champion")
    version = json.loads(by_alias.predict([json.dumps(lead_dict())])[0])["model_version"]
    assert version == f"{registered.name}/{champion_version}"  # the number the alias stood for
    # Loaded by its run, the model is still the version its run became (MLflow 3.18 and later write no
    # registered_model_meta even for models:/, so the registry is asked the same way there).
    by_run = mlflow.pyfunc.load_model(f"runs:/{registered.run_id}/model")
    version = json.loads(by_run.predict([json.dumps(lead_dict())])[0])["model_version"]
    assert version == named


def test_a_run_registered_twice_or_unknown_to_the_registry_keeps_its_run_name(registered_settings, tmp_path):
    from mlflow import MlflowClient

    from leadgate.training.pyfunc import version_of_run

    settings, registered = registered_settings
    settings.point_mlflow()
    logged_as = f"{registered.name}@run:{registered.run_id}"
    assert version_of_run(logged_as) == f"{registered.name}/{registered.version}"
    assert version_of_run(f"{registered.name}@run:{'0' * 32}") is None
    assert version_of_run("leadgate/3") is None and version_of_run("it's@run:abc") is None
    # A second name for the same run, registered in a copy of the registry: two versions, no one to name.
    copy = folder_copy(settings.data_dir, tmp_path)
    copy.point_mlflow()
    source = MlflowClient().get_model_version(registered.name, registered.version).source
    MlflowClient().create_model_version(registered.name, source, run_id=registered.run_id)
    assert version_of_run(logged_as) is None
    settings.point_mlflow()


def test_a_model_with_custom_fields_decides_on_them_and_refuses_undeclared_ones(shop_registered):
    import mlflow

    shop_registered.point_mlflow()
    model = mlflow.pyfunc.load_model("models:/leadgate@champion")  # any MLflow client's way in

    def lead(lead_id: str, **custom) -> str:
        return json.dumps({"lead_id": lead_id, "created_at": "2026-11-20T10:00:00Z", "custom": custom})

    hot, cold, undeclared, mistyped = map(
        json.loads,
        model.predict(
            [
                lead("hot", segment="konzern", budget=True, calls=6, budget_eur=900.0),
                lead("cold", segment="privat", budget=False, calls=0),
                lead("nope", segment="konzern", nope=1),
                lead("typed", calls="3"),
            ]
        ),
    )
    # The shop's own columns decide it (tests/training/export_shapes.py): sales for one, self-service the other.
    assert (hot["route"], cold["route"]) == ("sales_ready", "self_service")
    assert hot["p_sql"] > cold["p_sql"] + 0.5 and hot["model_version"] == "leadgate/1"
    assert {"Segment: konzern", "Calls this campaign: 6"} <= {r["text"] for r in hot["positive_reasons"]}
    against = {r["family"]: r["text"] for r in cold["negative_reasons"]}
    assert (
        against["custom_segment"] == "Segment: privat" and against["custom_budget"] == "Budget allocated: no"
    )
    assert against["custom_calls"].startswith("Calls this campaign: 0")
    assert undeclared == {
        "error": "custom.nope: not a custom field of the serving model (it declares: budget, budget_eur, calls, "
        "landing_page, product_line, segment)"
    }
    assert mistyped == {"error": "custom.calls: expected a finite integer, got '3'"}
