"""`leadgate.load()` for notebooks: the registered model through the one pipeline, as a DataFrame."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

import leadgate
from leadgate.decision.pipeline import DecisionPipeline
from leadgate.serving.batch_drift import MIN_LEADS
from tests.factories import lead_dict


@pytest.fixture(scope="module")
def scorer(registered_settings):
    settings, _ = registered_settings
    return leadgate.load(data_dir=settings.data_dir)


def test_load_by_alias_or_version_gives_the_registered_model(scorer, registered_settings):
    settings, registered = registered_settings
    assert scorer.version == f"leadgate/{registered.version}"
    by_number = leadgate.load(version=registered.version, data_dir=settings.data_dir)
    assert by_number.version == scorer.version and by_number.feature_names == scorer.feature_names
    with pytest.raises(LookupError, match="no version 99"):
        leadgate.load(version=99, data_dir=settings.data_dir)
    with pytest.raises(LookupError, match="alias 'nobody'"):
        leadgate.load("nobody", data_dir=settings.data_dir)


def test_a_bad_setting_load_does_not_read_is_a_warning_not_a_traceback(registered_settings, monkeypatch):
    settings, _ = registered_settings
    monkeypatch.setenv("LEADGATE_PORT", "abc")  # the service's port: not load()'s business
    monkeypatch.setenv("LEADGATE_API_KEYS", "[{'name': 'x'}]")  # not JSON
    with pytest.warns(UserWarning, match="LEADGATE_API_KEYS: not JSON") as caught:
        assert leadgate.load(data_dir=settings.data_dir).version.startswith("leadgate/")
    assert any("LEADGATE_PORT: Input should be a valid integer" in str(w.message) for w in caught)


def test_decide_a_dataframe_gives_what_the_pipeline_gives(scorer, history, policy):
    leads = history.leads[-300:]
    frame = pd.DataFrame([lead.model_dump(mode="json") for lead in leads]).set_index("lead_id", drop=False)
    flat = pd.json_normalize(frame.drop(columns=["events"]).to_dict(orient="records"))
    flat["events"] = [pd.io.json.ujson_dumps(e) for e in frame["events"]]
    flat.index = frame.index
    decided = scorer.decide(flat)
    assert list(decided.index) == list(frame.index) and decided["error"].isna().all()
    expected = DecisionPipeline(policy, scorer.loaded.model).decide(leads)
    np.testing.assert_allclose(decided["p_sql"].to_numpy(), np.round(expected.p_sql, 6), atol=1e-6)
    assert decided["route"].tolist() == expected.route.tolist()


def test_now_created_decides_each_lead_as_it_stood_when_created(scorer, history, policy):
    leads = [lead.model_copy(update={"scored_at": None}) for lead in history.leads[-200:]]
    records = [lead.model_dump(mode="json", exclude={"scored_at"}) for lead in leads]
    decided = scorer.decide(records, now="created")
    expected = DecisionPipeline(policy, scorer.loaded.model).decide(
        [lead.as_of(lead.created_at) for lead in leads]
    )
    np.testing.assert_allclose(decided["p_sql"].to_numpy(), np.round(expected.p_sql, 6), atol=1e-6)
    explained = scorer.explain(records[0], now="created")
    assert explained.attrs["p_sql"] == pytest.approx(expected.p_sql[0])
    with pytest.raises(ValueError, match="now= 'yesterday': give 'now', 'created'"):
        scorer.decide(records[:1], now="yesterday")
    # Text as the CLI's --as-of reads it, and a datetime without a zone as UTC, as lead JSON reads one.
    assert scorer.decide(records[:5], now="CREATED")["p_sql"].tolist() == decided["p_sql"].iloc[:5].tolist()
    naive = scorer.decide(records[:5], now=datetime(2026, 11, 30, 12))
    aware = scorer.decide(records[:5], now=datetime(2026, 11, 30, 12, tzinfo=UTC))
    assert naive["p_sql"].tolist() == aware["p_sql"].tolist()
    with pytest.raises(ValueError, match="more than a day after now"):
        scorer.decide(records[:1], now=datetime(2099, 1, 1))


def test_old_leads_decided_as_of_now_are_warned_of_as_score_says_it(scorer, history):
    import warnings

    # Walk V: an old export's leads aged to today (a last visit 1,071 days ago) without a word in a notebook.
    records = [lead.model_dump(mode="json", exclude={"scored_at"}) for lead in history.leads[-3:]]
    with pytest.warns(
        UserWarning, match=r"3 leads were created more than 30 days ago .* use now=\"created\""
    ):
        scorer.decide(records)
    with pytest.warns(UserWarning, match=r"1 lead was created more than 30 days ago") as caught:
        scorer.explain(records[0])
    assert caught[0].filename == __file__  # pointed at the caller's line, not leadgate's
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scorer.decide(records, now="created")
        scorer.explain(records[0], now="created")


def test_explain_in_a_loop_warns_of_an_old_lead_once_as_decide_does(scorer, history):
    import warnings

    # Walk tiny F12: explain repeated the warning on every call of a loop, where decide said it once.
    record = history.leads[-1].model_dump(mode="json", exclude={"scored_at"})
    for call in ("explain", "decide"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")  # Python's own: once per line that calls
            for industry in ("software", "retail", "software"):
                getattr(scorer, call)({**record, "company": {**record["company"], "industry": industry}})
        said = [w for w in caught if "created more than 30 days ago" in str(w.message)]
        assert len(said) == 1, (call, [str(w.message) for w in caught])


def test_bad_leads_get_an_error_row_and_the_rest_are_decided(scorer):
    good = lead_dict(lead_id="api-good")
    decided = scorer.decide([good, {"lead_id": "api-bad", "created_at": "yesterday"}, {"custom": 1}])
    assert decided["error"].isna().tolist() == [True, False, False]
    assert decided.loc[0, "route"] and "created_at" in decided.loc[1, "error"]
    unknown = scorer.decide([{**good, "custom": {"segment": "x"}}])
    assert (
        "custom.segment: not a custom field of the serving model (it declares: none)"
        in unknown.loc[0, "error"]
    )
    records = scorer.records([good, {"lead_id": "x"}])
    assert records[0].lead_id == "api-good" and isinstance(records[1], str)


def test_an_export_frame_without_its_mapping_is_one_error_naming_mapping(scorer):
    import pandas as pd

    export = pd.DataFrame({"Lead Number": [660737, 660738], "Lead Origin": ["API", "Landing Page"]})
    with pytest.raises(
        ValueError, match=r"no column is a lead field \(Lead Number, Lead Origin\): did you mean mapping="
    ):
        scorer.decide(export)
    # One export row as a dict says the same (walk Y: a 24-line list of 'Extra inputs are not permitted').
    row = {"Lead Number": "660737", "Lead Origin": "API"}
    for call in (scorer.explain, scorer.decide, scorer.records):
        with pytest.raises(
            ValueError, match=r"no column is a lead field \(Lead Number, Lead Origin\): did you"
        ):
            call(row)
    mixed = pd.DataFrame([{**lead_dict(lead_id="ok"), "Lead Origin": "API"}])  # a lead with one stray column
    assert "Lead Origin" in scorer.decide(mixed).loc[0, "error"]


def test_explain_sums_to_the_score_and_shows_category_levels(scorer):
    explained = scorer.explain(lead_dict(lead_id="api-explain"))
    assert set(explained["feature"]) == set(scorer.feature_names)
    total = explained["contribution"].sum() + explained.attrs["base_value"]
    decided = scorer.decide([lead_dict(lead_id="api-explain")]).loc[0]
    # The pipeline's own score, computed apart: the explanation adds up to what was decided.
    assert scorer.loaded.model.calibrate(np.array([total]))[0] == pytest.approx(decided["p_sql"], abs=1e-6)
    assert explained.attrs["p_sql"] == pytest.approx(decided["p_sql"], abs=1e-6)
    assert explained.attrs["route"] == decided["route"]
    strengths = explained["contribution"].abs().tolist()
    assert strengths == sorted(strengths, reverse=True)
    # Walk AA: a column the linear start leaves flat showed its centring's rounding (4.4e-14), not 0.
    assert not any(0 < strength < 1e-9 for strength in strengths), strengths
    country = explained.set_index("feature").loc["country", "value"]
    assert country == "DE"  # the level, not its code


def test_explain_shows_a_custom_value_as_its_reasons_do_and_says_when_a_category_was_pooled():
    from leadgate.api_values import shown as _shown
    from leadgate.features.builder import FeatureBuilder, custom_spec
    from leadgate.features.custom import CustomField

    field = CustomField("segment", "category", "Segment")
    builder = FeatureBuilder(custom_fields=(field, CustomField("trial", "flag", "Trial started")))
    builder.vocabularies_ = {
        "custom_segment": ["(other)", "enterprise", "mid-market"],
        "country": ["(other)", "DE"],
    }
    spec = custom_spec(field)
    assert _shown(builder, spec, 2.0, {"segment": "Mid-Market"}) == "Mid-Market"
    assert _shown(builder, spec, 0.0, {"segment": "Brandneu"}) == "Brandneu (other: rare or new in training)"
    assert _shown(builder, spec, float("nan"), {}) is None
    trial = custom_spec(next(f for f in builder.custom_fields if f.type == "flag"))
    assert (_shown(builder, trial, 1.0, {}), _shown(builder, trial, 0.0, {})) == ("yes", "no")
    country = next(s for s in builder.features if s.name == "country")
    assert _shown(builder, country, 1.0, {}) == "DE" and _shown(builder, country, 0.0, {}) == "(other)"


def test_explain_shows_a_title_as_written_a_seniority_by_name_and_what_the_reasons_say_of_each_column(scorer):
    # A 100,000-lead walk read '[vp/sales]' for the title and 6.0 for its seniority: the model's own keys.
    lead = lead_dict(lead_id="api-title", contact={"job_title": "VP of Sales EMEA"})
    frame = scorer.explain(lead).set_index("feature")
    assert frame.loc["job_title", "value"] == "VP of Sales EMEA"
    assert frame.loc["seniority_rank", "value"] == "vp" and frame.loc["function", "value"] == "sales"
    assert frame.loc["company_type", "value"] == "B2B" and frame.loc["channel", "value"] == "Organic search"
    assert frame.loc["log10_employees", "value"] == pytest.approx(np.log10(401))  # as the model reads it
    assert frame.loc["log10_employees", "words"].startswith("Company size 400 employees, in the target range")
    assert frame.loc["seniority_rank", "words"] == "VP-level role (VP of Sales EMEA)"
    [record] = scorer.records([lead])
    for reason in record.negative_reasons + record.positive_reasons:  # a reason adds only a comparison
        assert all(reason.text.startswith(w) for w in frame.loc[frame["family"] == reason.family, "words"])


def test_a_built_in_level_is_shown_in_its_reasons_words_and_a_pooled_title_as_written():
    from leadgate.api_values import shown
    from leadgate.features.builder import FeatureBuilder

    builder = FeatureBuilder()
    builder.vocabularies_ = {"job_title": ["(other)", "[vp/sales]"], "company_type": ["(other)", "b2b"]}
    spec = {s.name: s for s in builder.features}
    written = {"job_title": "Florist", "channel": "paid_social"}
    assert shown(builder, spec["job_title"], 0.0, {}, written) == "Florist (other: rare or new in training)"
    assert shown(builder, spec["job_title"], 1.0, {}, {"job_title": "VP, Sales"}) == "VP, Sales"
    assert shown(builder, spec["seniority_rank"], 7.0, {}) == "executive"
    assert shown(builder, spec["company_type"], 1.0, {}) == "B2B"
    assert shown(builder, spec["channel"], 0.0, {}, written) == "Paid social (other: rare or new in training)"


def test_explain_shows_a_custom_date_as_its_reasons_do_not_as_the_days_the_model_reads():
    # Walk F11b: explain showed 17.47 (the age in days at the decision) where the reason said "17 days ago".
    from leadgate.api_values import shown as _shown
    from leadgate.features.builder import FeatureBuilder, custom_spec
    from leadgate.features.custom import CustomField

    field = CustomField("webinar", "datetime", "Last webinar")
    builder = FeatureBuilder(custom_fields=(field,))
    spec, written = custom_spec(field), {"webinar": "2026-11-20T09:00:00+00:00"}
    shown = [_shown(builder, spec, days, written) for days in (17.47, 0.4, -3.2, 1.0)]
    assert shown == ["17 days ago", "today", "in 3 days", "1 day ago"]


def test_import_leadgate_stays_light():
    code = "import sys, leadgate; print(sorted({'mlflow', 'lightgbm', 'shap', 'pandas'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_error_rows_of_a_mapped_export_keep_their_lead_id(scorer):
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, type: datetime}\nfields:\n"
        "  company.employees: {column: Mitarbeiter, type: integer}\n"
    )
    export = pd.DataFrame(
        {"Id": ["m-1", "m-2"], "Angelegt": ["2026-11-01T09:00:00", ""], "Mitarbeiter": ["40", "3"]}
    )
    decided = scorer.decide(export, mapping=mapping)
    assert decided["lead_id"].tolist() == ["m-1", "m-2"]
    assert decided.loc[1, "error"] == "row 3 (Id m-2): Angelegt: missing creation time"
    # A value the lead schema refuses names its row as the mapping's own errors do.
    export.loc[1, "Angelegt"], export.loc[1, "Mitarbeiter"] = "2026-11-01T09:00:00", "-3"
    refused = scorer.decide(export, mapping=mapping).loc[1, "error"]
    assert refused.startswith(
        "row 3 (Id m-2): company.employees (Mitarbeiter): expected 0 to 5,000,000 employees, got -3"
    )  # the lead's field and the export's own column


def test_one_cell_off_its_column_s_decimal_mark_is_its_row_s_error_not_the_frame_s(scorer):
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, type: datetime}\nfields:\n"
        "  company.annual_revenue: {column: Umsatz, type: number}\n"
    )
    revenue = [f"{i},5" for i in range(1, 20)] + ["71.5"]
    export = pd.DataFrame(
        {"Id": [f"d-{i}" for i in range(20)], "Angelegt": ["2026-11-01T09:00:00"] * 20, "Umsatz": revenue}
    )
    decided = scorer.decide(export, mapping=mapping)
    assert decided["error"].iloc[:19].isna().all()
    assert "'71.5' is not a number with the decimal mark ','" in decided["error"].iloc[19]


def test_what_reading_an_export_notes_is_a_warning_at_the_caller_s_line_not_stderr_each_call(scorer, capfd):
    # Notes were logged, so logging's last-resort handler printed them to stderr on every call of a loop.
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\n"
        'created_at: {column: Nummer, start: "2026-11-01T00:00:00Z"}\nfields:\n'
        "  company.annual_revenue: {column: Umsatz, type: number}\n"
    )
    export = pd.DataFrame({"Id": ["d-1", "d-2"], "Nummer": ["7", "8"], "Umsatz": ["1,5", "2,5"]})
    with pytest.warns(UserWarning) as caught:
        scorer.decide(export, mapping=mapping, now="created")
    said = [str(w.message) for w in caught]
    assert any(m.startswith("Umsatz: numbers read with a decimal comma") for m in said), said
    assert any("Nummer" in m and "2026-11-01" in m for m in said), said
    assert all(w.filename == __file__ for w in caught)
    assert "decimal comma" not in capfd.readouterr().err


def test_two_data_folders_in_one_process_each_load_their_own_model(registered_settings, trained, policy):
    import os

    import yaml

    from leadgate.decision.policy import parse_policy
    from leadgate.settings import Settings
    from leadgate.training.registry import log_training

    settings, _ = registered_settings
    text = yaml.safe_load(policy.to_yaml())
    text["firmographics"]["employees_floor"] += 1
    other_policy = parse_policy(yaml.safe_dump(text), "other")
    other = Settings(data_dir=settings.data_dir.parent / "second-folder")
    assert log_training(trained, other_policy, other, {"path": "fixture"}).version == "1"
    first, second = leadgate.load(data_dir=settings.data_dir), leadgate.load(data_dir=other.data_dir)
    # Both folders hold a `leadgate/1`; each must come from its own folder, in either order.
    assert first.policy_version == policy.version and second.policy_version == other_policy.version
    assert leadgate.load(data_dir=settings.data_dir).policy_version == policy.version
    assert "MLFLOW_TRACKING_URI" not in os.environ


def _flat(leads: list[dict]):
    """Leads as the README's DataFrame: columns by lead path, events as JSON text."""
    import json

    frame = pd.json_normalize([{k: v for k, v in lead.items() if k != "events"} for lead in leads])
    frame["events"] = [json.dumps(lead["events"]) for lead in leads]
    return frame


