"""Parser cases: one tiny document per shape people write."""

from __future__ import annotations

import pytest

from studyprep.errors import StudyprepError
from studyprep.parse import parse_document


def cards(text: str, kind: str | None = None) -> list[tuple[list[str], str]]:
    document = parse_document(text)
    return [(card.category, card.prompt) for card in document.cards if kind is None or card.kind == kind]


def prompts(text: str, kind: str | None = None) -> list[str]:
    return [prompt for _, prompt in cards(text, kind)]


QUESTIONS = "## Predicted Interview Questions\n\n- What is a goroutine?\n- Why use channels?\n"


@pytest.mark.parametrize(
    ("title", "company", "role"),
    [
        ("# Interview Prep: DoiT – Senior Backend Engineer (Golang)", "DoiT", "Senior Backend Engineer (Golang)"),
        ("# Interview Prep — Spotify: ML Engineer, Personalization 🎧", "Spotify", "ML Engineer, Personalization"),
        ("# Interview Prep: Acme - SRE", "Acme", "SRE"),
        ("# Interview Prep | Acme | SRE", "Acme", "SRE"),
        ("# Staff Engineer at Initech", "Initech", "Staff Engineer"),
        ("# Prep notes: Acme – Data Engineer", "Acme", "Data Engineer"),
        ("# Vorbereitung: Siemens – Backend-Entwickler", "Siemens", "Backend-Entwickler"),
        ("# Staff Backend Engineer Interview Prep", "", "Staff Backend Engineer"),
        ("# Interview prep — Staff Backend Engineer", "", "Staff Backend Engineer"),
        ("# Interview Prep: Senior SRE", "", "Senior SRE"),
        ("# 面接準備: バックエンドエンジニア", "", "バックエンドエンジニア"),
        ("# Acme Interview Prep", "Acme", ""),
        ("# Acme – SRE Interview Prep", "Acme", "SRE"),
        ("# Interview Prep: Senior Engineer – Acme", "Acme", "Senior Engineer"),
        ("# Interview Prep: Lead Bank – Software Engineer", "Lead Bank", "Software Engineer"),
        ("# Amazon SDE II — Notion prep", "Amazon", "SDE II"),  # where the notes were kept is no company
        ("# Backend Engineer — Stripe prep", "Stripe", "Backend Engineer"),
        ("# Colloquio – Infermiere, Ospedale San Gerardo", "Ospedale San Gerardo", "Infermiere"),
        ("# Colloquio per Analista dati – Banca Sella", "Banca Sella", "Analista dati"),
        ("# Preparazione colloquio: Barista – Caffè Vergnano", "Caffè Vergnano", "Barista"),
        ("# 面接準備：株式会社サクラ技研 – バックエンドエンジニア", "株式会社サクラ技研", "バックエンドエンジニア"),
        ("# Customer Success Manager – Brightwave (interview notes)", "Brightwave", "Customer Success Manager"),
        ("# Sollicitatiegesprek – Verpleegkundige, Spaarne Gasthuis", "Spaarne Gasthuis", "Verpleegkundige"),
        ("# Site Engineer – Acme (London)", "Acme (London)", "Site Engineer"),
        ("# Product Manager – Tidewater Bank (final round)", "Tidewater Bank", "Product Manager"),
    ],
)
def test_title_gives_company_and_role(title: str, company: str, role: str) -> None:
    document = parse_document(f"{title}\n\n{QUESTIONS}")
    assert (document.company, document.role) == (company, role)


def test_first_heading_that_names_a_section_is_not_the_title() -> None:
    document = parse_document("## Interview Questions\n\n> Why quotes?\n\n- What is DNS?\n", fallback_title="notes")
    assert document.title == "notes"
    assert document.sections_found == ["Interview Questions"]
    assert [card.prompt for card in document.cards] == ["What is DNS?"]


def test_prefix_without_separator_names_the_company() -> None:
    assert parse_document(f"# Interview Prep Acme\n\n{QUESTIONS}").company == "Acme"


def test_company_and_role_fall_back_to_labelled_bullets() -> None:
    text = "# My notes\n\n## Job Overview\n- Role: SRE\n\n## Company Summary\n- Company: Acme\n\n" + QUESTIONS
    document = parse_document(text)
    assert (document.company, document.role) == ("Acme", "SRE")


def test_atx_headings_with_closing_hashes() -> None:
    assert prompts("# Prep #\n\n## Likely Interview Questions ##\n\n- What is DNS?\n") == ["What is DNS?"]


def test_setext_headings() -> None:
    text = "Interview Prep: A – B\n=====\n\nQuestions you might be asked\n---\n\n- What is DNS?\n"
    document = parse_document(text)
    assert document.company == "A"
    assert [card.prompt for card in document.cards] == ["What is DNS?"]


@pytest.mark.parametrize("marker", ["-", "*", "+", "1.", "1)"])
def test_list_markers(marker: str) -> None:
    assert prompts(f"## Interview Questions\n\n{marker} What is DNS?\n") == ["What is DNS?"]


def test_nesting_by_tabs() -> None:
    text = "## Interview Questions\n\n-\tNetworking\n\t-\tWhat is DNS?\n\t-\tWhat is TCP?\n"
    assert cards(text) == [(["Networking"], "What is DNS?"), (["Networking"], "What is TCP?")]


def test_nesting_by_four_spaces_and_numbers() -> None:
    text = "## Interview Questions\n\n1. Networking\n    1. What is DNS?\n"
    assert cards(text) == [(["Networking"], "What is DNS?")]


def test_crlf_and_bom() -> None:
    text = "\ufeff# Interview Prep: A – B\r\n\r\n## Questions to Ask Them\r\n\r\n* How is on-call?\r\n"
    document = parse_document(text)
    assert document.title == "Interview Prep: A – B"
    assert [(card.kind, card.prompt) for card in document.cards] == [("ask", "How is on-call?")]


