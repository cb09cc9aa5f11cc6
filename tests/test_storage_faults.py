"""Failing disks and damaged files, injected for real: every command ends in one clear line, never a traceback.

- A database with damaged pages: each page of a real review database is scribbled over in turn, and `due`,
  `decks`, `readiness`, `check` and `review --limit 1` run on it.
- A full disk: the workspace is copied onto a tiny tmpfs (in a private user and mount namespace, so nothing is
  mounted outside the test), which is then filled.
- A read-only file system: the same tmpfs, remounted read-only.
- A failing write: `RLIMIT_FSIZE` in the command's process (writes past the limit fail with EFBIG, which
  SQLite reports as a disk I/O error).

Each failing command must print one `Error:` line on stderr saying what is wrong (full, read-only, I/O error,
damaged), never advise a fresh history unless the file is damaged (and then name the newest good backup), and
leave the deck files, plans and history as they were.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO
from review_helpers import DOC, SLUG, make_workspace

from studyprep.cli import cli
from studyprep.errors import storage_error
from studyprep.store.db import database_path
from studyprep.store.history_backups import list_backups
from studyprep.store.workspace import Workspace

NOW = "2026-01-01T09:00:00Z"
NEXT_DAY = "2026-01-02T09:00:00Z"
PAGE = 4096
FORBIDDEN_ADVICE = ("fresh history", "move it aside")


def run(workspace: Workspace, *args: str, stdin: str | None = None, now: str = NOW):
    return CliRunner().invoke(cli, ["--home", str(workspace.root), *args], input=stdin, env={"STUDYPREP_NOW": now})


def prepared(tmp_path: Path) -> Workspace:
    """A workspace with three answers, an interview date, a study plan and today's backup of the history."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    workspace = make_workspace(tmp_path)
    assert run(workspace, "review", stdin="\n3\n\n1\n\n4\nq\n").exit_code == 0
    assert run(workspace, "plan", SLUG, "--interview", "2026-01-20").exit_code == 0
    assert run(workspace, "due").exit_code == 0
    assert [backup.reason for backup in list_backups(database_path(workspace))] == ["daily"]
    with contextlib.closing(sqlite3.connect(database_path(workspace))) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return workspace


