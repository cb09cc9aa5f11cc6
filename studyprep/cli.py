"""The command line: each command parses options, calls one core function, and renders its result.

Core modules are imported inside the commands so that `studyprep --help` stays fast.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from studyprep import __version__
from studyprep.errors import StudyprepError
from studyprep.store import regexcache

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem


class _Group(click.Group):
    """Turns StudyprepError into a one-line `Error: ...` and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        regexcache.preload()  # a command runs (not `--help`): before its modules compile their patterns
        try:
            return super().invoke(ctx)
        except StudyprepError as error:
            _print_error(error.render())
            ctx.exit(error.exit_code)
        except Exception as error:  # a failing disk where no layer expected one: still one line, no traceback
            from studyprep.errors import is_storage_failure, storage_error

            if not is_storage_failure(error):
                raise
            _print_error(storage_error(error, None, "complete the command").render())  # type: ignore[arg-type]
            ctx.exit(1)


def _print_error(message: str) -> None:
    """The error printer: one line on stderr, its unsafe characters shown as `<U+XXXX>` (a file name or YAML key
    holding an escape sequence must not drive the terminal)."""
    from studyprep.safetext import visible

    click.echo(f"Error: {visible(message, multiline=False)}", err=True)


def _workspace(ctx: click.Context, reporting: bool = False):
    """The workspace; a command that only reports (`reporting`) refuses one named that does not exist."""
    from studyprep.store.workspace import resolve_workspace

    return resolve_workspace(ctx.obj["home"], must_exist=reporting)


def _progress(ctx: click.Context):
    """The progress callback of a command's long work: a bar on stderr in a terminal, unless `--quiet`."""
    from studyprep.render.progress import progress_bar

    return progress_bar(quiet=ctx.obj["quiet"])


def _now():
    from studyprep.clock import now

    return now()


def _print_json(data: Any) -> None:
    from studyprep.safetext import json_dumps

    click.echo(json_dumps(data))


def _emit(as_json: bool, data: Any, renderer: str, *result: Any) -> None:
    """Print `data` (a result, or a list of them) as JSON for `--json` (`studyprep.result.to_json`: the one way a
    result becomes JSON), else call the renderer named "module:function" (imported only then)."""
    if as_json:
        from studyprep.result import to_json

        _print_json(to_json(data))
        return
    module_name, function_name = renderer.split(":")
    getattr(importlib.import_module(module_name), function_name)(*result)


json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def _completions(ctx: click.Context, offer: Callable[[Any], list[Any]]) -> list[Any]:
    """What `offer` finds in the workspace `--home` names (or the default one), for shell completion: nothing
    when there is no workspace there, and never an error printed into the shell."""
    from studyprep.store.workspace import resolve_workspace

    try:
        return offer(resolve_workspace((ctx.find_root().params or {}).get("home")))
    except (StudyprepError, OSError):
        return []


