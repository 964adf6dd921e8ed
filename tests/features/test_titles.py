"""Job titles: seniority, function, students and job seekers, in English and other European languages."""

import pytest

from leadgate.features import titles


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
    parsed = titles.parse_title(title)
    assert (parsed[0], parsed[2], parsed[3]) == (seniority, student, seeker)


@pytest.mark.parametrize(
    ("title", "seniority", "function", "student"),
    [
        ("Geschäftsführer", "executive", "executive", False),
        ("Vice President Sales", "vp", "sales", False),  # no president
        ("Vice-President, Marketing", "vp", "marketing", False),
        ("President & CEO", "executive", "executive", False),
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
        # An assistant of the managing director works beside them: neither their seniority nor function.
        ("Assistenz der Geschäftsführung", "junior", "other", False),
        ("Assistentin der Geschäftsführung", "junior", "other", False),
        ("Referentin der Geschäftsführung", "individual", "other", False),
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
    parsed = titles.parse_title(title)
    assert (parsed.seniority, parsed.function, parsed.is_student) == (seniority, function, student)
    assert parsed.seniority_read


@pytest.mark.parametrize(
    "title",
    [
        "Student Success Manager",
        "Intern Program Manager",
        "Head of Student Recruitment",
        "Director of Student Affairs",
        "Student Recruiter",
        "Internal Auditor",
        "Internship Coordinator",
        "Responsable de stagiaire",
        "Tuteur de stagiaire",
        "Praktikantenbetreuer",
    ],
)
def test_staff_who_look_after_students_or_interns_are_no_students(title):
    parsed = titles.parse_title(title)
    assert not parsed.is_student and parsed.seniority != "student", parsed


@pytest.mark.parametrize(
    "title",
    [
        "Marketing Intern",
        "Student",
        "PhD candidate",
        "Werkstudentin",
        "Summer Intern",
        "Project Manager Intern",
    ],
)
def test_students_and_interns_still_are(title):
    parsed = titles.parse_title(title)
    assert parsed.is_student and parsed.seniority == "student", parsed


@pytest.mark.parametrize(
    ("title", "seniority", "function"),
    [
        ("Assistant to the CEO", "junior", "other"),
        ("Executive Assistant to the CFO", "junior", "finance"),
        ("Assistant to the Managing Director", "junior", "other"),
        ("Assistant Director of Marketing", "director", "marketing"),  # a director, who assists no one
    ],
)
def test_an_assistant_to_an_executive_is_read_as_the_assistant(title, seniority, function):
    assert titles.parse_title(title)[:2] == (seniority, function)


@pytest.mark.parametrize("title", ["Former CEO", "Ex-Geschäftsführer", "Retired Managing Director"])
def test_a_past_role_is_not_read_as_the_present_one(title):
    parsed = titles.parse_title(title)
    assert not parsed.seniority_read and not parsed.function_read, parsed
    assert titles.parse_title("Executive Director").seniority == "director"  # "ex" only as a word


def test_a_title_no_rule_recognises_says_so():
    parsed = titles.parse_title("Florist")
    assert (parsed.seniority, parsed.function) == (
        "individual",
        "other",
    )  # the defaults models were trained on
    assert not parsed.seniority_read and not parsed.function_read
    assert titles.parse_title("Marketing")[:2] == ("individual", "marketing")
    assert (
        not titles.parse_title("Marketing").seniority_read and titles.parse_title("Marketing").function_read
    )
    # "Personal" alone is English: a personal assistant is no HR role.
    assert titles.parse_title("Personal Assistant")[:2] == ("junior", "other")


@pytest.mark.parametrize(
    ("title", "seniority", "function"),
    [
        # Walk Y: common B2B and SaaS titles read by no rule, so "No known job function" counted against them.
        ("Director of Demand Generation", "director", "marketing"),
        ("Demand Generation Manager", "manager", "marketing"),
        ("Lifecycle Marketing Manager", "manager", "marketing"),
        ("CRM Manager", "manager", "marketing"),
        ("Head of RevOps", "vp", "sales"),
        ("RevOps Manager", "manager", "sales"),
        ("Key Account Manager", "manager", "sales"),
        ("Data Analyst", "individual", "it"),
        ("BI Analyst", "individual", "it"),
        ("Business Intelligence Analyst", "individual", "it"),
        ("Head of Analytics", "vp", "it"),
        ("Head of Data", "vp", "it"),
        ("Data Warehouse Manager", "manager", "it"),
        ("BI Manager", "manager", "it"),
        ("Head of BI", "vp", "it"),
        ("Director of Data Science", "director", "research"),
        ("SDR", "individual", "sales"),
        ("BDR", "individual", "sales"),
        ("Account Executive", "individual", "sales"),
        ("Senior Account Executive", "individual", "sales"),
        ("Enterprise AE", "individual", "sales"),
        ("Sales Rep", "individual", "sales"),
        ("Growth Marketer", "individual", "marketing"),
        # Walk AC: the abbreviations Salesforce titles carry.
        ("Mgr, CRM", "manager", "marketing"),
        ("Sr. Mktg Mgr", "manager", "marketing"),
        ("Dir. of Sales", "director", "sales"),
        ("Mktg Asst", "junior", "marketing"),
    ],
)
def test_common_b2b_titles_are_read(title, seniority, function):
    parsed = titles.parse_title(title)
    assert (parsed.seniority, parsed.function) == (seniority, function), parsed
    assert parsed.seniority_read and parsed.function_read, parsed


@pytest.mark.parametrize(
    ("title", "seniority", "function"),
    [
        # The later English words fill only what no rule before them read: these keep their readings.
        ("Chief Revenue Officer", "executive", "sales"),
        ("Chief Data Officer", "executive", "it"),
        ("Data Engineer", "individual", "engineering"),
        ("Analytics Engineer", "individual", "engineering"),
        ("Data Scientist", "individual", "research"),
        ("IT Operations Manager", "manager", "it"),
        ("Revenue Operations Manager", "manager", "sales"),
        ("Marketing Operations Manager", "manager", "marketing"),
        ("Marketing Analyst", "individual", "marketing"),
        ("Account Manager", "manager", "sales"),
        ("Assistant to the CRM Manager", "junior", "marketing"),
        ("Werkstudent Data Analytics", "student", "it"),
    ],
)
def test_the_later_english_words_keep_earlier_readings(title, seniority, function):
    assert titles.parse_title(title)[:2] == (seniority, function)


@pytest.mark.parametrize(
    "title",
    [
        "Bi-lingual Customer Support",
        "Data Protection Officer",
        "Head of Data Protection",
        "Data Privacy Manager",
        "Data Entry Clerk",
    ],
)
def test_data_and_bi_words_that_name_no_it_role_are_not_read_as_it(title):
    parsed = titles.parse_title(title)
    assert parsed.function != "it" and not parsed.function_read, parsed


def _english_reading(title: str) -> tuple[str, str, bool]:
    text = title.strip().lower()
    seniority = next((n for n, rule in titles._COMPILED_SENIORITY if rule.search(text)), None)
    function = next((n for n, rule in titles._COMPILED_FUNCTION if rule.search(text)), None)
    return seniority, function, bool(titles._STUDENT.search(text))


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
    # Read otherwise on purpose (fixI): staff who look after students, assistants of executives, past roles.
    deliberately_changed = {
        "Student Success Manager",
        "Head of Student Recruitment",
        "Assistant to the CEO",
        "Executive Assistant to the CFO",
        "Former CEO",
    }
    for title in [t for pool in TITLES.values() for t in pool] + mixed + sorted(deliberately_changed):
        seniority, function, student = _english_reading(title)
        if title in deliberately_changed:
            assert titles.parse_title(title)[:3] != (seniority, function, student), title
            continue
        parsed = titles.parse_title(title)
        if seniority is not None:
            assert (parsed.seniority, parsed.is_student) == (seniority, student), title
        if function is not None:
            assert parsed.function == function, title
