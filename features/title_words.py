"""Job-title words in German (DACH), French, Spanish, Dutch and Italian: seniority, job function and study.

titles.parse_title asks these tables only for what its English rules found nothing of, so they never change an
English reading. (titles.py itself reads a few English titles differently from before: staff naming students,
assistants to executives and past roles; a model trained before sees those as it was not trained to.)
"""

from __future__ import annotations

import re
import unicodedata

# Titles are compared folded: lower case, umlauts written out (Geschäftsführer = Geschaeftsfuehrer) and other
# accents dropped (Directrice générale = directrice generale). In a pattern an umlaut also matches its plain
# vowel, as people type it on a keyboard without one (Geschaftsfuhrer).
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "’": "'"})
_PATTERN_UMLAUTS = str.maketrans({"ä": "ae?", "ö": "oe?", "ü": "ue?", "ß": "ss?"})

# First match wins, so a row is placed before any broader one that would also match (Teamleiter before
# Leiter). `\w*` before a word lets it end a compound (Vertriebsleiterin, Marketing-Werkstudent); after it,
# start one (Vertriebsleiter, Einkaufsleiter). "trainee" is the seniority student without being a student:
# an apprentice (Azubi) is employed, as the English rules read "apprentice" and "trainee".
SENIORITY_WORDS = (
    (
        "student",
        r"\w*student(in)?|studentische hilfskraft|hiwi|\w*praktikant(in)?|praktikum|doktorand(in)?|"
        r"masterand(in)?|bachelorand(in)?|diplomand(in)?|"  # German
        r"étudiante?|stagiaire|doctorante?|"  # French
        r"estudiante|becari[oa]|practicante|doctorand[oa]|"  # Spanish
        r"stagiaire?|promovendus|"  # Dutch
        r"studente|studentessa|tirocinante|stagista|dottorand[oa]",  # Italian
    ),
    (
        "trainee",
        r"azubi|auszubildende[rn]?|lehrling|volontär(in)?|apprentie?|alternante?|aprendiz|apprendista",
    ),
    # Before the executive words: "Assistenz der Geschäftsführung" assists the managing director.
    (
        "junior",
        r"\w*assistent(in)?|\w*assistenz|sekretär(in)?|\w*sekretariat|assistante?|secrétaire|asistente|"
        r"secretari[oa]|assistente|segretari[oa]",
    ),
    (
        "executive",
        r"geschäftsführ\w*|inhaber(in)?|mitinhaber(in)?|firmeninhaber(in)?|vorstand\w*|gründer(in)?|"
        r"mitgründer(in)?|\w*gesellschafter(in)?|unternehmer(in)?|eigentümer(in)?|"  # German
        r"pdg|directeur général|directrice générale|gérante?|fondat(eur|rice)|co-?fondat(eur|rice)|propriétaire|"
        r"daf|dsi|drh|"  # French: CFO, CIO and CHRO
        r"directora general|gerente general|consejer[oa] delegad[oa]|fundador(a)?|co-?fundador(a)?|propietari[oa]|"
        r"dueñ[oa]|presidente|"  # Spanish, Italian
        r"algemeen directeur|eigenaar|oprichter|mede-?oprichter|"  # Dutch
        r"amministratore delegato|titolare|fondat(ore|rice)|co-?fondat(ore|rice)|direttore generale|proprietari[oa]",
    ),
    (
        "manager",
        r"(team|gruppen|projekt|schicht|filial|bau|objekt)leiter(in)?|(team|gruppen|projekt)leitung|"
        r"\w*manager(in)?|chef(fe)? de \w+|chef(fe)? d'\w+|jef[ea]|gerente|encargad[oa]|responsable|"
        r"teamleider|projectleider|leidinggevende|responsabile|capo\w*",
    ),
    (
        "director",
        r"\w*abteilungsleiter(in)?|abteilungsleitung|prokurist(in)?|\w*direktor(in)?|"
        r"directeur|directrice|directora|direttore|direttrice",
    ),
    # Leiter IT is the head of IT, as "Head of" reads in English.
    ("vp", r"\w*bereichsleiter(in)?|bereichsleitung|\w*leiter(in)?|\w*leitung|hoofd"),
    (
        "individual",
        r"\w*sachbearbeiter(in)?|\w*referent(in)?|\w*berater(in)?|\w*entwickler(in)?|\w*ingenieur(in)?|"
        r"\w*mitarbeiter(in)?|\w*spezialist(in)?|\w*kaufmann|\w*kauffrau|\w*techniker(in)?|"
        r"\w*informatiker(in)?|\w*buchhalter(in)?|controller(in)?|\w*einkäufer(in)?|\w*verkäufer(in)?|"
        r"\w*disponent(in)?|\w*analyst(in)?|\w*planer(in)?|\w*konstrukteur(in)?|\w*redakteur(in)?|"
        r"journalistin|\w*wissenschaftler(in)?|\w*forscher(in)?|"  # German
        r"employée?|chargée? d[e'] ?\w+|ingénieure?|développeu(r|se)|consultante|comptable|"
        r"technicien(ne)?|conseill(er|ère)|commerciale?|acheteu(r|se)|analyste|"  # French, Italian
        r"emplead[oa]|ingenier[oa]|desarrollador(a)?|consultor(a)?|analista|técnic[oa]|asesor(a)?|"
        r"administrativ[oa]|contable|comercial|vendedor(a)?|comprador(a)?|"  # Spanish
        r"\w*medewerker|adviseur|ontwikkelaar|verkoper|inkoper|boekhouder|"  # Dutch
        r"impiegat[oa]|ingegnere|sviluppat(ore|rice)|consulente|tecnico|addett[oa]|contabile|"
        r"venditore|ricercat(ore|rice)",  # Italian
    ),
)

