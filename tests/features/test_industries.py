import pytest

from leadgate.features.industries import industry_listed, industry_words

POLICY = ("gambling", "adult entertainment", "weapons", "tobacco")


@pytest.mark.parametrize(
    ("industry", "entry"),
    [
        ("gambling", "gambling"),
        ("GAMBLING_CASINOS", "gambling"),  # HubSpot's enum
        ("Gambling Facilities and Casinos", "gambling"),  # LinkedIn's
        ("Gambling & Casinos", "gambling"),
        ("Adult Entertainment", "adult entertainment"),
        ("Weapon Manufacturing", "weapons"),
        ("TOBACCO", "tobacco"),
        ("Adult Education", ""),  # the policy's words side by side, not each anywhere
        ("Entertainment", ""),
        ("Gaming", ""),
        ("", ""),
    ],
)
def test_an_industry_is_listed_by_the_policys_words_as_crms_write_them(industry, entry):
    assert industry_listed(industry, POLICY) == entry


def test_words_are_case_folded_and_singular():
    assert industry_words("GAMBLING_CASINOS") == ("gambling", "casino")
    assert industry_words("Glass & Gas") == ("glass", "gas")