def assert_one_clear_line(stderr: str, *expected: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr
    assert "Traceback" not in stderr
    assert not any(advice in stderr for advice in FORBIDDEN_ADVICE), stderr
    said = stderr[stderr.index("cannot") :] if "cannot" in stderr else stderr  # the words, not the path
    assert any(word in said for word in expected), stderr


def assert_reported(args: object, code: int, stdout: str, stderr: str, words: tuple[str, ...]) -> None:
    """A failed command said what is wrong in one line (`check` lists it as a problem instead); none says damaged."""
    assert "Traceback" not in stderr, (args, stderr)
    if code != 0 and args == ["check"] and not stderr:
        problems = [line for line in stdout.splitlines() if line.startswith("problem ")]
        assert problems and all(any(word in line for word in words) for line in problems), stdout
    elif code != 0:
        assert_one_clear_line(stderr, *words)
    assert "damaged" not in stderr + stdout


# -- damaged pages ----------------------------------------------------------------------------------------

DAMAGED_COMMANDS = [
    ["due"],
    ["decks"],
    ["readiness", SLUG],
    ["check"],
    ["review", "--limit", "1"],
    ["stats"],
    ["cards"],
    ["brief", SLUG],
    ["mock", SLUG, "--questions", "1"],
]


@pytest.mark.slow
def test_every_damaged_page_gives_one_line_and_names_the_good_backup(tmp_path: Path) -> None:
    pristine = prepared(tmp_path / "pristine")
    database = database_path(pristine)
    raw = database.read_bytes()
    (good,) = list_backups(database)
    pages = len(raw) // PAGE
    assert pages >= 10
    outcomes: dict[str, int] = {}
    for page in range(pages):
        copy = Workspace(tmp_path / f"page{page}")
        shutil.copytree(pristine.root, copy.root)
        damaged = bytearray(raw)
        start = page * PAGE + (100 if page == 0 else 0)  # page 1 keeps the file header's first 100 bytes...
        damaged[start : (page + 1) * PAGE] = b"\xa5" * ((page + 1) * PAGE - start)
        if page == 0:
            damaged[:16] = b"SQLite format 3\x00"  # ...all but its magic, which the header check reads first
        database_path(copy).write_bytes(bytes(damaged))
        for command in DAMAGED_COMMANDS:
            result = run(copy, *command, stdin="q\n")
            assert result.exception is None or isinstance(result.exception, SystemExit), (page, command)
            outcome = "ok" if result.exit_code == 0 else "error"
            if result.exit_code != 0 and command != ["check"]:
                assert_one_clear_line(result.stderr, "damaged", "SQLite error", "cannot")
            if "damaged" in result.output:
                assert f"studyprep restore {good.name}" in result.output, (page, command, result.output)
                outcome = "damaged"
            assert not any(advice in result.output for advice in FORBIDDEN_ADVICE)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert outcomes.get("damaged", 0) >= pages  # `check` at least finds every damaged page


# -- full, read-only, failing ------------------------------------------------------------------------------

IN_NAMESPACE = r"""
import hashlib, json, os, shutil, subprocess, sys
source, mount_point, mode, commands = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount_point], check=True)
home = os.path.join(mount_point, "ws")
shutil.copytree(source, home)

def studyprep(args, stdin, now):
    env = {**os.environ, "STUDYPREP_NOW": now, "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-m", "studyprep", "--home", home, *args], input=stdin,
                          capture_output=True, text=True, env=env)
    return {"args": args, "code": done.returncode, "stdout": done.stdout, "stderr": done.stderr}

def files():
    found = {}
    for folder, _, names in os.walk(home):
        for name in names:
            if name.endswith(".yaml"):
                with open(os.path.join(folder, name), "rb") as handle:
                    found[os.path.relpath(os.path.join(folder, name), home)] = hashlib.sha256(handle.read()).hexdigest()
    return found

filler = os.path.join(mount_point, "filler")
if mode in ("full", "nearly full"):
    descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError:
        if mode == "nearly full":  # room for SQLite's 32 KB `-shm` file, not for what a command writes
            os.ftruncate(descriptor, os.fstat(descriptor).st_size - 40 * 1024)
        os.close(descriptor)
else:
    subprocess.run(["mount", "-o", "remount,ro", mount_point], check=True)
before = files()
results = [studyprep(command["args"], command.get("stdin", ""), command["now"]) for command in commands]
after = files()
if mode != "read-only":
    os.unlink(filler)
else:
    subprocess.run(["mount", "-o", "remount,rw", mount_point], check=True)
final = studyprep(["check", "--json"], "", commands[0]["now"])
print(json.dumps({"results": results, "unchanged": before == after, "check": final}))
"""


def namespaces_available() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


needs_namespace = pytest.mark.skipif(
    not namespaces_available(), reason="user and mount namespaces (unshare -rm) are not available here"
)


def fault_commands(tmp_path: Path, mount_point: Path) -> list[dict[str, object]]:
    changed = tmp_path / "changed.md"
    changed.write_text(DOC + "- Why is the sky blue?\n", encoding="utf-8")
    same_day = [
        {"args": ["due"]},
        {"args": ["decks"]},
        {"args": ["readiness", SLUG]},
        {"args": ["review", "--limit", "2"], "stdin": "\n3\n\n3\nq\n"},
        {"args": ["import", str(changed)]},
        {"args": ["plan", SLUG, "--budget-minutes", "33"]},
        {"args": ["check"]},
        {"args": ["brief", SLUG]},
        {"args": ["stats"]},
        {"args": ["export", SLUG, "-o", str(mount_point / "prep.apkg")]},
    ]
    next_day = [{"args": ["due"]}, {"args": ["review", "--limit", "1"], "stdin": "\n3\nq\n"}]
    return [{**command, "now": NOW} for command in same_day] + [{**command, "now": NEXT_DAY} for command in next_day]


@pytest.mark.slow
@needs_namespace
@pytest.mark.parametrize(
    ("mode", "words"),
    [("full", ("full",)), ("nearly full", ("full",)), ("read-only", ("read-only", "Read-only"))],
)
def test_a_full_or_read_only_disk_gives_one_line_and_loses_nothing(tmp_path: Path, mode: str,
                                                                   words: tuple[str, ...]) -> None:  # fmt: skip
    workspace = prepared(tmp_path)
    mount_point = tmp_path / "mnt"
    mount_point.mkdir()
    commands = fault_commands(tmp_path, mount_point)
    done = subprocess.run(
        ["unshare", "-rm", sys.executable, "-c", IN_NAMESPACE, str(workspace.root), str(mount_point), mode,
         json.dumps(commands)],
        capture_output=True, text=True, cwd=str(REPO), check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    failed = [result for result in report["results"] if result["code"] != 0]
    assert len(failed) >= 4  # the writers at least: plan, export, the next day's backup
    for result in report["results"]:
        assert_reported(result["args"], result["code"], result["stdout"], result["stderr"], words)
    check = json.loads(report["check"]["stdout"])
    assert (check["ok"], check["problems"]) == (True, []), report["check"]  # nothing half-written
    if mode != "nearly full":  # else an import or an answer may have fitted
        assert report["unchanged"] and check["reviews"] == 3  # no deck file, plan or answer changed


def limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (PAGE * 2, PAGE * 2))  # Python ignores SIGXFSZ: writes fail


@pytest.mark.slow
def test_writes_failing_past_a_file_size_limit_give_one_line_and_lose_nothing(tmp_path: Path) -> None:
    workspace = prepared(tmp_path)
    commands = fault_commands(tmp_path, tmp_path)
    for command in commands:
        done = subprocess.run(
            [sys.executable, "-m", "studyprep", "--home", str(workspace.root), *command["args"]],  # type: ignore[misc]
            input=str(command.get("stdin", "")), capture_output=True, text=True, cwd=str(REPO), check=False,
            env={**os.environ, "STUDYPREP_NOW": str(command["now"]), "COLUMNS": "200"},
            preexec_fn=limit_file_size,
        )  # fmt: skip
        assert_reported(command["args"], done.returncode, done.stdout, done.stderr, ("I/O error", "full", "size limit"))
    check = json.loads(run(workspace, "check", "--json", now=NEXT_DAY).output)
    assert (check["ok"], check["problems"], check["reviews"]) == (True, [], 3)  # the small deck write fitted


# -- the words ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "says", "advice"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "the disk is full", "free some space"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only", "writable"),
        (OSError(errno.EACCES, "Permission denied"), "permission denied", "permissions"),
        (OSError(errno.EIO, "Input/output error"), "I/O error", "check the disk"),
        (sqlite3.OperationalError("database or disk is full"), "the disk is full", "free some space"),
        (sqlite3.OperationalError("disk I/O error"), "I/O error", "check the disk"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "cannot be written", "permissions"),
        (sqlite3.DatabaseError("database disk image is malformed"), "damaged", "sqlite3 FILE .recover"),
        (sqlite3.DatabaseError("file is not a database"), "damaged", "sqlite3 FILE .recover"),
    ],
)
def test_each_failure_is_worded_by_what_is_wrong_and_what_to_do(tmp_path: Path, error: Exception, says: str,
                                                                advice: str) -> None:  # fmt: skip
    message = storage_error(error, tmp_path / "reviews.db", "use the review database").render()  # type: ignore[arg-type]
    assert message.startswith(f"{tmp_path / 'reviews.db'}: cannot use the review database: ")
    assert says in message and advice in message and "\n" not in message
    assert ("damaged" in message) == (says == "damaged")
    assert not any(advice in message for advice in FORBIDDEN_ADVICE)