def test_any_language_and_emoji() -> None:
    text = (
        "# 面接準備: メルカリ – バックエンド 🚀\n\n## 想定される質問\n\n- Goの並行処理とは？ 🤔\n\n"
        "## 逆質問\n\n- チームの規模は？\n"
    )
    document = parse_document(text)
    assert document.company == "メルカリ"
    assert [(card.kind, card.prompt) for card in document.cards] == [
        ("question", "Goの並行処理とは？ 🤔"),
        ("ask", "チームの規模は？"),
    ]


def test_category_from_parent_bullet() -> None:
    text = "## Interview Questions\n\n- Go\n  - What is a goroutine?\n"
    assert cards(text) == [(["Go"], "What is a goroutine?")]


def test_a_phrase_over_notes_that_answer_it_is_a_question_and_its_siblings_stay_questions() -> None:
    text = (
        "## Questions\n\n- handling an angry customer at the till\n  - stay calm, listen, offer a fix\n"
        "- a colleague who ignores you → talk after the shift\n- my best sale\n"
    )
    document = parse_document(text)
    assert [(card.category, card.prompt) for card in document.cards] == [
        ([], "handling an angry customer at the till"),
        ([], "a colleague who ignores you"),
        ([], "my best sale"),
    ]
    assert "stay calm, listen, offer a fix" in document.cards[0].back


def test_a_phrase_over_questions_still_names_their_group() -> None:
    text = "## Questions\n\n- handling customers at the till, and returns\n  - How do you calm an angry customer?\n"
    assert cards(text) == [(["handling customers at the till, and returns"], "How do you calm an angry customer?")]


def test_category_from_sub_heading() -> None:
    text = "## Likely Interview Questions\n\n### API Design\n1. How do you version an API?\n"
    assert cards(text) == [(["API Design"], "How do you version an API?")]


def test_category_from_bold_line() -> None:
    text = "## Interview Questions\n\n**React & Rendering**\n\n- Why keys?\n"
    assert cards(text) == [(["React & Rendering"], "Why keys?")]


def test_bold_label_with_colon_is_category_with_items() -> None:
    text = "## Concepts to Review\n\n**Rendering:** reconciliation, keys\n\n- **Hooks:** useEffect, useMemo\n"
    assert cards(text) == [
        (["Rendering"], "reconciliation"),
        (["Rendering"], "keys"),
        (["Hooks"], "useEffect"),
        (["Hooks"], "useMemo"),
    ]


def test_bold_section_name_outside_a_heading_starts_a_section() -> None:
    text = "## Why This Job Is a Fit\n- Good match.\n\n**Technical Questions**\n\n- What is a B-tree?\n"
    document = parse_document(text)
    assert [(card.kind, card.category, card.prompt) for card in document.cards] == [
        ("question", ["Technical Questions"], "What is a B-tree?")
    ]
    assert document.reference[0].text == "- Good match."


@pytest.mark.parametrize(
    "heading",
    [
        "Predicted Interview Questions",
        "Likely Questions",
        "Possible interview questions",
        "Questions you might be asked",
        "Technical Questions",
        "Behavioural Questions",
        "System-Design Questions",
        "Mögliche Interviewfragen",
    ],
)
def test_question_section_headings(heading: str) -> None:
    document = parse_document(f"## {heading}\n\n- Tell me about yourself.\n")
    assert [card.kind for card in document.cards] == ["question"]


@pytest.mark.parametrize(
    "heading", ["Concepts To Know/Review", "Key Concepts", "Topics to brush up on", "Study Topics", "Concepts to know"]
)
def test_concept_section_headings(heading: str) -> None:
    assert [c.kind for c in parse_document(f"## {heading}\n\n- Raft\n").cards] == ["concept"]


@pytest.mark.parametrize("heading", ["Questions to Ask Them", "Questions for the interviewer", "Fragen an das Team"])
def test_ask_section_headings(heading: str) -> None:
    assert [c.kind for c in parse_document(f"## {heading}\n\n- What is on-call like?\n").cards] == ["ask"]


@pytest.mark.parametrize("heading", ["Company Summary", "About Acme", "Company Overview"])
def test_company_section_gives_fact_cards(heading: str) -> None:
    text = f"## {heading}\n\n- Mission: Make things.\n- Values:\n  - Be kind\n  - Ship\n"
    document = parse_document(text)
    assert [(c.kind, c.prompt, c.back) for c in document.cards] == [
        ("fact", "Mission", "Make things."),
        ("fact", "Values", "- Be kind\n- Ship"),
    ]


def test_unfamiliar_heading_with_mostly_questions_yields_questions() -> None:
    text = "## Kubernetes\n\n- What is a pod?\n- How does a Service route traffic?\n"
    assert cards(text, "question") == [
        (["Kubernetes"], "What is a pod?"),
        (["Kubernetes"], "How does a Service route traffic?"),
    ]


def test_other_sections_are_kept_as_reference_notes() -> None:
    text = (
        "# Prep: A – B\n\n## Job Overview\n- Remote\n\n## Strategic Advice\n1. Bring numbers.\n\n"
        "```\ncode stays\n```\n\n" + QUESTIONS + "\nIntro after list.\n"
    )
    document = parse_document(text)
    notes = {(note.section, note.kind): note.text for note in document.reference}
    assert notes[("Job Overview", "role")] == "- Remote"
    assert notes[("Strategic Advice", "strategy")] == "1. Bring numbers.\n\n```\ncode stays\n```"
    assert notes[("Predicted Interview Questions", "other")] == "Intro after list."


REVISION_TOPICS = "## Geotechnics\n\n- Settlement: immediate vs consolidation\n- Pile types\n\n" + QUESTIONS


@pytest.mark.parametrize(
    "intro",
    [
        "Below is mostly what to revise; the questions I expect are at the end.",
        "Ce que je dois revoir avant l'entretien technique.",
        "Lo que tengo que repasar antes de la entrevista.",
    ],
)
def test_revision_notes_read_unnamed_topic_headings_as_concepts(intro: str) -> None:
    assert cards(f"# Prep: A – B\n\n{intro}\n\n{REVISION_TOPICS}", "concept") == [
        (["Geotechnics"], "immediate vs consolidation"),
        (["Geotechnics"], "Pile types"),
    ]


