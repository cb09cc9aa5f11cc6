"""What a heading or a line means: section kinds by keywords (several languages), questions, titles."""

from __future__ import annotations

__all__ = [
    "ANSWER_MARKER",
    "CARD_SECTION_KINDS",
    "PLAIN_LABEL",
    "QUESTION_MARKER",
    "clean_heading",
    "is_answer_part",
    "is_generic_title",
    "is_question_marker",
    "is_stage_title",
    "looks_like_question",
    "memo",
    "plain",
    "question_label",
    "release_memos",
    "says_revision",
    "section_kind",
    "starts_numbered",
    "strip_numbering",
    "strip_outline_numbering",
    "strip_symbols",
    "topic_or_material_title",
]

import functools
import re
import unicodedata

from studyprep.parse.vocabulary import (
    ASK_SECTION_WORDS,
    FACT_HEADING_WORDS,
    FACT_SECTION_WORDS,
    INTERVIEWER_ASKS_WORDS,
    REFERENCE_SECTION_WORDS,
    REVISION_INTRO_WORDS,
    STAGE_WORDS,
    STRATEGY_SECTION_WORDS,
    TOPIC_OR_MATERIAL_TITLE,
    answer_part,
    found_anywhere,
)

# The same heading or line is asked about many times over as the outline is read (is it a question? a label?):
# answers are kept, per process, for the strings of the last documents read. Room for every heading of the
# largest document (100,000 headings ask about 100,000 strings each): a smaller memo forgets a heading between
# one question about it and the next, and reads it again.
# Once the document is read, memos grown past what ordinary documents fill are emptied (`release_memos`): the
# deck is merged and written next, and 100,000 headings' answers hold 30 MB.
_MEMO_SIZE = 1 << 18
_KEPT_AFTER_A_DOCUMENT = 1 << 16
_memos: list[functools._lru_cache_wrapper] = []


def memo(function):
    """`function` (of strings, returning immutable answers) memoized as this module's questions are."""
    cached = functools.lru_cache(maxsize=_MEMO_SIZE)(function)
    _memos.append(cached)
    return cached


def release_memos() -> None:
    """Empty the memos a long document filled past ordinary documents' size (after it is read)."""
    for cached in _memos:
        if cached.cache_info().currsize > _KEPT_AFTER_A_DOCUMENT:
            cached.cache_clear()


_memo = memo
_MAX_PART_LABEL_CHARS = 80
_MAX_QUESTION_CHARS = 300
_MAX_QUESTION_SENTENCES = 2
_SENTENCE_END = re.compile(r"(?<=[.!?？。])\s+(?=[A-ZÀ-Ý¿¡«\"“])")
_INTERVIEWER_ASKS = re.compile(INTERVIEWER_ASKS_WORDS)


def _searchable(pattern: str) -> re.Pattern[str]:
    """A vocabulary pattern compiled for `search` alone: whether it is found, as fast as can be (see
    `found_anywhere`); never for `match`, `sub` or the text matched."""
    return re.compile(found_anywhere(pattern))