# Job functions, in the English rules' order (the executive function first).
FUNCTION_WORDS = (
    (
        "executive",
        r"geschäftsführ\w*|inhaber(in)?|mitinhaber(in)?|firmeninhaber(in)?|vorstand\w*|gründer(in)?|"
        r"mitgründer(in)?|unternehmer(in)?|pdg|directeur général|directrice générale|gérante?|fondat(eur|rice)|co-?fondat(eur|rice)|"
        r"directora? general|gerente general|consejer[oa] delegad[oa]|fundador(a)?|co-?fundador(a)?|"
        r"algemeen directeur|eigenaar|oprichter|mede-?oprichter|amministratore delegato|titolare|"
        r"fondat(ore|rice)|co-?fondat(ore|rice)|direttore generale",
    ),
    (
        "media",
        r"journalistin|redakt\w*|\w*redakteur(in)?|presse\w*|journaliste|rédact(eur|rice)|periodista|"
        r"redactor(a)?|verslaggever|giornalista|redatt(ore|rice)",
    ),
    (
        "research",
        r"\w*forsch\w*|\w*wissenschaft\w*|professor(in)?|dozent(in)?|doktorand(in)?|chercheu(r|se)|recherche|"
        r"doctorante?|investigad(or|ora)|investigación|profesor(a)?|onderzoe\w*|promovendus|hoogleraar|"
        r"ricerca|ricercat(ore|rice)|docente|dottorand[oa]",
    ),
    (
        "engineering",
        r"entwickl\w*|\w*(?<!personal)entwickler(in)?|\w*ingenieur\w*|konstrukt\w*|technik|\w*techniker(in)?|"
        r"développ\w*|ingénieure?|bureau d'études|desarroll\w*|ingenier[oa]|ingeniería|ontwikkel\w*|"
        r"sviluppat(ore|rice)|sviluppo|ingegner\w*",
    ),
    (
        "it",
        r"edv|dsi|informatik\w*|\w*informatiker(in)?|systemadministr\w*|netzwerk\w*|informatique|"
        r"systèmes d'information|informátic[oa]|informatica|sistemas|sistemi informativi|ict|automatisering",
    ),
    (
        "sales",
        r"\w*vertrieb\w*|verkauf\w*|\w*verkäufer(in)?|außendienst\w*|innendienst\w*|geschäftsentwicklung|"
        r"commerciale?|ventes?|ventas|comercial|verkoop\w*|verkoper|accountmanager|vendite|vendit(ore|rice)",
    ),
    (
        "marketing",
        r"\w*marketing\w*|werbung|werbe\w*|\w*kommunikation|communication|comunicación|comunicazione|marketeer",
    ),
    (
        "operations",
        r"\w*einkauf\w*|\w*einkäufer(in)?|beschaffung\w*|\w*logistik\w*|produktion\w*|betrieb|betriebsleit\w*|lager\w*|"
        r"\w*disponent(in)?|qualität\w*|achats?|acheteu(r|se)|approvisionnement|logistique|production|"
        r"compras|comprador(a)?|aprovisionamiento|logística|producción|operaciones|inkoop\w*|inkoper|"
        r"logistiek|productie|acquisti|approvvigionamento|produzione",
    ),
    (
        "finance",
        r"finanz\w*|\w*finanzen|buchhalt\w*|\w*buchhalter(in)?|controlling|controller(in)?|rechnungswesen|"
        r"steuerberat\w*|kaufmännische[rn]? leit\w*|finances?|comptab\w*|trésor\w*|daf|contab\w*|finanzas|"
        r"financ\w*|tesorer\w*|boekhoud\w*|financieel|financiële|finanza|amministrazione",
    ),
    (
        "hr",
        r"personal(?!i[sz]|ity)\w+|(leiter(in)?|leitung|referent(in)?|bereich|abteilung) personal|"
        r"\w*recruit\w*|\w*personaler(in)?|ressources humaines|rh|drh|recursos humanos|rrhh|"
        r"reclutador(a)?|personeelszaken|personeel|risorse umane",
    ),
)