def test_unnamed_topic_headings_stay_notes_without_a_revision_introduction() -> None:
    document = parse_document(f"# Prep: A – B\n\nTechnical interview on Monday.\n\n{REVISION_TOPICS}")
    assert [card.kind for card in document.cards] == ["question", "question"]
    assert any(note.section == "Geotechnics" for note in document.reference)


def test_materials_in_revision_notes_are_a_topic_unless_they_are_links() -> None:
    intro = "# Prep: A – B\n\nMostly what to revise.\n\n"
    topics = "## Materials\n\n- **Steel:** S355 vs S275\n\n" + QUESTIONS
    links = "## Materials\n\n- [Eurocode guide](https://example.org/ec2)\n\n" + QUESTIONS
    assert cards(intro + topics, "concept") == [(["Materials", "Steel"], "S355 vs S275")]
    assert cards(intro + links, "concept") == []
    assert cards("# Prep: A – B\n\n" + topics, "concept") == []


@pytest.mark.parametrize(
    "question",
    ["志望動機を教えてください。", "何か質問はありますか。", "请介绍一下你自己。", "지원 동기를 말씀해 주세요."],
)
def test_japanese_chinese_and_korean_requests_are_questions_without_a_question_mark(question: str) -> None:
    assert prompts(f"## Interview Questions\n\n1. {question}\n   - a note\n", "question") == [question]


def test_a_table_of_things_to_practise_gives_concepts() -> None:
    text = "## SQL to practise\n\n| Topic | Example |\n|---|---|\n| CTEs | monthly actives |\n\n" + QUESTIONS
    assert cards(text, "concept") == [(["SQL to practise"], "CTEs")]


@pytest.mark.parametrize(("dash", "length"), [("—", "45 min"), ("-", "45m")])
def test_a_numbered_q_and_a_dash_mark_a_question_heading(dash: str, length: str) -> None:
    text = f"# Prep\n\n## Part 2: Competency ({length})\n\n### Q3 {dash} Tell me about a time you failed.\nStory.\n"
    assert cards(text, "question") == [(["Competency"], "Tell me about a time you failed.")]


def test_a_numbered_outline_has_no_title_and_its_question_headings_lose_their_numbers() -> None:
    text = "# 1. Overview\nRole: SRE. Company: Acme Ltd. Panel, 1 hour.\n\n# 2. Questions\n## 2.1 Why Acme?\nGrowth.\n"
    document = parse_document(text, fallback_title="notes")
    assert (document.title, document.company, document.role) == ("notes", "Acme Ltd", "SRE")
    assert prompts(text, "question") == ["Why Acme?"]


def test_nested_hints_become_the_back() -> None:
    text = (
        "## Technical Questions\n\n- Offline metrics up, online flat: why?\n  - Hint: position bias\n  - Hint: skew\n"
    )
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("Offline metrics up, online flat: why?", "- Hint: position bias\n- Hint: skew")
    ]


def test_question_heading_with_answer_paragraph() -> None:
    text = "## Behavioral Questions\n\n### Tell me about a conflict?\nUse STAR.\n\n**Why us?**\n\nMission.\n"
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("Tell me about a conflict?", "Use STAR."),
        ("Why us?", "Mission."),
    ]


def test_concept_bullet_listing_topics_splits_keeping_label() -> None:
    document = parse_document("## Key Concepts\n\n- Go\n  - Go tooling: go build, go vet\n  - Goroutines, channels\n")
    assert [(c.category, c.prompt, c.context) for c in document.cards] == [
        (["Go"], "go build", "Go tooling"),
        (["Go"], "go vet", "Go tooling"),
        (["Go"], "Goroutines", ""),
        (["Go"], "channels", ""),
    ]


def test_commas_inside_parentheses_and_code_spans_do_not_split() -> None:
    text = "## Key Concepts\n\n- Isolation levels (read committed, serializable), `f(a, b)`, and write skew\n"
    assert prompts(text) == ["Isolation levels (read committed, serializable)", "`f(a, b)`", "write skew"]


def test_numbers_enumerated_after_a_number_stay_with_their_topic() -> None:
    text = "## Key Concepts\n\n- Timber: moisture content, service classes 1, 2 and 3\n- Kafka, Redis 7, Postgres 16\n"
    assert prompts(text) == ["moisture content", "service classes 1, 2 and 3", "Kafka", "Redis 7", "Postgres 16"]


def test_prose_concept_is_not_split() -> None:
    text = "## Key Concepts\n\n- Understand how the scheduler preempts long goroutines, and why that matters here\n"
    assert len(prompts(text)) == 1


def test_duplicate_prompts_become_one_card() -> None:
    text = "## Interview Questions\n\n- What is DNS?\n- what is  DNS\n\n## Key Concepts\n- DNS\n- DNS\n"
    assert prompts(text) == ["What is DNS?", "DNS"]


def test_empty_category_yields_no_card_and_no_error() -> None:
    text = "## Interview Questions\n\n### Empty\n\n### Networking\n- What is DNS?\n\n- \n"
    assert cards(text) == [(["Networking"], "What is DNS?")]


def test_a_remark_beside_category_bullets_is_kept_as_a_note_an_empty_category_is_not() -> None:
    text = (
        "## Interview Questions\n\n- Networking\n  - What is DNS?\n- Note: the panel is hard, prepare well\n"
        "- Empty category\n- Linux\n  - What is a process?\n"
    )
    document = parse_document(text)
    assert [(card.category, card.prompt) for card in document.cards] == [
        (["Networking"], "What is DNS?"),
        (["Linux"], "What is a process?"),
    ]
    assert [(note.section, note.text, note.source) for note in document.reference] == [
        ("Interview Questions", "- Note: the panel is hard, prepare well", 5)
    ]