# Order matters: a heading saying the interviewers ask is about interview questions even when it says "ask";
# "questions to ask them" is an ask section before it is a question section; "about the role" is the job
# overview before "about" means the company; "quick background on Acme" is the company before "background"
# means the candidate's own.
_SECTION_WORDS: list[tuple[str, str]] = [
    ("question", INTERVIEWER_ASKS_WORDS),
    ("ask", ASK_SECTION_WORDS),
    (
        "question",
        (
            r"question|\basked\b|\bq ?& ?a\b|\bfaq\b|interview prompts?|\bfrage|pregunta|domand|pergunta|vraag|вопрос|"
            r"質問|问题|問題|질문|" + STAGE_WORDS
        ),
    ),
    ("other", REFERENCE_SECTION_WORDS),
    ("fact", FACT_HEADING_WORDS),
    ("fit", r"\bfit\b|why (this|me|you|i)|(?<!plan de )match|alignment"),
    (
        "resume",
        (
            r"r[ée]sum[ée]|\bcv\b|experience|highlights|background|achievements|about me|[üu]ber mich|sobre m[íi]m?\b|"
            r"[àa] propos de moi|my story|mein werdegang|mi trayectoria|mon parcours|minha trajet[óo]ria"
        ),
    ),
    (
        "role",
        r"\b(job|role|position|posting|description|responsibilit\w*|requirements?|stelle|poste|puesto)\b",
    ),
    ("fact", FACT_SECTION_WORDS),
    (
        "concept",
        (
            r"concept|topic|brush|\breview\b|\bstudy\b|\bknow\b|\bto learn\b|learning (goals|plan|topics)|refresh|"
            r"fundamental|knowledge|cheat ?sheet|\bbasics\b|essentials|primer|refresher|\b101\b|grundlagen|"
            r"fondamentaux|notions de base|b[áa]sicos|fundamentos|"
            r"\bterms\b|vocabulary|jargon|glossar|vocabulaire|vocabulario|vocabul[áa]rio|termos|t[ée]rminos|"
            r"revisar|repassar|assuntos|estudar|ma[îi]triser|repaso|revis[ãa]o|r[ée]vision|wiederholung|r[ée]viser|"
            r"glossary|key terms|skills? to|technical areas|konzept|themen|begriffe|wissen|notions|sujets|r[ée]viser|"
            r"\brevis(?:e|ing|ion)\b|to revise|revoir|\brever\b|repasar|repassar|wiederholen|auffrischen|"
            r"conceptos|temas|concetti|argomenti|conceitos|ripass\w*|da studiare|"
            r"opfrissen|begrippen|onderwerpen|\bherhalen\b|\bkennis\b|"
            r"\bto practi[cs]e\b|\bzu [üu]ben\b|[àa] pratiquer|para practicar|para praticar|"
            r"概念|トピック|知识|主题|개념"
        ),
    ),
    ("strategy", STRATEGY_SECTION_WORDS),
]
_SECTION_PATTERNS = [(kind, _searchable(words)) for kind, words in _SECTION_WORDS]


@functools.cache
def _any_section() -> re.Pattern[str]:
    """Whether any section's words are found, in one search: most headings (questions) name no section. Its
    compiling costs as much as reading a few thousand headings, so only long documents use it."""
    return _searchable("|".join(words for _, words in _SECTION_WORDS))


