"""Channel codes in a rep's words; a CRM's own channel names as the CRM spelled them."""

from __future__ import annotations

import pytest

from leadgate.features.channel_labels import CHANNEL_LABELS, channel_label
from leadgate.training.synth_vocab import CHANNELS


def test_every_channel_code_the_demo_history_uses_has_words():
    assert {code for code, *_ in CHANNELS} <= set(CHANNEL_LABELS)
    assert channel_label("content_syndication") == "Content syndication"


@pytest.mark.parametrize("written", ["LinkedIn Lead Gen", "ORGANIC_SEARCH", "Content_Syndication", "webinar"])
def test_a_channel_the_crm_named_its_own_way_stays_as_written(written):
    assert channel_label(written) == written


def test_no_label_is_still_a_code():
    assert all("_" not in label and label[0].isupper() for label in CHANNEL_LABELS.values())
