"""Rich rendering of plans, readiness, the brief and stats. Document text always goes in as `Text`."""

from __future__ import annotations

__all__ = ["bar", "render_brief", "render_plan", "render_readiness", "render_stats"]

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from studyprep.render.decks import console
from studyprep.wording import count, duration, ellipsize

if TYPE_CHECKING:
    from studyprep.commands.brief_cmd import Brief
    from studyprep.commands.plan_cmd import PlanView
    from studyprep.commands.stats_cmd import Stats
    from studyprep.schedule.answered import AnswerCoverage, Unanswered
    from studyprep.schedule.deck_readiness import DeckReadiness

BAR_WIDTH = 40
RISK_PROMPT_WIDTH = 70
STATS_COLUMNS = ("deck", "reviews", "new", "true retention", "minutes")
SHADES = " ░▒▓█"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def bar(value: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar for a share between 0 and 1, in eighths of a cell."""
    eighths = round(max(0.0, min(1.0, value)) * width * 8)
    full, rest = divmod(eighths, 8)
    return "█" * full + ("▏▎▍▌▋▊▉"[rest - 1] if rest else "")


def render_plan(view: PlanView) -> None:
    """Print a deck's interview plan."""
    out = console()
    out.print(Text.assemble((view.deck, "bold"), "  ", (view.path, "dim")))
    if view.interview is None:
        out.print(f"No interview date. Set one: studyprep plan {view.deck} --interview YYYY-MM-DDTHH:MM")
        return
    zone = view.time_zone or "local time"
    out.print(f"interview   {view.interview.strftime('%a %Y-%m-%d %H:%M')} ({zone})")
    if view.budget_cards:
        out.print(f"budget      {count(view.budget_cards, 'answer')} a day")
    else:
        default = "" if view.budget_minutes else " (default)"
        out.print(f"budget      {count(view.budget_minutes or 20, 'minute')} a day{default}")
    out.print(f"target      {_percent(view.target or 0.9)} recall on the day" + ("" if view.target else " (default)"))


def render_readiness(reports: list[DeckReadiness]) -> None:
    """Print a deck's readiness: headline, categories, cards at risk, daily plan and chart; for several decks, a
    line each (the whole report of twenty decks ran to a thousand lines) and how to see one deck's report."""
    out = console()
    if not reports:
        out.print("No deck has an interview date. Set one: studyprep plan DECK --interview YYYY-MM-DD")
        return
    if len(reports) > 1:
        _summary(out, reports)
        return
    for found in reports:
        r = found.report
        if r is None:
            _broken(out, found)
            continue
        moment = r.interview.isoformat(timespec="minutes")
        out.print(Text.assemble(("\n" + found.deck, "bold"), "  interview " + moment))
        if r.passed:
            _passed(out, found.deck, r)
            continue
        out.print(f"{duration(r.seconds_left)} left; coverage {r.seen}/{count(r.cards, 'card')}")
        _answers_line(out, found.answers)
        verdict = ("on track", "green") if r.on_track else ("below target", "red")
        out.print(Text.assemble(
            f"readiness today {_percent(r.today)}; if the plan is kept {_percent(r.projected)} ",
            (f"({verdict[0]}: target {_percent(r.target)})", verdict[1]),
        ))  # fmt: skip
        pace = "measured" if r.seconds_measured else "assumed"
        each = f"{r.seconds_per_answer:.0f} s each"
        out.print(Text(f"budget {count(r.daily_answers, 'answer')} a day at {each} ({pace})", "dim"))
        _categories_table(out, r)
        _risk_table(out, r)
        _unanswered(
            out, found.answers, f"weakest questions without your answer (studyprep answers {found.deck} --missing)"
        )
        _plan_chart(out, r)


def _summary(out, reports: list[DeckReadiness]) -> None:
    """A deck a few lines: its name alone on the first (a long slug stays whole at 80 columns), then the figures."""
    for found in reports:
        r = found.report
        if r is None:
            _broken(out, found)
            continue
        out.print(Text(found.deck, "bold"))
        interview = r.interview.strftime("%Y-%m-%d %H:%M %Z").rstrip()  # the zone it is shown in
        if r.passed:
            out.print(f"  interview {interview}, passed · coverage {r.seen}/{r.cards}")
            out.print(f"  recall at the interview {_percent(r.today)} · review follows plain FSRS again")
            continue
        out.print(f"  interview {interview}, in {duration(r.seconds_left)} · coverage {r.seen}/{r.cards}")
        verdict = ("on track", "green") if r.on_track else ("below target", "red")
        out.print(Text.assemble(f"  today {_percent(r.today)} · if kept {_percent(r.projected)} · ", verdict,
                                f" (target {_percent(r.target)})"))  # fmt: skip
    out.print(Text("studyprep readiness DECK: a deck's categories, cards most at risk and daily plan", "dim"))


def _broken(out, found: DeckReadiness) -> None:
    from studyprep.render.review import render_broken

    out.print(Text(found.deck, "bold"))
    render_broken(out, found.error or "")


def _answers_line(out, answers: AnswerCoverage | None) -> None:
    if answers is not None and answers.questions:
        out.print(f"questions with an answer: {answers.answered} / {answers.questions}")


def _unanswered(out, answers: AnswerCoverage | None, title: str) -> None:
    """The weakest questions that still have no answer of the user's own, with their recall on the day."""
    if answers is None or not answers.weakest:
        return
    out.print(Text(title, style="italic"))
    for item in answers.weakest:
        out.print(_unanswered_line(item))


def _unanswered_line(item: Unanswered) -> Text:
    prompt = ellipsize(item.prompt, RISK_PROMPT_WIDTH)  # as in the at-risk table: whole words
    return Text.assemble(f"{_percent(item.recall):>6}  ", (item.card_id, "dim"), "  ", prompt)


def _passed(out, deck: str, r) -> None:
    """An interview that has passed: no plan or projection any more, only how recall stood at that moment."""
    ago = duration(r.now - r.interview)
    out.print(f"the interview was {ago} ago; coverage {r.seen}/{count(r.cards, 'card')}")
    out.print(f"predicted recall at the interview {_percent(r.today)}")
    out.print(Text(f"review follows plain FSRS again; `studyprep plan {deck} --clear` removes the date", "dim"))
    _categories_table(out, r)


def _categories_table(out, r) -> None:
    table = Table(title="categories, weakest first", title_justify="left")
    for column in ("category", "cards", "seen", "today", "projected"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for row in r.categories:
        table.add_row(Text(row.category), str(row.cards), str(row.seen), _percent(row.today), _percent(row.projected))
    out.print(table)


def _risk_table(out, r) -> None:
    table = Table(title="most at risk on the day", title_justify="left")
    for column in ("card", "category", "today", "projected"):
        table.add_column(column, justify="right" if column in ("today", "projected") else "left")
    for risk in r.at_risk:
        prompt = ellipsize(risk.prompt, RISK_PROMPT_WIDTH)  # at a word boundary: "…in the n" reads as a typo
        table.add_row(Text(prompt), Text(risk.category), _percent(risk.today), _percent(risk.projected))
    out.print(table)


def _plan_chart(out, r) -> None:
    """The projected days as fixed-width lines (a `Table` of 21 rows per deck was most of the command's drawing)."""
    if not r.days:
        return
    width = max(8, min(BAR_WIDTH, out.width - 44))  # the bar shrinks so a line never wraps
    chart = Text("daily plan and projected readiness\n", style="italic")
    chart.append(f" {'day':<10} {'new':>5} {'reviews':>7} {'min':>4} {'readiness':>9}\n", style="bold")
    for day in r.days:
        figures = f"{day.new:.0f}", f"{day.reviews:.0f}", f"{day.minutes:.0f}", _percent(day.readiness)
        chart.append(f" {day.date:<10} {figures[0]:>5} {figures[1]:>7} {figures[2]:>4} {figures[3]:>9}  ")
        chart.append(bar(day.readiness, width), style="green" if day.readiness >= r.target else "yellow")
        chart.append("\n")
    chart.rstrip()
    out.print(chart)


def render_brief(brief: Brief) -> None:
    """Print the evening-before brief: only the sections that have something under them."""
    out = console()
    out.print(Text.assemble((brief.title, "bold"), "  ", (brief.company, "cyan"), "  ", brief.role))
    if brief.interview:
        out.print(f"interview {brief.interview.strftime('%a %Y-%m-%d %H:%M %Z')}")
    sections = [
        ("Company facts", [*(_fact_lines(prompt, back) for prompt, back in brief.facts),
                           *(Text(note) for note in brief.company_notes)]),
        ("Weakest categories", [Text.assemble(f"{_percent(recall):>6}  ", name, (f"  ({count(cards, 'card')})", "dim"))
                                for name, recall, cards in brief.weakest]),
        ("Your answers", _answer_lines(brief.answers)),
        ("Questions to ask them", [Text.assemble("- ", question) for question in brief.questions]),
        ("Strategy", [Text.assemble((section, "bold"), "\n", text) for section, text in brief.strategy]),
    ]  # fmt: skip
    for title, lines in sections:
        if lines:  # a heading is never printed with nothing under it
            _section(out, title)
            for line in lines:
                out.print(line)
    if not any(lines for _, lines in sections):
        out.print(Text("\nNothing to brief yet: the deck has no cards or notes to show here.", style="dim"))


def _answer_lines(answers: AnswerCoverage | None) -> list[Text]:
    """How many questions have the user's own answer, and the weakest still without one."""
    if answers is None or not answers.questions:
        return []
    lines = [Text(f"questions with an answer: {answers.answered} / {answers.questions}")]
    if answers.weakest:
        lines.append(Text("weakest questions still without one:", style="italic"))
        lines += [_unanswered_line(item) for item in answers.weakest]
    return lines


def _fact_lines(prompt: str, back: str) -> Text:
    if "\n" not in back.strip():
        return Text.assemble((prompt, "bold"), ": ", back.strip())
    # A list or several paragraphs: under its name, indented, one item a line.
    lines = ["  " + line.strip() if line.strip() else "" for line in back.strip().splitlines()]
    return Text.assemble((prompt, "bold"), ":\n", "\n".join(lines))


def _section(out, title: str) -> None:
    out.print(Text("\n" + title, style="bold underline"))


def render_stats(stats: Stats) -> None:
    """Print review stats per deck and a twelve-week heatmap of reviews per day."""
    out = console()
    if not stats.total.reviews:
        out.print("No reviews yet: run `studyprep review` (reviews pulled from Anki count too).")
        return
    rows = [
        ("all decks" if deck.deck == "*" else deck.deck, str(deck.reviews), str(deck.new),
         "-" if deck.true_retention is None else _percent(deck.true_retention), f"{deck.seconds / 60:.0f}")
        for deck in [*stats.decks, stats.total]
    ]  # fmt: skip
    # Deck slugs are shown whole, as every command takes them: in a table while the longest fits, else a deck
    # a few lines, its slug alone on the first (as `due` and `decks` print them).
    widest = max(len(row[0]) for row in rows)
    if widest + sum(len(column) + 3 for column in STATS_COLUMNS[1:]) + 4 <= out.width:
        table = Table()
        table.add_column(STATS_COLUMNS[0], no_wrap=True, min_width=widest)
        for column in STATS_COLUMNS[1:]:
            table.add_column(column, justify="right", no_wrap=True)
        for row in rows:
            table.add_row(Text(row[0]), *row[1:])
        out.print(table)
    else:
        for name, *figures in rows:
            out.print(Text(name, "bold"))
            out.print(
                "  " + " · ".join(f"{column} {value}" for column, value in zip(STATS_COLUMNS[1:], figures, strict=True))
            )
    out.print(f"streak: {count(stats.streak, 'day')}")
    cells = stats.heatmap()
    peak = max((reviews for _, reviews in cells), default=0)
    weeks = (len(cells) + 6) // 7
    if not peak:
        out.print(Text(f"reviews per day: no reviews in the last {count(weeks, 'week')}", "dim"))
        return
    out.print(
        Text(f"reviews per day, last {count(weeks, 'week')} (columns are weeks, darker = more, peak {peak})", "dim")
    )
    for weekday, name in enumerate(WEEKDAYS):
        week_row = cells[weekday::7]  # the first cell is a Monday
        shades = "".join(SHADES[0 if not n else 1 + min(3, (n * 4 - 1) // peak)] * 2 for _, n in week_row)
        out.print(f"{name} {shades}")