_HEADINGS_BEFORE_ANY_SECTION = 2_000
_headings_read = 0
CARD_SECTION_KINDS = ("question", "concept", "fact", "ask")
# Words that only say "this is the question section" and so do not name a category.
_GENERIC_WORDS = re.compile(
    r"\b(predicted|likely|possible|potential|expected|probable|common|anticipated|sample|typical|top|key|main|"
    r"interview|interviews|questions?|you|might|may|could|will|be|get|asked|to|know|review|and|or|the|for|of|on|"
    r"up|brush|concepts?|topics?|study|them|ask|interviewers?|hiring|managers?|team|company|summary|overview|"
    r"facts?|about|research|profile|they|things|what|expect|should|need|prepare|my|your|we|i|"
    r"most|probably|ll|re|ve|high|priority|must|frequently|often|commonly|ones|list|"
    r"zum|zu|an|das|die|der|wiederholen|themen|[àa]|poser|r[ée]viser|notions|sujets|clave|ellos|ellas|estudiar|"
    r"important|core|essential|areas?|m[öo]gliche|wahrscheinliche|h[äa]ufige|fragen|interviewfragen|"
    r"preguntas|posibles|frecuentes|entrevista|de|la|el|las|los|possibles|fr[ée]quentes|d'entretien|"
    r"entretien|domande|possibili|colloquio|probables|repasar|conceptos|temas|hacerles|hacer|para|a|\d+|"
    r"want|wants|would|like|perguntas|prov[áa]veis|poss[íi]veis|comuns|conceitos|revisar|probabili|concetti|"
    r"ripassare|argomenti|da|ce|qu'ils|qu'elles|pourraient|peuvent|que|pueden|podr[íi]an|podem|poderiam|o|"
    r"mich|k[öo]nnten|sie|was|is|are|likely|te|se|revoir|rever|revise|revisar|repassar|auffrischen|espero|qs|q|"
    r"devem|cair|suelen|soler|suele|hacen|refresh|refreshing|revising|worth|fragen|werden|auf|bohren|points|repaso|"
    r"fachthemen|wichtige|wichtigsten|qu'on|frecuentes|h[äa]ufige|frequentes|fr[ée]quentes|"
    r"attendues|attendus|erwartete|erwarte|esperadas|im|gespr[äa]ch|vorstellungsgespr[äa]ch|kommen|ma[îi]triser|"
    r"terms|have|ready|assuntos|para|"
    # Dutch
    r"mogelijke|verwachte|veelgestelde|vragen|sollicitatievragen|sollicitatiegesprek|gesprek|kennis|opfrissen|"
    r"begrippen|onderwerpen|herhalen|het|een)\b"
)
# The same for Japanese, Chinese and Korean, written without spaces between words: fragments, longest first,
# then the particles that join them ("想定される質問", "面接で聞かれそうな質問", "复习概念", "예상 질문").
_GENERIC_CJK = re.compile(
    r"聞かれそうな|聞かれる|よく|想定される|予想される|想定|予想|面接官への|面接官|面接|逆質問|質問|復習する|復習|"
    r"重要な|主要な|概念|トピック|会社概要|会社情報|企業情報|会社|企業|概要|情報|について|"
    r"可能的|可能|常见的|常见|相关的|相关|面试官|面试|提问|问题|反问|复习|概念|知识点|公司简介|公司概况|公司|企业|简介|概况|"
    r"예상되는|예상|자주|묻는|나올|면접관에게|면접|역질문|할|질문|복습할|복습|개념|회사 소개|회사|기업|소개|개요|"
    r"[のでにとへを的和与向및]|する|される"
)
_QUESTION_OPENERS = re.compile(
    r"^(how|what|why|when|where|which|who|whom|whose|is|are|can|could|would|should|does|did|will|"
    # "Do you ...?" asks; "Do a mock interview." and "Have the notebook open." advise.
    r"(?:do|have|has)(?= (?:you|we|they|he|she|it|i|there|your|anyone|any)\b)|"
    r"describe|explain|tell me|tell us|walk (me|us) thr(?:ough|u)|talk (me|us) thr(?:ough|u)|"
    r"give (me |us )?an example|compare|"
    r"design|implement|discuss|imagine|suppose|share|wie|was|warum|wann|welche?[rsmn]?|beschreib\w*|erkl[äa]r\w*|"
    r"comment|pourquoi|quel\w*|qu'est|d[ée]cri\w*|expliqu\w*|c[oó]mo|qu[ée]|por qu[ée]|cu[áa]l\w*|describ\w*|"
    # "combien en brigade", "qui fait les commandes", "wer entscheidet": hurried questions open with these.
    r"combien|qui|où|est-ce|wer|wo|wieso|weshalb|inwiefern|cu[áa]nt[oa]s?|qui[ée]n(?:es)?|d[óo]nde|"
    r"quantos?|quantas?|quem|quais|qual|"
    r"expl[ií]\w*|come|perch[ée]|quale|como|porque|hoe|wat|waarom|sell me|estimate|"
    r"racontez|raconte|parlez|parle-moi|pr[ée]sentez|pr[ée]sente-toi|donnez|donne-moi|citez|imaginez|"
    r"cu[ée]ntame|cu[ée]nteme|cu[ée]ntanos|h[áa]blame|h[áa]bleme|h[áa]blanos|d[ée]me|dime|imagina|"
    r"me conta|conta-me|fala-me|me fala|me diga|me conte|conte|conte-me|conta-nos|fale sobre|descreva|dê|"
    r"erz[äa]hlen sie|erz[äa]hle|erz[äa]hl|schildern sie|schildere|nennen sie|nenne|stellen sie|geben sie|"
    r"was w[üu]rden|dise[ñn]a|dise[ñn]e|projete|concevez|implemente|implementa|whats|hows|whys|wheres|whos|"
    # Italian: "Mi racconti un errore", "Ci parli di sé", "Quanti pazienti ...", "Cosa farebbe ...".
    r"(?:mi|ci) (?:racconti|parli|descriva|spieghi|dica|faccia)|raccont(?:ami|aci|i)|parl(?:ami|aci)|"
    r"descriv[ai]|spieg(?:ami|hi)|cosa|che cosa|chi|dove|quando|quant[oiae]|immagini|"
    r"write|build|create|calculate|compute|solve|find|given|sketch|debug|optimi[sz]e|reverse|deduplicate|"
    r"convert|parse|merge|walk through|"
    # Dutch
    r"vertel|beschrijf|geef|leg uit|welke|wanneer|wie|waar|kun je|kunt u|heb je|ben je|hoe zou)\b",
    re.IGNORECASE,
)
_QUESTION_MARKS = ("?", "？", "؟", "¿")
# Japanese, Chinese and Korean ask without a question mark: "志望動機を教えてください。" (please tell us),
# "…ですか。", "请介绍一下你自己。" (please introduce yourself), "…말씀해 주세요.", "…습니까."
_CJK_ASKING = re.compile(
    r"(?:ください|下さい|ですか|ますか|でしょうか|ませんか|吗|嗎|呢|주세요|습니까|나요|까요|십시오)\s*[。．.!！]?\s*$|"
    r"^(?:请|請)[\u4e00-\u9fff]"
)
_QUOTED = re.compile(r"«[^»]*»|“[^”]*”|\"[^\"]*\"")
_ASKING_OPENERS = re.compile(
    r"^(?:describe|explain|tell (?:me|us)|walk (?:me|us)|talk (?:me|us)|give (?:me|us)|compare|design|discuss|imagine|"
    r"estimate|calculate|write|build|sketch|erz[äa]hl\w*|beschreib\w*|erkl[äa]r\w*|d[ée]cri\w*|expliqu\w*|racont\w*|"
    r"describ\w*|expl[ií]\w*|cu[ée]nt\w*|conte|descreva|fale|(?:mi|ci) (?:racconti|parli|descriva|spieghi)|"
    r"raccont\w*|descriv[ai]|spieg(?:ami|hi))\b",
    re.IGNORECASE,
)
# "Q:", "Q3.", "Question 2:" before a question; "A:", "Answer:" before its answer.
QUESTION_MARKER = re.compile(
    r"^(?:(?:q|question|frage|pregunta|pergunta|domanda)\s*#?\d*\s*(?:[:.)]|(?<=\d)\s+[–—-](?=\s))|p\s*\d*\s*[:：])\s*",
    re.IGNORECASE,
)
ANSWER_MARKER = re.compile(
    r"^(?:\*\*|__)?(?:(?:a|answer|antwort|r[ée]ponse|respuesta|resposta|risposta|suggested answer)\s*\d*\s*[:.)]|"
    r"r\s*\d*\s*[:：])(?:\*\*|__)?\s*",
    re.IGNORECASE,
)
# Paired inline marks only (a lone `*` or a snake_case name is text, as in CommonMark), and links -> text.
# No span reaches past the next opening mark of its kind, so an unpaired run of marks (`**a **a **a ...`)
# costs linear time instead of rescanning the rest of the line from every mark (a 20 KB line took 17 s).
_MARKUP = re.compile(
    r"\*\*(?=\S)((?:(?!\*\*).)+?)(?<=\S)\*\*|(?<!\w)__(?=\S)((?:(?!__).)+?)(?<=\S)__(?!\w)|"
    r"\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*|(?<!\w)_(?=\S)((?:(?!(?<!\w)_).)+?)(?<=\S)_(?!\w)|"
    r"~~((?:(?!~~).)+?)~~|(?<!`)`++([^`]++)`+|\[([^\[\]]*)\]\([^)\[]*\)"
)
# `Label: rest`, the label short and free of question marks and code: a fact's name ("Mission: ..."), or a
# question's category ("Databases: How does ...?", see `question_label`).
# Obsidian's Dataview writes such a field `Founded:: 2011`.
# A label may hold a note in parentheses ("Modificaciones estructurales (RDL 5/2023): fusión, escisión").
PLAIN_LABEL = re.compile(
    r"^(?P<label>(?:[^:：?？`\[\]()]|\([^():：?？]{0,40}\)){1,60}?)\s*(?:::|[:：])\s+(?P<rest>\S.*)$", re.DOTALL
)
MAX_QUESTION_LABEL_WORDS = 4
_ASIDE_LABELS = {"e.g", "eg", "i.e", "ie", "note", "nb", "n.b", "hint", "tip", "ps", "p.s", "example", "see"}
# "1.", "2)", "iv.", "a)", and the keycap emoji people number with ("1️⃣", "🔟").
# "B. Conceitos para revisar (6)": an outline letter and a count say nothing of what the section holds.
_OUTLINE_COUNT = re.compile(r"^[a-h] (?=\S)|\s*\d{1,3}$")
_LEADING_NUMBERING = re.compile(r"^\s*(?:\d+[.)]|[ivx]+\.|[a-z]\)|[0-9]\ufe0f?\u20e3|🔟)\s*(?<=\s|\u20e3|🔟)\s*", re.I)
# Headings also number outlines: "2.3 Caching", "1.2. Caching", "Part 2 — Behavioral", "Section 3: Caching".
_HEADING_NUMBERING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)+\.?\s+|(?:part|section|chapter|teil|partie|parte)\s+(?:\d+|[ivx]+|[a-h])\s*[:.)\-–—]\s*)",
    re.IGNORECASE,
)