def test_inline_markdown_is_kept_in_prompt() -> None:
    assert prompts("## Interview Questions\n\n- Why is `sync.Mutex` *not* reentrant?\n") == [
        "Why is `sync.Mutex` *not* reentrant?"
    ]


def test_source_line_is_recorded() -> None:
    document = parse_document("# T\n\n## Interview Questions\n\n- First?\n- Second?\n")
    assert [card.source for card in document.cards] == [5, 6]


def test_document_without_known_section_is_refused_naming_what_was_looked_for() -> None:
    with pytest.raises(StudyprepError, match="looked for headings such as 'Predicted Interview Questions'"):
        parse_document("# Shopping\n\n- milk\n- eggs\n")


def test_empty_document_is_refused() -> None:
    with pytest.raises(StudyprepError):
        parse_document("")


def test_bold_whole_question_is_unwrapped_and_q_markers_dropped() -> None:
    text = (
        "## Interview Questions\n\n1. **Explain window functions.**\n2. **Q2:** When to broadcast?\n3. Q3: Why Spark?\n"
    )
    assert prompts(text) == ["Explain window functions.", "When to broadcast?", "Why Spark?"]


def test_q_and_a_lines_split_into_prompt_and_back() -> None:
    text = "## Interview Questions\n\n- Q: What is a shuffle?\n  A: Data exchange between stages.\n"
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [("What is a shuffle?", "Data exchange between stages.")]


def test_one_bold_label_per_line_in_a_paragraph() -> None:
    document = parse_document("## Company Overview\n\n**Mission:** Entertain the world.\n**Founded:** 1997\n")
    assert [(c.prompt, c.back) for c in document.cards] == [("Mission", "Entertain the world."), ("Founded", "1997")]


def test_table_rows_become_cards() -> None:
    text = "## Key Concepts\n\n| Topic | Notes |\n|---|---|\n| Kafka | partitions |\n| `Iceberg` | snapshots |\n"
    document = parse_document(text)
    assert [(c.prompt, c.back, c.source) for c in document.cards] == [
        ("Kafka", "Notes: partitions", 5),
        ("`Iceberg`", "Notes: snapshots", 6),
    ]


def test_numbered_headings_and_company_role_headings() -> None:
    text = (
        "# 🎯 Interview Preparation Guide\n## Company: Netflix\n## Role: Data Engineer\n\n---\n\n"
        "### 2. Technical Questions\n- Why?\n"
    )
    document = parse_document(text)
    assert (document.company, document.role) == ("Netflix", "Data Engineer")
    assert [c.category for c in document.cards] == [["Technical Questions"]]
    assert all(note.text != "---" for note in document.reference)


def test_task_boxes_and_dash_labels() -> None:
    text = "## Coding topics\n\n* [ ] Raft\n* [x] Graphs — BFS/DFS, Dijkstra\n"
    document = parse_document(text)
    assert [(c.prompt, c.context) for c in document.cards] == [
        ("Raft", ""),
        ("BFS/DFS", "Graphs"),
        ("Dijkstra", "Graphs"),
    ]


def test_numbered_bold_question_lines_with_answers() -> None:
    text = "## Behavioral Questions\n\n**1. Tell me about yourself.**\nAnswer: data.\n\n**2. Why us?**\n\nScale.\n"
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("Tell me about yourself.", "data."),
        ("Why us?", "Scale."),
    ]


def test_spanish_document() -> None:
    text = (
        "# Preparación de entrevista: Mercado Libre – Ingeniero Backend\n\n## Preguntas técnicas probables\n"
        "- ¿Qué es la idempotencia?\n\n## Conceptos a repasar\n- Kafka, RabbitMQ\n\n## Preguntas para hacerles\n"
        "- ¿Cómo es el deploy?\n"
    )
    document = parse_document(text)
    assert (document.company, document.role) == ("Mercado Libre", "Ingeniero Backend")
    assert [(c.kind, c.category, c.prompt) for c in document.cards] == [
        ("question", ["Preguntas técnicas probables"], "¿Qué es la idempotencia?"),
        ("concept", [], "Kafka"),
        ("concept", [], "RabbitMQ"),
        ("ask", [], "¿Cómo es el deploy?"),
    ]


def test_role_drops_a_trailing_notes_suffix() -> None:
    document = parse_document(f"# Google – SWE L4 interview notes\n\n{QUESTIONS}")
    assert (document.company, document.role) == ("Google", "SWE L4")


def test_section_of_questions_whose_heading_reads_as_advice_still_yields_questions() -> None:
    # "STAR" is a strategy word, but a section whose items are questions is a question section.
    text = "## Behavioral (STAR)\n\n- Describe a project that failed.\n- Tell me about a conflict.\n"
    assert prompts(text, "question") == ["Describe a project that failed.", "Tell me about a conflict."]


def test_unfamiliar_heading_whose_sub_sections_hold_the_questions() -> None:
    text = (
        "## Technical Deep Dive\n\n### Kubernetes\n\n**How does the scheduler pick a node?**\n\nIt filters.\n\n"
        "### Observability\n\n- What are the three pillars?\n"
    )
    document = parse_document(text)
    assert [(c.category, c.prompt, c.back) for c in document.cards] == [
        (["Technical Deep Dive", "Kubernetes"], "How does the scheduler pick a node?", "It filters."),
        (["Technical Deep Dive", "Observability"], "What are the three pillars?", ""),
    ]
    assert document.reference == []


def test_bold_label_paragraph_in_question_section_is_a_category() -> None:
    text = "## Interview Questions\n\n**Go:** How do goroutines differ from threads?\n\n**Q1:** What is DNS?\n"
    assert cards(text) == [(["Go"], "How do goroutines differ from threads?"), ([], "What is DNS?")]


