"""The model matrix: what the policy's lists may and may not put into it."""

from __future__ import annotations

import dataclasses

import numpy as np

from leadgate.features.builder import FeatureBuilder
from leadgate.features.derived import derive
from leadgate.features.table import build_table
from tests.factories import make_lead


def test_the_policys_competitor_and_own_lists_change_gates_not_the_models_columns(policy):
    leads = [
        make_lead(contact={"email": "ana@rival-corp.com"}),
        make_lead(contact={"email": "bo@ourselves.io"}),
        make_lead(contact={"email": "cy@gmail.com"}),
    ]
    table = build_table(leads)
    plain = derive(table, policy.signal_rules)
    listed = derive(
        table,
        dataclasses.replace(
            policy.signal_rules,
            competitor_domains=frozenset({"rival-corp.com"}),
            own_domains=frozenset({"ourselves.io"}),
        ),
    )
    assert list(listed.domain_class) == ["competitor", "own", "free"]  # what the gates read
    builder = FeatureBuilder(min_category_count=1).fit(plain)
    column = builder.feature_names.index("email_domain_class")
    # With the gate off, a listed competitor is scored as the company it is, not as a class nobody trained on.
    assert np.array_equal(builder.transform(listed)[:, column], builder.transform(plain)[:, column])


def _titled(policy, *titles: str):
    return derive(build_table([make_lead(contact={"job_title": t}) for t in titles]), policy.signal_rules)


def test_a_title_is_its_reading_so_a_new_spelling_is_not_a_rare_title(policy):
    trained = _titled(policy, "Head of Sales", "Working Professional", "Florist")
    builder = FeatureBuilder(min_category_count=1).fit(trained)
    column = builder.feature_names.index("job_title")
    assert builder.vocabularies_["job_title"] == ["(other)", "[vp/sales]", "florist", "working professional"]
    later = _titled(policy, "Head of Sales EMEA", "VP, Sales", "Working Professional", "Gardener", None)
    codes = builder.transform(later)[:, column]
    # Spellings of a title the rules read share its level; a value no rule reads (a picklist's) is its own;
    # an unread title training never saw is pooled; no title is missing.
    assert codes[:4].tolist() == [1, 1, 3, 0] and np.isnan(codes[4])


def test_a_model_saved_before_title_readings_keeps_each_spelling_as_its_level(policy):
    trained = _titled(policy, "Head of Sales", "Head of Sales EMEA")
    saved = FeatureBuilder(min_category_count=1, title_levels="raw").fit(trained).to_dict()
    del saved["params"]["title_levels"]  # as bundles written before it
    old = FeatureBuilder.from_dict(saved)
    assert old.title_levels == "raw" and old.vocabularies_["job_title"] == [
        "(other)",
        "head of sales",
        "head of sales emea",
    ]
    assert FeatureBuilder.from_dict(FeatureBuilder().fit(trained).to_dict()).title_levels == "read"
