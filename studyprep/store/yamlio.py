"""Safe YAML in and out: libyaml when present, block style, readable multi-line text, located errors."""

from __future__ import annotations

__all__ = [
    "ALIAS_EXPANSION_FACTOR",
    "ALIAS_EXPANSION_FLOOR",
    "SafeLoader",
    "T",
    "dump_yaml",
    "line_of",
    "load_model_file",
    "parse_yaml",
    "read_bytes_file",
    "read_text_file",
    "validate",
]

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from studyprep.store.workspace import stat_file

if TYPE_CHECKING:
    from pydantic import BaseModel

from studyprep.errors import StudyprepError, storage_error, too_large_message
from studyprep.progress import ProgressCallback, no_progress

ModelT = TypeVar("ModelT", bound="BaseModel")
T = TypeVar("T")

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_FastDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()
_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")
_NULL_EVENT = yaml.ScalarEvent(None, None, (True, False), "null")
_TRUE_EVENT = yaml.ScalarEvent(None, None, (True, False), "true")
_FALSE_EVENT = yaml.ScalarEvent(None, None, (True, False), "false")
_CACHED_LENGTH = 24
_CACHE_LIMIT = 4096
_short_events: dict[str, yaml.ScalarEvent] = {}


_MAPPING_START = yaml.MappingStartEvent(None, None, True, flow_style=False)
_MAPPING_END = yaml.MappingEndEvent()
_BLOCK_SEQUENCE_START = yaml.SequenceStartEvent(None, None, True, flow_style=False)
_FLOW_SEQUENCE_START = yaml.SequenceStartEvent(None, None, True, flow_style=True)  # `[]`, an empty list's only form
_SEQUENCE_END = yaml.SequenceEndEvent()
# The first characters some implicit type (bool, number, date, null...) can start with: a text opening with
# another character is a string to any reader, with no resolver to ask (most prompts open with a letter).
_RESOLVED_FIRST = frozenset(_RESOLVER.yaml_implicit_resolvers)


def _scalar(value: Any) -> yaml.ScalarEvent:
    if type(value) is str:  # most values: tested first, before the rarer kinds
        text = value
    elif value is None:
        return _NULL_EVENT
    elif isinstance(value, bool):
        return _TRUE_EVENT if value else _FALSE_EVENT
    elif isinstance(value, int | float):
        return yaml.ScalarEvent(None, None, (True, False), repr(value))
    else:
        text = str(value)
    if len(text) <= _CACHED_LENGTH:
        # Keys, kinds, timestamps and empty strings repeat on every card; their events can be shared.
        cached = _short_events.get(text)
        if cached is None:
            if len(_short_events) >= _CACHE_LIMIT:
                _short_events.clear()
            cached = _short_events[text] = _string_event(text)
        return cached
    return _string_event(text)


def _string_event(text: str) -> yaml.ScalarEvent:
    # Plain style only where a reader would not take the text for a number, bool, date or null.
    plain_ok = (text[:1] not in _RESOLVED_FIRST and None not in _RESOLVED_FIRST) or _RESOLVER.resolve(
        yaml.ScalarNode, text, (True, False)
    ) == _STR_TAG
    style = "|" if "\n" in text else None
    if _ODD_BREAKS.search(text):
        style = '"'  # only double quotes keep these line breaks exactly (escaped); other styles fold them
    return yaml.ScalarEvent(None, None, (plain_ok, True), text, style=style)


def _add_events(value: Any, events: list[yaml.Event]) -> None:
    """Append the events of `value` to `events` (a list, not nested generators: a deck has millions of events,
    and each level of `yield from` would pass every one of them on again)."""
    if isinstance(value, dict):
        events.append(_MAPPING_START)
        for key, item in value.items():
            events.append(_scalar(key))
            if type(item) is str:
                events.append(_scalar(item))
            else:
                _add_events(item, events)
        events.append(_MAPPING_END)
    elif isinstance(value, list):
        events.append(_BLOCK_SEQUENCE_START if value else _FLOW_SEQUENCE_START)
        for item in value:
            _add_events(item, events)
        events.append(_SEQUENCE_END)
    else:
        events.append(_scalar(value))