@pytest.mark.parametrize(
    "heading",
    [
        "Questions they may ask",
        "Things to study",
        "Questions you should expect",
        "💡 Questions They'll Probably Ask **(high priority)**",
        "Questions They’ll Probably Ask",
        "Most likely questions",
        "Frequently asked questions",
        "Must-know concepts",
    ],
)
def test_headings_that_only_name_the_section_give_no_category(heading: str) -> None:
    assert cards(f"## {heading}\n\n- What is DNS?\n") == [([], "What is DNS?")]


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("想定される質問", "question"),
        ("面接で聞かれそうな質問", "question"),
        ("復習する概念", "concept"),
        ("逆質問", "ask"),
        ("会社概要", "fact"),
        ("可能的面试问题", "question"),
        ("复习概念", "concept"),
        ("向面试官提问", "ask"),
        ("예상 질문", "question"),
        ("면접관에게 할 질문", "ask"),
        ("회사 소개", "fact"),
    ],
)
def test_cjk_headings_that_only_name_the_section_give_its_kind_and_no_category(heading: str, kind: str) -> None:
    document = parse_document(f"## {heading}\n\n- 自己紹介をしてください？\n")
    assert [(card.kind, card.category) for card in document.cards] == [(kind, [])]


@pytest.mark.parametrize("heading", ["Goの概念", "システム設計の質問", "Go 相关问题"])
def test_cjk_headings_that_name_a_topic_keep_it_as_the_category(heading: str) -> None:
    assert cards(f"## {heading}\n\n- 何ですか？\n") == [([heading], "何ですか？")]


def test_hints_under_questions_do_not_outvote_them_in_an_unfamiliar_section() -> None:
    text = "## Stories\n\n- Describe a failure.\n  - Situation: outage\n  - Result: alerting\n- Why us?\n"
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("Describe a failure.", "- Situation: outage\n- Result: alerting"),
        ("Why us?", ""),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## Interview Questions\n\n- Why?\n\n### Questions to ask them\n\n- How big is the team?\n", ([], "ask")),
        ("## Questions to ask them\n\n**About the team**\n\n- How big is the team?\n", (["About the team"], "ask")),
        ("## Questions to ask\n\n### Tech questions\n\n- How big is the team?\n", (["Tech questions"], "ask")),
    ],
)
def test_sub_section_of_questions_keeps_or_switches_kind(text: str, expected: tuple[list[str], str]) -> None:
    document = parse_document(text)
    assert [(c.category, c.kind) for c in document.cards if c.prompt == "How big is the team?"] == [expected]


def test_paragraph_listing_topics_under_a_concept_heading_gives_cards() -> None:
    text = "## Key Concepts\n\nRead these first.\n\n### Networking\n\nTCP, UDP, QUIC\n"
    document = parse_document(text)
    assert [(c.category, c.prompt) for c in document.cards] == [(["Networking"], p) for p in ("TCP", "UDP", "QUIC")]
    assert [note.text for note in document.reference] == ["Read these first."]


def test_labelled_question_beside_a_category_is_not_taken_for_an_empty_category() -> None:
    text = "## Interview Questions\n\n- **Coding:** Implement a trie.\n- Networking\n  - What is DNS?\n- Empty\n"
    assert cards(text) == [(["Coding"], "Implement a trie."), (["Networking"], "What is DNS?")]


def test_bold_first_line_naming_the_document_is_its_title() -> None:
    document = parse_document("**Interview Prep: Acme – SRE**\n\n**Likely questions**\n\n- What is DNS?\n")
    assert (document.title, document.company, document.role) == ("Interview Prep: Acme – SRE", "Acme", "SRE")
    assert [(c.category, c.prompt) for c in document.cards] == [([], "What is DNS?")]


def backs(text: str) -> list[tuple[str, str]]:
    return [(card.prompt, card.back) for card in parse_document(text).cards]


def test_yaml_front_matter_is_not_content_and_gives_the_title() -> None:
    text = (
        "---\ntitle: Acme – SRE prep\nrole: SRE\ntags: [interview]\n---\n\n## Interview Questions\n\n- What is SLO?\n"
    )
    document = parse_document(text, fallback_title="file")
    assert (document.title, document.company, document.role) == ("Acme – SRE prep", "Acme", "SRE")
    assert [card.prompt for card in document.cards] == ["What is SLO?"]
    # The heading that only names the section is kept in a note of its own (nothing of the document is lost).
    assert [(note.section, note.source) for note in document.reference] == [
        ("Front matter", 1),
        ("Section headings", 7),
    ]
    assert document.reference[1].text == "- Interview Questions (line 7)"


def test_front_matter_before_a_title_heading_leaves_the_heading_the_title() -> None:
    text = "---\ncompany: Acme\nrole: SRE\n---\n# My notes\n\n## Interview Questions\n\n- What is an SLO?\n"
    document = parse_document(text)
    assert (document.title, document.company, document.role) == ("My notes", "Acme", "SRE")
    assert document.cards[0].source == 9


def test_front_matter_that_will_not_load_is_kept_as_text_never_loaded_nor_the_title() -> None:
    text = (
        "---\ntitle: !!python/object/apply:os.system [echo hi]\nrole: [unclosed\n---\n\n"
        "## Interview Questions\n\n- What is an SLO?\n"
    )
    document = parse_document(text, fallback_title="file")
    assert (document.title, document.company, document.role) == ("file", "", "")
    assert [card.prompt for card in document.cards] == ["What is an SLO?"]
    assert document.reference[0].section == "Front matter" and "!!python/object" in document.reference[0].text


def test_details_toggle_is_a_question_with_its_body_as_the_back() -> None:
    text = (
        "## Interview Questions\n\n<details>\n<summary>How do you make payments idempotent?</summary>\n\n"
        "Idempotency keys.\n\n</details>\n\n"
        "<details><summary><b>What is PCI scope?</b></summary>Less of it.</details>\n"
    )
    assert backs(text) == [
        ("How do you make payments idempotent?", "Idempotency keys."),
        ("What is PCI scope?", "Less of it."),
    ]


