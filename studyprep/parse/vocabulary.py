"""The words the importer reads structure from, as data: extend a list to teach it a new phrasing or language.

Every pattern here is matched against a label or heading already reduced to lower-case words (markup,
emoji and punctuation other than apostrophes gone, see `meaning.comparable`), from its start.
"""

from __future__ import annotations

import re

__all__ = [
    "ANSWER_PART_LABELS",
    "ASIDE_LABELS",
    "ASK_SECTION_WORDS",
    "DEFINITION_CLAUSE_WORDS",
    "DEFINITION_OPENERS",
    "FACT_HEADING_WORDS",
    "FACT_SECTION_WORDS",
    "INTERVIEWER_ASKS_WORDS",
    "MARKER_TAGS",
    "REFERENCE_SECTION_WORDS",
    "RELATIVE_WORDS",
    "ROMANCE_RELATIVE_WORDS",
    "STAGE_WORDS",
    "STRATEGY_SECTION_WORDS",
    "answer_part",
    "found_anywhere",
]

# Labels of the parts under one question ("What they're looking for", "Sample answer", a STAR step...).
# They are the question's back, never cards or categories. One entry per idea, all languages together.
ANSWER_PART_LABELS: tuple[str, ...] = (
    # English
    r"what (?:a|an) (?:strong|good|great|excellent|ideal) (?:answer|response) "
    r"(?:includes|looks like|covers|contains|has)",
    r"what good looks like",
    r"what (?:they|the (?:interviewer|panel|hiring manager|recruiter|committee)|interviewers?|the assessors?)"
    r"(?:'re| are| is|'s)? ?(?:really )?(?:looking for|want(?:s)?(?: to (?:hear|see|know))?|testing|test|"
    r"assessing|assess|evaluating|listening for|probing|checking|care about|value)",
    r"what(?:'s| is) being (?:tested|assessed|evaluated)",
    r"why (?:they|interviewers?|this is) ask",
    r"why (?:it|this) matters",
    r"(?:sample|model|example|strong|good|great|ideal|suggested|possible|your|my|short|full|draft|template|"
    r"outline|winning|best|better|weak|bad|poor|average|one|a) (?:answers?|responses?|replies|reply)",
    r"(?:answers?|responses?)(?: (?:outline|structure|framework|template|tips?|notes?|sketch|idea|draft))?$",
    r"(?:how to|ways to|tips for|tips on) (?:answer|approach|respond|structure|frame|handle|tackle)",
    r"key (?:points?|talking points|ideas|takeaways?|phrases|elements|messages?|facts)",
    r"(?:talking|main|core) points?",
    r"(?:pro |quick |bonus )?tips?$",
    r"(?:possible |likely |expected )?follow[- ]?ups?",
    r"red flags?",
    r"(?:common )?(?:pitfalls?|traps?|mistakes)",
    r"(?:what )?to avoid",
    r"avoid$",
    r"don'?t",
    r"watch out",
    r"(?:situation|task|action|actions|result|results|learning|learnings|reflection)$",
    r"(?:star|car|soar|par)(?: (?:breakdown|story|answer|example|structure|outline))?$",
    r"(?:your |my )?(?:story|example|anecdote)(?: to use)?$",
    r"framework$",
    r"structure$",
    r"approach$",
    r"strong (?:close|finish|opening)",
    r"bonus",
    r"notes?$",
    r"hint$",
    r"(?:keywords?|buzzwords?)$",
    r"(?:why|reasoning|rationale)$",
    # German
    r"was (?:sie|man|die interviewer|der interviewer|das panel) (?:h[öo]ren|sehen|wissen) (?:wollen|will|m[öo]chten?)",
    r"worauf (?:sie|man|die interviewer) (?:achten|achtet|schauen)",
    r"was (?:sie|man) (?:pr[üu]fen|pr[üu]ft|testen|testet)",
    r"(?:beispiel|muster|gute|starke|m[öo]gliche|ideale|kurze)[- ]?antwort",
    r"antwort(?:struktur|gerüst|skizze)?$",
    r"(?:so antworten sie|wie antworten|antworttipps?)",
    r"(?:kernpunkte|kernaussagen|wichtige punkte|stichpunkte|schl[üu]sselpunkte)",
    r"tipps?$",
    r"(?:m[öo]gliche )?(?:nachfragen|folgefragen|r[üu]ckfragen des interviewers)",
    r"(?:warnsignale|fallstricke|typische fehler|vermeiden|zu vermeiden|nicht sagen)",
    r"(?:situation|aufgabe|handlung|ergebnis|resultat)$",
    # Spanish
    r"(?:lo )?que (?:buscan|busca|quieren (?:o[íi]r|escuchar|ver)|eval[úu]an|valoran|esperan)",
    r"qu[ée] (?:buscan|busca|quieren|eval[úu]an)",
    r"(?:respuesta|ejemplo de respuesta|respuesta (?:modelo|de ejemplo|sugerida|ideal|corta|posible))",
    r"c[óo]mo (?:responder|contestar|abordar|estructurar)",
    r"(?:puntos clave|ideas clave|claves)",
    r"(?:consejos?|tips?)$",
    r"(?:preguntas de seguimiento|posibles repreguntas|repreguntas|seguimiento)",
    r"(?:se[ñn]ales de alerta|errores(?: comunes| a evitar)?|qu[ée] evitar|evitar|trampas)",
    r"(?:situaci[óo]n|tarea|acci[óo]n|resultado)$",
    # French
    r"ce qu'(?:ils|elles|on|il|le jury|le recruteur) (?:attendent|attend|cherchent?|veulent entendre|veut entendre|"
    r"[ée]value(?:nt)?|regarde(?:nt)?)",
    r"ce que (?:le jury|le recruteur|les recruteurs|l'interlocuteur) (?:attend|cherche|veut)",
    r"(?:exemple de r[ée]ponse|r[ée]ponse(?: type| mod[èe]le| possible| sugg[ée]r[ée]e| id[ée]ale)?)$",
    r"comment (?:r[ée]pondre|aborder|structurer)",
    r"(?:points cl[ée]s|id[ée]es cl[ée]s|[ée]l[ée]ments cl[ée]s)",
    r"(?:conseils?|astuces?)$",
    r"(?:relances?(?: possibles)?|questions de relance)",
    r"(?:pi[èe]ges?(?: [àa] [ée]viter)?|erreurs(?: [àa] [ée]viter)?|[àa] [ée]viter|signaux d'alerte)",
    r"(?:t[âa]che|r[ée]sultat)$",
    # Portuguese
    r"(?:o )?que (?:procuram|buscam|querem (?:ouvir|ver)|avaliam|esperam)",
    r"(?:resposta(?: modelo| exemplo| de exemplo| sugerida| ideal| poss[íi]vel)?|exemplo de resposta)$",
    r"como (?:responder|abordar|estruturar)",
    r"(?:pontos[- ]chave|ideias[- ]chave|pontos principais)",
    r"(?:dicas?)$",
    r"(?:perguntas de acompanhamento|poss[íi]veis desdobramentos|follow-ups?)",
    r"(?:sinais de alerta|armadilhas|erros(?: comuns| a evitar)?|o que evitar|evitar)",
    r"(?:situa[çc][ãa]o|tarefa|a[çc][ãa]o|resultado)$",
)
_SPECIAL = frozenset("\\[](){}.*+?|^$")
_QUANTIFIERS = ("?", "*", "+", "{")


