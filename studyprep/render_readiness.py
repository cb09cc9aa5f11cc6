"""Rich rendering of plans, readiness, the brief and stats. Document text always goes in as `Text`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from studyprep.render import console

if TYPE_CHECKING:
    from studyprep.answered import AnswerCoverage
    from studyprep.commands.brief_cmd import Brief
    from studyprep.commands.plan_cmd import PlanView
    from studyprep.commands.readiness_cmd import DeckReadiness
    from studyprep.commands.stats_cmd import Stats

BAR_WIDTH = 40
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
        out.print(f"No interview date. Set one: studyprep plan {view.deck} --interview 2026-12-10T14:00")
        return
    zone = view.time_zone or "local time"
    out.print(f"interview   {view.interview.strftime('%a %Y-%m-%d %H:%M')} ({zone})")
    if view.budget_cards:
        out.print(f"budget      {view.budget_cards} answers a day")
    else:
        default = "" if view.budget_minutes else " (default)"
        out.print(f"budget      {view.budget_minutes or 20} minutes a day{default}")
    out.print(f"target      {_percent(view.target or 0.9)} recall on the day" + ("" if view.target else " (default)"))


def render_readiness(reports: list[DeckReadiness]) -> None:
    """Print a deck's readiness: headline, categories, cards at risk, daily plan and chart; for several decks, a
    line each (the whole report of twenty decks ran to a thousand lines) and how to see one deck's report."""
    out = console()
    if not reports:
        out.print("No deck has an interview date. Set one: studyprep plan DECK --interview 2026-12-10")
        return
    if len(reports) > 1:
        _summary(out, reports)
        return
    for found in reports:
        r = found.report
        moment = r.interview.isoformat(timespec="minutes")
        out.print(Text.assemble(("\n" + found.deck, "bold"), "  interview " + moment))
        if r.passed:
            _passed(out, found.deck, r)
            continue
        out.print(f"{_span(r.seconds_left)} left; coverage {r.seen}/{r.cards} cards")
        _answers_line(out, found.answers)
        verdict = ("on track", "green") if r.on_track else ("below target", "red")
        out.print(Text.assemble(
            f"readiness today {_percent(r.today)}; if the plan is kept {_percent(r.projected)} ",
            (f"({verdict[0]}: target {_percent(r.target)})", verdict[1]),
        ))  # fmt: skip
        pace = "measured" if r.seconds_measured else "assumed"
        out.print(Text(f"budget {r.daily_answers} answers a day at {r.seconds_per_answer:.0f} s each ({pace})", "dim"))
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
        out.print(Text(found.deck, "bold"))
        interview = r.interview.strftime("%Y-%m-%d %H:%M %Z").rstrip()  # the zone it is shown in
        if r.passed:
            out.print(f"  interview {interview}, passed · coverage {r.seen}/{r.cards}")
            out.print(f"  recall at the interview {_percent(r.today)} · review follows plain FSRS again")
            continue
        left = f"{int(r.seconds_left // 86400)}d {int(r.seconds_left % 86400 // 3600)}h"
        if r.seconds_left < 3600:  # `0d 0h` reads as now
            left = _span(r.seconds_left)
        out.print(f"  interview {interview}, in {left} · coverage {r.seen}/{r.cards}")
        verdict = ("on track", "green") if r.on_track else ("below target", "red")
        out.print(Text.assemble(f"  today {_percent(r.today)} · if kept {_percent(r.projected)} · ", verdict,
                                f" (target {_percent(r.target)})"))  # fmt: skip
    out.print(Text("studyprep readiness DECK: a deck's categories, cards most at risk and daily plan", "dim"))


def _answers_line(out, answers: AnswerCoverage | None) -> None:
    if answers is not None and answers.questions:
        out.print(f"questions with an answer: {answers.answered} / {answers.questions}")