def test_notion_aside_callouts_are_quotes_on_the_back_or_in_the_notes() -> None:
    text = (
        "# Acme – SRE\n\n<aside>\n💡 Use STAR.\n\nKeep it short.\n\n</aside>\n\n## Questions\n\n"
        "- Why Acme?\n  <aside>💡 mention their SRE book</aside>\n- What is toil?\n"
    )
    document = parse_document(text)
    assert [(card.prompt, card.back) for card in document.cards] == [
        ("Why Acme?", "> 💡 mention their SRE book"),
        ("What is toil?", ""),
    ]
    notes = "\n".join(note.text for note in document.reference)
    assert "> 💡 Use STAR." in notes and "> Keep it short." in notes and "aside" not in notes


def test_a_callout_tag_in_any_case_is_read_as_a_quote() -> None:
    document = parse_document("# Acme – SRE\n\n## Questions\n\n- Why Acme?\n  <AsIdE>💡 their SRE book</aSiDe>\n")
    assert [(card.prompt, card.back) for card in document.cards] == [("Why Acme?", "> 💡 their SRE book")]


def test_details_toggle_under_concepts_is_one_concept_not_its_body_split() -> None:
    text = "## Concepts to Review\n\n<details>\n<summary>Edge functions</summary>\n\nRun near users; V8.\n</details>\n"
    assert backs(text) == [("Edge functions", "Run near users; V8.")]


@pytest.mark.parametrize(
    "text",
    [
        "## Interview Questions\n\n**Q: Why us?**\n\nA: Your product.\n",
        "## Interview Questions\n\n- Q: Why us?\n  - A: Your product.\n",
        "## Interview Questions\n\n1. Q: Why us?\n\n   A: Your product.\n",
        "## Interview Questions\n\n**Why us?**\n\n**Answer:** Your product.\n",
    ],
)
def test_answer_marker_is_not_part_of_the_back(text: str) -> None:
    assert backs(text) == [("Why us?", "Your product.")]


def test_answer_bullet_beside_other_hints_keeps_the_list() -> None:
    text = "## Interview Questions\n\n- Why us?\n  - A: Your product.\n  - Mention the API.\n"
    assert backs(text) == [("Why us?", "- Your product.\n- Mention the API.")]


def test_table_prompts_skip_a_number_column_and_lose_bold_and_q_marks() -> None:
    text = (
        "## Interview Questions\n\n| # | Question | Notes |\n|---|---|---|\n"
        "| 1 | **Tell me about a win.** | STAR |\n| 2 | Q: What is DNS? | |\n"
    )
    assert backs(text) == [("Tell me about a win.", "Notes: STAR"), ("What is DNS?", "")]


def test_rule_after_a_bold_question_is_not_part_of_its_answer() -> None:
    text = "## Interview Questions\n\n**Tell me about a failure.**\nUse STAR.\n\n---\n\n## Tips\n\nBreathe.\n"
    assert backs(text) == [("Tell me about a failure.", "Use STAR.")]


@pytest.mark.parametrize(
    "heading", ["### 2.3 Caching", "### 1.2. Caching:", "### Part 2 — Caching", "### Section 3: Caching"]
)
def test_outline_numbering_is_not_part_of_the_category(heading: str) -> None:
    assert cards(f"## Interview Questions\n\n{heading}\n\n- What is a CDN?\n") == [(["Caching"], "What is a CDN?")]


@pytest.mark.parametrize(
    ("line", "category", "prompt"),
    [
        ("Databases: How does a B-tree index work?", ["Databases"], "How does a B-tree index work?"),
        ("System design: Design a rate limiter for an API.", ["System design"], "Design a rate limiter for an API."),
        ("*Go runtime*: Why are goroutines cheap?", ["Go runtime"], "Why are goroutines cheap?"),
        ("databases: how does a b-tree index work?", ["databases"], "how does a b-tree index work?"),
        ("Q: Caching: What is a cache stampede?", ["Caching"], "What is a cache stampede?"),
    ],
)
def test_plain_label_before_a_question_is_its_category(line: str, category: list[str], prompt: str) -> None:
    assert cards(f"## Interview Questions\n\n- {line}\n") == [(category, prompt)]


@pytest.mark.parametrize(
    "line",
    [
        "Offline metrics up, online flat: why?",
        "Trade-off: would you pick consistency or availability here?",  # a lower-case rest continues the sentence
        "Note: what would you log first?",
        "e.g.: how would you shard it?",
        "What happens at 10:30 when the cron fires?",
        "See https://example.com: what is it?",
        "How: What is the plan?",
        "A: How would I know?",
        "Five words make a sentence: Why is that?",
        "Caching: Why?",
    ],
)
def test_text_before_a_colon_that_is_no_category_stays_in_the_prompt(line: str) -> None:
    assert cards(f"## Interview Questions\n\n- {line}\n") == [([], line)]


def test_plain_labelled_question_nests_under_categories_and_is_no_empty_category() -> None:
    text = (
        "## Interview Questions\n\n- Go\n  - Concurrency: How do goroutines differ from threads?\n"
        "- System design: Design a rate limiter for an API.\n  - token bucket\n\n"
        "Networking: What happens when you type a URL?\n"
    )
    assert cards(text) == [
        (["Go", "Concurrency"], "How do goroutines differ from threads?"),
        (["System design"], "Design a rate limiter for an API."),
        (["Networking"], "What happens when you type a URL?"),
    ]


def test_document_of_only_bold_questions_with_answers_gives_question_cards() -> None:
    text = (
        "# Prep: Acme\n\n**What is a data lake?**\n\nRaw files.\n\n**Explain slowly changing dimensions.**\n\nType 2.\n"
    )
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("What is a data lake?", "Raw files."),
        ("Explain slowly changing dimensions.", "Type 2."),
    ]


