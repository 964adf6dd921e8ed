"""Custom fields the service stops accepting when an alias moves, said by train (and promote, rollback)."""

from __future__ import annotations

import pytest

from tests.training.export_shapes import SHOP_MAPPING

WITHOUT_CALLS = SHOP_MAPPING.replace(
    "  calls: {column: Anrufe, type: integer, label: Calls this campaign}\n", ""
)


@pytest.fixture(scope="module")
def swapped(tmp_path_factory):
    """Champion 1 without `calls`, challenger 2 declaring it, then 3 without it in 2's place (the walk)."""
    from tests.training.export_shapes import register_shop_models

    assert WITHOUT_CALLS != SHOP_MAPPING
    return register_shop_models(tmp_path_factory.mktemp("swap"), [WITHOUT_CALLS, SHOP_MAPPING, WITHOUT_CALLS])


def test_train_says_which_custom_fields_the_replaced_challenger_alone_declared(swapped, capsys):
    from leadgate.cli.training_registered import say_the_challenger_replaced
    from leadgate.training.registry import Registered

    registered = Registered(
        run_id="", name="leadgate", version="3", aliases=["challenger"], replaced_challenger="2"
    )
    say_the_challenger_replaced(swapped, registered)
    said = " ".join(capsys.readouterr().out.split())
    assert "replaces challenger leadgate/2" in said
    # The walk: leads carrying emails_opened_c got 201, then 422 after v6, and train said only "replaces".
    assert (
        "leadgate/2 declared custom fields [calls] that leadgate/3 and the champion leadgate/1 do not: the "
        "service will refuse leads carrying them (422, the whole lead) once it shadows leadgate/3"
    ) in said


def test_a_swap_that_keeps_every_field_accepted_says_nothing_of_fields(swapped):
    from leadgate.cli.accepted_fields import declared_fields, no_longer_accepted

    assert "calls" in declared_fields(swapped, "2") and "calls" not in declared_fields(swapped, "1")
    assert no_longer_accepted(swapped, ("1", "3"), ("1", "2")) == []  # 2 declares all 3 does
    # Promoting 2 over 1, or rolling 2 back to 1 with 3 in shadow, leaves `calls` to no model.
    assert no_longer_accepted(swapped, ("1", "2"), ("2",)) == []
    assert no_longer_accepted(swapped, ("2", "3"), ("1", "3")) == ["calls"]
    assert no_longer_accepted(swapped, (None, "2"), (None, "3")) == ["calls"]  # no champion
