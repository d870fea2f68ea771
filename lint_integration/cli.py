"""The command line: ``check``, ``rules``, ``explain`` (and the commands registered below).

Heavy modules (LibCST, tree-sitter) are imported only when a file needs them, so ``--help`` and
runs with nothing to parse stay fast.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from lint_integration import __version__

ISSUES_URL = "https://github.com/platform/lint-integration/issues"

# Python's regex compiler warns about odd brackets ("Possible nested set") in globs taken from
# .gitignore files and the config; those globs are matched as git does, so the warning is noise.
warnings.filterwarnings("ignore", message="Possible ", category=FutureWarning)
# Parsing scanned code with Python's own parser warns about what that code does ("invalid escape
# sequence", "'int' object is not callable"); that is the scanned code's business, not a report.
warnings.filterwarnings("ignore", category=SyntaxWarning)
OUTPUT_FORMATS = ("text", "concise", "json", "github", "sarif", "junit", "gitlab")


class UsageError(click.ClickException):
    """A usage or configuration error: one line, exit 2."""

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"lint-integration: error: {self.format_message()}", err=True)


def run_guarded(fn: Callable[..., int]) -> Callable[..., None]:
    """Turn config errors into one line and exit 2, and internal errors into a short report."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from lint_integration.config import ConfigError

        verbose = kwargs.get("verbose", False)
        try:
            code = fn(*args, **kwargs)
        except ConfigError as exc:
            raise UsageError(str(exc)) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("lint-integration: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(1)
        except Exception as exc:  # the last line of defence: never a bare traceback
            if verbose:
                import traceback

                traceback.print_exc()
            where = "" if verbose else " (run with --verbose for the traceback)"
            # A FileCrash (engine) already reads "Error: message (while checking path)".
            what = str(exc) if type(exc).__name__ == "FileCrash" else f"{type(exc).__name__}: {exc}"
            click.echo(
                f"lint-integration: internal error: {what}{where}; "
                f"please report it at {ISSUES_URL}",
                err=True,
            )
            sys.exit(2)
        sys.exit(code)

    return wrapper


def common_options(fn):
    """Options shared by every command that lints files."""
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--config",
            "config_file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Use this config file instead of searching for one.",
        ),
        click.option("--select", multiple=True, help="Rules to run (name, code or prefix)."),
        click.option("--ignore", multiple=True, help="Rules to skip (name, code or prefix)."),
        click.option("--rule", "rule", multiple=True, help="Run only this rule (repeatable)."),
        click.option(
            "--force-exclude",
            is_flag=True,
            help="Apply excludes even to files named on the command line (for pre-commit).",
        ),
        click.option("--verbose", "-v", is_flag=True, help="Show tracebacks and more detail."),
        *run_options,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


_RUN_META = "lint_integration.run_options"


def _remember(ctx: click.Context, param: click.Parameter, value):
    """Keep a run option in the context, for ``prepare`` (commands need no extra parameter)."""
    ctx.meta.setdefault(_RUN_META, {})[param.name] = value
    return value


run_options = [
    click.option(
        "--since",
        metavar="REF",
        expose_value=False,
        callback=_remember,
        help="Only files changed since this git ref, plus Python modules that import them.",
    ),
    click.option(
        "--no-cache",
        is_flag=True,
        expose_value=False,
        callback=_remember,
        help="Neither read nor write the result cache.",
    ),
    click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        expose_value=False,
        callback=_remember,
        help="Where to keep the cache (default: .lint-integration-cache in the project root).",
    ),
    click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        expose_value=False,
        callback=_remember,
        help="Worker processes for parsing (default: one per idle CPU; 1 disables the pool).",
    ),
]


@dataclass
class Prepared:
    """A resolved invocation: config, files and rules."""

    config: object
    files: list
    selection: object
    notices: list[str]
    options: object = None  # engine.RunOptions: cache, cache dir, jobs


def _flat(groups) -> tuple[str, ...]:
    return tuple(item for group in groups for item in group)


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for v in values for part in v.split(",") if part.strip()]


