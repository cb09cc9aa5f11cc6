"""Every command runs where the POSIX-only modules are missing (as on Windows), and keys come through click's
getchar where termios and tty are not used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from review_helpers import DOC, SLUG, make_workspace
from test_review_session_pty import BACK_HINT, FRONT_HINT, REPO, _default_sigint, logged

from studyprep.store.workspace import Workspace

POSIX_ONLY = ("termios", "tty", "fcntl")
# Installed through sitecustomize before studyprep (or anything it uses) imports: these modules do not exist.
BLOCKER = f"""
import sys


class NoPosixOnlyModules:
    def find_spec(self, name, path=None, target=None):
        if name in {POSIX_ONLY!r}:
            raise ImportError(f"No module named {{name!r}} (blocked: not on Windows)", name=name)
        return None


for name in {POSIX_ONLY!r}:
    sys.modules.pop(name, None)
sys.meta_path.insert(0, NoPosixOnlyModules())
"""
# An editor that writes $ANSWER under card $CARD's heading of an answer sheet (after its read-only hints).
EDITOR = """
import os
import sys
from pathlib import Path

sheet = Path(sys.argv[1])
lines = sheet.read_text(encoding="utf-8").splitlines()
at = next(n for n, line in enumerate(lines) if "{#" + os.environ["CARD"][:6] in line) + 1
while at < len(lines) and lines[at].startswith(">"):
    at += 1
lines[at:at] = ["", os.environ["ANSWER"]]
sheet.write_text("\\n".join(lines) + "\\n", encoding="utf-8")
"""


@pytest.fixture
def no_posix(tmp_path: Path) -> dict[str, str]:
    """The environment of a subprocess where termios, tty and fcntl cannot be imported."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site), "STUDYPREP_NOW": "2026-01-01T09:00:00Z", "TZ": "UTC"}
    env["EDITOR"] = f"{sys.executable} {editor}"
    env.pop("VISUAL", None)
    return env


def run(env: dict[str, str], home: Path, *args: str, stdin: str = "") -> str:
    """Run one command in its own process under `env`; it must succeed. Its output."""
    command = [sys.executable, "-m", "studyprep", "--home", str(home), *args]
    done = subprocess.run(command, env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def cards(env: dict[str, str], home: Path) -> dict[str, dict]:
    return {card["prompt"]: card for card in json.loads(run(env, home, "cards", "--json"))}


def test_the_blocker_really_hides_the_posix_only_modules(no_posix: dict[str, str]) -> None:
    probe = "import studyprep.render.keys as k, studyprep.store.locking as l; "
    probe += "print(k.posix_terminal_available(), l.NATIVE_LOCKS)"
    for name in POSIX_ONLY:
        refused = subprocess.run(
            [sys.executable, "-c", f"import {name}"], env=no_posix, check=False, capture_output=True, text=True
        )
        assert refused.returncode == 1 and "blocked" in refused.stderr
    shown = subprocess.run([sys.executable, "-c", probe], env=no_posix, capture_output=True, text=True, check=True)
    assert shown.stdout.split() == ["False", "False"]


def test_every_command_runs_without_termios_tty_and_fcntl(tmp_path: Path, no_posix: dict[str, str]) -> None:
    home, env = tmp_path / "ws", no_posix
    document = tmp_path / "prep.md"
    document.write_text(DOC, encoding="utf-8")
    assert SLUG in run(env, home, "import", str(document))
    assert SLUG in run(env, home, "decks")
    assert "How does TCP slow start work?" in run(env, home, "show", SLUG)
    assert SLUG in run(env, home, "due")
    run(env, home, "review", stdin="\n3\n\n4\nq\n")  # two cards turned over and rated, then quit
    answered = [prompt for prompt, card in cards(env, home).items() if card["state"] != "new"]
    assert len(answered) == 2
    assert "2026-03-16" in run(env, home, "plan", SLUG, "--interview", "2026-03-16")
    for report in (["plan", SLUG], ["readiness", SLUG], ["brief", SLUG], ["stats"], ["check"]):
        assert run(env, home, *report).strip(), report
    package = tmp_path / "out.apkg"
    run(env, home, "export", "--all", "-o", str(package))
    assert package.stat().st_size > 0
    assert "read" in run(env, home, "anki-pull", str(package))
    card_id = cards(env, home)["How does TCP slow start work?"]["id"]
    assert "How does TCP slow start work?" in run(env, home, "card", card_id)
    sheet = tmp_path / "answers.md"
    run(env, home, "answers", SLUG, "--export", str(sheet))
    editor = [sys.executable, str(tmp_path / "editor.py")]
    subprocess.run([*editor, str(sheet)], env={**env, "CARD": card_id, "ANSWER": "From a file."}, check=True)
    run(env, home, "answers", SLUG, "--import", str(sheet))
    assert "From a file." in run(env, home, "card", card_id, "--json")
    env = {**env, "CARD": card_id, "ANSWER": "Answered in the editor."}
    run(env, home, "answers", SLUG)  # the editor round trip: $EDITOR writes the answer, the command saves it
    assert "Answered in the editor." in run(env, home, "card", card_id, "--json")
    run(env, home, "add", SLUG, "What is anycast?")
    run(env, home, "suspend", card_id)
    assert cards(env, home)["How does TCP slow start work?"]["state"] == "suspended"
    assert "What is anycast?" in cards(env, home)
    run(env, home, "restore", "--list")


def spawn_getchar_review(workspace: Workspace) -> pexpect.spawn:
    """A review in a real terminal with the POSIX fast path turned off: keys come from click's getchar."""
    script = (
        "import sys; import studyprep.render.keys as keys; keys.posix_terminal_available = lambda: False; "
        "from studyprep.cli import main; sys.argv = ['studyprep', 'review']; main()"
    )
    env = {**os.environ, "STUDYPREP_HOME": str(workspace.root), "STUDYPREP_NOW": "2026-01-01T09:00:00Z",
           "TZ": "UTC", "TERM": "xterm-256color"}  # fmt: skip
    return pexpect.spawn(sys.executable, ["-c", script], cwd=str(REPO), env=env, encoding="utf-8", timeout=15,
                         dimensions=(50, 250), preexec_fn=_default_sigint)  # fmt: skip


def test_a_review_reads_single_keys_through_click_getchar(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn_getchar_review(workspace)
    child.expect_exact(FRONT_HINT)
    child.send("\x1b[A")  # an arrow key does nothing
    child.send(" ")  # no Enter needed
    child.expect_exact(BACK_HINT)
    child.send("3")
    child.expect_exact(FRONT_HINT)
    child.send("Q")  # upper case counts as lower
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "1 card" in child.before or "reviewed 1" in child.before.lower(), child.before


def test_ctrl_c_through_click_getchar_stops_the_review_keeping_answers(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    child = spawn_getchar_review(workspace)
    child.expect_exact(FRONT_HINT)
    child.send(" ")
    child.expect_exact(BACK_HINT)
    child.send("4")
    child.expect_exact(FRONT_HINT)
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    assert "Traceback" not in child.before
    assert logged(workspace) == 1  # the answer given before Ctrl-C is kept
