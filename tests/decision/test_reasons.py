"""Reasons: exact SHAP arithmetic, faithfulness to the generator's ground truth, words with the lead's values."""

import numpy as np


def test_base_value_plus_contributions_equals_the_raw_score(pipeline, history, trained):
    rows = np.flatnonzero(trained.split.test)[:500]
    decisions = pipeline.decide([history.leads[i] for i in rows])
    contributions = trained.model.contributions(decisions.matrix)
    raw = trained.model.booster.predict(decisions.matrix, raw_score=True)
    if trained.model.linear is not None:  # the trees were boosted from the linear start's log-odds
        raw = raw + trained.model.linear.raw(decisions.matrix)
    np.testing.assert_allclose(contributions.sum(axis=1), raw, atol=1e-9)
    np.testing.assert_allclose(decisions.raw_score, raw, atol=1e-9)
    by_family = pipeline.book.by_family(contributions)
    np.testing.assert_allclose(by_family.sum(axis=1) + contributions[:, -1], raw, atol=1e-9)


def test_injected_negative_factors_are_among_the_top_three_negative_reasons(pipeline, history, trained):
    from leadgate.training.faithfulness import faithfulness

    found = faithfulness(pipeline, history, np.flatnonzero(trained.split.test))
    total = sum(found.injected.values())
    assert total >= 200
    # The targets (>= 90% overall, >= 80% every family) are met at 50k leads, in
    # bench/faithfulness_bench.py. On these 12k the reference statistics Against reads are noisier (~88-91%),
    # and the rare families (data quality, ~40 factors) have too few SQLs in training to be learned at all.
    assert found.share() >= 0.85, f"faithfulness {found.share():.1%} on {total} injected factors"
    measurable = {f: n for f, n in found.injected.items() if n >= 100}
    assert len(measurable) >= 4, found.injected
    for family in measurable:
        assert found.share(family) >= 0.75, f"{family}: {found.share(family):.1%} of {found.injected[family]}"


def test_reasons_quote_the_leads_own_values(pipeline):
    from tests.factories import make_lead

    record = pipeline.decide_one(
        make_lead(
            contact={"email": "sam@gmail.com", "job_title": "Marketing Assistant"},
            company={"employees": 18, "website": None},
            created_at="2026-06-01T00:00:00Z",
            events=[],
            form={"inquiry_type": "content"},
        )
    )
    texts = " | ".join(r.text for r in record.negative_reasons + record.positive_reasons)
    assert len(record.negative_reasons) <= 3 and len(record.positive_reasons) <= 2
    assert any(v in texts for v in ("gmail.com", "18 employees", "Marketing Assistant", "days")), texts
    contributions = [r.contribution for r in record.negative_reasons]
    assert contributions == sorted(contributions) and all(c < 0 for c in contributions)


def test_staleness_words_never_contradict_the_side_they_are_on(policy):
    from leadgate.decision.reasons import RENDERERS
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from tests.factories import events, make_lead

    stale = make_lead(
        created_at="2026-06-01T00:00:00Z",
        scored_at="2026-11-01T00:00:00Z",
        events=events(("pricing_page", "2026-06-11T00:00:00Z")),
    )
    today = make_lead(
        form={"inquiry_type": "contact"}, events=events(("email_click", "2026-11-03T08:00:00Z"))
    )
    demo_form = make_lead(events=events(("email_click", "2026-11-03T08:00:00Z")))  # inquiry_type: demo
    derived = derive(build_table([stale, today, demo_form]), policy.signal_rules)
    render = RENDERERS["staleness"]
    assert render(derived, None, 0, negative=True) == "No meaningful activity for 143 days"
    assert render(derived, None, 0, negative=False) == "Last meaningful activity 143 days ago"
    assert render(derived, None, 1, negative=False) == "Active in the last 24 hours"
    # Recent and still against the lead: the words say why, rather than "Active ..." alone under Against.
    assert (
        render(derived, None, 1, negative=True)
        == "Active in the last 24 hours, but with little buying activity (no demo request, meeting or reply)"
    )
    # A form that asked for a demo is a demo request: never "no demo request" beside "Inquiry type: demo".
    assert render(derived, None, 2, negative=True) == (
        "Active in the last 24 hours, but with little buying activity beyond the demo asked for in the form "
        "(no meeting or reply)"
    )


