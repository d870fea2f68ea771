"""The benchmark's table: medians, and how far each ratio moves from one round to the next."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _benchmark_module():
    spec = importlib.util.spec_from_file_location("benchmark_run", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _results(bench, five_times):
    keys = ["ruff_cold", "ruff_warm", "li_cold", "li_cold_j1", "li_warm", "li_5x", "ruff_5x"]
    keys += ["li_fix", "import", "help"]
    results = {k: bench.Measure(k, [1.0, 1.0, 1.0], [1024], in_rounds=True) for k in keys}
    results["li_cold"].times = [0.40, 0.50, 0.40]
    results["li_5x"].times = five_times
    return results


def test_the_scaling_line_shows_each_rounds_ratio(capsys):
    bench = _benchmark_module()
    # Medians 0.40 and 0.58 (1.45x, under the goal), but one round ran at 1.60x.
    results = _results(bench, [0.58, 0.55, 0.64])
    args = types.SimpleNamespace(runs=3)
    bench.print_table(results, 10, 1, 50, args)
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("| 5x tree / 1x tree"))
    assert line == "| 5x tree / 1x tree (cold) | 1.45x ok | 1.10-1.60x | <= 1.5x |"


def test_fixit_runs_outside_the_rounds_so_it_has_no_per_round_ratio(capsys):
    bench = _benchmark_module()
    results = _results(bench, [0.58, 0.55, 0.64])
    results["fixit"] = bench.Measure("fixit", times=[40.0, 41.0, 42.0], scale=4.0)
    bench.print_table(results, 10, 1, 50, types.SimpleNamespace(runs=3))
    line = next(
        x for x in capsys.readouterr().out.splitlines() if x.startswith("| Fixit / cold check")
    )
    assert line == "| Fixit / cold check | 410.00x ok | n/a | >= 100x |"
