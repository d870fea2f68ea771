"""Per-module summaries: which names a module defines or re-exports are env-derived.

Other files consult a module's summary across imports: a constant read from the environment
(``GRPC_URL = os.getenv("AMEIDE_GRPC_BASE_URL")``), a predicate helper
(``def _has_creds(): return all(...)``), a flag parser (``parse_flag_from_env(key)``), a skip
marker (``live_only = pytest.mark.skipif(...)``), a decorator factory or a skip helper.
Summaries are plain picklable data. A module without any environment or skip token is not
analysed at all: only its re-exports are read.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from lint_integration.languages.python import formula as F
from lint_integration.languages.python import resolver as R

# Bytes whose absence means a module defines nothing env-derived itself.
ENV_TOKENS = (b"environ", b"getenv")


@dataclass(frozen=True)
class Export:
    """One exported name. ``kind``: const | predicate | envfunc | marker | decorator | helper |
    reexport."""

    kind: str
    name: str
    path: str
    vars: tuple[str, ...] = ()
    dyn: tuple[str, ...] = ()
    raw: str | None = None
    default: str = "none"
    flag: bool = False
    boolean: bool = False
    truth: tuple = F.OPAQUE
    index: int = -1
    param: str | None = None
    qual: str | None = None


@dataclass
class ModuleSummary:
    path: str
    exports: dict[str, Export] = field(default_factory=dict)
    star: tuple[str, ...] = ()


def summarize(path, raw: bytes, project) -> ModuleSummary | None:
    """The summary of the module at ``path`` (None when it cannot be read)."""
    from lint_integration.textio import SourceError, decode

    path = str(path)
    try:
        text = decode(raw, python=True).text
    except SourceError:
        return None
    if not any(token in raw for token in ENV_TOKENS):
        return _reexports_only(path, text)
    from lint_integration.languages import ParseFailure
    from lint_integration.languages.python.analysis import Builder

    config = getattr(project, "config", None)
    if config is None:
        return None
    try:
        builder = Builder(text, Path(path), config, project, "suite", keep_tree=True)
        return builder_summary(builder)
    except (ParseFailure, RecursionError):
        return None


def _reexports_only(path: str, text: str) -> ModuleSummary | None:
    from lint_integration.languages.python.tree import quiet_parse

    try:
        module = quiet_parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    summary = ModuleSummary(path)
    star = []
    for node in module.body:
        if isinstance(node, ast.ImportFrom):
            spec = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name == "*":
                    star.append(spec)
                    continue
                qual = (
                    f"{spec}.{alias.name}"
                    if spec and not spec.endswith(".")
                    else (spec + alias.name)
                )
                if R.is_library(qual):
                    continue
                local = alias.asname or alias.name
                summary.exports[local] = Export("reexport", local, path, qual=qual)
    summary.star = tuple(star)
    return summary


def builder_summary(builder) -> ModuleSummary:
    """Exports of an analysed module: env constants, predicates, flag parsers, re-exports.

    Evaluation stays within the module, except that a plain alias of an imported name
    (``URL = helpers.URL``) is followed, so a chain of re-exports resolves without summarizing
    the whole import graph.
    """
    from lint_integration.languages.python.values import ENV, MARK

    tree, ev = builder.tree, builder.ev
    builder.find_reads()
    path = str(builder.path)
    summary = ModuleSummary(path, star=tuple(tree.module_scope.star_imports))
    for name, bindings in tree.module_scope.bindings.items():
        usable = [b for b in bindings if b.kind != "augment"]
        if not usable:
            continue
        b = usable[-1]
        export = None
        if b.kind == "import" and b.qual and not R.is_library(b.qual):
            export = Export("reexport", name, path, qual=b.qual)
        elif b.kind == "assign":
            # Every assignment counts, as in the module's own analysis: ``DSN = os.environ.get(
            # "X")`` then ``if not DSN: DSN = default`` exports the env value, not the default.
            assigns = usable if all(x.kind == "assign" for x in usable) else [b]
            val = ev.bindings_val(assigns, False)
            if val.kind not in (ENV, MARK) and any(
                isinstance(x.value, (ast.Name, ast.Attribute)) for x in assigns
            ):
                val = ev.bindings_val(assigns, True)
            if val.kind == MARK and _env_mark(ev, val.node):
                export = Export("marker", name, path)
            elif val.kind == ENV and (val.vars or val.dyn):
                export = Export(
                    "const",
                    name,
                    path,
                    vars=tuple(sorted(val.vars)),
                    dyn=tuple(sorted(val.dyn)),
                    raw=val.raw,
                    default=val.default,
                    flag=val.flag,
                    boolean=val.boolean,
                    truth=val.truth,
                )
        elif b.kind == "func":
            info = ev.func_info(b.node)
            if _returns_env_mark(ev, b.node):
                export = Export("decorator", name, path)
            elif info.env_param is not None:
                export = Export(
                    "envfunc",
                    name,
                    path,
                    index=info.env_param[1],
                    param=info.env_param[0],
                    flag=info.flag,
                )
            elif info.returns is not None:
                ret = info.returns
                export = Export(
                    "predicate",
                    name,
                    path,
                    vars=tuple(sorted(ret.vars)),
                    raw=ret.raw,
                    default=ret.default,
                    boolean=ret.boolean,
                    truth=ret.truth,
                )
        if export is not None:
            summary.exports[name] = export
    return summary


def _env_mark(ev, call) -> bool:
    """A ``skipif`` / ``skipIf`` / ``skipUnless`` call whose condition reads the environment."""
    from lint_integration.languages.python.values import ENV

    if not isinstance(call, ast.Call):
        return False
    args = [*call.args, *(k.value for k in call.keywords if k.arg == "condition")]
    return any(ev.condition(arg).kind == ENV for arg in args)


def _returns_env_mark(ev, func) -> bool:
    """A decorator or factory: the function returns (or applies) an env-conditional mark."""
    from lint_integration.languages.python.values import MARK

    inner = ev.tree.function_scopes.get(func)
    for ret in ev.tree.returns:
        if ret.value is None or ev.tree.enclosing_function(ret) is not func:
            continue
        val = ev.eval(ret.value, inner, follow=False)
        if val.kind == MARK and _env_mark(ev, val.node):
            return True
    return False


def export_val(project, path, name: str, depth: int = 0):
    """The ``Val`` of ``name`` imported from the module at ``path`` (None: nothing known)."""
    from lint_integration.languages.python.values import EXPORT, MODREF, Val, env_val

    if depth > 6 or project is None:
        return None
    summary = project.summary("python", Path(path))
    if summary is None:
        return None
    export = summary.exports.get(name)
    if export is None:
        for spec in summary.star:
            if R.is_library(spec):
                continue
            target = R.module_path(path, spec)
            if target is not None:
                val = export_val(project, target, name, depth + 1)
                if val is not None:
                    return val
        return None
    if export.kind == "reexport":
        found = R.resolve_symbol(path, export.qual or "")
        if found is None:
            return None
        target, inner = found
        if inner is None:
            return Val(MODREF, path=target)
        return export_val(project, target, inner, depth + 1)
    if export.kind == "const":
        return env_val(
            vars=export.vars,
            dyn=export.dyn,
            raw=export.raw,
            default=export.default,
            flag=export.flag,
            boolean=export.boolean,
            truth=export.truth,
        )
    return Val(EXPORT, info=export)


def call_export(export: Export, args: list):
    """The value of calling an imported env function, predicate or factory."""
    from lint_integration.languages.python.values import LIT, MARK, Val, env_val, raw_truth

    if export.kind == "envfunc":
        if 0 <= export.index < len(args):
            key = args[export.index]
            if key.kind == LIT and isinstance(key.lit, str):
                var = key.lit
                return env_val(
                    vars=[var],
                    raw=None if export.flag else var,
                    flag=export.flag,
                    truth=raw_truth(var, "none", export.flag),
                )
        return None
    if export.kind == "predicate":
        return env_val(
            vars=export.vars,
            raw=export.raw,
            default=export.default,
            boolean=export.boolean,
            truth=export.truth,
            direct=False,
            via=(export.name,),
        )
    if export.kind in ("marker", "decorator"):
        return Val(MARK, mark="export")
    return None
