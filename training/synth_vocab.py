"""Word lists and category tables the synthetic lead generator draws from."""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """Whitespace-separated words as a tuple (keeps long word lists compact)."""
    return tuple(text.split())


# Plain ASCII names that leadgate.features.signals.name_problem accepts as a real person's.
FIRST_NAMES = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan "
    "Joseph Jessica Thomas Sarah Charles Karen Daniel Lisa Matthew Nancy Anthony Sandra Mark Ashley "
    "Steven Emily Andrew Michelle Joshua Amanda Kevin Melissa Brian Stephanie Priya Arjun Wei Mei Hiroshi "
    "Yuki Lukas Hannah Felix Sophie Lars Ingrid Mateo Lucia Chloe Hugo Noah Emma Oliver Amelia Liam "
    "Olivia Sven Astrid Pedro Ines Tomasz Katarzyna Jan Eva Marco Giulia Dana Omar Fatima Kwame Amara "
    "Rafael Camila"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson "
    "Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young "
    "Allen King Wright Scott Hill Green Adams Baker Nelson Carter Mitchell Roberts Patel Sharma Chen Wang "
    "Tanaka Sato Kim Park Nguyen Schmidt Schneider Fischer Weber Meyer Dubois Moreau Laurent Rossi Russo "
    "Ferrari Silva Santos Costa Kowalski Nowak Novak Jansen Visser Hansen Larsen Nilsson Lindqvist Murphy "
    "Kelly Byrne Ruiz Okafor Mensah Haddad Cohen"
)
# Placeholder and keyboard-mash names a fake_name gate should catch.
FAKE_NAMES = (
    ("asdf", "asdf"),
    ("Test", "Test"),
    ("Mickey", "Mouse"),
    ("John", "Doe"),
    ("qwerty", "qwerty"),
    ("xxx", "xxx"),
    ("John1", "Smith2"),
    ("123", "456"),
    ("aaa", "bbb"),
    ("Donald", "Duck"),
)

COMPANY_PREFIXES = _words(
    "Acme Apex Blue Bright Clear Core Crest Delta Echo Ever Fair First Forge Granite Green Harbor High "
    "Iron Keystone Lumen Maple Nimbus North Nova Oak Orbit Peak Pine Prime Quantum Red River Sage Silver "
    "Sky Solid Stone Summit Swift True Vector Vertex West Zen Atlas Beacon Cobalt Ember Falcon Helix "
    "Juniper"
)
COMPANY_CORES = _words(
    "path wave stack point line bridge field works gate scale loop sight mark bound craft shift spring "
    "view base hub grid flow core mind ware logic leaf"
)
COMPANY_KINDS = _words(
    "Analytics Systems Group Labs Logistics Health Partners Software Solutions Industries Capital "
    "Networks Robotics Media Foods Energy Consulting Manufacturing Retail Studios"
)
COUNTRY_TLD = {"GB": "co.uk", "DE": "de", "FR": "fr", "NL": "nl", "AU": "com.au", "JP": "co.jp", "ES": "es"}

# Industries by fit; the policy's blocked industries are added at draw time.
INDUSTRIES = (
    ("Software", 14.0, 0.35),
    ("SaaS", 8.0, 0.45),
    ("Financial Services", 8.0, 0.25),
    ("Manufacturing", 9.0, 0.1),
    ("Professional Services", 8.0, 0.1),
    ("Healthcare", 6.0, 0.0),
    ("Logistics", 5.0, 0.05),
    ("Telecommunications", 3.0, 0.15),
    ("Marketing & Advertising", 6.0, 0.2),
    ("Insurance", 3.0, 0.1),
    ("Construction", 3.0, -0.3),
    ("Energy", 2.0, 0.0),
    ("Education Services", 2.0, -0.4),
    ("Media", 2.0, -0.2),
    ("Real Estate", 3.0, -0.5),
    ("Retail", 6.0, -0.9),
    ("Hospitality", 3.0, -1.0),
    ("Food & Beverage", 3.0, -0.85),
    ("Personal Services", 2.0, -1.1),
)  # (name, weight, log-odds effect); effects <= -ln 2 are the low-fit industries listed as a factor

# Country weights for the supported ones; others in the policy list get the default weight.
COUNTRY_WEIGHTS = {"US": 40.0, "GB": 9.0, "DE": 7.0, "CA": 5.0, "AU": 4.0, "FR": 4.0, "NL": 3.0}
DEFAULT_COUNTRY_WEIGHT = 1.2
UNSUPPORTED_COUNTRIES = ("IN", "BR", "NG", "PK", "CN", "RU", "MX", "PH", "VN", "ID", "ZA", "AR", "EG", "TR")

SUPPORTED_CRMS = ("Salesforce", "HubSpot", "Microsoft Dynamics", "Pipedrive", "Zoho CRM", "Freshsales")

# (channel, share, known-cost share, median cost per lead USD, log-odds effect)
CHANNELS = (
    ("paid_search", 22.0, 0.95, 120.0, 0.0),
    ("paid_social", 14.0, 0.95, 60.0, -0.35),
    ("organic", 20.0, 0.0, 0.0, 0.15),
    ("referral", 6.0, 0.0, 0.0, 0.6),
    ("events", 8.0, 0.8, 210.0, 0.2),
    ("partner", 6.0, 0.5, 150.0, 0.4),
    ("content_syndication", 12.0, 0.98, 45.0, -0.9),
    ("outbound", 8.0, 0.6, 85.0, -0.3),
    ("direct", 4.0, 0.0, 0.0, 0.1),
)
FORM_CHANNELS = frozenset({"paid_search", "paid_social", "organic", "referral", "partner", "direct"})
CAMPAIGN_THEMES = (
    "brand",
    "competitor-terms",
    "lead-scoring",
    "revops-guide",
    "webinar",
    "free-trial",
    "pipeline",
)

