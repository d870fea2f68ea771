"""``lint-integration init``: write the shared helper, its pytest plugin and mock defaults.

An existing mock defaults file is the repo's own data: it is kept, even with ``--force``.

Exit codes: 0 when every file was written or is already up to date; 1 when a helper, plugin or
runner file exists with other content and ``--force`` was not given (that file is kept, the
others are still written); 2 on a usage error or when a file cannot be written.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import click

from lint_integration.cli import UsageError, run_guarded

HELPER_TEMPLATE = "integration_mode.py"
PLUGIN_TEMPLATE = "integration_mode_plugin.py"
ENV_TEMPLATE = ".env.integration"
RUNNER_TEMPLATE = "run_integration_tests.sh"
DEFAULT_RUNNER = "run_integration_tests.sh"
_BESIDE_HELPER = "\0beside-helper"
PLUGIN_STEM = "integration_mode_plugin"


@dataclass
class Planned:
    """One file ``init`` wants to write."""

    path: Path
    content: bytes
    what: str
    mode: int = 0o644
    user_data: bool = False  # kept silently when it exists (the repo's own mock defaults)


def template(name: str) -> str:
    return resources.files("lint_integration.templates").joinpath(name).read_text("utf-8")


def has_template(name: str) -> bool:
    return resources.files("lint_integration.templates").joinpath(name).is_file()


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def python_module_for(helper: Path, configured: str) -> str:
    """The import name of the helper: the configured one when it matches the file name."""
    if configured.rsplit(".", 1)[-1] == helper.stem:
        return configured
    return helper.stem


def import_root(helper: Path, module: str) -> Path:
    """The directory that must be on sys.path for ``module`` (the helper) to import."""
    root = helper.parent
    for _ in range(module.count(".")):
        root = root.parent
    return root


def render_helper(env_file: str) -> str:
    text = template(HELPER_TEMPLATE)
    if env_file != ".env.integration":
        text = text.replace(
            'ENV_FILE_NAME = ".env.integration"', f"ENV_FILE_NAME = {env_file!r}", 1
        )
    return text


def render_plugin(module: str) -> str:
    text = template(PLUGIN_TEMPLATE)
    if module != "integration_mode":
        text = text.replace(
            "import integration_mode\n", f"import {module} as integration_mode\n", 1
        )
    return text


def render_runner(helper_dir: str, env_file: str) -> str:
    text = template(RUNNER_TEMPLATE)
    return text.replace("@HELPER_DIR@", helper_dir).replace("@ENV_FILE@", env_file)


def plan(
    root: Path, helper: Path, module: str, env_file: Path, runner: Path | None
) -> list[Planned]:
    env_rel = _relative(env_file, root)
    files = [
        Planned(helper, render_helper(env_rel).encode(), "the shared helper"),
        Planned(
            helper.with_name(f"{PLUGIN_STEM}.py"),
            render_plugin(module).encode(),
            "its pytest plugin",
        ),
        Planned(env_file, template(ENV_TEMPLATE).encode(), "mock defaults", user_data=True),
    ]
    if runner is not None:
        files.append(
            Planned(
                runner,
                render_runner(_relative(import_root(helper, module), root), env_rel).encode(),
                "the runner script",
                mode=0o755,
            )
        )
    return files


def create(path: Path, data: bytes, mode: int, replace: bool) -> None:
    """Write a new file atomically; without ``replace`` never clobber one that appeared."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".li-tmp", dir=path.parent)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fchmod(fd, mode & ~_umask())
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails with FileExistsError instead of overwriting
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def config_snippet(config, module: str, helper_rel: str, env_rel: str) -> str:
    in_pyproject = config.source is None or config.source.name == "pyproject.toml"
    table = "tool.lint-integration.helper" if in_pyproject else "helper"
    return f'[{table}]\npython-module = "{module}"\npath = "{helper_rel}"\nenv-file = "{env_rel}"\n'


@click.command()
@click.option(
    "--helper-path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write the helper (default: [tool.lint-integration.helper] path).",
)
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
@click.option(
    "--runner",
    "runner",
    is_flag=False,
    flag_value=_BESIDE_HELPER,
    default=None,
    metavar="[PATH]",
    help="Also write a runner script (default: run_integration_tests.sh beside the helper).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of searching for one.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks and more detail.")
@run_guarded
def init(helper_path, force, runner, config_file, verbose) -> int:
    """Write the shared integration-mode helper, its pytest plugin and .env.integration."""
    from lint_integration.config import find_config, load_config
    from lint_integration.discovery import find_git_root

    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{config_file}: config file not found")
    source = config_file or find_config(Path.cwd())
    if source is not None:
        config = load_config(source)
    else:
        config = load_config(None, find_git_root(Path.cwd().resolve()) or Path.cwd())
    root = config.root
    helper = Path(os.path.abspath(helper_path or root / config.helper["path"]))
    if helper.suffix != ".py":
        raise UsageError(f"{helper_path or helper}: the helper must be a .py file")
    module = python_module_for(helper, config.helper["python-module"])
    env_file = Path(os.path.abspath(root / config.helper["env-file"]))
    runner_path = None
    if runner is not None:
        if not has_template(RUNNER_TEMPLATE):
            raise UsageError("this installation has no runner template")
        chosen = helper.parent / DEFAULT_RUNNER if runner == _BESIDE_HELPER else Path(runner)
        runner_path = Path(os.path.abspath(chosen))

    kept_conflicts = 0
    for item in plan(root, helper, module, env_file, runner_path):
        shown = _relative(item.path, Path.cwd())
        exists = item.path.exists() or item.path.is_symlink()
        if exists and item.path.is_dir():
            raise UsageError(f"{shown}: is a directory")
        if exists:
            try:
                same = item.path.read_bytes() == item.content
            except OSError:
                same = False
            if same:
                click.echo(f"Up to date: {shown} ({item.what})")
                continue
            if item.user_data:
                click.echo(f"Kept: {shown} (existing {item.what}, never overwritten)")
                continue
            if not force:
                kept_conflicts += 1
                click.echo(
                    f"Kept: {shown} exists with other content; --force overwrites it",
                    err=True,
                )
                continue
        try:
            create(item.path, item.content, item.mode, replace=exists)
        except FileExistsError:
            kept_conflicts += 1
            click.echo(f"Kept: {shown} appeared while writing; --force overwrites it", err=True)
            continue
        except OSError as exc:
            raise UsageError(f"{shown}: cannot write: {exc.strerror or exc}") from None
        click.echo(f"{'Overwrote' if exists else 'Wrote'}: {shown} ({item.what})")

    helper_rel = _relative(helper, root)
    env_rel = _relative(env_file, root)
    path_entry = _relative(import_root(helper, module), root)
    plugin_module = f"{module.rpartition('.')[0]}.{PLUGIN_STEM}".lstrip(".")
    click.echo("\nPoint the codemods at the helper (in your lint-integration config):\n")
    click.echo(_indent(config_snippet(config, module, helper_rel, env_rel)))
    click.echo("Enable the pytest plugin (pyproject.toml):\n")
    click.echo(
        _indent(
            "[tool.pytest.ini_options]\n"
            f'pythonpath = ["{path_entry}"]\n'
            f'addopts = "-p {plugin_module}"\n'
        )
    )
    click.echo(f'or put `pytest_plugins = ["{plugin_module}"]` in the root conftest.py.\n')
    click.echo(
        "Then migrate the suites: lint-integration fix --diff, and lint-integration fix to apply."
    )
    return 1 if kept_conflicts else 0


def _indent(text: str) -> str:
    return "".join(f"    {line}\n" if line else "\n" for line in text.splitlines())