def test_a_series_is_one_lead_and_json_text_is_read_never_echoed(scorer):
    import json

    frame = _flat([lead_dict(lead_id="s-1"), lead_dict(lead_id="s-2", company={"employees": 3})])
    whole = scorer.decide(frame)
    one = scorer.decide(frame.iloc[1])
    assert len(one) == 1 and one["error"].isna().all() and list(one.index) == [1]
    assert (
        one.iloc[0][["lead_id", "route", "p_sql"]].tolist()
        == whole.iloc[1][["lead_id", "route", "p_sql"]].tolist()
    )
    assert scorer.explain(frame.iloc[1]).attrs["p_sql"] == pytest.approx(whole.loc[1, "p_sql"], abs=1e-6)
    # Lead JSON, the pyfunc's input: parsed; text that is none is a message, never the text (personal data).
    text = json.dumps(lead_dict(lead_id="s-1"))
    decided = scorer.decide(["not json, Dana Ruiz", text])
    assert (
        decided.loc[0, "error"].startswith("row 1: not valid JSON") and "Dana" not in decided.loc[0, "error"]
    )
    assert decided.loc[1, "p_sql"] == whole.loc[0, "p_sql"] and pd.isna(decided.loc[1, "error"])
    assert scorer.decide(text)["lead_id"].tolist() == ["s-1"]
    # A column holding leads (dicts or lead JSON) is those leads, each decided, not one row.
    column = pd.Series([lead_dict(lead_id="s-1"), lead_dict(lead_id="s-2", company={"employees": 3})])
    named = column.map(json.dumps).set_axis(["s-1", "s-2"])  # lead ids as the index
    for leads in (column, column.map(json.dumps), named):
        assert (
            scorer.decide(leads)[["lead_id", "p_sql"]].values.tolist()
            == whole[["lead_id", "p_sql"]].values.tolist()
        )