INQUIRY_TYPES = ("demo", "pricing", "contact", "content", "rfp")
INQUIRY_EFFECT = {"demo": 0.5, "pricing": 0.4, "contact": 0.0, "content": -0.5, "rfp": 0.35}
MESSAGES = {
    "demo": (
        "We'd like to see how routing works with our CRM.",
        "Looking to replace our manual lead review, can we get a demo next week?",
        "Our SDR team is drowning in junk leads. Interested in a walkthrough.",
    ),
    "pricing": (
        "What does pricing look like for a team of 20 reps?",
        "Please send pricing for the enterprise plan.",
        "Do you offer annual contracts?",
    ),
    "contact": ("Question about integrations.", "Can someone call me back?", "Do you support SSO?"),
    "content": ("Downloaded the guide, thanks.", "Interested in the benchmark report."),
    "rfp": ("Attached is our RFP for lead management tooling; responses due in 3 weeks.",),
}
SPAM_MESSAGES = (
    "Best SEO backlinks http://cheap-links.example http://seo-boost.example http://rank-fast.example",
    "Buy followers now www.promo-one.example www.promo-two.example www.promo-three.example visit!",
)
HONEYPOT_VALUES = ("http://spam.example", "John", "1", "click here")

# Title pools by generator role; seniority/function as leadgate.features.titles.parse_title reads them.
TITLES = {
    "executive": (
        "Chief Executive Officer|CEO|Founder|Co-Founder & CEO|Chief Revenue Officer|Chief Marketing Officer|"
        "Chief Operating Officer|CTO|Managing Director|President|Owner"
    ),
    "vp": "VP of Sales|VP Marketing|VP, Operations|SVP Revenue Operations|Head of Growth|Head of Sales Operations",
    "director": (
        "Director of Sales|Marketing Director|Director, Revenue Operations|Director of IT|"
        "Sales Operations Director|Director of Customer Success"
    ),
    "manager": (
        "Sales Manager|Marketing Manager|Revenue Operations Manager|Demand Generation Manager|IT Manager|"
        "Operations Manager|Growth Lead|Team Lead, SDR|CRM Manager"
    ),
    "individual": (
        "Account Executive|Marketing Operations Specialist|Sales Development Representative|Business Analyst|"
        "Data Analyst|Software Engineer|Salesforce Administrator|Growth Marketer|Marketing Coordinator|"
        "Consultant|Solutions Architect"
    ),
    "junior": (
        "Junior Marketing Specialist|Marketing Assistant|Sales Associate|Jr. Developer|Executive Assistant|"
        "Associate Consultant|Entry-level Analyst"
    ),
    "non_buyer": "Research Scientist|Postdoctoral Researcher|Market Researcher|Journalist|Technology Reporter|Editor",
    "student": "Student|MBA Student|Marketing Intern|Graduate Student|PhD Candidate|Undergraduate Student",
    "job_seeker": "Looking for opportunities|Open to work|Job seeker|Seeking employment|Between jobs",
}
TITLES = {role: tuple(pool.split("|")) for role, pool in TITLES.items()}
# Title role shares among ordinary leads and their log-odds effect (effects <= -ln 2 are listed as seniority).
TITLE_ROLES = (
    ("executive", 10.0, 0.45),
    ("vp", 8.0, 0.6),
    ("director", 14.0, 0.5),
    ("manager", 22.0, 0.25),
    ("individual", 25.0, -0.2),
    ("junior", 11.0, -1.0),
    ("non_buyer", 4.0, -1.5),
    ("none", 6.0, -0.3),
)

FREE_DOMAINS = (
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "icloud.com",
    "aol.com",
    "proton.me",
    "gmx.de",
)
FREE_WEIGHTS = (50.0, 12.0, 12.0, 10.0, 6.0, 3.0, 3.0, 4.0)
ACADEMIC_DOMAINS = (
    "mit.edu",
    "stanford.edu",
    "umich.edu",
    "ox.ac.uk",
    "ucl.ac.uk",
    "unimelb.edu.au",
    "nyu.edu",
)
DISPOSABLE_DOMAINS = (
    "mailinator.com",
    "guerrillamail.com",
    "10minutemail.com",
    "yopmail.com",
    "trashmail.com",
)
TEST_COMPANIES = ("Test", "Test Company", "Acme Test")

# Standardized reasons sales gives when a lead does not become an SQL.
REJECTION_REASONS = (
    "spam",
    "bad_data",
    "competitor",
    "internal_test",
    "do_not_engage",
    "unsubscribed",
    "student",
    "job_seeker",
    "unsupported_region",
    "not_a_fit_industry",
    "not_a_fit_type",
    "not_a_fit_size",
    "unsupported_stack",
    "no_authority",
    "no_budget",
    "no_response",
    "timing",
    "not_interested",
)
NEGATIVE_FACTORS = (
    "email_domain",
    "company_size",
    "seniority",
    "staleness",
    "industry",
    "channel",
    "data_quality",
)