# Words of students, as signals reads "student", "intern" and "PhD candidate": the gate's is_student.
_STUDY_READING = "student"

# Head words (titles.head_word) of staff who look after students or interns: "Tuteur de stagiaire" is no
# intern. German compounds need none: Praktikantenbetreuer ends in its head, and the study words must end one.
STAFF_HEADS = (
    r"betreuer(in)?|koordinator(in)?|leiter(in)?|berater(in)?|referent(in)?|"  # German
    r"responsable|coordinat(eur|rice)|tut(eur|rice)|conseill(er|ere)|"  # French
    r"coordinador(a)?|tutor(a)?|asesor(a)?|"  # Spanish
    r"coordinat(ore|rice)|responsabile|"  # Italian
    r"begeleider|coordinator"  # Dutch
)
# Head words of those who assist or advise someone: "Assistentin der Geschäftsführung" assists the managing
# director and "Referentin der Geschäftsführung" advises them; neither is the executive.
SUPPORT_HEADS = (
    r"assistent(in)?|assistenz|sekretaer(in)?|referent(in)?|assistante?|secretaire|asistente|"
    r"secretari[oa]|assistente|segretari[oa]"
)


def fold(text: str) -> str:
    """A lower-cased title with umlauts written out and other accents dropped: the text the tables read."""
    text = text.lower().translate(_UMLAUTS)
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _alternatives(pattern: str) -> list[str]:
    """The top-level `|`-separated parts of a pattern (those inside groups stay with their part)."""
    parts, depth, start = [], 0, 0
    for at, char in enumerate(pattern):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(pattern[start:at])
            start = at + 1
    return [*parts, pattern[start:]]


def _compiled(words: str) -> re.Pattern[str]:
    # The pattern is folded as the titles are, its umlauts made optional: written once, in the words people use.
    pattern = words.translate(_PATTERN_UMLAUTS)
    pattern = unicodedata.normalize("NFKD", pattern).encode("ascii", "ignore").decode("ascii")
    # Groups are written plain for reading; non-capturing, a branch's first letters stay visible to re's
    # prefix check, which skips most positions of a title at once (a leading optional group hides them).
    pattern = re.sub(r"\((?!\?)", "(?:", pattern)
    # A word that may end a compound needs no word start: searched as `\b\w*leiter`, each letter of a title
    # would start a backtracking run, and untouched titles would pay twice what the English rules cost.
    parts = _alternatives(pattern)
    whole = "|".join(part for part in parts if not part.startswith(r"\w*"))
    ending = "|".join(part.removeprefix(r"\w*") for part in parts if part.startswith(r"\w*"))
    return re.compile(rf"(?:\b(?:{whole}){'|' + ending if ending else ''})\b")


_SENIORITY = tuple((reading, _compiled(words)) for reading, words in SENIORITY_WORDS)
_FUNCTION = tuple((function, _compiled(words)) for function, words in FUNCTION_WORDS)


def seniority(folded: str, staff: bool = False) -> tuple[str, bool] | None:
    """(seniority, is_student) of a folded title, or None when no word here matches; `staff`: the title's
    study words name whom it looks after (titles.parse_title), so they set no seniority."""
    skip = ("student", "trainee") if staff else ()
    reading = next((name for name, rule in _SENIORITY if name not in skip and rule.search(folded)), None)
    if reading is None:
        return None
    if reading == "trainee":
        return "student", False
    return reading, reading == _STUDY_READING


def function(folded: str, executive: bool = True) -> str | None:
    """The job function of a folded title, or None when no word here matches; without `executive`, the
    executive words are skipped (those of whom an assistant assists)."""
    return next(
        (name for name, rule in _FUNCTION if (executive or name != "executive") and rule.search(folded)), None
    )