def test_custom_fields_read_as_label_and_the_leads_own_value():
    from leadgate.decision.reasons import custom_renderer
    from leadgate.features.custom import CustomField

    def rendered(field: CustomField, value, column_value: float = 0.0) -> str:
        class Table:
            custom = [{} if value is None else {field.name: value}]

        class Derived:
            table = Table()

        return custom_renderer(field, 0)(Derived(), np.array([[column_value]]), 0, True)

    assert rendered(CustomField("budget", "flag", "Budget allocated"), False) == "Budget allocated: no"
    assert rendered(CustomField("calls", "integer", "Calls this campaign"), 7) == "Calls this campaign: 7"
    assert rendered(CustomField("spend", "number", "Spend"), 1234.5) == "Spend: 1,234.5"
    assert rendered(CustomField("spend", "number", "Spend"), 20000.0) == "Spend: 20,000"
    assert (
        rendered(CustomField("seen", "datetime", "Last webinar"), "2026-01-01", 12.6)
        == "Last webinar: 12 days ago"
    )
    assert (
        rendered(CustomField("seen", "datetime", "Last webinar"), "2026-01-01", 0.2) == "Last webinar: today"
    )
    assert rendered(CustomField("segment", "category", "Segment"), None) == "Segment not given"
    assert rendered(CustomField("segment", "category", "Segment"), "Reseller", 2.0) == "Segment: Reseller"
    # Code 0 pools rare and unseen levels: the points are the pool's, which the reason must not hide.
    assert (
        rendered(CustomField("segment", "category", "Segment"), "Nonprofit", 0.0)
        == "Segment: Nonprofit (other: rare or new in training)"
    )
    templated = CustomField("calls", "integer", "Calls", reason="{value} {label} so far")
    assert rendered(templated, 3) == "3 Calls so far"
    # Walk Q: a blank demo date means none was requested; "Demo requested not given" read as data to fill in.
    demo = CustomField("demo", "datetime", "Demo requested", missing="No demo requested")
    assert rendered(demo, None) == "No demo requested"
    assert rendered(demo, "2026-01-01", 3.0) == "Demo requested: 3 days ago"


def test_event_counts_read_as_people_say_them_plain_and_windowed(policy):
    from leadgate.decision.intent_words import windowed_renderers
    from leadgate.decision.reasons import RENDERERS
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from tests.factories import events, make_lead

    at = "2026-11-02T00:00:00Z"
    lead = make_lead(
        events=events(*[("meeting_booked", at)] * 4, ("meeting_cancelled", at), ("email_open", at))
    )
    derived = derive(build_table([lead]), policy.signal_rules)
    said = "Meetings: 4 meetings booked, 1 meeting cancelled"
    assert RENDERERS["meeting"](derived, None, 0, negative=False) == said
    assert RENDERERS["email_engagement"](derived, None, 0, negative=False) == "Email engagement: 1 email open"
    windowed = windowed_renderers((("meeting_booked", 90.0), ("meeting_cancelled", 90.0)))
    assert windowed["meeting"](derived, None, 0, negative=False) == said


def test_company_size_is_worded_against_the_target_range_the_model_measures(policy):
    from leadgate.decision.reason_words import size_renderer
    from leadgate.features.builder import FeatureBuilder
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from tests.factories import make_lead

    sizes = (1, 30, 2000, "1-10", "51-200", "11-50", "10001+", "501-1,000")
    leads = [make_lead(company={"employees": n}) for n in sizes]
    derived = derive(build_table(leads), policy.signal_rules)
    builder = FeatureBuilder(employees_target=(20, 1000)).fit(derived)
    render = size_renderer(builder.employees_target)
    said = [render(derived, builder.transform(derived), i, negative=True) for i in range(len(sizes))]
    assert said == [
        "Company size 1 employee, below the target range 20–1,000",
        "Company size 30 employees, in the target range 20–1,000",
        "Company size 2,000 employees, above the target range 20–1,000",
        # A band is quoted as given, and placed by all of it, not by the one size the model reads for it.
        "Company size 1–10 employees, below the target range 20–1,000",
        "Company size 51–200 employees, in the target range 20–1,000",
        "Company size 11–50 employees, partly in the target range 20–1,000",
        "Company size 10,001+ employees, above the target range 20–1,000",
        "Company size 501–1,000 employees, in the target range 20–1,000",
    ]
    from leadgate.decision.recovery import RECOVERIES

    # A band is no mistake to correct: an exact head count is what would place it; a count only a correction.
    matrix = builder.transform(derived)
    assert RECOVERIES["company_size"](derived, matrix, 4) == "an exact head count (the size given is a band)"
    assert (
        RECOVERIES["company_size"](derived, matrix, 1) == "only a correction of the company size changes this"
    )
    # Walk U: with the target known, a band wholly outside it is a fact: any head count in it is outside too.
    from leadgate.decision.reasons import ReasonBook

    book = ReasonBook.for_builder(builder)
    recover = book.recoveries[book.families.index("company_size")]
    correction = "only a correction of the company size changes this"
    said = [recover(derived, matrix, i) for i in (3, 4, 5, 6)]  # 1–10, 51–200, 11–50, 10,001+
    assert said == [correction, "an exact head count (the size given is a band)", said[1], correction]
    # The model's own range decides what lies in it: 30 employees is in 20–1,000, 1 and 2,000 are not.
    in_range = "none from the lead: the company size is in the target range"
    assert [recover(derived, matrix, i) for i in (0, 1, 2)] == [correction, in_range, correction]