def _node_events(value: Any, written: Callable[[], None]) -> Iterator[yaml.Event]:
    """The events of `value`, made an item of the top level's lists at a time; `written` is called after each
    such item (the top level is the value itself, or each value of a mapping)."""
    if isinstance(value, list) and value:
        yield _BLOCK_SEQUENCE_START
        for element in value:
            yield from _events_of(element)
            written()
        yield _SEQUENCE_END
    elif isinstance(value, dict):
        yield _MAPPING_START
        for key, item in value.items():
            yield _scalar(key)
            if isinstance(item, list):
                yield from _node_events(item, written)
            else:
                yield from _events_of(item)
        yield _MAPPING_END
    else:
        yield from _events_of(value)


def _events_of(value: Any) -> list[yaml.Event]:
    events: list[yaml.Event] = []
    _add_events(value, events)
    return events


def _document_events(data: Any, progress: ProgressCallback, task: str) -> Iterator[yaml.Event]:
    yield yaml.StreamStartEvent()
    yield yaml.DocumentStartEvent(explicit=False)
    # Progress counts the items of the top level's lists (a deck's cards and reference notes).
    total = sum(len(item) for item in data.values() if isinstance(item, list)) if isinstance(data, dict) else 0
    done = 0

    def written() -> None:
        nonlocal done
        done += 1
        progress(task, done, total)

    yield from _node_events(data, written)
    yield yaml.DocumentEndEvent(explicit=False)
    yield yaml.StreamEndEvent()


def dump_yaml(data: Any, progress: ProgressCallback = no_progress, task: str = "writing") -> str:
    """Serialize plain data (dicts, lists, str, int, bool, None) as block-style unicode YAML, reporting `task` to
    `progress` as each item of a top-level list is written.

    Items of the top level's lists (a deck's cards) whose every value libyaml would write as given, in single
    quotes or as a `|-` block are written directly (`_item_text`); everything else goes, as events, straight to
    PyYAML's emitter (libyaml when present), which decides quoting. Skipping the Python representer and most
    events makes large decks several times faster to write; the text is the emitter's, byte for byte (tests
    compare the two on every deck they import and on generated cards).
    """
    text = _direct_text(data, progress, task) if _FastDumper is not yaml.SafeDumper else None
    if text is None:
        text = _emitted(data, progress, task, _FastDumper)
    if "\\U" in text and _FastDumper is not yaml.SafeDumper:
        # libyaml escapes emoji and other astral characters as \UXXXXXXXX; keep the file readable instead.
        text = _emitted(data, progress, task, yaml.SafeDumper)
    return text


def _emitted(data: Any, progress: ProgressCallback, task: str, dumper: type) -> str:
    """`data` as the YAML emitter of `dumper` writes it, from events."""
    return yaml.emit(_document_events(data, progress, task), Dumper=dumper, allow_unicode=True, width=100_000)