def _unanswered(out, answers: AnswerCoverage | None, title: str) -> None:
    """The weakest questions that still have no answer of the user's own, with their recall on the day."""
    if answers is None or not answers.weakest:
        return
    out.print(Text(title, style="italic"))
    for item in answers.weakest:
        out.print(Text.assemble(f"{_percent(item.recall):>6}  ", (item.card_id, "dim"), "  ", item.prompt))


def _span(seconds: float) -> str:
    """`10 days 3 hours`, `1 day 1 hour`; under an hour, `55 minutes`: whole units of a duration."""
    days, hours = int(seconds // 86400), int(seconds % 86400 // 3600)
    if not days and not hours:
        minutes = int(seconds // 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    return f"{days} day{'' if days == 1 else 's'} {hours} hour{'' if hours == 1 else 's'}"


def _passed(out, deck: str, r) -> None:
    """An interview that has passed: no plan or projection any more, only how recall stood at that moment."""
    ago = _span((r.now - r.interview).total_seconds())
    out.print(f"the interview was {ago} ago; coverage {r.seen}/{r.cards} cards")
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
        table.add_row(Text(risk.prompt[:70]), Text(risk.category), _percent(risk.today), _percent(risk.projected))
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
    """Print the evening-before brief."""
    out = console()
    out.print(Text.assemble((brief.title, "bold"), "  ", (brief.company, "cyan"), "  ", brief.role))
    if brief.interview:
        out.print(f"interview {brief.interview.strftime('%a %Y-%m-%d %H:%M %Z')}")
    _section(out, "Company facts")
    for prompt, back in brief.facts:
        if "\n" in back.strip():
            # A list or several paragraphs: under its name, indented, one item a line.
            out.print(Text.assemble((prompt, "bold"), ":"))
            for line in back.strip().splitlines():
                out.print(Text("  " + line.strip() if line.strip() else ""))
        else:
            out.print(Text.assemble((prompt, "bold"), ": ", back.strip()))
    for note in brief.company_notes:
        out.print(Text(note))
    _section(out, "Weakest categories")
    for name, recall, count in brief.weakest:
        out.print(Text.assemble(f"{_percent(recall):>6}  ", name, (f"  ({count} cards)", "dim")))
    if brief.answers is not None and brief.answers.questions:
        _section(out, "Your answers")
        _answers_line(out, brief.answers)
        _unanswered(out, brief.answers, "weakest questions still without one:")
    _section(out, "Questions to ask them")
    for question in brief.questions:
        out.print(Text.assemble("- ", question))
    _section(out, "Strategy")
    for section, text in brief.strategy:
        out.print(Text(section, style="bold"))
        out.print(Text(text))


def _section(out, title: str) -> None:
    out.print(Text("\n" + title, style="bold underline"))


def render_stats(stats: Stats) -> None:
    """Print review stats per deck and a twelve-week heatmap of reviews per day."""
    out = console()
    table = Table()
    for column in ("deck", "reviews", "new", "true retention", "minutes"):
        table.add_column(column, justify="left" if column == "deck" else "right")
    for deck in [*stats.decks, stats.total]:
        retention = deck.true_retention
        table.add_row(
            Text("all decks" if deck.deck == "*" else deck.deck), str(deck.reviews), str(deck.new),
            "-" if retention is None else _percent(retention), f"{deck.seconds / 60:.0f}",
        )  # fmt: skip
    out.print(table)
    out.print(f"streak: {stats.streak} day{'s' if stats.streak != 1 else ''}")
    cells = stats.heatmap()
    peak = max((count for _, count in cells), default=0) or 1
    weeks = (len(cells) + 6) // 7
    out.print(Text(f"reviews per day, last {weeks} weeks (columns are weeks, darker = more, peak {peak})", "dim"))
    for weekday, name in enumerate(WEEKDAYS):
        row = cells[weekday::7]  # the first cell is a Monday
        shades = "".join(SHADES[0 if not count else 1 + min(3, (count * 4 - 1) // peak)] * 2 for _, count in row)
        out.print(f"{name} {shades}")