def found_anywhere(pattern: str) -> str:
    """`pattern` rewritten to be searched faster, for whether it matches anywhere (not for where or what).

    The vocabulary's patterns are long alternations (`\\bto ask\\b|questions? for ...|...`), and a search
    tries every alternative at every character of the text. Alternatives opening with the same word boundary,
    string start or letter are grouped under it (`\\b(?:to ask\\b|...)`, `q(?:uestions? for ...|...)`), so one
    failed test skips the whole group. The grouped pattern matches at the same places as the original, only
    through another alternative, so whether it is found anywhere is unchanged (tests compare the two)."""
    alternatives = _top_level_alternatives(pattern)
    groups: dict[str, list[str]] = {}
    for anchor in ("\\b", "^"):
        groups[anchor] = [rest[len(anchor) :] for rest in alternatives if rest.startswith(anchor)]
    others = [alternative for alternative in alternatives if not alternative.startswith(("\\b", "^"))]
    grouped = [f"{anchor}(?:{'|'.join(_by_first_letter(rests))})" for anchor, rests in groups.items() if rests]
    return "|".join([*grouped, *_by_first_letter(others)])


def _by_first_letter(alternatives: list[str]) -> list[str]:
    """Alternatives opening with the same literal character (not one a quantifier makes optional) share it."""
    by_letter: dict[str, list[str]] = {}
    others = []
    for alternative in alternatives:
        first, second = alternative[:1], alternative[1:2]
        if first and first not in _SPECIAL and second not in _QUANTIFIERS:
            by_letter.setdefault(first, []).append(alternative[1:])
        else:
            others.append(alternative)
    shared = [
        re.escape(first) + (f"(?:{'|'.join(rests)})" if rests != [""] else "") for first, rests in by_letter.items()
    ]
    return [*shared, *others]