# What libyaml writes unchanged in a scalar (with `allow_unicode`): printable characters and line feeds. Tabs,
# other line breaks, controls, a BOM and astral characters (escaped) make it choose double quotes: the emitter's.
_WRITTEN_AS_IS = re.compile("[\n -~\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
# Indicators that keep a text from being written plain in block context (libyaml's `analyze_scalar`).
_INDICATORS = re.compile(r"^(?:[#,\[\]{}&*!|>'\"%@`]|[?:-](?: |$)|---|\.\.\.)|: |:$| #")
_DIRECT_MAX_CHARS = 10_000  # far below the 100,000 columns where the emitter would fold a line
_SIMPLE_KEY = re.compile(r"[a-z_]{1,40}")


@functools.lru_cache(maxsize=256)
def _simple_key(key: str) -> bool:
    """True for a key libyaml writes plain as it is (`prompt`, `by_hand`; not `null` or `yes`)."""
    return bool(_SIMPLE_KEY.fullmatch(key)) and _plain_ok(key)


def _plain_ok(text: str) -> bool:
    """True when a reader takes `text`, written plain, for a string (not a number, bool, date or null)."""
    if text[:1] not in _RESOLVED_FIRST and None not in _RESOLVED_FIRST:
        return True
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == _STR_TAG


def _scalar_text(text: str, indent: str) -> str | None:
    """`text` as libyaml writes it after `key:` or `-` (leading space included; a block's lines indented by
    `indent`), or None when its choice is not certain here (then the emitter writes it)."""
    if len(text) > _DIRECT_MAX_CHARS or not _WRITTEN_AS_IS.fullmatch(text):
        return None
    if "\n" in text:
        # A `|-` block: first and last characters neither space nor break, no space ending a line.
        if not indent or text[0] in " \n" or text[-1] in " \n" or " \n" in text:
            return None
        return " |-\n" + "\n".join(f"{indent}{line}" if line else "" for line in text.split("\n"))
    plain = text and text[0] != " " and text[-1] != " " and not _INDICATORS.search(text) and _plain_ok(text)
    return f" {text}" if plain else " '" + text.replace("'", "''") + "'"


_SCALAR_TEXTS = {None: " null", True: " true", False: " false"}
_UNSURE = "\x00"  # in the caches below: a text left to the emitter (never in what it writes as given)
# The texts of short strings, which repeat on every card (kinds, tags, timestamps, empty strings), by where
# they are written: a mapping's value or a list's item.
_value_texts: dict[str, str] = {}
_list_item_texts: dict[str, str] = {}


def _short_text(text: str, cache: dict[str, str], indent: str) -> str:
    written = cache.get(text)
    if written is None:
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        written = cache[text] = _scalar_text(text, indent) or _UNSURE
    return written


def _value_text(value: Any) -> str | None:
    """A mapping's value inside a top-level list's item, as libyaml writes it after `key:`; None if unsure."""
    kind = type(value)
    if kind is str:
        written = _short_text(value, _value_texts, "    ") if len(value) <= _CACHED_LENGTH else None
        return written if written is not None else _scalar_text(value, "    ")
    if kind is int:
        return f" {value!r}"
    if kind is list:
        items = [_short_text(item, _list_item_texts, "") if type(item) is str else _UNSURE for item in value]
        return "".join(f"\n  -{item}" for item in items) if items else " []"
    return _SCALAR_TEXTS[value] if value is None or kind is bool else None


def _item_text(item: Any) -> str | None:
    """An item of a top-level list (a deck's card: a mapping of scalars and lists of short text) as libyaml
    writes it, or None when any of its values is not certain here."""
    if type(item) is not dict or not item:
        return None
    lines = []
    for key, value in item.items():
        written = _value_text(value)
        if written is None or type(key) is not str or not _simple_key(key):
            return None
        lines.append(f"  {key}:{written}\n")
    text = "".join(lines)
    return None if _UNSURE in text else "- " + text[2:]


def _direct_text(data: Any, progress: ProgressCallback, task: str) -> str | None:
    """A top-level mapping written directly where certain and by libyaml elsewhere; None to leave the whole
    of it to the emitter."""
    if not isinstance(data, dict) or not data or not all(type(key) is str and _simple_key(key) for key in data):
        return None
    total = sum(len(item) for item in data.values() if isinstance(item, list))
    done = 0
    pieces: list[str] = []
    others: dict[str, Any] = {}  # values the emitter writes, in a run between top-level lists
    for key, value in data.items():
        if not isinstance(value, list) or not value:
            others[key] = value
            continue
        if others:
            pieces.append(_emitted(others, no_progress, task, _FastDumper))
            others = {}
        texts = [_item_text(item) for item in value]
        left = [item for item, text in zip(value, texts, strict=True) if text is None]
        emitted_items = _emitted_items(key, left) if left else []
        if emitted_items is None:
            return None
        emitted = iter(emitted_items)
        pieces.append(f"{key}:\n")
        for text in texts:
            pieces.append(text if text is not None else next(emitted))
            done += 1
            progress(task, done, total)
    if others:
        pieces.append(_emitted(others, no_progress, task, _FastDumper))
    text = "".join(pieces)
    # A block kept with its final line breaks (`|+`) ends its document with `...`: written once, at the end.
    return None if "\n...\n" in text or text.startswith("...") else text


def _emitted_items(key: str, items: list[Any]) -> list[str] | None:
    """Items of the list under `key`, each as the emitter writes it there (one emitter run for all of them);
    None if its text does not split into them."""
    text = _emitted({key: items}, no_progress, "", _FastDumper)
    body = text.removeprefix(f"{key}:\n")
    starts = [match.start() for match in re.finditer(r"^-", body, re.MULTILINE)]
    if len(starts) != len(items) or not body.startswith("-"):
        return None
    return [body[start:end] for start, end in zip(starts, [*starts[1:], len(body)], strict=True)]


def parse_yaml(text: str, path: Path, progress: ProgressCallback = no_progress) -> Any:
    """Load YAML safely (no tags beyond the standard safe ones); syntax errors name the file and line.

    Duplicate keys, which PyYAML would silently overwrite, are errors too. `progress` hears how much of the text
    is read ("reading NAME", characters).
    """
    try:
        return _build_from_events(text, progress, f"reading {path.name}")
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = _line_at(text, mark) if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise StudyprepError(f"invalid YAML: {problem}; fix the file by hand", path, line) from None
    except yaml.reader.ReaderError as error:
        # A character YAML does not allow (a control character): its line, and no multi-line PyYAML text.
        line = _line_of_index(text, error.position) if isinstance(error.position, int) else None
        character = error.character if isinstance(error.character, int) else ord(str(error.character)[:1] or "?")
        raise StudyprepError(
            f"invalid YAML: character U+{character:04X} is not allowed in YAML; remove it", path, line
        ) from None
    except yaml.YAMLError as error:
        raise StudyprepError(f"invalid YAML: {' '.join(str(error).split())}", path) from None


class _Invalid(yaml.MarkedYAMLError):
    """A well-formed document that we still refuse (a tag, a duplicate key, an unhashable key)."""

    def __init__(self, problem: str, mark: Any) -> None:  # libyaml's marks are another class than PyYAML's
        super().__init__(problem=problem, problem_mark=mark)


_SAFE = yaml.constructor.SafeConstructor()
_OPENERS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSERS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _scalar_value(event: yaml.ScalarEvent) -> Any:
    if event.tag is None or event.tag == "!":
        tag = _STR_TAG if not event.implicit[0] else _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
    else:
        tag = event.tag
    if tag == _STR_TAG:
        return event.value
    constructor = _SAFE.yaml_constructors.get(tag)
    if constructor is None or tag.endswith(":merge"):
        raise _Invalid(f"the tag {tag!r} is not allowed here (plain values only)", event.start_mark)
    try:
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)  # type: ignore[arg-type]
        return constructor(_SAFE, node)
    except (ValueError, OverflowError) as error:  # e.g. `2026-13-45` resolves as a date but is none
        kind = tag.rsplit(":", 1)[-1]
        raise _Invalid(
            f"{event.value!r} is not a valid {kind} ({error}); quote it to keep it as text", event.start_mark
        ) from None


