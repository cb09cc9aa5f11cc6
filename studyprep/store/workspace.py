"""Where a workspace lives: `--home`, else `STUDYPREP_HOME`, else the per-user data folder."""

from __future__ import annotations

__all__ = ["Workspace", "match_slug", "refuse_links", "resolve_workspace", "stat_file"]

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from studyprep.errors import DeckNotFoundError, StudyprepError, storage_error

HOME_VARIABLE = "STUDYPREP_HOME"


@dataclass(frozen=True)
class Workspace:
    """A folder holding `decks/` (card content, YAML) and `schedules/` (plans and review state)."""

    root: Path

    @property
    def decks_dir(self) -> Path:
        """Folder of deck YAML files, one per deck."""
        return self.root / "decks"

    @property
    def schedules_dir(self) -> Path:
        """Folder of study plans and the review database."""
        return self.root / "schedules"

    def deck_path(self, slug: str) -> Path:
        """Path of the deck file for `slug` (slugs are validated to stay inside `decks/`)."""
        return self.decks_dir / f"{slug}.yaml"


def resolve_workspace(home: str | Path | None, must_exist: bool = False) -> Workspace:
    """Pick the workspace root from the option, the environment, or the platform's user data folder.

    A root that exists but is not a folder (or lies below a file) is refused before anything reads or writes it,
    and so is a `decks` or `schedules` in it that is not a folder (every command would misread it: no decks,
    or a lock or database that cannot be made). With `must_exist` (a command that only reports), a root named by
    the option or the environment that does not exist is refused too: a mistyped path would otherwise look like
    an empty workspace.
    """
    named = home or os.environ.get(HOME_VARIABLE)
    root = Path(named or _user_data_dir()).expanduser()
    if must_exist and named and not root.exists():
        raise StudyprepError(f"no workspace here: the folder does not exist (check --home or ${HOME_VARIABLE})", root)
    for folder in (root, *root.parents):
        if folder.exists():
            if not folder.is_dir():
                raise StudyprepError("the workspace is not a folder (give --home a folder)", folder)
            break
    workspace = Workspace(root)
    for folder in (workspace.decks_dir, workspace.schedules_dir):
        if folder.exists() and not folder.is_dir():
            raise StudyprepError(f"{folder.name}/ in the workspace is not a folder (move it away)", folder)
    return workspace


def _user_data_dir() -> str:
    import platformdirs  # only without --home or $STUDYPREP_HOME: it costs ~5 ms of start-up

    return platformdirs.user_data_dir("studyprep", appauthor=False)


def stat_file(path: Path, what: str) -> os.stat_result:
    """`path.stat()` of a file studyprep reads (a document, deck or plan), refusing with a one-line error what is not
    a regular file: a broken or looping link, a folder, or a pipe or device (reading a pipe would wait forever)."""
    try:
        result = path.stat()
    except FileNotFoundError:
        missing = "is a link to nothing" if path.is_symlink() else "not found"
        raise StudyprepError(f"{what} {missing}", path) from None
    except OSError as error:
        raise storage_error(error, path, f"read the {what}") from None
    if stat.S_ISDIR(result.st_mode):
        raise StudyprepError(f"{what} is a directory, not a file", path)
    if not stat.S_ISREG(result.st_mode):
        raise StudyprepError(f"{what} is not a regular file (a pipe, socket or device)", path)
    return result


def refuse_links(path: Path, root: Path | None = None) -> None:
    """Refuse, with one line naming it, to write `path` when it or a folder between `root` (the workspace; else
    `path`'s own folder) and it is a symbolic link: writing, truncating or pruning through a link planted in a
    synced or cloned workspace would change files outside it. Checked with `lstat`, so it holds where
    `O_NOFOLLOW` does not exist (Windows); a link to nothing counts too."""
    if root is not None and root not in path.parents:
        root = None  # not below the workspace (an export's own folder): only the file and its folder are ours
    below = [path]
    for folder in path.parents:
        if folder == root or (root is None and len(below) == 2):
            break
        below.append(folder)
    for part in reversed(below):  # the outermost link first: that is the one to replace
        if part.is_symlink() or _is_junction(part):
            raise StudyprepError(
                "is a link; studyprep writes only real files and folders inside the workspace (replace the link"
                " with the file or folder itself)",
                part,
            )


def _is_junction(path: Path) -> bool:
    # A Windows directory junction redirects like a link but is no symlink (os.path.isjunction: Python 3.12+).
    isjunction = getattr(os.path, "isjunction", None)
    return bool(isjunction and isjunction(path))


def match_slug(name: str, slugs: Sequence[str], folder: Path | None = None) -> str:
    """The slug `name` names among `slugs`: itself, the same in other case, or the one slug it is a prefix of;
    no name at all names the only deck. Else a clear error, with the nearest names when there are some; with no
    deck at all, the error names the `folder` looked in (the workspace's `decks/`), when given."""
    if name in slugs:
        return name
    if not slugs and folder is not None:
        named = f"no deck named {name!r}: " if name else ""
        raise DeckNotFoundError(f"{named}no decks in {folder.absolute()} yet; import one: studyprep import PREP.md")
    known = ", ".join(slugs) or "none yet; run `studyprep import FILE`"
    if not name:
        if len(slugs) == 1:
            return slugs[0]
        raise DeckNotFoundError(f"name a deck (decks: {known})")
    folded = name.casefold()
    for candidates in (
        [s for s in slugs if s.casefold() == folded],
        [s for s in slugs if s.casefold().startswith(folded)],
    ):
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            raise DeckNotFoundError(f"deck name {name!r} is ambiguous: matches {', '.join(candidates)}")
    import difflib  # only for a name that matches nothing

    near = difflib.get_close_matches(folded, [slug.casefold() for slug in slugs], n=3, cutoff=0.6)
    if near:
        raise DeckNotFoundError(f"no deck named {name!r}; did you mean {' or '.join(near)}?")
    raise DeckNotFoundError(f"no deck named {name!r} (decks: {known})")