def test_question_headings_beside_an_unrelated_section_are_questions_and_the_section_stays_a_note() -> None:
    text = "## Job overview\n\nShip things.\n\n## What is a data lake?\n\nRaw files.\n\n## How does Kafka work?\n"
    document = parse_document(text)
    assert [(c.kind, c.prompt, c.back) for c in document.cards] == [
        ("question", "What is a data lake?", "Raw files."),
        ("question", "How does Kafka work?", ""),
    ]
    assert [note.section for note in document.reference] == ["Job overview"]


@pytest.mark.parametrize("separator", ["->", "=>", "→", "—", "–", "-"])
def test_hint_after_a_question_on_the_same_line_is_its_back(separator: str) -> None:
    document = parse_document(f"## Likely questions\n\n- What is CAP? {separator} consistency, availability\n")
    assert [(c.prompt, c.back) for c in document.cards] == [("What is CAP?", "consistency, availability")]


def test_arrow_inside_a_question_stays_in_it() -> None:
    text = "## Likely questions\n\n- What does `a -> b` mean in a type signature?\n- Is A — or B — better?\n"
    assert prompts(text) == ["What does `a -> b` mean in a type signature?", "Is A — or B — better?"]


def test_definition_list_terms_are_cards_with_their_definitions() -> None:
    text = "## Key concepts\n\nCSRF\n: A forged request.\n\nXSS\n: Injected script.\n: Stored or reflected.\n"
    document = parse_document(text)
    assert [(c.kind, c.prompt, c.back) for c in document.cards] == [
        ("concept", "CSRF", "A forged request."),
        ("concept", "XSS", "Injected script.\nStored or reflected."),
    ]


def test_definition_list_of_questions() -> None:
    document = parse_document("## Interview questions\n\nWhat is CSRF?\n: A forged request.\n")
    assert [(c.prompt, c.back) for c in document.cards] == [("What is CSRF?", "A forged request.")]


def test_html_line_break_after_a_question_starts_its_back_and_comments_leave_the_prompt() -> None:
    text = (
        "## Interview Questions\n\n- What is an SLO?<br>Think error budgets.\n"
        "- How do you run a postmortem? <!-- ask Bob -->\n\n## Concepts to Review\n\n- SLI, SLA<br>\n"
    )
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("What is an SLO?", "Think error budgets."),
        ("How do you run a postmortem?", "<!-- ask Bob -->"),
        ("SLI", ""),
        ("SLA", ""),
    ]


@pytest.mark.parametrize(
    "heading", ["Perguntas prováveis", "Domande probabili", "Conceitos para revisar", "Things I want to ask"]
)
def test_more_generic_section_words_name_no_category(heading: str) -> None:
    assert cards(f"## {heading}\n\n- Como funciona o GC?\n")[0][0] == []


def test_topic_that_is_all_comment_is_kept_as_written() -> None:
    assert prompts("## Concepts to Review\n\n- SLI, <!-- SLO -->\n") == ["SLI", "<!-- SLO -->"]


def concept_cards(text: str) -> list[tuple[list[str], str, str, str]]:
    return [(c.category, c.prompt, c.context, c.back) for c in parse_document(text).cards if c.kind == "concept"]


@pytest.mark.parametrize(
    ("line", "term", "definition"),
    [
        ("- **Error budget:** the unreliability an SLO allows.", "Error budget", "the unreliability an SLO allows."),
        (
            "- **Circuit breaker:** stop calling a failing dependency for a while.",
            "Circuit breaker",
            "stop calling a failing dependency for a while.",
        ),
        ("- **Idempotency** - same request twice, same effect.", "Idempotency", "same request twice, same effect."),
        ("- **Idempotency** — same request twice, same effect.", "Idempotency", "same request twice, same effect."),
        (
            "- Backpressure: a consumer slowing its producer down when it cannot keep up.",
            "Backpressure",
            "a consumer slowing its producer down when it cannot keep up.",
        ),
        ("- Sharding – splitting a table by key, so each node holds a part.", "Sharding", "splitting a table by key"),
        ("- **Deadlock:** when two threads wait on each other forever.", "Deadlock", "when two threads wait"),
        ("- **Docker:** images are layers; containers are processes.", "Docker", "images are layers;"),
        ("- **Lademeter:** ein Meter Ladefläche in voller Breite des Lkw.", "Lademeter", "ein Meter Ladefläche"),
        ("- **Gefahrübergang:** der Zeitpunkt, ab dem der Käufer das Risiko trägt.", "Gefahrübergang", "der Zeitpunkt"),
        ("- **Escandallo:** el cálculo del coste de cada plato por ración.", "Escandallo", "el cálculo del coste"),
        ("- **Différenciation :** l'adaptation de l'enseignement à chaque élève.", "Différenciation", "l'adaptation"),
        ("- **Lead time:** o tempo entre o pedido e a entrega, que o cliente sente.", "Lead time", "o tempo entre"),
        ("**Error budget:** the unreliability an SLO allows.", "Error budget", "the unreliability an SLO allows."),
    ],
)
def test_glossary_line_is_one_card_for_its_term_with_the_definition_on_its_back(
    line: str, term: str, definition: str
) -> None:
    [(category, prompt, context, back)] = concept_cards(f"## Concepts to Review\n\n### Reliability\n\n{line}\n")
    assert (category, prompt, context) == (["Reliability"], term, "")
    assert back.startswith(definition)


