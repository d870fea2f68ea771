"""Boolean conditions over environment variables, as small picklable tuples.

A condition is one of:

- ``TRUE`` / ``FALSE``; ``OPAQUE`` (something that is not about the environment)
- ``("atom", var, test, param)``: ``test`` is ``"set"`` (the variable is set and non-empty),
  ``"true"`` (its value parses as an enabled flag), ``"eq"`` (it equals a value it cannot have
  when unset: ``X == "cloud"``) or ``"cmp"`` (some other comparison);
  ``var`` is None and ``param`` names the parameter when the variable name is computed
- ``("not", c)``, ``("and", (c, ...))``, ``("or", (c, ...))``

The analysis asks which shape a skip condition has: "skipped when one of these is unset"
(rewritable to ``requires_env``), "skipped unless a flag is enabled", and so on.
"""

from __future__ import annotations

TRUE = ("T",)
FALSE = ("F",)
OPAQUE = ("opaque",)

SET, FLAG, EQ, CMP = "set", "true", "eq", "cmp"


def atom(var: str | None, test: str, param: str | None = None) -> tuple:
    return ("atom", var, test, param)


def neg(c: tuple) -> tuple:
    tag = c[0]
    if tag == "T":
        return FALSE
    if tag == "F":
        return TRUE
    if tag == "not":
        return c[1]
    if tag == "opaque":
        return OPAQUE
    return ("not", c)


def conj(items) -> tuple:
    flat: list[tuple] = []
    for c in items:
        if c[0] == "F":
            return FALSE
        if c[0] == "T":
            continue
        flat.extend(c[1] if c[0] == "and" else (c,))
    if not flat:
        return TRUE
    return flat[0] if len(flat) == 1 else ("and", tuple(flat))


def disj(items) -> tuple:
    flat: list[tuple] = []
    for c in items:
        if c[0] == "T":
            return TRUE
        if c[0] == "F":
            continue
        flat.extend(c[1] if c[0] == "or" else (c,))
    if not flat:
        return FALSE
    return flat[0] if len(flat) == 1 else ("or", tuple(flat))


def nnf(c: tuple, positive: bool = True) -> tuple:
    """Negation normal form: ``not`` only directly above atoms."""
    tag = c[0]
    if tag == "not":
        return nnf(c[1], not positive)
    if tag in ("and", "or"):
        parts = tuple(nnf(x, positive) for x in c[1])
        if positive:
            return conj(parts) if tag == "and" else disj(parts)
        return disj(parts) if tag == "and" else conj(parts)
    if tag == "atom":
        return c if positive else ("not", c)
    if tag in ("T", "F"):
        return c if positive else neg(c)
    return OPAQUE


def literals(c: tuple) -> list[tuple[tuple, bool]]:
    """The (atom, positive) literals of ``c``'s negation normal form."""
    out: list[tuple[tuple, bool]] = []

    def walk(x: tuple) -> None:
        tag = x[0]
        if tag == "atom":
            out.append((x, True))
        elif tag == "not":
            out.append((x[1], False))
        elif tag in ("and", "or"):
            for y in x[1]:
                walk(y)

    walk(nnf(c))
    return out


def has_env(c: tuple) -> bool:
    tag = c[0]
    if tag == "atom":
        return True
    if tag == "not":
        return has_env(c[1])
    if tag in ("and", "or"):
        return any(has_env(x) for x in c[1])
    return False


def is_pure(c: tuple) -> bool:
    """True when ``c`` depends on nothing but environment atoms and constants."""
    tag = c[0]
    if tag == "opaque":
        return False
    if tag == "not":
        return is_pure(c[1])
    if tag in ("and", "or"):
        return all(is_pure(x) for x in c[1])
    return True


def variables(c: tuple) -> set[str]:
    return {a[1] for a, _ in literals(c) if a[1] is not None}


def params(c: tuple) -> set[str]:
    return {a[3] for a, _ in literals(c) if a[1] is None and a[3] is not None}


def is_dynamic(c: tuple) -> bool:
    return any(a[1] is None for a, _ in literals(c))


def missing_any(c: tuple) -> bool:
    """``c`` is exactly "one of these variables is unset": an OR of negated set-atoms."""
    n = nnf(c)
    parts = n[1] if n[0] == "or" else (n,)
    return all(p[0] == "not" and p[1][0] == "atom" and p[1][2] == SET for p in parts)


def polarity(c: tuple) -> str:
    """How the skip depends on its variables: missing | falsy | present | mixed."""
    lits = literals(c)
    if not lits:
        return "mixed"
    if all(not pos and a[2] == SET for a, pos in lits):
        return "missing"
    if all(not pos and a[2] in (SET, FLAG) for a, pos in lits):
        return "falsy"
    if all(pos and a[2] in (SET, FLAG, EQ) for a, pos in lits):
        return "present"
    return "mixed"


def substitute(c: tuple, param: str, var: str) -> tuple:
    """``c`` with the computed variable named by ``param`` replaced by literal ``var``."""
    tag = c[0]
    if tag == "atom":
        if c[1] is None and c[3] == param:
            return atom(var, c[2])
        return c
    if tag == "not":
        return ("not", substitute(c[1], param, var))
    if tag in ("and", "or"):
        return (tag, tuple(substitute(x, param, var) for x in c[1]))
    return c