def prepare(
    paths: tuple[Path, ...],
    config_file: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    rule: tuple[str, ...],
    force_exclude: bool,
) -> Prepared:
    """Load config, validate rule selectors, and discover files."""
    from lint_integration import registry
    from lint_integration.config import find_config, load_config
    from lint_integration.discovery import discover, find_git_root
    from lint_integration.engine import RuleSelection, RunOptions

    targets = list(paths) or [Path(".")]
    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{config_file}: config file not found")
    source = config_file or find_config(targets[0])
    if source is None:
        first = targets[0].resolve()
        start = first if first.is_dir() else first.parent
        root = find_git_root(start) or Path.cwd()
        config = load_config(None, root)
    else:
        config = load_config(source)
    selectors = _split(rule) or _split(select)
    ignores = _split(ignore)
    from_config = (*config.select, *config.ignore, *_flat(config.per_file_ignores.values()))
    for sel in (*selectors, *ignores, *from_config):
        if not registry.lookup(sel):
            import difflib

            names = [r.name for r in registry.all_rules()]
            hint = difflib.get_close_matches(sel, names, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            where = f"{config.source}: " if sel in from_config else ""
            raise UsageError(f"{where}unknown rule selector '{sel}'{suggestion}")
    selection = RuleSelection(config, selectors, ignores)
    meta = _run_meta()
    options = RunOptions(
        cache=not meta.get("no_cache"),
        cache_dir=meta["cache_dir"].resolve() if meta.get("cache_dir") else None,
        jobs=meta.get("jobs"),
    )
    manifest = _manifest(targets, config, selection, force_exclude, options, meta)
    if manifest is not None and manifest.load():  # nothing changed since the last check
        options.manifest = manifest
        return Prepared(config, manifest.files, selection, manifest.notices, options)
    spread = _spread(config, selection, options, meta)
    found = discover(targets, config, force_exclude, spread)
    options.spread = spread
    files = found.files
    if meta.get("since"):
        from lint_integration.since import SinceError, select_since

        try:
            files = select_since(files, meta["since"], targets[0].resolve(), config.source)
        except SinceError as exc:
            raise UsageError(str(exc)) from None
    if manifest is not None:
        manifest.starts = [str(_start_dir(targets[0]))]
        manifest.dirs = list(found.dirs)
        manifest.paths = {*found.ignore_files, *(os.path.abspath(t) for t in targets)}
        if config.source is not None:
            manifest.paths.add(str(config.source))
        options.manifest = manifest
    return Prepared(config, files, selection, found.notices, options)


def _spread(config, selection, options, meta):
    """A ``check`` of a big tree hands the walk over to several processes, which check what
    they find; a run that narrows the list afterwards (``--since``) or checks it in rounds
    (``fix``) spreads the list once it is known."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.info_name != "check" or meta.get("since"):
        return None
    from lint_integration.parallel import Spread

    return Spread(config, selection, options, os.getcwd())


def _start_dir(target: Path) -> Path:
    first = target.resolve()
    return first if first.is_dir() else first.parent


def _manifest(targets, config, selection, force_exclude, options, meta):
    """The warm-run manifest for a plain ``check`` with the cache on (see manifest.py)."""
    ctx = click.get_current_context(silent=True)
    if not options.cache or meta.get("since") or ctx is None or ctx.info_name != "check":
        return None
    from lint_integration.cache import Cache
    from lint_integration.manifest import Manifest, manifest_parts

    cache = Cache.for_run(config, selection, options.cache_dir)
    parts = manifest_parts(os.getcwd(), targets, config, selection, force_exclude)
    return Manifest.for_run(cache, parts)


def _run_meta() -> dict:
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_RUN_META, {}) if ctx is not None else {}


def emit_notices(notices: list[str]) -> None:
    for notice in notices:
        click.echo(f"lint-integration: {notice}", err=True)


def report_crashes(result, verbose: bool) -> bool:
    """One line per file a bug stopped us from checking (the traceback too with ``--verbose``);
    True when there was any: the command then exits 2 after reporting everything else."""
    crashes = result.crashes
    where = "" if verbose else " (run with --verbose for the traceback)"
    for crashed in crashes:
        if verbose and crashed.crash_details:
            click.echo(crashed.crash_details.rstrip("\n"), err=True)
        click.echo(
            f"lint-integration: internal error: {crashed.crash}{where}; "
            f"please report it at {ISSUES_URL}",
            err=True,
        )
    return bool(crashes)


class _Commands(click.Group):
    """The command group; ``fix``, ``init``, ``clean`` and ``inventory`` live in modules of their
    own, imported only when one of them runs or help lists them (a ``check`` needs none)."""

    LAZY = {
        "fix": "lint_integration.cli_fix",
        "init": "lint_integration.cli_init",
        "clean": "lint_integration.cli_clean",
        "inventory": "lint_integration.cli_inventory",
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = self.LAZY.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            import importlib

            self.add_command(getattr(importlib.import_module(module), cmd_name))
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lint-integration")
def main() -> None:
    """Lint integration suites, runners and CI config against the INTEGRATION_MODE contract."""
    import gc

    # A run makes a few objects per file walked (its record, its result), almost none of them
    # in a cycle: the default collection every 700 allocations scans them again and again for
    # nothing (about a tenth of a large tree's run). Cycles are still collected, less often.
    gc.set_threshold(100_000, 50, 100)


@main.command()
@common_options
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default="text",
    show_default=True,
    help="How to print findings.",
)
@click.option("--show-source/--no-show-source", default=None, help="Show the offending line.")
@click.option("--show-fixes", is_flag=True, help="Show what each fix would do.")
@click.option("--show-suppressed", is_flag=True, help="List suppressed findings too.")
@click.option("--statistics", is_flag=True, help="Count findings per rule.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings not recorded in this baseline file.",
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Record the current findings in this baseline file and exit 0.",
)
@run_guarded
def check(
    paths,
    config_file,
    select,
    ignore,
    rule,
    force_exclude,
    verbose,
    output_format,
    show_source,
    show_fixes,
    show_suppressed,
    statistics,
    exit_zero,
    quiet,
    output_file,
    baseline,
    write_baseline,
) -> int:
    """Report every violation of the integration-mode contract under PATHS (default: .)."""
    from lint_integration import cli_report
    from lint_integration.engine import run
    from lint_integration.report import formatter

    prepared = prepare(paths, config_file, select, ignore, rule, force_exclude)
    known = cli_report.load_baseline_option(baseline)
    result = run(
        prepared.files, prepared.config, prepared.selection, prepared.notices, prepared.options
    )
    if write_baseline is not None:
        return cli_report.write_baseline_option(write_baseline, prepared, result)
    if known is not None:
        result = cli_report.apply_baseline_option(known, prepared, result)
    emit_notices(result.notices)
    options = {
        "root": cli_report.report_root_for(prepared.config),
        "show_source": (sys.stdout.isatty() and output_file is None)
        if show_source is None
        else show_source,
        "show_fixes": show_fixes,
        "show_suppressed": show_suppressed,
        "statistics": statistics,
        "quiet": quiet,
    }
    output = formatter(output_format)(result, options)
    if output_file is not None:
        cli_report.write_report(output_file, output)
    elif output:
        click.echo(output, nl=False)
    if report_crashes(result, verbose):
        return 2
    if result.findings and not exit_zero:
        return 1
    return 0


@main.command("rules")
@click.option("--output-format", type=click.Choice(("text", "json")), default="text")
def rules_command(output_format: str) -> None:
    """List the rules: name, code, fixable, languages."""
    import json

    from lint_integration import registry

    rows = [
        (r.code, r.name, "yes" if r.fixable else "no", ", ".join(r.languages) or "-", r.summary)
        for r in registry.all_rules()
    ]
    if output_format == "json":
        keys = ("code", "name", "fixable", "languages", "summary")
        click.echo(json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=2))
        return
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("CODE", "NAME", "FIXABLE", "LANGUAGES")
    widths = [max(w, len(h)) for w, h in zip(widths, header, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    click.echo(fmt.format(*header).rstrip())
    for row in rows:
        click.echo(fmt.format(*row[:4]).rstrip())


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Show the documentation of a rule, by name or code."""
    from lint_integration import registry

    matches = [r for r in registry.all_rules() if rule.lower() in (r.name, r.code.lower())]
    if not matches:
        import difflib

        names = [r.name for r in registry.all_rules()]
        hint = difflib.get_close_matches(rule, names, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise UsageError(f"unknown rule '{rule}'{suggestion}; see `lint-integration rules`")
    r = matches[0]
    click.echo(f"# {r.name} ({r.code})\n\n{r.summary}\n\nFixable: {'yes' if r.fixable else 'no'}")
    click.echo(f"Languages: {', '.join(r.languages) or '-'}\n")
    click.echo(r.doc.rstrip())