@_memo
def plain(text: str) -> str:
    """Inline Markdown reduced to its words (emphasis and code marks dropped, links to their text)."""
    return _MARKUP.sub(lambda match: next((group for group in match.groups() if group), ""), text).strip()


class _WordCharacters(dict[int, int | str]):
    """A `str.translate` table keeping letters, digits, spaces, `&` and `'`, and making any other character a
    space; filled as characters are met (one Unicode lookup per character ever seen, not per occurrence)."""

    def __missing__(self, code: int) -> int | str:
        char = chr(code)
        kept = unicodedata.category(char)[0] in "LNZ" or char in "&'"
        self[code] = code if kept else " "
        return self[code]


_WORD_CHARACTERS = _WordCharacters()


@_memo
def _comparable(title: str) -> str:
    text = unicodedata.normalize("NFKC", plain(title)).casefold().replace("\u2019", "'").replace("`", "'")
    text = _LEADING_NUMBERING.sub("", " ".join(text.translate(_WORD_CHARACTERS).split()))
    # `_OUTLINE_COUNT` reads only "x " opening the text or a digit closing it: most headings have neither.
    return _OUTLINE_COUNT.sub("", text) if text[1:2] == " " or text[-1:].isdigit() else text


@_memo
def section_kind(title: str) -> str | None:
    """Classify a heading: a card kind, a reference kind (role, fit, resume, strategy), or None if unknown."""
    global _headings_read  # noqa: PLW0603 - a count of the memo's misses
    text = _comparable(title)
    _headings_read += 1
    if _headings_read > _HEADINGS_BEFORE_ANY_SECTION and not _any_section().search(text):
        return None
    for kind, pattern in _SECTION_PATTERNS:
        if pattern.search(text):
            return kind
    return None


