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
    ("title", "seniority", "student", "seeker"),
    [
        ("Chief Executive Officer", "executive", False, False),
        ("VP of Sales", "vp", False, False),
        ("Marketing Intern", "student", True, False),
        ("PhD candidate in biology", "student", True, False),
        ("Open to work - looking for opportunities", "individual", False, True),
        ("Junior Analyst", "junior", False, False),
        ("", "unknown", False, False),
    ],
)
def test_titles(title, seniority, student, seeker):
    parsed = signals.parse_title(title)
    assert (parsed[0], parsed[2], parsed[3]) == (seniority, student, seeker)


@pytest.mark.parametrize(
    ("title", "seniority", "function", "student"),
    [
        ("Geschäftsführer", "executive", "executive", False),
        ("Geschäftsführerin", "executive", "executive", False),
        ("Geschaeftsfuehrer", "executive", "executive", False),
        ("Geschaftsfuhrer", "executive", "executive", False),
        ("Inhaber", "executive", "executive", False),
        ("Vorstand", "executive", "executive", False),
        ("Gründerin", "executive", "executive", False),
        ("Prokurist", "director", "other", False),
        ("Abteilungsleiter Einkauf", "director", "operations", False),
        ("Bereichsleiterin Finanzen", "vp", "finance", False),
        ("Leiter Vertrieb", "vp", "sales", False),
        ("Vertriebsleiterin", "vp", "sales", False),
        ("IT-Leiter", "vp", "it", False),
        ("Einkaufsleiter", "vp", "operations", False),
        ("Teamleiter Controlling", "manager", "finance", False),
        ("Head of Einkauf", "vp", "operations", False),
        ("Projektmanagerin", "manager", "other", False),
        ("Sachbearbeiterin Buchhaltung", "individual", "finance", False),
        ("Personalreferent", "individual", "hr", False),
        ("Softwareentwickler", "individual", "engineering", False),
        ("Einkäufer", "individual", "operations", False),
        ("Assistenz der Geschäftsführung", "junior", "executive", False),
        ("Werkstudent", "student", "other", True),
        ("Werkstudentin Marketing", "student", "marketing", True),
        ("Praktikantin", "student", "other", True),
        ("Doktorandin", "student", "research", True),
        # An apprentice is employed: the seniority student, as "apprentice" reads, but not a student.
        ("Auszubildende", "student", "other", False),
        ("Azubi", "student", "other", False),
        ("Directrice générale", "executive", "executive", False),
        ("PDG", "executive", "executive", False),
        ("Responsable des achats", "manager", "operations", False),
        ("Étudiante", "student", "other", True),
        ("Stagiaire", "student", "other", True),
        ("Directora de ventas", "director", "sales", False),
        ("Gerente general", "executive", "executive", False),
        ("Jefe de compras", "manager", "operations", False),
        ("Becaria", "student", "other", True),
        ("Eigenaar", "executive", "executive", False),
        ("Hoofd inkoop", "vp", "operations", False),
        ("Stagiair", "student", "other", True),
        ("Direttore vendite", "director", "sales", False),
        ("Responsabile IT", "manager", "it", False),
        ("Tirocinante", "student", "other", True),
    ],
)
def test_titles_in_german_and_other_european_languages(title, seniority, function, student):
    parsed = signals.parse_title(title)
    assert (parsed.seniority, parsed.function, parsed.is_student) == (seniority, function, student)
    assert parsed.seniority_read


def test_a_title_no_rule_recognises_says_so():
    parsed = signals.parse_title("Florist")
    assert (parsed.seniority, parsed.function) == (
        "individual",
        "other",
    )  # the defaults models were trained on
    assert not parsed.seniority_read and not parsed.function_read
    assert signals.parse_title("Marketing")[:2] == ("individual", "marketing")
    assert (
        not signals.parse_title("Marketing").seniority_read and signals.parse_title("Marketing").function_read
    )
    # "Personal" alone is English: a personal assistant is no HR role.
    assert signals.parse_title("Personal Assistant")[:2] == ("junior", "other")


def _english_reading(title: str) -> tuple[str, str, bool]:
    text = title.strip().lower()
    seniority = next((n for n, rule in signals._COMPILED_SENIORITY if rule.search(text)), None)
    function = next((n for n, rule in signals._COMPILED_FUNCTION if rule.search(text)), None)
    return seniority, function, bool(signals._STUDENT.search(text))


def test_what_the_english_rules_read_never_changes():
    """Models trained before decide exactly as before: other languages fill only what English found nothing of."""
    from leadgate.training.synth_vocab import TITLES

    mixed = [
        "Director Vertrieb",
        "Sales Manager / Geschäftsführer",
        "CEO & Inhaber",
        "Stage Manager",
        "Trainee",
    ]
    for title in [t for pool in TITLES.values() for t in pool] + mixed:
        seniority, function, student = _english_reading(title)
        parsed = signals.parse_title(title)
        if seniority is not None:
            assert (parsed.seniority, parsed.is_student) == (seniority, student), title
        if function is not None:
            assert parsed.function == function, title


@pytest.mark.parametrize(
    ("first", "last", "fake"),
    [
        ("asdf", "asdf", True),
        ("Test", "Test", True),
        ("Mickey", "Mouse", True),
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