@pytest.mark.parametrize(
    ("line", "label", "topics"),
    [
        (
            "- **Anticoagulation:** heparin nomograms, anti-Xa monitoring, "
            "DOAC reversal (idarucizumab, andexanet alfa)",
            "Anticoagulation",
            ["heparin nomograms", "anti-Xa monitoring", "DOAC reversal (idarucizumab, andexanet alfa)"],
        ),
        (
            "- **Kubernetes:** requests vs limits, PodDisruptionBudgets, horizontal pod autoscaling",
            "Kubernetes",
            ["requests vs limits", "PodDisruptionBudgets", "horizontal pod autoscaling"],
        ),
        (
            "- **Networking:** the TLS 1.3 handshake, DNS resolution and TTLs, TCP retransmits",
            "Networking",
            ["the TLS 1.3 handshake", "DNS resolution and TTLs", "TCP retransmits"],
        ),
        ("- **Compliance:** IT security, GDPR, audits.", "Compliance", ["IT security", "GDPR", "audits"]),
        (
            "- **Alérgenos:** los 14 del Reglamento (UE) 1169/2011",
            "Alérgenos",
            ["los 14 del Reglamento (UE) 1169/2011"],
        ),
        (
            "- **Servicio:** a la francesa, a la inglesa, emplatado",
            "Servicio",
            ["a la francesa", "a la inglesa", "emplatado"],
        ),
        ("- **Tip:** always state the answer first.", "Tip", ["always state the answer first."]),
        ("- **Remember:** the exam is at 9.", "Remember", ["the exam is at 9."]),
        (
            "- **Wichtig:** die Unterlagen sind vorab zu schicken.",
            "Wichtig",
            ["die Unterlagen sind vorab zu schicken."],
        ),
        (
            "- **Data modelling:** star schemas and slowly changing dimensions.",
            "Data modelling",
            ["star schemas and slowly changing dimensions."],
        ),
        (
            "- **Caching:** when to use write-through vs write-back.",
            "Caching",
            ["when to use write-through vs write-back."],
        ),
        ("- **Índices:** cuándo usar un índice compuesto.", "Índices", ["cuándo usar un índice compuesto."]),
        (
            "- **Kafka:** partitions, consumer groups, exactly-once semantics (it is hard).",
            "Kafka",
            ["partitions", "consumer groups", "exactly-once semantics (it is hard)"],
        ),
        (
            "- **Go concurrency:** goroutines, channels, and when to use a mutex",
            "Go concurrency",
            ["goroutines, channels, and when to use a mutex"],
        ),
    ],
)
def test_label_over_a_list_of_topics_stays_a_category_of_one_card_per_topic(
    line: str, label: str, topics: list[str]
) -> None:
    got = concept_cards(f"## Concepts to Review\n\n{line}\n")
    assert [(category, prompt) for category, prompt, _, _ in got] == [([label], topic) for topic in topics]


@pytest.mark.parametrize(
    ("line", "label", "topics"),
    [
        (
            "- Incoterms 2020: EXW, FCA, DAP, DDP – wer trägt Kosten und Gefahr bis wohin?",
            "Incoterms 2020",
            ["EXW", "FCA", "DAP", "DDP – wer trägt Kosten und Gefahr bis wohin?"],
        ),
        (
            "- Haftung: HGB § 431 (8,33 SZR je kg), CMR-Frachtbrief im grenzüberschreitenden Verkehr",
            "Haftung",
            ["HGB § 431 (8,33 SZR je kg)", "CMR-Frachtbrief im grenzüberschreitenden Verkehr"],
        ),
        (
            "- Voice vs tone: voice stays constant, tone flexes",
            "Voice vs tone",
            ["voice stays constant", "tone flexes"],
        ),
        ("- Reading charts — waterfall, Marimekko, mekko", "Reading charts", ["waterfall", "Marimekko", "mekko"]),
    ],
)
def test_plain_label_over_a_list_of_topics_stays_the_context_of_each_topic(
    line: str, label: str, topics: list[str]
) -> None:
    got = concept_cards(f"## Themen zum Wiederholen\n\n{line}\n")
    assert [(prompt, context) for _, prompt, context, _ in got] == [(topic, label) for topic in topics]


def test_nested_bullets_under_a_defined_term_join_its_back() -> None:
    text = (
        "## Key Concepts\n\n- **Circuit breaker:** stops calls to a failing dependency for a while.\n"
        "  - states: closed, open, half-open\n- **Kubernetes:** pods, services\n"
    )
    got = concept_cards(text)
    assert [(category, prompt) for category, prompt, _, _ in got] == [
        ([], "Circuit breaker"),
        (["Kubernetes"], "pods"),
        (["Kubernetes"], "services"),
    ]
    assert "stops calls to a failing dependency" in got[0][3] and "half-open" in got[0][3]


def test_glossary_and_topic_lines_in_one_paragraph_each_read_their_own_way() -> None:
    text = "## Concepts to Review\n\n**Error budget:** the unreliability an SLO allows.\n**Kubernetes:** pods, services"
    assert [(category, prompt, back) for category, prompt, _, back in concept_cards(text)] == [
        ([], "Error budget", "the unreliability an SLO allows."),
        (["Kubernetes"], "pods", ""),
        (["Kubernetes"], "services", ""),
    ]


def test_plain_glossary_lines_in_a_paragraph_each_give_their_term() -> None:
    text = (
        "## Concepts to Review\n\nBackpressure: a consumer slowing its producer down when it cannot keep up.\n"
        "Toil: manual, repetitive work that scales with traffic.\n\nRead the SRE book before Friday.\n"
    )
    document = parse_document(text)
    assert [(c.prompt, c.back) for c in document.cards] == [
        ("Backpressure", "a consumer slowing its producer down when it cannot keep up."),
        ("Toil", "manual, repetitive work that scales with traffic."),
    ]
    assert "Read the SRE book before Friday." in "\n".join(note.text for note in document.reference)


def test_a_round_is_a_category_named_without_its_length_or_count() -> None:
    text = (
        "# Stripe – Solutions Engineer\n\n## Round 1 – Recruiter screen (30 min)\n\n- Why Stripe?\n\n"
        "## Onsite: System design (45–60 minutes)\n\n- Design a ledger.\n\n"
        "## Behavioral (12)\n\n- Tell me about a failure.\n"
    )
    assert cards(text) == [
        (["Round 1 – Recruiter screen"], "Why Stripe?"),
        (["Onsite: System design"], "Design a ledger."),
        (["Behavioral"], "Tell me about a failure."),
    ]