def _top_level_alternatives(pattern: str) -> list[str]:
    """The alternatives of `pattern` split at its `|`s outside groups and character classes."""
    alternatives, depth, start, index, in_class = [], 0, 0, 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            index += 1 + (pattern[index + 1 : index + 2] == "^")
            index += pattern[index : index + 1] == "]"  # a `]` first in a class is one of its characters
            continue
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and not depth:
            alternatives.append(pattern[start:index])
            start = index + 1
        index += 1
    alternatives.append(pattern[start:])
    return alternatives


_ANSWER_PART = re.compile("|".join(f"(?:{label})" for label in ANSWER_PART_LABELS))


_MAX_WORDS_AFTER_PART = 3


def answer_part(words: str) -> bool:
    """True when `words` (a label reduced to lower-case words) names a part of a question's answer: the
    vocabulary's phrase and at most a few words more ("Strong answer (STAR)", "Follow-up to expect"), not a
    heading that merely opens with one ("Follow-ups an interviewer may push on")."""
    match = _ANSWER_PART.match(words)
    return match is not None and len(words[match.end() :].split()) <= _MAX_WORDS_AFTER_PART


def _word_set(*languages: str) -> frozenset[str]:
    """Words written one language per string, separated by spaces."""
    return frozenset(" ".join(languages).split())


def _phrase_set(*languages: str) -> frozenset[str]:
    """Phrases written one language per string, separated by `|`."""
    return frozenset(phrase for language in languages for phrase in language.split("|"))