_REVISION_INTRO = _searchable(REVISION_INTRO_WORDS)
_TOPIC_OR_MATERIAL = re.compile(TOPIC_OR_MATERIAL_TITLE)


def says_revision(intro: str) -> bool:
    """True when a document's introduction says it is mostly things to revise ("Below is mostly what to
    revise; the questions I expect are at the end.")."""
    return bool(_REVISION_INTRO.search(_comparable(intro)))


@_memo
def topic_or_material_title(title: str) -> bool:
    """True for a heading that names study material elsewhere and a topic in revision notes ("Materials")."""
    return bool(_TOPIC_OR_MATERIAL.match(_comparable(title)))


_STAGE = _searchable(STAGE_WORDS)


@_memo
def is_stage_title(title: str) -> bool:
    """True for a heading naming an interview round ("Round 1 – Recruiter screen", "Hiring manager")."""
    return bool(_STAGE.search(_without_asks(title)))  # not "the panel may ask"


@_memo
def _without_asks(title: str) -> str:
    """A heading's comparable words without those saying the interviewers ask (both questions above read it)."""
    return _INTERVIEWER_ASKS.sub(" ", _comparable(title))


@_memo
def is_generic_title(title: str) -> bool:
    """True when a section title only names the section type ("Predicted Interview Questions", "Questions the
    panel is likely to ask", "Ce qu'ils pourraient me demander")."""
    words = _GENERIC_WORDS.sub(" ", _without_asks(title))
    if not words.isascii():  # every fragment of `_GENERIC_CJK` holds a character beyond ASCII
        words = _GENERIC_CJK.sub(" ", words)
    return not words.strip(" '&")


@_memo
def looks_like_question(text: str) -> bool:
    """True for text that reads as a question: a question mark, a `Q:` marker, a question-like opener, or
    a short label before one ("System design: Design a rate limiter."); never the label of an answer's part
    ("What they're looking for:")."""
    if is_answer_part(text):
        return False
    words = plain(text).strip()
    if not any(mark in words for mark in _QUESTION_MARKS) and words.endswith((":", "：")):
        return False  # "What Hannah asked:": a line leading into the questions, not one of them
    if len(words) > _MAX_QUESTION_CHARS and not words.rstrip("\"')”»*_ ").endswith(_QUESTION_MARKS):
        return False  # a paragraph quoting a question ("... first (\"How would you ...?\"), then ...")
    sentences = _SENTENCE_END.split(words)
    if sum(len(sentence.split()) > 2 for sentence in sentences) > _MAX_QUESTION_SENTENCES:
        return False  # advice in prose ("Keep answers short. Have two deals ready. Want a mock?")
    if _reads_as_question(words) or question_label(text) is not None:
        return True
    # "Depreciation goes up by £10. Walk me through the statements.": the question is its last sentence, when it
    # asks for something ("What matters is that you said so." only states).
    return len(sentences) > 1 and bool(_ASKING_OPENERS.match(sentences[-1]))


