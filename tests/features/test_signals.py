import pytest

from leadgate.features import messages, signals

NONE = frozenset()


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("gmail.com", "free"),
        ("mailinator.com", "disposable"),
        ("stanford.edu", "academic"),
        ("ox.ac.uk", "academic"),
        ("nordwerk.de", "corporate"),
        ("", "missing"),
    ],
)
def test_domain_classes(domain, expected):
    assert signals.classify_domain(domain, NONE, NONE) == expected


def test_policy_lists_win_over_public_lists():
    assert signals.classify_domain("mail.rival.io", frozenset({"rival.io"}), NONE) == "competitor"
    assert signals.classify_domain("us.example.com", NONE, frozenset({"example.com"})) == "own"


@pytest.mark.parametrize(
    ("domain", "placeholder"),
    [
        ("test.com", True),
        ("example.com", True),
        ("mail.example.org", True),
        ("acme.test", True),
        ("printer.local", True),
        ("gmail.com", False),
        ("nordwerk.de", False),
        ("contest.com", False),  # a word containing "test" is a name, not a placeholder
        ("testing-labs.com", False),
    ],
)
def test_placeholder_domains(domain, placeholder):
    assert signals.is_placeholder_domain(domain) is placeholder


def test_placeholder_domains_keep_their_class_for_gates_and_models():
    # Only the words change: test.com stays where the free-mail list puts it, so stored models read it as before.
    assert signals.classify_domain("test.com", NONE, NONE) == "free"
    assert signals.classify_domain("example.com", NONE, NONE) == "corporate"


def test_registered_domain_uses_public_suffixes():
    assert signals.registered_domain("https://www.shop.acme.co.uk/path") == "acme.co.uk"
    assert signals.registered_domain("not a domain") == ""


@pytest.mark.parametrize(
    ("first", "last", "fake"),
    [
        ("asdf", "asdf", True),
        ("Test", "Test", True),
        ("Mickey", "Mouse", True),
        ("Max", "Mustermann", True),  # Germany's John Doe (walk S)
        ("Joe", "Bloggs", True),
        ("Max", "Müller", False),
        ("John3", "Smith", True),
        ("Zzzz", "Brown", True),
        ("Maria", "Keller", False),
        ("Nguyen", "Van Anh", False),
        ("Siobhan", "O'Neill", False),
        ("Иван", "Иванов", False),
        ("山田", "太郎", False),
        ("Ngọc", "Trần", False),
        ("John", "", False),
    ],
)
def test_fake_names(first, last, fake):
    assert bool(signals.name_problem(first, last)) is fake


def test_messages():
    assert messages.message_problem("see http://a.io http://b.io http://c.io", 2) == "link spam"
    assert messages.message_problem("you are a piece of shit, fuck off", 2) == "profanity"
    # One listed word is often ordinary business English; it must not silently reject a buyer.
    for message in ("We need to kill our spreadsheet workflow", "Damn good product, want a demo"):
        assert messages.message_problem(message, 2) == ""
    assert messages.message_problem("Please send pricing for 20 seats", 2) == ""


def test_email_validity():
    assert signals.is_valid_email("maria.keller@nordwerk.de")
    assert not signals.is_valid_email("maria@@nordwerk")
    assert not signals.is_valid_email("no-at-sign.com")


@pytest.mark.parametrize(
    "domain",
    [
        "nordwerk.de",
        "local",
        "x.local",
        "a.b.test",
        "test.com",
        "mytest",
        "x.invalid.",
        "a..onion",
        "arpa.io",
        "",
    ],
)
def test_special_use_domains_are_the_names_and_everything_under_them(domain):
    names = signals._special_use_domains()
    assert signals._is_special_use(domain) is any(domain == s or domain.endswith("." + s) for s in names)


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        ("Jöhn²", "Smith", "digits in name"),  # a digit outside ASCII counts too
        ("Ana", "Müller٣", "digits in name"),
        ("Jo3", "Smith", "digits in name"),
        ("Maria", "Uiopson", "keyboard pattern"),
        ("Maria", "Hjkl", "keyboard pattern"),
        ("Brrrt", "Smith", "repeated characters"),
        ("Mrkt", "Smith", "no vowels"),
        ("Maria", "Keller", ""),
    ],
)
def test_name_problems_say_which(first, last, problem):
    signals.name_problem.cache_clear()
    assert signals.name_problem(first, last) == problem
