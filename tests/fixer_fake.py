"""A span-edit frontend for fixer tests: each line kind exercises one path of ``fix``.

Lines of the "fixfake" language (files ``*.fixfake``):

- ``ENV NAME``     a finding with a safe fix: the line becomes ``req NAME``
- ``UNSAFE NAME``  a finding with an unsafe fix: the line becomes ``req NAME``
- ``NOFIX``        a finding without a fix
- ``CHAIN NAME``   a safe fix to ``ENV NAME`` (a second pass is needed)
- ``GROW``         a safe fix that appends ``!`` forever (the pass bound must stop it)
- ``BREAK``        a safe fix that produces ``broken``, which the parser rejects
- ``broken``       a parse error
- ``PAIR``         two findings whose edits overlap (one is applied per pass)
"""

from __future__ import annotations

from lint_integration.findings import Applicability, Edit, Fix
from lint_integration.languages import ParseFailure
from lint_integration.registry import PARSE_ERROR, Rule

LANGUAGE = "fixfake"


def might_match(raw: bytes, role: str, config) -> bool:
    words = (b"ENV", b"UNSAFE", b"NOFIX", b"CHAIN", b"GROW", b"BREAK", b"PAIR", b"broken")
    return any(word in raw for word in words)


def analyze(ctx):
    out = []
    offset = 0
    for lineno, line in enumerate(ctx.text.splitlines(keepends=True), 1):
        body = line.rstrip("\r\n")
        words = body.split()
        if words and words[0] == "broken":
            raise ParseFailure("broken line", lineno, 1)
        if words:
            out.append((lineno, offset, body, words))
        offset += len(line)
    return out


def _fix(ctx, start: int, end: int, new: str, unsafe: bool = False) -> Fix:
    return Fix(
        Applicability.UNSAFE if unsafe else Applicability.SAFE,
        f"replace with {new!r}",
        edits=(Edit.at(ctx.text, start, end, new),),
    )


def check(analysis, ctx):
    for lineno, offset, body, words in analysis:
        end = offset + len(body)
        head = words[0]
        fix = None
        if head == "ENV" and len(words) > 1:
            fix = _fix(ctx, offset, end, f"req {words[1]}")
        elif head == "UNSAFE" and len(words) > 1:
            fix = _fix(ctx, offset, end, f"req {words[1]}", unsafe=True)
        elif head == "CHAIN" and len(words) > 1:
            fix = _fix(ctx, offset, end, f"ENV {words[1]}")
        elif head.startswith("GROW"):
            fix = _fix(ctx, end, end, "!")
        elif head == "BREAK":
            fix = _fix(ctx, offset, end, "broken")
        elif head == "PAIR":
            yield ctx.finding(
                RULE, (lineno, 1), (lineno, 3), "pair a", _fix(ctx, offset, offset + 2, "pa")
            )
            yield ctx.finding(
                RULE2, (lineno, 2), (lineno, 5), "pair b", _fix(ctx, offset + 1, end, "AIR2")
            )
            continue
        elif head != "NOFIX":  # plain text
            continue
        yield ctx.finding(RULE, (lineno, 1), (lineno, len(body) + 1), f"{head} found", fix)


RULE = Rule(
    name="fake-fix", code="LI991", summary="Fake fixable rule.", doc="", checks={LANGUAGE: check}
)
RULE2 = Rule(name="fake-fix-two", code="LI992", summary="Second fake rule.", doc="", checks={})


def install(monkeypatch) -> None:
    """Register the language with the engine and classifier for one test."""
    from lint_integration import classify, engine, languages

    monkeypatch.setitem(languages._MODULES, LANGUAGE, __name__)
    monkeypatch.setitem(classify._BY_SUFFIX, ".fixfake", LANGUAGE)
    monkeypatch.setattr(engine, "_MISSING_FRONTENDS", set())


def selection(config):
    from lint_integration.engine import RuleSelection

    sel = RuleSelection(config, ["parse-error"])
    sel.rules = {RULE.name: RULE, RULE2.name: RULE2, PARSE_ERROR.name: PARSE_ERROR}
    return sel
