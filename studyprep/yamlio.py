"""Safe YAML in and out: libyaml when present, block style, readable multi-line text, located errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from studyprep.errors import StudyprepError

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class ReadableDumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """Safe dumper that writes multi-line strings as literal blocks."""


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if "\n" in text:
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", text)


ReadableDumper.add_representer(str, _represent_str)


class _PureReadableDumper(yaml.SafeDumper):
    """Pure-Python twin of ReadableDumper: slower, but writes characters beyond the BMP (emoji) as they are."""


_PureReadableDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Serialize plain data (dicts, lists, str, int, bool, None) as block-style unicode YAML."""
    options = {"allow_unicode": True, "sort_keys": False, "default_flow_style": False, "width": 100_000}
    text = yaml.dump(data, Dumper=ReadableDumper, **options)
    if "\\U" in text and _BaseDumper is not yaml.SafeDumper:
        # libyaml escapes emoji and other astral characters as \UXXXXXXXX; keep the file readable instead.
        text = yaml.dump(data, Dumper=_PureReadableDumper, **options)
    return text


def parse_yaml(text: str, path: Path) -> Any:
    """Load YAML with the safe loader only; a syntax error or tag names the file and line."""
    try:
        return yaml.load(text, Loader=SafeLoader)  # noqa: S506 - SafeLoader/CSafeLoader only
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "invalid YAML"
        raise StudyprepError(f"invalid YAML: {problem}; fix the file by hand", path, line) from None
    except yaml.YAMLError as error:
        raise StudyprepError(f"invalid YAML: {error}", path) from None


def read_text_file(path: Path, what: str = "file") -> str:
    """Read a UTF-8 text file (BOM allowed), with a clear error for missing, unreadable or binary files."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise StudyprepError(f"{what} not found", path) from None
    except IsADirectoryError:
        raise StudyprepError(f"{what} is a directory, not a file", path) from None
    except OSError as error:
        raise StudyprepError(f"cannot read {what}: {error.strerror or error}", path) from None
    return decode_utf8(raw, path)


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
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise StudyprepError("looks like a binary file (contains NUL bytes), not Markdown text", path, line)
    return text


def validate(model: type[BaseModel], data: Any, text: str, path: Path) -> Any:
    """Validate loaded YAML against a pydantic model; report the first problem with its line."""
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


def line_of(text: str, location: list[Any]) -> int | None:
    """Find the 1-based line of a key path (`["cards", 3, "id"]`) by composing the YAML node tree."""
    try:
        node = yaml.compose(text, Loader=SafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if pair[0].value == part), None)
            if match is None:
                return line
            line = match[0].start_mark.line + 1
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
