"""Who the document is about: the company and the role, from its title, labels and section names.

Evidence, strongest first: front matter (`company:`, `role:`), labelled lines in any language (`Company:`,
`**Firma:**`, `**Poste :**`), the title read in either order ("Acme – SRE", "SRE at Acme", "Role – Company"
told apart by role words), and the company-summary section's name ("About Acme", "Acme at a glance").
Words that only name the document ("Interview Prep", "Question bank", "Vorbereitung") are never a company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from studyprep.parse.meaning import is_stage_title, plain, section_kind, strip_symbols

__all__ = ["Identity", "company_from_section", "identity_from_prose", "identity_label", "is_prep_title", "split_title"]

# Words that name the document or the interview rather than the company or role, at either end of a title part.
_DOCUMENT_WORDS = re.compile(
    r"(?:^|\s)(?:(?:job|mock|final|my|the|an?)\s+)*(?:(?:technical|behaviou?ral|system[\s-]design|case|coding|"
    r"leetcode|onsite|phone|panel)\s+)?"
    r"(?:interview(?:s)?\s*)?(?:prep(?:aration)?|guide|notes?|study\s+guide|cheat\s*sheet|plan|pack|kit|doc|"
    r"document|sheet|briefing|playbook|question\s+bank|questions?|story\s+bank|stories|revision|crib\s+sheet|loop)"
    r"(?:\s+(?:guide|notes?|doc|document|sheet|plan|pack|kit|list))?(?=\s|$)|"
    r"(?:^|\s)(?:interview|interviews|leetcode|vorbereitung|vorstellungsgespr[äa]ch|bewerbungsgespr[äa]ch|"
    r"interviewvorbereitung|gespr[äa]chsvorbereitung|fragenkatalog|pr[ée]paration|pr[ée]pa|entretien|"
    r"d'entretien|fiche|preparaci[óo]n|entrevista|proceso\s+de\s+selecci[óo]n|processo\s+seletivo|"
    r"bewerbungsprozess|processus\s+de\s+recrutement|despacho|banco\s+de\s+(?:preguntas|perguntas)|prepara[çc][ãa]o|"
    r"preparo|gu[íi]a|notas|colloquio|colloqui|preparazione|appunti|sollicitatiegesprek|sollicitatie|"
    r"voorbereiding|面接準備|面接対策|面试准备)(?=\s|$)",
    re.IGNORECASE,
)
_TRAILING_PARENTHESIS = re.compile(r"\s*\(([^()]*)\)\s*$")
_JOINERS = re.compile(
    r"^(?:for|f[üu]r|pour|para|de|del|du|d'|zum|zur|of|with|mit|avec|con|com|per|di|al|alla)(?:\s+|$)|"
    r"\s+(?:for|f[üu]r|pour|para|de|zum|zur|of|per|di)$",
    re.IGNORECASE,
)
# Words that, alone, leave nothing of a title part ("Préparation à ton entretien" -> "à ton").
_FILLER_WORDS = {
    "à",
    "a",
    "au",
    "aux",
    "ton",
    "ta",
    "tes",
    "votre",
    "vos",
    "mon",
    "ma",
    "mes",
    "tu",
    "su",
    "sus",
    "seu",
    "sua",
    "dein",
    "deine",
    "ihr",
    "ihre",
    "your",
    "my",
    "mi",
    "mis",
    "the",
    "le",
    "la",
    "les",
    "el",
    "los",
    "o",
    "os",
    "das",
    "die",
    "der",
    "de",
    "du",
    "des",
    "for",
    "pour",
    "para",
    "für",
    "an",
    "al",
    "en",
}
# "SRE at Acme", "Disponent bei Dachser": the role comes first.
_ROLE_FIRST = re.compile(r"\s+(?:@|at|bei|chez)\s+|\s*@\s*", re.IGNORECASE)
# "Jefe de Cocina en Grupo Sal de Mar": "en"/"na"/"no"/"em" before a name, when the title has no other part
# ("Infirmière en réanimation – Hospices Civils" keeps "en réanimation" in the role).
_ROLE_FIRST_BEFORE_NAME = re.compile(r"\s+(?:en|na|no|em)\s+(?=[A-ZÀ-Ý])")
_SEPARATORS = re.compile(r"\s+[–—\-|·/•]\s+|\s*[|·•]\s*|:\s+|：\s*|\s+-{2}\s+")
_ROLE_WORDS = re.compile(
    r"\b(?:engineer(?:ing)?|developer|programmer|scientist|architect|analyst|designer|manager|lead|leader|director|"
    r"intern|consultant|administrator|specialist|researcher|sre|devops|swe|sde|cto|cfo|ceo|vp|head of|"
    r"staff|senior|junior|principal|backend|frontend|full[\s-]?stack|new grad|graduate|trainee|apprentice|"
    r"pharmacist|nurse|teacher|tutor|professor|lecturer|accountant|auditor|controller|bookkeeper|lawyer|"
    r"attorney|solicitor|paralegal|associate|chef|cook|sous[\s-]chef|waiter|server|barista|writer|editor|"
    r"copywriter|marketer|marketing|sales|account executive|representative|agent|officer|coordinator|assistant|"
    r"clerk|technician|mechanic|electrician|driver|dispatcher|operator|planner|buyer|recruiter|therapist|"
    r"physician|doctor|dentist|midwife|paramedic|caregiver|social worker|counsel?lor|psychologist|librarian|"
    r"receptionist|cashier|supervisor|product owner|scrum master|ux|ui|pm|teaching|fellow|resident|"
    r"practitioner|worker|carer|keeper|attendant|operative|steward|porter|cleaner|housekeeper|nanny|childminder|"
    r"entwickler\w*|ingenieur\w*|disponent\w*|kauf(?:mann|frau)|sachbearbeiter\w*|berater\w*|leiter\w*|"
    r"pfleger\w*|pflegefach\w*|lehrer\w*|erzieher\w*|referent\w*|assistenz|werkstudent\w*|praktikant\w*|"
    r"fachkraft|mitarbeiter\w*|d[ée]veloppeu\w*|ing[ée]nieur\w*|professeur\w*|enseignant\w*|infirmi[eè]r\w*|"
    r"charg[ée]e?|responsable|directeur|directrice|comptable|commercial\w*|stagiaire|conseill[eè]r\w*|"
    r"vendeu\w*|contractuel\w*|desarrollador\w*|ingenier[oa]s?|analista|gerente|jef[ea]|director[a]?|"
    r"enfermer[oa]|profesor[a]?|maestr[oa]|contador[a]?|abogad[oa]|vendedor[a]?|asesor[a]?|t[ée]cnic[oa]|"
    r"coordinador[a]?|coordenador[a]?|auxiliar|becari[oa]|consultor[a]?|desenvolvedor[a]?|engenheir[oa]|"
    r"enfermeir[oa]|advogad[oa]|estagi[áa]ri[oa]|assistente|diretor[a]?|sviluppatore|programador\w*|"
    r"contr[ôo]leu\w*|partner|business partner|hr|rh|gestionnaire|juriste|avocat\w*|notaire|pharmacien\w*|"
    r"educat\w*|erzieher\w*|lehrkraft|koch|k[öo]chin|verk[äa]ufer\w*|buchhalter\w*|sommelier\w*|"
    r"technicien\w*|techniker\w*|elektroniker\w*|mechatroniker\w*|monteur\w*|en[óo]log[oa]|winemaker|"
    r"officer|pilot|first officer|captain|pilote|piloto|m/w/d|w/m/d|h/f|f/h|"
    # Italian
    r"infermier[ea]|insegnante|docente|impiegat[oa]|commess[oa]|cuoc[oa]|camerier[ea]|magazzinier[ea]|"
    r"addett[oa]|ingegnere|contabile|avvocat[oa]|farmacista|educat(?:ore|rice)|autista|consulente|"
    r"programmatore|progettista|segretari[oa]|dirett(?:ore|rice)|stagista|tirocinante|tecnico|operatore|"
    # Dutch
    r"verpleegkundige|ontwikkelaar|medewerker|adviseur|docent|leraar|verkoper|monteur|chauffeur|"
    r"teamleider|beheerder|begeleider)\b|"
    r"エンジニア|開発者|工程师|开发|엔지니어|개발자",
    re.IGNORECASE,
)
_COMPANY_WORDS = re.compile(
    r"\b(?:inc|ltd|llc|plc|gmbh|ag|se|sa|s\.a|sas|sarl|bv|nv|corp|co|group|gruppe|groupe|grupo|bank|hospital|"
    r"university|universit[äéà]t?|acad[ée]mie|academy|clinic|klinik|klinikum|medical center|health|foundation|"
    r"stiftung|trust|council|ministry|school|[ée]cole|lyc[ée]e|coll[èe]ge|colegio|escola|hotel|labs?|"
    r"ospedale|azienda|banca|societ[àa]|scuola|istituto|comune|gruppo|s\.?p\.?a|s\.?r\.?l|"
    r"gasthuis|ziekenhuis|gemeente|zorggroep|nursery|pre-?school|kindergarten)\b\.?",
    re.IGNORECASE,
)
_COMPANY_LABELS = re.compile(
    r"^(?:company|employer|firm|organi[sz]ation|organisation|client|firma|unternehmen|arbeitgeber|"
    r"entreprise|soci[ée]t[ée]|employeur|[ée]tablissement|empresa|compa[ñn][íi]a|organizaci[óo]n|"
    r"organiza[çc][ãa]o|empregador|institui[çc][ãa]o|institution|despacho|bufete|cabinet|kanzlei|escrit[óo]rio|"
    r"bodega|banque|bank|banco|h[ôo]pital|klinik|clinique|cl[íi]nica|azienda|societ[àa]|ospedale)$",
    re.IGNORECASE,
)
_ROLE_LABELS = re.compile(
    r"^(?:role|position|title|job|job title|post|poste|intitul[ée] du poste|fonction|m[ée]tier|stelle|"
    r"position|rolle|jobtitel|berufsbezeichnung|puesto|cargo|funci[óo]n|posici[óo]n|vaga|fun[çc][ãa]o|"
    r"applying for|target role|ruolo|posizione|mansione)$",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?P<label>[^:：\n]{1,40}?)\s*[:：]\s*(?P<value>\S.*)$")
# "About Acme", "Acme at a glance", "Quick background on Wise", "Oatly background", "Über Dachser".
_COMPANY_SECTION = re.compile(
    r"^(?:about|quick\s+background\s+(?:on|about)|background\s+(?:on|about)|über|uber|[àa]\s+propos\s+de|"
    r"sobre|acerca\s+de|know|meet)\s+(?P<lead>.+)$|^(?P<trail>.+?)\s+(?:at\s+a\s+glance|facts|in\s+brief|snapshot|"
    r"background|notes|overview|profile|auf\s+einen\s+blick|en\s+bref|en\s+breve|em\s+resumo)$",
    re.IGNORECASE,
)
_MAX_TITLE_CHARS = 300
_TITLE_PREFIX = re.compile(
    r"^(?:(?:(?:job\s+|mock\s+)?interview\s+(?:prep(?:aration)?|guide|notes|study\s+guide|cheat\s*sheet|plan)"
    r"(?:\s+(?:guide|notes|doc|document|sheet|plan|pack|kit))?|"
    r"prep(?:aration)?\s+(?:doc|notes|guide|sheet)|study\s+guide|question\s+bank|story\s+bank|"
    r"(?:system[\s-]design|case|behaviou?ral|technical)\s+(?:interview\s+)?prep|vorbereitung|pr[ée]paration|"
    r"preparaci[óo]n|prepara[çc][ãa]o|fragenkatalog|banco\s+de\s+(?:preguntas|perguntas)|"
    r"面接準備|面接対策|面试准备)(?:\s+(?:for|f[üu]r|pour|para))?\s*(?:[:\-–—|·：]\s*|\s+(?=\S)|$)|"
    r"(?:job\s+|mock\s+)?(?:interview|prep(?:aration)?)\s*[:\-–—|·：]\s*)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Identity:
    """The company and the role a document is about ("" when it does not say)."""

    company: str = ""
    role: str = ""


def is_prep_title(text: str) -> bool:
    """True for a heading that names the document ("Interview Prep: Acme – SRE"), not a section."""
    return bool(_TITLE_PREFIX.match(strip_symbols(plain(text))))


def split_title(title: str) -> tuple[str, str]:
    """(company, role) named by a prep title in either order; ("", "") for a title naming neither.

    "Interview Prep: DoiT – Senior Engineer", "SRE at Acme", "Professeure de mathématiques – Académie de
    Créteil" (role words tell which part is the role), "Question bank – Acme", "Acme Interview Prep".
    """
    if len(title) > _MAX_TITLE_CHARS:
        return "", ""  # a paragraph, not a title; and the patterns here need not run on megabyte lines
    text = strip_symbols(plain(title))
    pieces = [piece for piece in _SEPARATORS.split(text) if piece.strip()]
    parts: list[str] = []
    describing: list[str] = []  # parts that came with words naming the document ("Notion prep", "Acme notes")
    for piece in pieces:
        role_first = _ROLE_FIRST.search(piece)
        left, right = (piece[: role_first.start()], piece[role_first.end() :]) if role_first else (piece, "")
        if role_first and _core(left) and _core(right):
            return _core(right), _core(left)  # "SRE at Acme — Interview Guide"
        core = _core(piece)
        if core:
            parts.append(core)
            if core != strip_symbols(piece).strip() and _DOCUMENT_WORDS.search(piece):
                describing.append(core)
    named_document = bool(_DOCUMENT_WORDS.search(text)) or len(pieces) > 1
    if not parts or not named_document or (len(parts) == 1 and parts[0] == text and section_kind(text)):
        return "", ""
    if len(parts) == 1:
        return _one_part(parts[0])
    return _named_in_the_role(parts, describing) or _company_and_role(parts)


def _named_in_the_role(parts: list[str], describing: list[str]) -> tuple[str, str] | None:
    """ "Amazon SDE II — Notion prep": when every other part came with words naming the document (where it
    was written, a tool), a role part opening with a capitalised name before its first role word names the
    company itself. None when the title does not read so ("Backend Engineer — Stripe prep": Stripe)."""
    roles = [part for part in parts if _ROLE_WORDS.search(part)]
    if len(roles) != 1 or not describing or any(part not in describing for part in parts if part is not roles[0]):
        return None
    first = _ROLE_WORDS.search(roles[0])
    name = roles[0][: first.start()].strip() if first else ""
    if not name or not name[:1].isupper() or _ROLE_WORDS.search(name) or len(name.split()) > 3:
        return None
    return name, roles[0][len(name) :].strip()


def _one_part(part: str) -> tuple[str, str]:
    """A title naming one thing: a role (role words), a company, "Role en Company" or "Role, Company"."""
    joined = _ROLE_FIRST_BEFORE_NAME.search(part)
    if joined and _ROLE_WORDS.search(part[: joined.start()]):
        return part[joined.end() :].strip(), part[: joined.start()].strip()
    role, _, company = part.rpartition(", ")
    names_company = company[:1].isupper() and not _ROLE_WORDS.search(company)
    short_or_named = bool(_COMPANY_WORDS.search(company)) or len(company.split()) <= 4
    if role and _ROLE_WORDS.search(role) and names_company and short_or_named:
        return company.strip(), role.strip()  # "Senior Product Designer, Fernhill Bank"
    return ("", part) if _ROLE_WORDS.search(part) else (part, "")


def _company_and_role(parts: list[str]) -> tuple[str, str]:
    """The role is the part with role words (one without company words first); the company another part."""
    roles = sorted((part for part in parts if _ROLE_WORDS.search(part)), key=lambda p: bool(_COMPANY_WORDS.search(p)))
    if roles and len(roles) < len(parts):
        companies = [part for part in parts if part is not roles[0]]
        companies.sort(key=lambda part: not _COMPANY_WORDS.search(part))
        return companies[0], roles[0]
    return parts[0], parts[1]


def _core(part: str) -> str:
    """A title part without the words that name the document, its joiners and end symbols."""
    previous = None
    part = strip_symbols(part)
    aside = _TRAILING_PARENTHESIS.search(part)
    if aside and (not _DOCUMENT_WORDS.sub(" ", aside[1]).strip() or is_stage_title(aside[1])):
        # "Brightwave (interview notes)", "Tidewater Bank (final round)": the parentheses name the document or
        # the round, not the company
        part = part[: aside.start()]
    while previous != part:
        previous = part
        part = strip_symbols(_JOINERS.sub("", _DOCUMENT_WORDS.sub(" ", part).strip()))
    words = part.split()
    fillers = all(word.casefold() in _FILLER_WORDS for word in words) and any(word[:1].islower() for word in words)
    return "" if fillers else " ".join(words)


def identity_label(line: str) -> tuple[str, str] | None:
    """("company" | "role", value) for a labelled line (`Company: Acme`, `**Firma:** Dachser SE`), else None."""
    if ":" not in line[:80] and "：" not in line[:80]:
        return None
    match = _LABEL_LINE.match(plain(line))
    if match is None:
        return None
    label, value = match["label"].strip(" *_"), strip_symbols(match["value"].strip(" *_"))
    if not value or len(value.split()) > 12:
        return None
    if _COMPANY_LABELS.match(label):
        return "company", value
    if _ROLE_LABELS.match(label):
        return "role", value
    return None


_NAME_WORD = r"(?:[A-ZÀ-Ý][\w&'’./-]*|eG|e\.V\.|mbH|gGmbH)"
_NAME = (
    rf"[A-ZÀ-Ý][\w&'’./-]*(?:\s+(?:(?:&|de|del|des|da|do|du|von|und|für|fur|of|for|en|et|y|e|im|am|in)\s+)?"
    rf"{_NAME_WORD}){{0,6}}"
)
# Patterns, not compiled: compiling all of them costs ~20 ms, and most documents name company and role before
# the prose is read (`re` compiles and caches each one on first use).
_PROSE_IDENTITY: list[tuple[str, int]] = [
    (
        rf"\b(?:the|a|an)\s+(?P<role>{_NAME})\s+(?:role|position|job|post|vacancy|opening)\s+(?:at|with)\s+"
        rf"(?:the\s+)?(?P<company>{_NAME})",
        0,
    ),
    (
        rf"\b(?:role|position|post|interview) (?:of|as|for) (?:an? |the )?(?P<role>{_NAME})\s+(?:at|with)\s+"
        rf"(?:the\s+)?(?P<company>{_NAME})",
        0,
    ),
    (rf"\b(?:als|zur|zum)\s+(?P<role>{_NAME})\s+bei\s+(?:der\s+|dem\s+|den\s+)?(?P<company>{_NAME})", 0),
    (rf"\bbei\s+(?:der\s+|dem\s+|den\s+)?(?P<company>{_NAME})\s+als\s+(?P<role>{_NAME})", 0),
    (rf"\bat\s+(?:the\s+)?(?P<company>{_NAME})\s+as\s+(?:an?\s+)?(?P<role>{_NAME})", 0),
    (
        rf"\b(?:poste|entretien) d[e'’]\s*(?P<role>{_NAME})\s+(?:chez|au sein de|à|au)\s+(?:la\s+|l[’']\s*|le\s+)?"
        rf"(?P<company>{_NAME})",
        re.IGNORECASE,
    ),
    (
        rf"\b(?:puesto|plaza|entrevista) (?:de|como)\s+(?P<role>{_NAME})\s+en\s+(?:la\s+|el\s+)?"
        rf"(?P<company>{_NAME})",
        re.IGNORECASE,
    ),
    (
        rf"\b(?:vaga|cargo|posi[çc][ãa]o|entrevista|fun[çc][ãa]o) (?:de|como)\s+(?P<role>{_NAME})\s+(?:na|no|em)\s+"
        rf"(?P<company>{_NAME})",
        re.IGNORECASE,
    ),
]
_MAX_PROSE_CHARS = 2000


def identity_from_prose(text: str) -> Identity:
    """The role and company an introduction names ("my notes for the Senior Accountant role at Müller &
    Söhne"), in English, German, French, Spanish or Portuguese; empty when it names none."""
    words = plain(text)[:_MAX_PROSE_CHARS]
    for pattern, flags in _PROSE_IDENTITY:
        match = re.search(pattern, words, flags)
        if match:
            company = re.split(r"[.!?]\s", match["company"])[0]  # "... GmbH. Ich habe ...": the sentence ends
            return Identity(company=company.rstrip(".,;:"), role=match["role"].strip())
    return Identity()


def company_from_section(title: str) -> str:
    """The company a summary section names ("About Acme" -> "Acme"), or ""."""
    if len(title) > _MAX_TITLE_CHARS:
        return ""
    match = _COMPANY_SECTION.match(strip_symbols(plain(title)))
    if match is None:
        return ""
    name = strip_symbols(match["lead"] or match["trail"] or "")
    name = re.sub(r"^(?:the|die|der|das|la|le|l'|el|a|o)\s+", "", name, flags=re.IGNORECASE)
    generic = {
        "bank",
        "hotel",
        "restaurant",
        "company",
        "role",
        "us",
        "team",
        "hospital",
        "firm",
        "school",
        "organisation",
        "organization",
        "employer",
    }
    proper = name[:1].isupper() and section_kind(name) is None  # "Acme", not "escritório" or "Unternehmen"
    if not proper or name.casefold() in generic or len(name.split()) > 5:
        return ""
    return name
