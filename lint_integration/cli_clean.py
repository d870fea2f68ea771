"""``lint-integration clean``: delete the result cache."""

from __future__ import annotations

from pathlib import Path

import click

from lint_integration.cli import UsageError, run_guarded


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this config file instead of searching for one.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The cache to delete (default: .lint-integration-cache in the project root).",
)
@run_guarded
def clean(path: Path | None, config_file: Path | None, cache_dir: Path | None) -> int:
    """Delete the result cache of the project at PATH (default: .)."""
    from lint_integration.cache import clean as remove
    from lint_integration.cache import default_cache_dir

    if cache_dir is None:
        cache_dir = default_cache_dir(_project_root(path or Path("."), config_file))
    try:
        removed = remove(cache_dir)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{cache_dir}: cannot remove: {exc.strerror or exc}") from None
    click.echo(f"Removed {cache_dir}" if removed else f"No cache at {cache_dir}")
    return 0


def _project_root(start: Path, config_file: Path | None) -> Path:
    from lint_integration.config import find_config, load_config
    from lint_integration.discovery import find_git_root

    if config_file is not None and not config_file.is_file():
        raise UsageError(f"{config_file}: config file not found")
    source = config_file or find_config(start)
    if source is not None:
        return load_config(source).root
    start = start.resolve()
    return find_git_root(start) or Path.cwd()