@pytest.mark.parametrize("leads", [None, 3])
def test_no_leads_at_all_is_one_value_error_naming_what_is_accepted(scorer, leads):
    for method in (scorer.decide, scorer.explain):
        with pytest.raises(
            ValueError, match=r"leads are a DataFrame .*, lead dicts, Leads or lead JSON text; got"
        ):
            method(leads)


def test_a_nat_created_at_is_missing_as_score_reads_it(scorer):
    frame = _flat([lead_dict(lead_id="nat")])
    frame["created_at"] = pd.Series([pd.NaT], dtype="datetime64[ns, UTC]")
    assert scorer.decide(frame).loc[0, "error"] == "row 2: created_at: Field required"
    typed = frame.assign(created_at=pd.to_datetime(["2026-11-01T09:00:00Z"]))
    assert scorer.decide(typed).loc[0, "error"] is None


def test_load_refuses_an_alias_and_a_version_together(registered_settings):
    settings, registered = registered_settings
    with pytest.raises(ValueError, match="give alias or version, not both"):
        leadgate.load(alias="challenger", version=registered.version, data_dir=settings.data_dir)
    with pytest.raises(ValueError, match="give alias or version, not both"):
        leadgate.load("champion", version=registered.version, data_dir=settings.data_dir)


@pytest.fixture(scope="module")
def custom_scorer(policy):
    """A model whose every training lead had `calls` and a datetime `last_webinar` (no registry needed)."""
    from leadgate.api import Scorer
    from leadgate.serving.model_loading import LoadedModel
    from leadgate.training.data import history_from_records
    from leadgate.training.synth import generate_history
    from leadgate.training.train import train_model

    records = generate_history(n_leads=1500, months=12, seed=3, policy=policy)
    for number, record in enumerate(records):
        record["custom"] = {"last_webinar": record["created_at"], "calls": number % 5}
    model = train_model(history_from_records(records), policy, seed=0).model
    return Scorer(LoadedModel(model, policy, "leadgate", "1", "run"))