# A glossary line, `**Term:** definition`, against a label over a list of topics, `**Label:** a, b, c`: words
# that open a definition (articles, determiners, relative words: "the unreliability an SLO allows") and words
# that show a clause (verbs, auxiliaries, pronouns, subordinators: "... when it cannot keep up"). Whole words,
# lower case; a French elided article ("l'", "d'") opens a definition too (see `topics.reads_as_definition`).
# Relative and interrogative words: "when two threads wait on each other" defines; before an infinitive
# they name a task to study instead: after "to", "man" or "zu" in English and German ("when to use", "wie man
# prüft"), right after the word in Spanish, French and Portuguese ("cómo usar", "quand utiliser").
ROMANCE_RELATIVE_WORDS: frozenset[str] = _word_set(
    "cuando cuándo cómo como donde dónde cuyo cuya",
    "quand lorsque comment où dont",
    "quando como onde cujo cuja",
)
RELATIVE_WORDS: frozenset[str] = ROMANCE_RELATIVE_WORDS | _word_set(
    "when whenever how where which whose",
    "wenn wann wie wo wobei",
)
DEFINITION_OPENERS: frozenset[str] = RELATIVE_WORDS | _word_set(
    # English
    "the a an any each every if",
    # German
    "der die das den dem des ein eine einer eines einem einen jede jeder jedes",
    # Spanish
    "el la los las un una unos unas cada",
    # French
    "le la les un une des du chaque",
    # Portuguese
    "o a os as um uma uns umas cada",
)
DEFINITION_CLAUSE_WORDS: frozenset[str] = _word_set(
    # English
    "is are was were be been being isn't aren't can cannot can't could will won't would should must may might "
    "does do doesn't don't did has have had it its it's they them their you your we our that which who whom whose "
    "when whenever where whether because so unless until while means mean lets let allows allow ensures prevents "
    "refers describes measures makes keeps stops gives uses tells",
    # German
    "ist sind war waren wird werden wurde kann können muss müssen darf soll sollte hat haben dass welche welcher "
    "welches wenn weil ob bevor sobald man es er sie sich bedeutet beschreibt misst erlaubt verhindert "
    "sorgt gibt heißt",
    # Spanish
    "es son era fue está están ser puede pueden debe deben hay tiene tienen que quien cuando donde porque "
    "aunque mientras se lo le les significa describe mide permite evita indica garantiza",
    # French
    "est sont était être peut peuvent doit doivent ont qui que qu quand lorsque où parce puisque tant se il "
    "elle ils elles on signifie désigne décrit mesure permet évite indique garantit",
    # Portuguese
    "é são era foi está estão ser pode podem deve devem há tem têm que quem quando onde porque embora enquanto "
    "se ele ela eles elas significa descreve mede permite evita indica garante",
)
# Labels of the writer's asides, never a term being defined ("**Remember:** the exam is at 9.").
ASIDE_LABELS: frozenset[str] = _phrase_set(
    "remember|reminder|important|note|nb|n.b|ps|p.s|see|e.g|eg|i.e|ie|example|warning|caution|todo|to do|why",
    "merke|wichtig|hinweis|achtung|beispiel|zur erinnerung",
    "ojo|importante|nota|ejemplo|recuerda|aviso",
    "attention|important|remarque|rappel|exemple|à retenir|nb",
    "atenção|importante|nota|lembrete|exemplo|lembrar|observação|obs",
)
# Section headings whose items are the candidate's questions for the interviewers.
ASK_SECTION_WORDS = (
    r"\bto ask\b|\bask (?:them|the|your|an?|interviewers?|hiring|at the end|at the close)\b|"
    r"\b(?:you|i|we) (?:could|can|should|might|may|want to|will|would) ask\b|questions? (?:for|to) (?:them|the|your|"
    r"my|interviewers?|hiring|the team|the panel|the interviewer)|reverse interview|things to ask|"
    r"questions? for (?!you\b|me\b|practice\b|review\b|candidates?\b|the (?:role|interview|position|case)\b)\w+|"
    r"\bfragen an\b|r[üu]ckfragen|eigene fragen|meine fragen|[àa] poser|questions pour (?:eux|le jury|le recruteur)|"
    r"\bmy questions\b|\bmes questions\b|\bmis preguntas\b|\bminhas perguntas\b|[àa] demander|"
    r"(?:quiero|quisiera|quero|gostaria de) (?:les |lhes )?(?:preguntar|perguntar|fazer|hacer)|"
    r"questions? (?:i'?ll|i will|i'?d|i would|i'?m going to|to) ask\b|"
    r"ich (?:fragen|stellen) (?:will|m[öo]chte)|die sie stellen k[öo]nnen|die ich stellen|"
    r"questions? (?:i|we) (?:want|'d like|would like|plan) to ask|"
    r"to (?:close|end|finish|wrap up) with|closing questions|pour (?:conclure|finir|terminer)|para (?:cerrar|terminar|"
    r"fechar|concluir)|zum abschluss|"
    r"(?:puedes|podr[íi]as|puede|podr[íi]a|pode|podes) (?:hacer|fazer|preguntar|perguntar)|"
    r"que vous pouvez poser|que tu peux poser|"
    r"para (?:hacer|preguntar)|preguntas? (?:para|al|a la) (?!(?:practicar|repasar|la entrevista|preparar)\b)\w+|"
    r"domande da (?:fare|porre)|"
    r"domande (?:per (?:(?:il|la|lo|i|gli|le) |l')?|al |alla |ai |agli |alle |all'|a )"
    r"(?:loro|selezionator\w+|intervistator\w+|recruiter|responsabile|commissione)|da chiedere|"
    r"perguntas? (?:para|ao|[àa]) (?!(?:praticar|revisar|a entrevista)\b)\w+|fragen an\b|"
    r"vragen aan|vragen die ik (?:wil|kan|ga) stellen|vragen om te stellen|zelf (?:vragen|stellen)|^ask$|^asks$|"
    r"聞く|質問する|逆質問|面接官への|问面试官|向面试官|反问|역질문|할 질문|면접관에게"
)
# Headings that say the interviewers ask: their items are interview questions even when "ask" appears.
INTERVIEWER_ASKS_WORDS = (
    r"\b(?:they|interviewers?|the panel|panel|the interviewer|the hiring manager|recruiters?|managers?|the jury|"
    r"the committee)\b.{0,30}?\b(?:ask|asks|push|probe|follow up|dig)\b(?: on)?|follow[- ]?ups?(?= |$)|"
    r"nachfragen|repreguntas|relances|(?:pourraient|peuvent|vont|va) me (?:demander|poser)|me demander|"
    r"(?:podem|poderiam|v[ãa]o) me (?:perguntar|fazer)|me perguntar|me (?:pueden|podr[íi]an|van a) (?:hacer|preguntar)|"
    r"(?:mich|uns) fragen|fragen k[öo]nnten|gefragt werden"
)
# Headings naming the company summary (facts), besides those naming the company itself. The strong ones are
# read before "background" (the candidate's own) or "know" (concepts) could claim them.
FACT_HEADING_WORDS = (
    r"quick facts|\bfacts\b|key facts|fact sheet|at a glance|in brief|snapshot|background (?:on|about)|"
    r"\bknow the (?:company|hospital|school|firm|organi[sz]ation|business|employer|bank|brand|team|client|store|"
    r"restaurant|hotel|agency|district|trust|practice|lab|university|academy)\b|company (?:background|profile)|"
    r"auf einen blick|kurzprofil|steckbrief|das unternehmen|en bref|l'essentiel|l'entreprise|l'[ée]tablissement|"
    r"en breve|de un vistazo|la empresa|sobre (?:a|o|la|el) (?:empresa|compa[ñn]ia|organiza[çc][ãa]o|hospital|escola)|"
    r"em resumo|a empresa|datos (?:clave|de la empresa)|dados da empresa|in numbers|en chiffres|in zahlen|en cifras|"
    r"em n[úu]meros|chiffres|key figures|in figures|key (?:numbers|stats|statistics)|"
    r"(?:numbers|figures|stats) to (?:remember|know)|"
    r"^(?:(?:das|unser) )?(?:b[üu]ro|haus|unternehmen)\b|^(?:die |unsere )?kanzlei\b|"
    r"^the business\b|^(?:das |unser )?gesch[äa]ft\b|^o neg[óo]cio\b|^el negocio\b|^l'entreprise\b|"
    r"^(?:the|our) (?:service|unit|ward|store|branch|trust|department)\b|"
    r"^datos (?:del|de la|de)\b|^dados d[aoe]\b|^(?:la planta|the plant|das werk|l'usine|a f[áa]brica|la f[áa]brica)\b|"
    r"^the (?:firm|practice|studio|office|house)\b|"
    r"^(?:l'agence|le cabinet|la maison)\b|^(?:o escrit[óo]rio|la casa|a casa)\b"
)
FACT_SECTION_WORDS = (
    r"^about\b|^sobre\b|^sur (?:le|la|l'|les)\b|^[àa] propos\b|^[üu]ber\b|^acerca de\b|"
    r"^sull'|^sull[ao]\b|^sul\b|^informazioni su\b|^chi siamo\b|^over (?:het|de|ons)\b|"
    r"\b(?:company|organi[sz]ation|employer|mission|values|culture|unternehmen|entreprise|empresa|"
    r"azienda|firma|firm)\b|会社|企業|公司|企业|회사|기업"
)
# Headings of material kept for reading, never cards: links, reading, checklists, logistics.
REFERENCE_SECTION_WORDS = (
    r"\bresources?\b|\blinks?\b|reading list|further reading|\breading\b|sources|references|bibliograph|"
    r"checklist|to bring|to do\b|todo|before the (?:interview|call|meeting|day)|on the day|day before|"
    r"logistics|schedule|agenda|timeline|avant l'entretien|vor dem gespr[äa]ch|antes de la entrevista|"
    r"antes da entrevista|"
    r"lesson plan|step[- ]by[- ]step|\bsteps\b|next steps|day[- ]of|mitnehmen|ressourcen|quellen|"
    r"recursos(?! humanos)|enlaces|lecturas|ressources(?! humaines)|liens|lectures|[àa] apporter|leituras|levar|"
    r"[àa] lire|zu lesen|lesestoff|para leer|para ler|reminders?|don'?t forget|ne pas oublier|nicht vergessen|"
    r"no olvidar|n[ãa]o esquecer|recordatorios|lembretes|sonstiges|\bmisc\b|miscellaneous|\bdivers\b|varios|"
    r"\boutros\b|\bautres\b|zum schluss|abschlie(?:ß|ss)end|schlusswort|por [úu]ltimo|por fim|pour finir|"
    r"\bmaterial(?:es|s)?\b|materiais|studienmaterial|mat[ée]riel|supports? de cours|"
    r"\brisorse\b|\bletture\b|promemoria|da portare|logistica|\bvarie\b"
)
# An introduction saying the document is mostly what to revise ("Below is mostly what to revise; the questions I
# expect are at the end."): its headings that name no section are topics, and their lists concepts.
REVISION_INTRO_WORDS = (
    r"\b(?:what|things?|topics?|stuff|areas?) (?:i )?(?:need |have |want |ought |still )?(?:to )?"
    r"(?:revise|brush up on|refresh|go over)\b|\brevision (?:notes|list|topics|sheet)\b|"
    r"was ich (?:noch )?(?:wiederholen|auffrischen)|themen zum (?:wiederholen|auffrischen)|"
    r"ce que (?:je dois|il faut|j'ai [àa]) (?:revoir|r[ée]viser)|l'essentiel (?:est )?[àa] r[ée]viser|"
    r"lo que (?:tengo que|debo|hay que|quiero) repasar|temas (?:para|a|que) repasar|"
    r"o que (?:preciso|tenho que|devo|quero) (?:revisar|rever|repassar)"
)
# Headings that name study material elsewhere but a topic in a document of things to revise ("## Materials" in a
# civil engineer's revision notes: concrete, steel, timber).
TOPIC_OR_MATERIAL_TITLE = r"^(?:materials?|materiales|materiais|mat[ée]riaux|werkstoffe)$"
# Headings of the candidate's own plan for the interview (kept as reference; `brief` prints them as the strategy):
# "Strategy", "My strategy", "Game plan", "Approach", "Talking points", in each language the importer reads.
STRATEGY_SECTION_WORDS = (
    # English
    r"strateg|advice|\btips?\b|approach|plan\b|game ?plan|positioning|pitch|talking points|\bstar\b|"
    r"\btactics?\b|playbook|how i(?:'ll| will| am going to|'m going to) (?:play|handle|run|tackle)|"
    # German
    r"taktik|vorgehen|herangehensweise|spielplan|schlachtplan|\bratschl[äa]ge\b|\btipps?\b|"
    # Spanish
    r"estrategia|t[áa]ctica|enfoque|planteamiento|\bconsejos?\b|\bplan de (?:juego|acci[óo]n|ataque|batalla)\b|"
    # French
    r"strat[ée]gie|tactique|\bapproche\b|d[ée]marche|\bconseils?\b|\bplan de (?:match|jeu|bataille)\b|"
    # Portuguese
    r"estrat[ée]gia|t[áa]tica|abordagem|\bplano\b|\bdicas?\b|\bconselhos?\b|"
    # Italian
    r"strategia|approccio|\bpiano\b"
)
# Headings that name an interview round: a category whose items are interview questions.
STAGE_WORDS = (
    r"\bround\b|\bstage\b|\bscreen(?:ing)?\b|\bonsite\b|\bon-site\b|\bphone screen\b|\bpanel\b|"
    r"\bfinal (?:round|interview)\b|\bsuperday\b|\bloop\b|hiring manager|recruiter (?:call|screen)|"
    r"\brunde\b|fachgespr[äa]ch|zweitgespr[äa]ch|erstgespr[äa]ch|entretien (?:rh|technique|final|avec)|"
    r"mise en situation|jeu de r[ôo]le|role[- ]?play|case study|case interview|take[- ]home|assessment|"
    r"values interview|values round|culture interview|werte-?gespr[äa]ch|entretien (?:de )?valeurs|"
    r"probearbeit\w*|estudo de caso|caso pr[áa]ctico|din[áa]mica de grupo|din[âa]mica|painel|"
    r"\b(?:entrevista|interview|entretien|gespr[äa]ch|runde|ronda|rodada) \d\b|"
    r"\btour\b|ronda|entrevista (?:t[ée]cnica|final|con|com)|segunda entrevista|primera entrevista|"
    r"primeira entrevista|etapa|fase"
)
# Difficulty and status markers written beside a question, as the tag each becomes.
MARKER_TAGS: dict[str, str] = {
    "🟢": "easy",
    "🟩": "easy",
    "🟡": "medium",
    "🟨": "medium",
    "🟠": "medium",
    "🔴": "hard",
    "🟥": "hard",
    "⭐": "starred",
    "🌟": "starred",
    "✅": "done",
    "🔁": "redo",
    "❌": "todo",
    "✖": "todo",
    "✗": "todo",
    "✔": "done",
    "✔️": "done",
    "☑": "done",
    "☑️": "done",
    "easy": "easy",
    "medium": "medium",
    "hard": "hard",
    "leicht": "easy",
    "mittel": "medium",
    "schwer": "hard",
    "fácil": "easy",
    "facil": "easy",
    "media": "medium",
    "medio": "medium",
    "difícil": "hard",
    "dificil": "hard",
    "facile": "easy",
    "moyen": "medium",
    "difficile": "hard",
    "média": "medium",
    "médio": "medium",
    "done": "done",
    "solved": "done",
    "todo": "todo",
}