# Aliases repeat what their anchor names wherever they are used: a hand-edited deck of 1 MB can expand to GBs
# in the review database and an Anki package. A file may expand to this many times its own size (plus a floor,
# so a few aliases in a small file stay fine); past it, the alias that crosses the line is refused.
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_FLOOR = 64_000


def _build_from_events(text: str, progress: ProgressCallback = no_progress, task: str = "reading") -> Any:
    """Build plain Python data from libyaml's event stream (4x faster than the Python constructor)."""
    loader = SafeLoader(text)
    try:
        read = functools.partial(progress, task, total=len(text))
        return _assemble(loader, len(text) * ALIAS_EXPANSION_FACTOR + ALIAS_EXPANSION_FLOOR, read)
    finally:
        loader.dispose()


class _Frame:
    """An open mapping or sequence: its value, its anchor, the key waiting for a value, its size once expanded."""

    __slots__ = ("anchor", "key", "size", "value")

    def __init__(self, value: Any, anchor: str | None) -> None:
        self.value, self.anchor, self.size = value, anchor, 2
        self.key: tuple[Any] | None = None  # the key read, waiting for its value

    def add(self, value: Any, size: int, mark: yaml.Mark) -> None:
        """Take the next item, key or value."""
        self.size += size
        container = self.value
        if isinstance(container, list):
            container.append(value)
        elif self.key is None:
            if not isinstance(value, str | int | float | bool | None):
                raise _Invalid("a mapping key must be a plain value", mark)
            if value in container:
                raise _Invalid(f"duplicate key {value!r}", mark)
            self.key = (value,)
        else:
            container[self.key[0]] = value
            self.key = None