def test_email_words_name_the_class_the_model_weighed_not_the_policys_lists(policy):
    import dataclasses

    from leadgate.decision.reasons import RENDERERS
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from tests.factories import make_lead

    lead = make_lead(contact={"email": "ana@rival-corp.com"}, company={"website": "https://rival-corp.com"})
    rules = dataclasses.replace(policy.signal_rules, competitor_domains=frozenset({"rival-corp.com"}))
    derived = derive(build_table([lead]), rules)
    assert derived.domain_class[0] == "competitor"  # the gate's business
    said = RENDERERS["email_domain"](derived, None, 0, negative=False)
    assert said == "Company email address on the company's own domain (rival-corp.com)"


def test_schema_codes_read_as_words_a_rep_says(policy):
    from leadgate.decision.reasons import RENDERERS
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from tests.factories import make_lead

    leads = [
        make_lead(company={"company_type": "b2b"}, form={"inquiry_type": "rfp"}),
        make_lead(company={"company_type": "education"}, form={"inquiry_type": "demo"}),
    ]
    derived = derive(build_table(leads), policy.signal_rules)
    said = [
        (RENDERERS["company_type"](derived, None, i, False), RENDERERS["inquiry"](derived, None, i, False))
        for i in range(2)
    ]
    assert said == [
        ("Company type: B2B", "Inquiry type: RFP (request for proposal)"),
        ("Company type: education", "Inquiry type: demo"),
    ]


def test_a_model_that_learned_no_channel_never_speaks_of_one(policy):
    from leadgate.decision.reasons import ReasonBook
    from leadgate.features.builder import FeatureBuilder
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from tests.factories import make_lead

    # Walk AB: an export with a campaign column and no channel read "Channel not given" for a blank campaign.
    def said(channel):
        leads = [make_lead(source={"channel": channel, "campaign": c}) for c in ("spring-abm", None)]
        derived = derive(build_table(leads), policy.signal_rules)
        book = ReasonBook.for_builder(FeatureBuilder(min_category_count=1).fit(derived))
        render = book.renderers[book.families.index("channel")]
        return [render(derived, None, i, True) for i in range(2)]

    assert said(None) == ["Campaign spring-abm", "Campaign not given"]
    assert said("webinar") == ["Came from webinar (campaign spring-abm)", "Came from webinar"]


def test_a_form_field_no_training_lead_had_is_never_said_missing(policy):
    import numpy as np

    from leadgate.decision.reasons import ReasonBook
    from leadgate.features.builder import FeatureBuilder
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from leadgate.training.reason_reference import reason_reference
    from tests.factories import lead_with_nothing_given, make_lead

    # Walk AC: an export without a website column read "Website and message not given" and "Website not given"
    # on leads whose score no website ever moved: the family names only the form fields training leads varied in.
    def said(website):
        leads = [
            make_lead(
                company={"website": website if i % 2 else None}, form={"message": "x" * (i % 7) or None}
            )
            for i in range(60)
        ]
        derived = derive(build_table(leads), policy.signal_rules)
        builder = FeatureBuilder(min_category_count=1).fit(derived)
        reference = reason_reference(builder, builder.transform(derived), np.arange(60) % 3 == 0)
        book = ReasonBook.for_builder(builder, reference)
        family = book.families.index("data_quality")
        bare = derive(build_table([lead_with_nothing_given(company={"name": "Acme"})]), policy.signal_rules)
        return book.renderers[family](bare, None, 0, True), book.recoveries[family](bare, None, 0)

    assert said(None) == ("Message not given", "the message")
    assert said("acme.com") == ("Website and message not given", "the website and message")