@pytest.mark.filterwarnings("ignore:leads without custom fields")
def test_a_datetime_custom_field_reads_typed_timestamps_and_nat_as_missing(custom_scorer):
    leads = [lead_dict(lead_id=f"w{i}", custom={"calls": 2}) for i in range(4)]
    texts = ["2026-10-01T08:00:00Z", "2026-10-01T10:00:00+02:00", None, "2026-09-15T00:00:00Z"]
    as_text = _flat(leads).assign(**{"custom.last_webinar": texts})
    typed = as_text.assign(**{"custom.last_webinar": pd.to_datetime(texts, utc=True)})
    naive = typed.assign(**{"custom.last_webinar": typed["custom.last_webinar"].dt.tz_localize(None)})
    expected = custom_scorer.decide(as_text)
    assert expected["error"].isna().all()
    for frame in (typed, naive):
        decided = custom_scorer.decide(frame)
        assert decided["error"].isna().all() and decided["p_sql"].tolist() == expected["p_sql"].tolist()
        assert decided.attrs["unlearned_gaps"] == {"last_webinar": 1}  # the NaT: missing, as None reads


def test_decide_tells_of_leads_without_a_field_every_training_lead_had(custom_scorer):
    import warnings

    full = lead_dict(lead_id="full", custom={"calls": 2, "last_webinar": "2026-10-01T08:00:00Z"})
    lacking = [lead_dict(lead_id=f"gap{i}", custom={"calls": 1}) for i in range(2)]
    with pytest.warns(UserWarning, match=r"every training lead had \(last_webinar 2\)") as caught:
        decided = custom_scorer.decide([full, *lacking])
    assert len(caught) == 1 and decided.attrs["unlearned_gaps"] == {"last_webinar": 2}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a complete lead: nothing to say
        assert custom_scorer.decide([full]).attrs["unlearned_gaps"] == {}
    with pytest.warns(UserWarning, match=r"\(calls 1, last_webinar 1\)"):
        custom_scorer.explain(lead_dict(lead_id="bare"))