def _assemble(loader: Any, max_expanded: int, read: Callable[[int], None]) -> Any:
    """The data of the loader's events, `read(characters)` told at each mapping or list opened."""
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}  # each anchor's value and its size once expanded (characters, roughly)
    expanded = 0
    root: Any = None
    while (event := loader.get_event()) is not None:
        if isinstance(event, _OPENERS):
            stack.append(_opened(event))
            read(event.start_mark.index if event.start_mark else 0)
            continue
        if isinstance(event, _CLOSERS):
            frame = stack.pop()
            value, size = frame.value, frame.size
            if frame.anchor:
                anchors[frame.anchor] = (value, size)
        elif isinstance(event, yaml.ScalarEvent):
            value, size = _scalar_value(event), len(event.value) + 1
            expanded += size
            if event.anchor:
                anchors[event.anchor] = (value, size)
        elif isinstance(event, yaml.AliasEvent):
            value, size = _alias(event, anchors, stack)
            expanded += size
            if expanded > max_expanded:
                raise _Invalid(
                    f"aliases (*{event.anchor}) expand this file past {ALIAS_EXPANSION_FACTOR} times its size;"
                    " write the repeated text out, or less of it",
                    event.start_mark,
                )
        else:
            continue
        if stack:
            stack[-1].add(value, size, event.start_mark)
        else:
            root = value
    return root


def _opened(event: yaml.CollectionStartEvent) -> _Frame:
    if event.tag is not None and event.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        raise _Invalid(f"the tag {event.tag!r} is not allowed here", event.start_mark)
    return _Frame({} if isinstance(event, yaml.MappingStartEvent) else [], event.anchor)


def _alias(event: yaml.AliasEvent, anchors: dict[str, tuple[Any, int]], stack: list[_Frame]) -> tuple[Any, int]:
    """An alias's value and expanded size (an alias inside its own, still open, anchor counts as its start)."""
    frame = next((frame for frame in reversed(stack) if frame.anchor == event.anchor), None)
    if frame is not None:
        return frame.value, frame.size
    if event.anchor not in anchors:
        raise _Invalid(f"unknown alias {event.anchor!r}", event.start_mark)
    return anchors[event.anchor]


