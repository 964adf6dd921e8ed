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
