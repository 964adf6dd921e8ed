"""The data-quality family's words name only the form fields its model's training leads varied in."""

import numpy as np


def _book_and_words(policy, training_leads, lead):
    from leadgate.decision.reasons import ReasonBook
    from leadgate.features.builder import FeatureBuilder
    from leadgate.features.derived import derive
    from leadgate.features.table import build_table
    from leadgate.training.reason_reference import reason_reference

    derived = derive(build_table(training_leads), policy.signal_rules)
    builder = FeatureBuilder(min_category_count=1).fit(derived)
    n = len(training_leads)
    reference = reason_reference(builder, builder.transform(derived), np.arange(n) % 3 == 0)
    book = ReasonBook.for_builder(builder, reference)
    family = book.families.index("data_quality")
    one = derive(build_table([lead]), policy.signal_rules)
    words = [book.renderers[family](one, None, 0, negative) for negative in (True, False)]
    return words, book.givens[family](one)[0], book.recoveries[family](one, None, 0)


def test_a_crm_export_without_a_form_never_reads_as_a_message(policy):
    from tests.factories import lead_with_nothing_given

    # Walk AE (a Zoho export mapping a website and a company, no form): has_website pulled a lead, and its
    # words read "Form filled with a 0-character message", of a message the export never had.
    training = [
        lead_with_nothing_given(
            company={"name": "Acme" if i % 3 else None, "website": "acme.de" if i % 2 else None},
            form={"seconds_on_form": None},
        )
        for i in range(60)
    ]
    lead = lead_with_nothing_given(
        company={"name": "Nordwerk GmbH", "website": "https://www.nordwerk.de"},
        form={"seconds_on_form": None},
    )
    words, given, recovery = _book_and_words(policy, training, lead)
    assert words == ["Website (nordwerk.de) and company name given"] * 2, words
    # Both of the fields it was trained on were given: the family has a value, and may be a reason for. Against,
    # there is no form to submit again.
    assert given and recovery == "only a correction of the website and company name changes this"
    siteless = lead_with_nothing_given(company={"name": "Nordwerk GmbH"}, form={"seconds_on_form": None})
    words, given, recovery = _book_and_words(policy, training, siteless)
    assert words == ["Website not given"] * 2 and not given and recovery == "the website"


def test_a_form_with_a_message_still_says_its_length_and_time(policy):
    from tests.factories import lead_with_nothing_given, make_lead

    training = [
        make_lead(company={"website": "acme.de" if i % 2 else None}, form={"message": "x" * (i % 7) or None})
        for i in range(60)
    ]
    words, given, recovery = _book_and_words(
        policy, training, make_lead(form={"message": "Please call", "seconds_on_form": 62})
    )
    assert words == ["Website (nordwerk.de) and message (11 characters) given, form filled in 62 seconds"] * 2
    assert given and recovery == "only a new, complete submission changes this"
    # No field varied in training (every lead had all three): only the time on the form is said.
    same = [make_lead() for _ in range(30)]
    words, given, recovery = _book_and_words(policy, same, make_lead(form={"seconds_on_form": 0.4}))
    assert words == ["Form filled in under a second"] * 2 and given
    words, given, recovery = _book_and_words(
        policy, same, lead_with_nothing_given(form={"seconds_on_form": None})
    )
    assert words == ["Time on the form not given"] * 2 and not given