def read_text_file(path: Path, what: str = "file", max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file (BOM allowed), with a clear error for missing, unreadable or binary files.

    With `max_bytes`, a larger file is refused before it is read.
    """
    size = _regular_file_size(path, what)
    if max_bytes is not None and size > max_bytes:
        raise StudyprepError(too_large_message(what, size, max_bytes), path)
    return decode_utf8(_checked(path, what, path.read_bytes), path)


def read_bytes_file(path: Path, what: str = "file") -> bytes:
    """Read a file's bytes, with a clear error for a missing or unreadable file, a directory, a broken link,
    or what is not a regular file (reading a pipe would wait forever)."""
    _regular_file_size(path, what)
    return _checked(path, what, path.read_bytes)


def _regular_file_size(path: Path, what: str) -> int:
    return stat_file(path, what).st_size


def _checked(path: Path, what: str, read: Callable[[], T]) -> T:
    try:
        return read()
    except FileNotFoundError:
        raise StudyprepError(f"{what} not found", path) from None  # gone since `stat_file` looked
    except OSError as error:
        raise storage_error(error, path, f"read the {what}") from None


def decode_utf8(raw: bytes, path: Path) -> str:
    """Decode UTF-8 (dropping a BOM); refuse other encodings and binary data with the offending line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise StudyprepError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} at offset {error.start}); save the file as UTF-8",
            path,
            line,
        ) from None
    if "\x00" in text:
        line = _line_of_index(text, text.index("\x00"))
        raise StudyprepError("looks like a binary file (contains NUL bytes), not Markdown text", path, line)
    return text


def load_model_file(
    path: Path, model: type[ModelT], what: str, shape: str, progress: ProgressCallback = no_progress
) -> tuple[ModelT, str]:
    """Read, safely parse and validate a YAML file as `model`; return it with the text it came from.

    `what` names the file in errors ("deck file"); `shape` says what its top level must hold; `progress` hears
    how the reading goes.
    """
    text = read_text_file(path, what)
    return model_from_text(text, path, model, what, shape, progress), text


def model_from_text(
    text: str, path: Path, model: type[ModelT], what: str, shape: str, progress: ProgressCallback = no_progress
) -> ModelT:
    """Safely parse and validate the YAML text of the file at `path` as `model` (`load_model_file`'s check)."""
    data = parse_yaml(text, path, progress)
    progress(f"checking {path.name}")
    if not isinstance(data, dict):
        raise StudyprepError(f"a {what} must be a mapping with {shape}", path, 1)
    validated: ModelT = validate(model, data, text, path)
    return validated


def validate(model: type[BaseModel], data: Any, text: str, path: Path) -> Any:
    """Validate loaded YAML against a pydantic model; report the first problem with its line."""
    from pydantic import ValidationError  # only where a file is checked: commands that read none skip pydantic

    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        location = list(first["loc"])
        cause = (first.get("ctx") or {}).get("error")
        index = getattr(cause, "index", None)
        if index is not None:
            location = ["cards", index, "id"]
        line = line_of(text, location)
        where = ".".join(str(part) for part in location) or "top level"
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown key (remove it or check its spelling)"
        raise StudyprepError(f"{where}: {message}", path, line) from None


def _line_at(text: str, mark: Any) -> int:  # libyaml's marks are another class than PyYAML's
    """The 1-based line of a YAML mark as an editor counts lines: by "\n" alone. YAML also breaks lines at NEL,
    LS and PS (U+0085, U+2028, U+2029), so its own `mark.line` can name a line past the file's end."""
    return _line_of_index(text, mark.index)


def _line_of_index(text: str, index: int) -> int:
    """The 1-based line holding character `index` of `text` (an index past the end, as end-of-stream marks
    give: the last line)."""
    return text.count("\n", 0, min(max(index, 0), len(text))) + 1


def line_of(text: str, location: list[Any]) -> int | None:
    """Find the 1-based line of a key path (`["cards", 3, "id"]`) by composing the YAML node tree."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    line = _line_at(text, node.start_mark) if node is not None else None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == part), None)
            if match is None:
                return line
            line = _line_at(text, match[0].start_mark)
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = _line_at(text, node.start_mark)
        else:
            return line
    return line