def test_decide_names_the_suppressions_an_unsubscribed_lead_carries(scorer):
    """A notebook's DataFrame says what the JSON record says: this person unsubscribed from marketing email."""
    unsubscribed = lead_dict(lead_id="unsub", events=[{"type": "unsubscribe", "at": "2026-11-02T09:00:00Z"}])
    decided = scorer.decide([unsubscribed, lead_dict(lead_id="plain")])
    assert decided["suppressed"].tolist() == [["marketing_email"], []]
    assert decided["suppressions"].iloc[0] == [
        "active: marketing_email of maria.keller@nordwerk.de (event:unsubscribe): unsubscribe received"
    ]
    assert decided["control"].iloc[0] == scorer.records([unsubscribed])[0].control


def test_decide_warns_of_a_source_training_never_saw_held_by_many_leads(scorer):
    leads = [lead_dict(lead_id=f"n{i}", source={"channel": "LinkedIn Lead Gen"}) for i in range(20)]
    with pytest.warns(
        UserWarning, match="channel 'LinkedIn Lead Gen' 100% \\(20 leads\\) of the 20 leads the model read"
    ):
        scorer.decide(leads)


def test_through_a_mapping_a_new_source_is_named_by_its_export_column_as_score_names_it(scorer):
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Created, type: datetime}\nfields:\n"
        "  source.channel: {column: Lead Source}\n"
    )
    export = pd.DataFrame(
        {"Id": [f"s-{i}" for i in range(20)], "Created": ["2026-11-01T09:00:00"] * 20}
        | {"Lead Source": ["LinkedIn Lead Gen"] * 20}
    )
    for decide in (scorer.decide, scorer.records):
        with pytest.warns(UserWarning, match="Lead Source 'LinkedIn Lead Gen' 100% \\(20 leads\\)"):
            decide(export, mapping=mapping, now="created")