def test_sqlite_result_codes_decide_not_the_message_text(tmp_path: Path) -> None:
    path = tmp_path / "db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x01" * 4000)
    with pytest.raises(sqlite3.DatabaseError) as raised, contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("SELECT * FROM sqlite_master").fetchall()
    assert raised.value.sqlite_errorname in ("SQLITE_NOTADB", "SQLITE_CORRUPT")
    assert "damaged" in storage_error(raised.value, path, "read it").message


def test_the_newest_good_backup_is_named_for_a_damaged_database_and_nothing_else(tmp_path: Path) -> None:
    workspace = prepared(tmp_path)
    database = database_path(workspace)
    (good,) = list_backups(database)
    database.write_bytes(b"SQLite format 3\x00" + b"\x01" * 8000)
    result = run(workspace, "due", now=NEXT_DAY)
    assert result.exit_code == 1
    assert_one_clear_line(result.stderr, "damaged")
    assert f"studyprep restore {good.name}" in result.stderr
    restored = run(workspace, "restore", good.name, now=NEXT_DAY)
    assert restored.exit_code == 0, restored.output
    assert run(workspace, "due", now=NEXT_DAY).exit_code == 0
    # The damaged file is kept aside (as today's backup: no daily copy of the restored file is needed).
    assert [backup.reason for backup in list_backups(database)] == ["replaced", "daily"]
