"""package.json frontend: ``scripts`` commands (analysed as shell) and keys naming toggles.

``json`` validates the file (and gives the parse error's line and column); a small tokenizer then
walks the same text to find where each key and string sits, decoding JSON escapes while keeping
the file offset of every character, so positions and span edits are exact even after ``\\"``
or ``\\u00e9`` escapes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property

from lint_integration.languages import ParseFailure, facts
from lint_integration.languages.facts import MODE_VAR, Site

_TOKEN = re.compile(r'\s*(?:("(?:[^"\\]|\\.)*")|([{}\[\]:,])|([^\s{}\[\]:,"]+))', re.S)
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass
class JString:
    value: str
    start: int  # offset of the opening quote
    end: int  # offset after the closing quote
    offsets: list[int]  # file offset of each decoded character


def decode_string(text: str, start: int, end: int) -> JString:
    """Decode the JSON string literal ``text[start:end]`` keeping per-character offsets."""
    chars: list[str] = []
    offsets: list[int] = []
    i = start + 1
    stop = end - 1
    while i < stop:
        ch = text[i]
        if ch != "\\":
            chars.append(ch)
            offsets.append(i)
            i += 1
            continue
        kind = text[i + 1]
        if kind == "u":
            code = int(text[i + 2 : i + 6], 16)
            width = 6
            low = text[i + 6 : i + 12]
            if 0xD800 <= code < 0xDC00 and re.fullmatch(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}", low):
                code = 0x10000 + ((code - 0xD800) << 10) + (int(low[2:], 16) - 0xDC00)
                width = 12
            chars.append(chr(code))
            offsets.append(i)
            i += width
        else:
            chars.append(_ESCAPES.get(kind, kind))
            offsets.append(i)
            i += 2
    return JString("".join(chars), start, end, offsets)


def _encode(content: str) -> str:
    return json.dumps(content, ensure_ascii=False)[1:-1]


class PackageJson:
    def __init__(self, text: str, config) -> None:
        self.text = text
        self.config = config
        self.keys: list[JString] = []  # every object key, at any depth
        self.scripts: list[tuple[JString, JString]] = []  # (name, command)
        self._scan()

    def _scan(self) -> None:
        text = self.text
        stack: list[str] = []  # "{" / "[" per open container
        in_scripts_at: int | None = None
        pending_key: JString | None = None
        expect_key = False
        previous: JString | None = None
        pos = 0
        while True:
            match = _TOKEN.match(text, pos)
            if match is None or match.end() == pos:
                break
            pos = match.end()
            string, punct = match.group(1), match.group(2)
            if punct == "{":
                if pending_key is not None and len(stack) == 1 and pending_key.value == "scripts":
                    in_scripts_at = len(stack) + 1
                stack.append("{")
                expect_key = True
                pending_key = None
            elif punct == "[":
                stack.append("[")
                pending_key = None
            elif punct in ("}", "]"):
                if in_scripts_at is not None and len(stack) == in_scripts_at:
                    in_scripts_at = None
                if stack:
                    stack.pop()
                pending_key = None
            elif punct == ",":
                expect_key = bool(stack) and stack[-1] == "{"
            elif punct == ":":
                pending_key = previous
                expect_key = False
            elif string is not None:
                node = decode_string(text, match.start(1), match.end(1))
                if expect_key:
                    self.keys.append(node)
                elif (
                    pending_key is not None
                    and in_scripts_at is not None
                    and len(stack) == in_scripts_at
                ):
                    self.scripts.append((pending_key, node))
                previous = node
                if not expect_key:
                    pending_key = None

    @cached_property
    def analyses(self) -> list[tuple[JString, object]]:
        from lint_integration.languages import shell  # not needed by the prefilter

        result = []
        for _name, command in self.scripts:
            if _interesting(command.value, self.config):
                analysis = shell.analyze_embedded(command.value, self.config)
                if analysis is not None:
                    result.append((command, analysis))
        return result

    def _script_sites(self, question: str) -> list[Site]:
        sites = []
        for command, analysis in self.analyses:
            host = facts.table_host(
                command.offsets, command.end - 1, _encode, (command.start, command.end)
            )
            sites.extend(host.map_sites(getattr(analysis, question)()))
        return sites

    def legacy_toggles(self) -> list[Site]:
        sites = [
            Site(key.start, key.end, facts.toggle_set_message(key.value))
            for key in self.keys
            if self.config.is_legacy_toggle(key.value)
        ]
        return sites + self._script_sites("legacy_toggles")

    def invalid_modes(self) -> list[Site]:
        return self._script_sites("invalid_modes")


def _interesting(command: str, config) -> bool:
    if MODE_VAR in command:
        return True
    raw = command.encode("utf-8", "replace")
    return facts.contains_any_name(raw, tuple(config.legacy_toggles))


# --- frontend protocol -------------------------------------------------------------------


def might_match(raw: bytes, role: str, config) -> bool:
    """Both package.json rules need INTEGRATION_MODE or a legacy toggle named in the text."""
    return MODE_VAR.encode() in raw or facts.contains_any_name(raw, tuple(config.legacy_toggles))


def analyze(ctx) -> PackageJson:
    try:
        json.loads(ctx.text)
    except json.JSONDecodeError as exc:
        raise ParseFailure(f"JSON error: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise ParseFailure("JSON nesting too deep to parse") from None
    return PackageJson(ctx.text, ctx.config)