def test_a_mapping_reading_dates_otherwise_than_training_is_warned_of(scorer, monkeypatch):
    import warnings

    from leadgate.features.date_readings import date_readings
    from leadgate.features.mapping import parse_mapping

    text = "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, date_format: '%d/%m/%Y'}\n"
    trained = date_readings(parse_mapping(text))
    monkeypatch.setitem(scorer.loaded.model.metadata, "date_readings", trained)
    swapped = parse_mapping(text.replace("%d/%m/%Y", "%m/%d/%Y"))
    export = pd.DataFrame({"Id": ["w-1"], "Angelegt": ["11/12/2026"]})
    with pytest.warns(
        UserWarning, match=r"reads Angelegt by date_format '%m/%d/%Y', not '%d/%m/%Y'"
    ) as caught:
        scorer.decide(export, mapping=swapped, now="created")
    assert caught[0].filename == __file__
    with pytest.warns(UserWarning, match="as when leadgate/.* was trained: the same cell") as caught:
        scorer.explain(export.iloc[0], mapping=swapped, now="created")
    assert caught[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scorer.decide(export, mapping=parse_mapping(text), now="created")


def test_a_mapping_with_custom_fields_the_model_does_not_use_is_one_error_as_score_says(scorer):
    # Walk X: the README's API block run against the demo's champion gave an error on every row instead.
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt}\n"
        "custom:\n  occupation: {column: Beruf}\n"
    )
    export = pd.DataFrame({"Id": ["x-1"], "Angelegt": ["2026-11-01T09:00:00"], "Beruf": ["Student"]})
    with pytest.raises(
        ValueError, match=r"declares custom fields the model .* does not use \(occupation; it"
    ):
        scorer.decide(export, mapping=mapping)
    with pytest.raises(ValueError, match=r"Load the model trained on this one"):
        scorer.explain(export.iloc[0], mapping=mapping)