def _complete_decks(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[str]:
    """Deck slugs for shell completion (`_STUDYPREP_COMPLETE=bash_source studyprep`, see the README)."""
    from studyprep.store.deckstore import deck_paths

    slugs = _completions(ctx, lambda workspace: [path.stem for path in deck_paths(workspace)])
    return [slug for slug in slugs if slug.startswith(incomplete.casefold())]


def _complete_card_ids(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Card ids (with the prompt as help) for shell completion, from the review database opened read-only."""
    from click.shell_completion import CompletionItem

    from studyprep.store.db import completing_card_ids

    rows = _completions(ctx, lambda workspace: completing_card_ids(workspace, incomplete.casefold()))
    return [CompletionItem(card_id, help=" ".join(prompt.split())[:60]) for _, card_id, prompt in rows[:200]]


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studyprep")
@click.option(
    "--home",
    type=click.Path(path_type=Path),
    help="Workspace folder (default: $STUDYPREP_HOME, else your user data folder).",
)
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no hints on what to do next.")
@click.pass_context
def cli(ctx: click.Context, home: Path | None, quiet: bool) -> None:
    """Turn an interview-prep document into flashcards and get ready for the day."""
    ctx.obj = {"home": home, "quiet": quiet}
    if ctx.invoked_subcommand is not None:
        _now()  # a bad STUDYPREP_NOW is refused by every command, even one that does not read the clock


@cli.command("import")
@click.argument("document", type=click.Path(path_type=Path))
@click.option("--deck", help="Deck name (slug) to import into; default derived from the title.")
@click.option("--dry-run", is_flag=True, help="Show what would change without writing.")
@click.option("--explain", is_flag=True, help="Also show what each part of the document became, by line.")
@json_option
@click.pass_context
def import_cmd(
    ctx: click.Context, document: Path, deck: str | None, dry_run: bool, explain: bool, as_json: bool
) -> None:
    """Import a Markdown prep DOCUMENT into its deck (merging with earlier imports)."""
    from studyprep.commands.importing import import_document

    with _progress(ctx) as progress:
        result = import_document(_workspace(ctx), document, _now(), deck=deck, dry_run=dry_run, explain=explain,
                                 progress=progress)  # fmt: skip
    _emit(as_json, result, "studyprep.render.importing:render_import", result, not ctx.obj["quiet"])


@cli.command("decks")
@json_option
@click.pass_context
def decks_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the decks in the workspace with card counts by kind."""
    from studyprep.commands.listing import list_decks

    workspace = _workspace(ctx, reporting=True)
    with _progress(ctx) as progress:
        summaries = list_decks(workspace, _now(), progress)
    _emit(as_json, summaries, "studyprep.render.decks:render_decks",
          summaries, workspace.decks_dir)  # fmt: skip


@cli.command("show")
@click.argument("deck", required=False, default="", shell_complete=_complete_decks)
@click.option("--retired", is_flag=True, help="Include cards retired from the document.")
@json_option
@click.pass_context
def show_cmd(ctx: click.Context, deck: str, retired: bool, as_json: bool) -> None:
    """Show a DECK's cards grouped by category."""
    from studyprep.commands.listing import show_deck

    with _progress(ctx) as progress:
        found, cards = show_deck(_workspace(ctx, reporting=True), deck, include_retired=retired, progress=progress)
        if not as_json and not sys.stdout.isatty():  # to a file: the bar counts the cards written (none on screen)
            from studyprep.render.decks import render_show

            render_show(found, cards, progress)
            return
    _emit(as_json, cards, "studyprep.render.decks:render_show", found, cards)


@cli.command("answers")
@click.argument("deck", required=False, default="", shell_complete=_complete_decks)
@click.option("--kind", type=click.Choice(["question", "concept", "fact", "ask"]), help="Only cards of this kind.")
@click.option("--category", help="Only cards whose category contains TEXT (case and accents ignored).")
@click.option("--missing", is_flag=True, help="Only cards without an answer yet.")
@click.option("--export", "export_to", type=click.Path(path_type=Path), help="Write the sheet to FILE.md instead.")
@click.option("--import", "import_from", type=click.Path(path_type=Path), help="Save the answers written in FILE.md.")
@json_option
@click.pass_context
def answers_cmd(ctx: click.Context, deck: str, kind: str | None, category: str | None, missing: bool,
                export_to: Path | None, import_from: Path | None, as_json: bool) -> None:  # fmt: skip
    """Write your answers to a DECK's cards in one Markdown file, in $EDITOR or (--export/--import) anywhere."""
    from studyprep.commands.answers_cmd import AnswerFilter, edit_answers, export_answers, import_answers

    workspace, chosen = _workspace(ctx), AnswerFilter(kind, category, missing)
    if export_to and import_from:
        raise click.UsageError("give --export or --import, not both")
    if export_to:
        result = export_answers(workspace, deck, chosen, export_to)
    elif import_from:
        result = import_answers(workspace, deck, import_from, _now())
    else:
        from studyprep.render.editor import edit_file

        result = edit_answers(workspace, deck, chosen, _now(), edit_file)
    _emit(as_json, result, "studyprep.render.cards:render_answers", result)
    if not result.ok:
        ctx.exit(1)


@cli.command("cards")
@click.argument("deck", required=False, shell_complete=_complete_decks)
@click.option("--search", help="Text to find in prompt, hints, notes, category or tags (case and accents ignored).")
@click.option("--kind", type=click.Choice(["question", "concept", "fact", "ask"]), help="Only cards of this kind.")
@click.option("--category", help="Only cards whose category contains TEXT.")
@click.option("--tag", help="Only cards with this tag.")
@click.option("--state", "states", multiple=True, type=click.Choice(["new", "learning", "review", "due", "suspended",
              "retired", "flagged"]), help="Only cards in this state (repeat for several).")  # fmt: skip
@json_option
@click.pass_context
def cards_cmd(ctx: click.Context, deck: str | None, search: str | None, kind: str | None, category: str | None,
              tag: str | None, states: tuple[str, ...], as_json: bool) -> None:  # fmt: skip
    """Find cards (in DECK, else in every deck): prompt, deck, category, state, due, stability, lapses."""
    from studyprep.commands.cards_cmd import CardQuery, list_cards

    rows = list_cards(_workspace(ctx, reporting=True), CardQuery(deck, search, kind, category, tag, states), _now())
    _emit(as_json, rows, "studyprep.render.cards:render_card_rows", rows)


@cli.command("card")
@click.argument("card_id", metavar="ID", shell_complete=_complete_card_ids)
@json_option
@click.pass_context
def card_cmd(ctx: click.Context, card_id: str, as_json: bool) -> None:
    """Everything about one card (ID: an id prefix or DECK:ID), with its whole review history."""
    from studyprep.commands.cards_cmd import card_detail

    now = _now()
    detail = card_detail(_workspace(ctx, reporting=True), card_id, now)
    _emit(as_json, detail, "studyprep.render.cards:render_card_detail", detail, now)


@cli.command("add")
@click.argument("deck", shell_complete=_complete_decks)
@click.argument("prompt")
@click.option("--kind", type=click.Choice(["question", "concept", "fact", "ask"]), default="question",
              show_default=True, help="Card kind.")  # fmt: skip
@click.option("--category", default="", help="Category path, parts separated by '/': 'Go/Concurrency'.")
@click.option("--back", default="", help="Hints shown on the back.")
@json_option
@click.pass_context
def add_cmd(ctx: click.Context, deck: str, prompt: str, kind: str, category: str, back: str, as_json: bool) -> None:
    """Add a card written by hand to DECK (no re-import of the document retires it)."""
    from studyprep.commands.card_actions import add_card

    result = add_card(_workspace(ctx), deck, prompt, kind, category, back, _now())
    _emit(as_json, result, "studyprep.render.cards:render_added", result)


def _card_action(name: str, help_text: str) -> None:
    """Register a command that applies one action to the cards named by id."""

    @cli.command(name, help=help_text)
    @click.argument("card_ids", metavar="ID...", nargs=-1, required=True, shell_complete=_complete_card_ids)
    @json_option
    @click.pass_context
    def command(ctx: click.Context, card_ids: tuple[str, ...], as_json: bool) -> None:
        from studyprep.commands import card_actions

        workspace = _workspace(ctx)
        if name in ("suspend", "unsuspend"):
            result = card_actions.set_suspended(workspace, card_ids, name == "suspend")
        elif name in ("flag", "unflag"):
            result = card_actions.set_flagged(workspace, card_ids, name == "flag", _now())
        else:
            result = card_actions.forget_cards(workspace, card_ids, _now())
        _emit(as_json, result, "studyprep.render.cards:render_action", result)


_card_action("suspend", "Suspend cards (ID: an id prefix or DECK:ID): they leave review and stay in the deck.")
_card_action("unsuspend", "Take cards out of suspension.")
_card_action("flag", "Flag cards to come back to them (`studyprep cards --state flagged`).")
_card_action("unflag", "Take the flag off cards.")
_card_action("forget", "Send cards back to new (as Anki's Forget); their review history is kept.")


@cli.command("export")
@click.argument("decks", nargs=-1, shell_complete=_complete_decks)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Package file (.apkg) or folder.")
@click.option("--all", "all_decks", is_flag=True, help="Export every deck in the workspace.")
@click.option(
    "--force", is_flag=True, help="Export even if Anki was not pulled since the last export (replaces its notes)."
)
@click.option(
    "--with-progress",
    is_flag=True,
    help="Write each reviewed card's schedule and history (in Anki: Import any learning progress).",
)
@json_option
@click.pass_context
def export_cmd(ctx: click.Context, decks: tuple[str, ...], output: Path | None, all_decks: bool, force: bool,
               with_progress: bool, as_json: bool) -> None:  # fmt: skip
    """Export DECKS (or --all) to one Anki package for Anki desktop, AnkiMobile and AnkiDroid."""
    from studyprep.commands.export import export_decks

    with _progress(ctx) as progress:
        workspace = _workspace(ctx)
        result = export_decks(
            workspace, list(decks), output, _now(), all=all_decks, progress=progress, force=force,
            with_progress=with_progress,
        )  # fmt: skip
    _emit(as_json, result, "studyprep.render.anki:render_export", result, not ctx.obj["quiet"])


@cli.command("review")
@click.argument("decks", nargs=-1, shell_complete=_complete_decks)
@click.option("--limit", type=click.IntRange(min=0), help="Show at most N cards this session.")
@click.option("--new", "new", type=click.IntRange(min=0), help="Introduce at most N new cards (overrides the plan).")
@click.option(
    "--ahead",
    type=click.IntRange(min=0),
    is_flag=False,
    flag_value=20,
    help="Study up to N cards (default 20) ahead of the schedule: the most gain at the interview first.",
)
@click.option("--category", help="Only cards whose category contains TEXT (case and accents ignored).")
@click.option("--kind", type=click.Choice(["question", "concept", "fact", "ask"]), help="Only cards of this kind.")
@click.option("--tag", help="Only cards with this tag.")
@click.option("--flagged", is_flag=True, help="Only flagged cards.")
@click.option("--weakest", type=click.IntRange(min=1), help="Only the N seen cards with the lowest predicted recall.")
@click.option("--at-risk", is_flag=True, help="Only the cards `readiness` lists as most at risk on the day.")
@click.pass_context
def review_cmd(ctx: click.Context, decks: tuple[str, ...], limit: int | None, new: int | None, ahead: int | None,
               category: str | None, kind: str | None, tag: str | None, flagged: bool, weakest: int | None,
               at_risk: bool) -> None:  # fmt: skip
    """Review today's cards of DECKS (all decks when none is named). Keys: space, 1-4, u, s, e, f, !, q."""
    from studyprep.commands.review import open_session
    from studyprep.render.review_screen import run_session
    from studyprep.schedule.practice import CardFilter

    chosen = CardFilter(category, kind, tag, flagged, weakest, at_risk)
    with contextlib.ExitStack() as opened:
        with _progress(ctx) as progress:  # the bar, if any, is gone before the first card is drawn
            # A piped session (a script) is not timed: its answer times are not the user's pace.
            session = opened.enter_context(open_session(
                _workspace(ctx), list(decks), _now(), limit=limit, new=new, ahead=ahead, card_filter=chosen,
                timed=sys.stdin.isatty(), progress=progress))  # fmt: skip
        run_session(session)


@cli.command("mock")
@click.argument("deck", required=False, default="", shell_complete=_complete_decks)
@click.option("--questions", type=click.IntRange(min=1), default=5, show_default=True, help="Questions to ask.")
@click.option("--minutes", type=click.FloatRange(min=0, min_open=True), default=2.0, show_default=True,
              help="Time to answer each question.")  # fmt: skip
@click.option("--category", help="Only questions whose category contains TEXT.")
@click.option("--type", "typed", is_flag=True, help="Type the answers (kept as attempts) instead of saying them.")
@json_option
@click.pass_context
def mock_cmd(ctx: click.Context, deck: str, questions: int, minutes: float, category: str | None, typed: bool,
             as_json: bool) -> None:  # fmt: skip
    """A mock interview: DECK's weakest questions, mixed across categories, each against a countdown."""
    from studyprep.commands.mock_cmd import open_mock
    from studyprep.commands.review import session_clock
    from studyprep.render.mock_screen import mock_clock, run_mock
    from studyprep.render.terminal import literal_console

    now = _now()
    clock = mock_clock(now, session_clock(now))
    with open_mock(_workspace(ctx), deck, now, clock, questions, minutes, category) as mock:
        # --json: the screen goes to stderr
        summary = run_mock(mock, typed, literal_console(stderr=as_json, screen=True))
    _emit(as_json, summary, "studyprep.render.mock_screen:render_mock_summary", summary,
          literal_console(screen=True))  # fmt: skip


@cli.command("due")
@click.option("--short", is_flag=True, help="One line for a prompt or status bar: `doit 12 · stripe 3`.")
@click.option("--exit-status", is_flag=True, help="Exit 0 when a card is due now, 1 when none is (for scripts).")
@json_option
@click.pass_context
def due_cmd(ctx: click.Context, short: bool, exit_status: bool, as_json: bool) -> None:
    """Count today's cards per deck (learning, review, new) and say when the next one is due."""
    from studyprep.commands.due import due_report

    workspace = _workspace(ctx, reporting=True)
    with _progress(ctx) as progress:
        report = due_report(workspace, _now(), progress)
    if short and not as_json:
        click.echo(report.short_line())
    else:
        _emit(as_json, report, "studyprep.render.review:render_due", report, workspace.decks_dir)
    if exit_status and not sum(report.totals().values()):
        ctx.exit(1)


@cli.command("anki-pull")
@click.argument("collection", type=click.Path(path_type=Path))
@json_option
@click.pass_context
def anki_pull_cmd(ctx: click.Context, collection: Path, as_json: bool) -> None:
    """Bring reviews done in Anki back: read a .colpkg, an .apkg with scheduling, or collection.anki2."""
    from studyprep.commands.anki_pull import pull_reviews

    with _progress(ctx) as progress:
        result = pull_reviews(_workspace(ctx), collection, _now(), progress)
    _emit(as_json, result, "studyprep.render.anki:render_pull", result)


@cli.command("plan")
@click.argument("deck", required=False, default="", shell_complete=_complete_decks)
@click.option(
    "--interview",
    help="Interview date or date-time: YYYY-MM-DD, YYYY-MM-DDTHH:MM, or days from today: +14 (+14dT14:00).",
)
@click.option("--tz", "time_zone", help="IANA time zone of the interview, e.g. Europe/Amsterdam.")
@click.option("--budget-minutes", type=click.IntRange(min=1), help="Daily study budget in minutes.")
@click.option("--budget-cards", type=click.IntRange(min=1), help="Daily study budget in answers.")
@click.option("--target", type=float, help="Recall to reach on the day, e.g. 0.9.")
@click.option("--clear", is_flag=True, help="Remove the interview date, budget and target.")
@json_option
@click.pass_context
def plan_cmd(ctx: click.Context, deck: str, interview: str | None, time_zone: str | None,
             budget_minutes: int | None, budget_cards: int | None, target: float | None, clear: bool,
             as_json: bool) -> None:  # fmt: skip
    """Show or set a DECK's interview date, time zone, daily budget and target recall."""
    from studyprep.commands.plan_cmd import PlanChange, update_plan

    change = PlanChange(interview, time_zone, budget_minutes, budget_cards, target, clear)
    view = update_plan(_workspace(ctx), deck, change, _now())
    _emit(as_json, view, "studyprep.render.readiness:render_plan", view)


@cli.command("readiness")
@click.argument("deck", required=False, shell_complete=_complete_decks)
@json_option
@click.pass_context
def readiness_cmd(ctx: click.Context, deck: str | None, as_json: bool) -> None:
    """Predicted recall on the interview day, now and if the plan is kept (all decks with a date)."""
    from studyprep.commands.readiness_cmd import readiness_report

    reports = readiness_report(_workspace(ctx, reporting=True), _now(), deck)
    _emit(
        as_json,
        # A named deck is one object; without a name, a list of every deck with an interview date.
        reports[0] if deck and reports else reports,
        "studyprep.render.readiness:render_readiness",
        reports,
    )


@cli.command("brief")
@click.argument("deck", required=False, default="", shell_complete=_complete_decks)
@json_option
@click.pass_context
def brief_cmd(ctx: click.Context, deck: str, as_json: bool) -> None:
    """The page to read the evening before: facts, weakest categories, questions to ask, strategy."""
    from studyprep.commands.brief_cmd import build_brief

    brief = build_brief(_workspace(ctx, reporting=True), deck, _now())
    _emit(as_json, brief, "studyprep.render.readiness:render_brief", brief)


@cli.command("stats")
@json_option
@click.pass_context
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """Reviews per day, true retention, streak and time spent, per deck."""
    from studyprep.commands.stats_cmd import review_stats

    stats = review_stats(_workspace(ctx, reporting=True), _now())
    _emit(as_json, stats, "studyprep.render.readiness:render_stats", stats)


@cli.command("optimize")
@click.argument("deck", required=False, shell_complete=_complete_decks)
@json_option
@click.pass_context
def optimize_cmd(ctx: click.Context, deck: str | None, as_json: bool) -> None:
    """Fit FSRS parameters to your review log; write them into DECK's plan (all decks) if they predict better."""
    from studyprep.commands.optimize_cmd import optimize_parameters

    report = optimize_parameters(_workspace(ctx, reporting=True), deck)
    _emit(as_json, report, "studyprep.render.optimize:render_optimize", report)


@cli.command("check")
@click.option("--drop-orphans", is_flag=True, help="Delete the review history of cards no deck file holds.")
@click.option("--full", is_flag=True, help="SQLite's full integrity_check (also verifies every index; slower).")
@json_option
@click.pass_context
def check_cmd(ctx: click.Context, drop_orphans: bool, full: bool, as_json: bool) -> None:
    """Verify the workspace (deck files, plans, review database and history); exit 1 listing what is wrong."""
    from studyprep.commands.check import check_workspace

    with _progress(ctx) as progress:
        result = check_workspace(_workspace(ctx), drop_orphans=drop_orphans, full=full, now=_now(), progress=progress)
    _emit(as_json, result, "studyprep.render.check:render_check", result)
    if not result.ok:
        ctx.exit(1)


@cli.command("restore")
@click.argument("backup", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the backups (the default without BACKUP).")
@json_option
@click.pass_context
def restore_cmd(ctx: click.Context, backup: str | None, list_only: bool, as_json: bool) -> None:
    """Put back a BACKUP of the review history (checked first; the current file is kept), or list them."""
    from studyprep.commands.restore import list_history_backups, restore_history

    if backup is not None and list_only:
        raise click.UsageError("give a BACKUP to restore, or --list, not both")
    if backup is None:
        listing = list_history_backups(_workspace(ctx))
        _emit(as_json, listing, "studyprep.render.check:render_backups", listing)
        return
    result = restore_history(_workspace(ctx), backup, _now())
    _emit(as_json, result, "studyprep.render.check:render_restore", result)


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="studyprep")
    finally:
        regexcache.keep_new()  # the patterns a command compiled, for the next run (if `preload` ran)


if __name__ == "__main__":  # pragma: no cover
    main()