@_memo
def is_answer_part(text: str) -> bool:
    """True for a label naming a part of a question's answer ("Sample answer", "What they want to hear:",
    "Situation"), in any language the vocabulary knows; a label holding a question mark is not one."""
    words = plain(text).strip()
    if not words or any(mark in words for mark in _QUESTION_MARKS) or len(words) > _MAX_PART_LABEL_CHARS:
        return False
    return answer_part(_comparable(words))


def _reads_as_question(words: str) -> bool:
    if not words.rstrip("\"'”»*_ ").endswith(_QUESTION_MARKS):
        words = _QUOTED.sub("", words)  # "l'objection « c'est bloqué ? »." quotes a question, it asks none
    if any(mark in words for mark in _QUESTION_MARKS) or QUESTION_MARKER.match(words):
        return True
    unnumbered = _LEADING_NUMBERING.sub("", words)
    return bool(_QUESTION_OPENERS.match(unnumbered) or _CJK_ASKING.search(unnumbered))


def question_label(text: str) -> tuple[str, str] | None:
    """Split `Databases: How does a B-tree index work?` into (label, question); None if not that shape.

    The label is a few words (no question mark, no question opener, no `Q:`/`A:` marker, no "Note" or
    "e.g."); the rest is a question of its own, at least three words, opening like a new sentence: after a
    capitalized label a lower-case rest continues one ("Trade-off: would you pick ...?" stays whole).
    """
    if ":" not in text[:80] and "：" not in text[:80]:
        return None
    match = PLAIN_LABEL.match(text.strip())
    if match is None:
        return None
    label, rest = match["label"].strip(), match["rest"].strip()
    label_words, rest_words = plain(label), plain(rest)
    if (
        not label_words
        or len(label_words.split()) > MAX_QUESTION_LABEL_WORDS
        or label_words.casefold().rstrip(".") in _ASIDE_LABELS
        or _reads_as_question(label_words)
        or (QUESTION_MARKER.match(f"{label_words}: ") or ANSWER_MARKER.match(f"{label_words}: "))
        or len(rest_words.split()) < 3
        or not _reads_as_question(rest_words)
    ):
        return None
    label_case, rest_case = _first_letter(label_words), _first_letter(rest_words)
    if label_case.isupper() and rest_case.islower():
        return None
    return label, rest


def _first_letter(text: str) -> str:
    return next((ch for ch in text if ch.isalpha()), "")


def is_question_marker(label: str) -> bool:
    """True for a label that only numbers a question (`Q`, `Q3`, `Question 2`), not a category."""
    return bool(QUESTION_MARKER.fullmatch(plain(label).strip() + ":"))


def strip_numbering(text: str) -> str:
    """Drop a leading list-style number ("1. ", "2) ", "iv. ") from a line of text."""
    return _LEADING_NUMBERING.sub("", text, count=1)


@_memo
def clean_heading(text: str) -> str:
    """A heading's text for display: inline marks, closing hashes and a closing colon dropped."""
    words = re.sub(r"\s+#+$", "", plain(text).strip())
    words = _LEADING_NUMBERING.sub("", _HEADING_NUMBERING.sub("", words, count=1))
    return words.rstrip(":：").strip()


def starts_numbered(text: str) -> bool:
    """True for a heading numbered like an outline ("1. Overview", "2.3 Caching", "Part 2 — Behavioral")."""
    words = plain(text).strip()
    return bool(_HEADING_NUMBERING.match(words) or _LEADING_NUMBERING.match(words))


def strip_outline_numbering(text: str) -> str:
    """A heading without its outline number ("2.1 Tell me about ..." -> "Tell me about ...")."""
    return _HEADING_NUMBERING.sub("", text, count=1)


def strip_symbols(text: str) -> str:
    """Text without emoji and decorative symbols at either end: they carry no meaning in a title or category."""

    def is_symbol(ch: str) -> bool:
        return unicodedata.category(ch) in ("So", "Sk", "Cf", "Zs") or ch == "\ufe0f"

    start, end = 0, len(text)
    while start < end and is_symbol(text[start]):
        start += 1
    while end > start and is_symbol(text[end - 1]):
        end -= 1
    return text[start:end].strip()