@pytest.fixture(scope="module")
def shop_scorer(shop_registered):
    return leadgate.load(data_dir=shop_registered.data_dir)


@pytest.mark.parametrize(
    ("leads", "budget_times"), [(MIN_LEADS + 100, 50), (MIN_LEADS + 100, 1), (MIN_LEADS - 1, 50)]
)
def test_decide_warns_of_a_model_column_far_from_training_as_score_says_it(shop_scorer, leads, budget_times):
    import warnings

    from leadgate.features.mapping import parse_mapping
    from tests.training.export_shapes import SHOP_MAPPING, shop_new_leads

    export = pd.DataFrame(shop_new_leads(leads, seed=5, budget_times=budget_times))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        decided = shop_scorer.decide(export, mapping=parse_mapping(SHOP_MAPPING))
    said = [w for w in caught if "far from training" in str(w.message)]
    drift = decided.attrs["drift"]
    if leads < MIN_LEADS:  # too few leads for PSI to tell a shift from chance
        assert not said and drift == []
        return
    assert {row["column"] for row in drift} >= set(shop_scorer.feature_names) | {"p_sql"}
    if budget_times == 1:  # drawn like training
        assert not said and not any(row["level"] == "major" for row in drift)
        return
    assert drift[0]["column"] == "custom_budget_eur" and drift[0]["export_column"] == "Budget"
    assert len(said) == 1 and said[0].filename == __file__  # at the caller's line
    assert str(said[0].message).startswith(
        f"model columns far from training (PSI > 0.25): custom_budget_eur {drift[0]['psi']:.2f} (Budget): check"
    )


def test_a_mapped_frame_whose_dates_its_format_cannot_read_warns_with_the_formats_that_do(scorer):
    # Walk F9: each row's error quoted the format; nothing said which format would read the column.
    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, date_format: '%Y-%m-%d %H:%M'}\n"
    )
    export = pd.DataFrame({"Id": ["d-1", "d-2"], "Angelegt": ["13.03.2026 09:00", "01.03.2026 10:00"]})
    with pytest.warns(
        UserWarning, match=r"created_at \(Angelegt\): date_format '%Y-%m-%d %H:%M' reads none of 2"
    ):
        decided = scorer.decide(export, mapping=mapping)
    assert decided["error"].str.contains("does not match date_format").all()


def test_a_mapped_frame_writing_midnight_as_the_date_alone_is_decided_without_a_warning(scorer):
    # Walk W: Excel writes a datetime at midnight as its date alone, beside the others' times.
    import warnings

    from leadgate.features.mapping import parse_mapping

    mapping = parse_mapping(
        "name: t\nlead_id: {column: Id}\ncreated_at: {column: Angelegt, date_format: '%d.%m.%Y %H:%M'}\n"
    )
    export = pd.DataFrame({"Id": ["d-1", "d-2"], "Angelegt": ["13.03.2026 09:00", "14.03.2026"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decided = scorer.decide(export, mapping=mapping, now="created")
    assert decided["error"].isna().all() and decided["route"].notna().all()
