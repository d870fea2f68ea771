#!/usr/bin/env python3
"""Benchmark lint-integration against Ruff and Fixit on Django 5.2's ``tests/`` tree.

    pip install -e '.[bench]'
    python benchmarks/run.py                # everything, Fixit on a sample of files
    python benchmarks/run.py --fixit-full   # Fixit on the whole tree, once (about 8 minutes)

The corpus is Django 5.2's source distribution from the package index (``pip download``), kept
in ``benchmarks/.corpus/``. Each tree is its own git repository with an empty lint-integration
and Ruff config, so nothing from this repository's settings applies. Commands run in rounds
(each command once per round, ``--runs`` rounds) so that a busy machine slows them alike; the
table shows medians, the ratios the targets are stated in, and the peak memory of the whole
process tree (proportional set sizes, sampled).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus"
TREES = CORPUS / "trees"
ENV_TOKENS = (b"environ", b"getenv")
FIXIT_MINUTES_HINT = "about 8 minutes on 2 cores"
# Tools run with the normal bytecode cache, as an installed tool would.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


@dataclass
class Spec:
    """One command to measure."""

    key: str
    label: str
    cmd: list[str]
    cwd: Path
    prepare: Any = None  # returns the directory to run in (a fresh copy), when set
    sample_tree: bool = True


@dataclass
class Measure:
    label: str
    times: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)  # largest single process
    tree_kb: int | None = None  # sampled whole process tree
    note: str = ""
    scale: float = 1.0  # extrapolation factor applied to the median
    in_rounds: bool = False  # ran once per round with the others (Fixit runs on its own)

    @property
    def median(self) -> float:
        return statistics.median(self.times) * self.scale

    @property
    def peak_mb(self) -> float:
        """The process tree's sampled peak; the largest single process when not sampled."""
        if self.tree_kb:
            return self.tree_kb / 1024
        return (max(self.rss_kb) if self.rss_kb else 0) / 1024


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def tool(name: str) -> list[str]:
    """An installed command next to this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    if found is None:
        sys.exit(f"benchmarks: {name} is not installed (pip install -e '.[bench]')")
    return [found]


REINSTALL = ("--force-reinstall",)


def installed_copy() -> list[str]:
    """lint-integration as users install it (``pip install '.[fast]'``, as the README's quick
    start does), in a private virtualenv under ``benchmarks/.work``: an editable install puts
    an import hook in front of every start (about 10 ms), which no user pays."""
    venv = HERE / ".work" / "venv"
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    project = f"{HERE.parent}[fast]"
    if not python.exists():
        log(f"installing lint-integration into {venv} (once)")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # Its dependencies as this checkout names them now, then this checkout as it is now.
    pip = [str(python), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, project], check=True)
    subprocess.run([*pip, "--no-deps", *REINSTALL, project], check=True)
    return [str(python.parent / "lint-integration")]


# -- corpus ----------------------------------------------------------------------------------


def django_sdist(version: str) -> Path:
    CORPUS.mkdir(parents=True, exist_ok=True)
    found = sorted(CORPUS.glob("[Dd]jango-5.2*.tar.gz"))
    if not found:
        log(f"downloading Django {version} sdist into {CORPUS} ...")
        subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--no-binary", ":all:", f"django=={version}", "-d", str(CORPUS)),
            ],
            check=True,
        )
        found = sorted(CORPUS.glob("[Dd]jango-5.2*.tar.gz"))
    if not found:
        sys.exit("benchmarks: pip did not download a Django 5.2 sdist")
    return found[-1]


def extract_tests(sdist: Path, dest: Path) -> None:
    """Extract only ``<top>/tests/`` of the sdist into ``dest/tests``."""
    with tarfile.open(sdist) as tar:
        members = []
        for member in tar.getmembers():
            parts = member.name.split("/", 2)
            if len(parts) == 3 and parts[1] == "tests" and (member.isfile() or member.isdir()):
                member.name = "tests/" + parts[2]
                members.append(member)
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(dest, members=members, **kwargs)


def init_tree(root: Path) -> None:
    """Make ``root`` a standalone project: its own git repo, default configs."""
    (root / "lint-integration.toml").write_text("# defaults\n")
    (root / "ruff.toml").write_text("# defaults\n")
    (root / ".gitignore").write_text(".lint-integration-cache/\n.ruff_cache/\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)


def has_env_token(path: Path) -> bool:
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    return any(token in raw for token in ENV_TOKENS)


def build_trees(version: str) -> tuple[Path, Path]:
    base, big = TREES / "django", TREES / "django-5x"
    if (base / "tests").is_dir() and (big / "tests").is_dir():
        return base, big
    shutil.rmtree(TREES, ignore_errors=True)
    sdist = django_sdist(version)
    base.mkdir(parents=True)
    extract_tests(sdist, base)
    init_tree(base)
    # The 5x tree: the same tree plus four copies of every file without an env token.
    big.mkdir(parents=True)
    shutil.copytree(base / "tests", big / "tests", symlinks=True)
    for i in range(1, 5):
        for path in sorted((base / "tests").rglob("*")):
            if path.is_file() and not path.is_symlink() and not has_env_token(path):
                target = big / f"tests_copy{i}" / path.relative_to(base / "tests")
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    init_tree(big)
    return base, big


def fresh_copy(tree: Path) -> Path:
    # In the system's temp directory: a new directory beside the trees would change a listing
    # the warm runs depend on (module resolution looks up the directory tree).
    target = Path(tempfile.mkdtemp(prefix="li-bench-")) / tree.name
    shutil.copytree(tree, target, symlinks=True, ignore=shutil.ignore_patterns(".*cache"))
    # Written out now, before the clock starts: else the kernel writes the copy back about
    # half a minute later, in the middle of whichever command is being timed then.
    if hasattr(os, "sync"):
        os.sync()
    return target


# -- measuring -------------------------------------------------------------------------------


def run_once(cmd: list[str], cwd: Path, ok: tuple[int, ...], env=None) -> tuple[float, int]:
    """Wall time and peak RSS (KiB, largest process) of one command."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, env=env or CHILD_ENV
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            sys.exit(
                f"benchmarks: {' '.join(cmd)} exited {proc.returncode} in {cwd}:\n"
                + err.read().decode(errors="replace")[-2000:]
            )
    return elapsed, int(usage.ru_maxrss)


def tree_peak(cmd: list[str], cwd: Path, env=None) -> int | None:
    """Peak memory (KiB) of the command's process tree, sampled every 10 ms (psutil).

    Each process counts its proportional set size where the OS reports it (Linux): pages that
    forked workers share with their parent count once, not once per process.
    """
    try:
        import psutil
    except ImportError:
        return None
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env or CHILD_ENV
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                for p in [root, *root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += _footprint(p)
            except psutil.Error:
                break
            peak = max(peak, total)
            time.sleep(0.01)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    proc.wait()
    done.set()
    thread.join()
    return peak // 1024


def _footprint(process) -> int:
    try:
        return process.memory_full_info().pss
    except (AttributeError, OSError):
        return process.memory_info().rss
    except Exception:  # psutil.AccessDenied and friends: fall back to the resident set
        return process.memory_info().rss


def bench(
    label: str,
    cmd: list[str],
    cwd: Path,
    runs: int,
    ok=(0, 1),
    prepare=None,
    env=None,
    sample_tree: bool = True,
) -> Measure:
    m = Measure(label)
    for _ in range(runs):
        where = prepare() if prepare else cwd
        t, rss = run_once(cmd, where, ok, env)
        m.times.append(t)
        m.rss_kb.append(rss)
    if sample_tree:
        m.tree_kb = tree_peak(cmd, prepare() if prepare else cwd, env)
    log(f"  {label}: median {statistics.median(m.times):.3f} s over {runs} runs")
    return m


def count_files(root: Path) -> tuple[int, int, int]:
    py = [p for p in root.rglob("*.py") if ".lint-integration-cache" not in p.parts]
    env = sum(1 for p in py if has_env_token(p))
    return len(py), env, sum(p.stat().st_size for p in py)


# -- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (default 5)")
    parser.add_argument("--django", default="5.2.*", help="Django version spec (default 5.2.*)")
    parser.add_argument(
        "--fixit-sample",
        type=int,
        default=100,
        metavar="N",
        help="run Fixit on N files spread over the tree and extrapolate by size (default 100)",
    )
    parser.add_argument("--fixit-runs", type=int, default=3, help="Fixit runs (default 3)")
    parser.add_argument(
        "--fixit-full",
        action="store_true",
        help=f"Fixit on the whole tree, once ({FIXIT_MINUTES_HINT})",
    )
    parser.add_argument("--no-fixit", action="store_true", help="skip Fixit")
    parser.add_argument("--json", type=Path, help="also write the measurements as JSON here")
    parser.add_argument(
        "--this-environment",
        action="store_true",
        help="measure the lint-integration installed next to this interpreter (an editable "
        "install adds its import hook to every start) instead of a regular install of this "
        "checkout in benchmarks/.work/venv",
    )
    args = parser.parse_args()

    base, big = build_trees(args.django)
    li = tool("lint-integration") if args.this_environment else installed_copy()
    li_python = sys.executable if args.this_environment else str(Path(li[0]).parent / "python")
    ruff = tool("ruff")
    n_py, n_env, size = count_files(base / "tests")
    n_py5, _, _ = count_files(big)
    log(f"corpus: {n_py} Python files ({n_env} with an env token); 5x tree: {n_py5} files")

    li_check = [*li, "check", "tests", "--exit-zero", "--output-format", "concise"]
    ruff_check = [*ruff, "check", "--select", "E,F", "--exit-zero", "--quiet", "tests"]
    big_check = [*li, "check", "tests", "tests_copy1", "tests_copy2", "tests_copy3", "tests_copy4"]
    big_check += ["--exit-zero", "--output-format", "concise", "--no-cache"]
    copies: list[Path] = []

    def fresh() -> Path:
        copy = fresh_copy(base)
        copies.append(copy.parent)
        return copy

    specs = [
        Spec(
            "import",
            "python -c 'import lint_integration.cli'",
            [li_python, "-c", "import lint_integration.cli"],
            base,
            sample_tree=False,
        ),
        Spec("help", "lint-integration --help", [*li, "--help"], base, sample_tree=False),
        Spec("ruff_cold", "ruff cold", [*ruff_check, "--no-cache"], base),
        Spec("ruff_warm", "ruff warm", ruff_check, base),
        Spec("li_cold", "lint-integration cold", [*li_check, "--no-cache"], base),
        Spec(
            "li_cold_j1",
            "lint-integration cold, --jobs 1",
            [*li_check, "--no-cache", "--jobs", "1"],
            base,
        ),
        Spec("li_warm", "lint-integration warm", li_check, base),
        Spec("li_5x", "lint-integration cold, 5x tree", big_check, big),
        Spec(
            "ruff_5x",
            "ruff cold, 5x tree",
            [*ruff, "check", "--select", "E,F", "--exit-zero", "--quiet", "--no-cache", "."],
            big,
        ),
        Spec(
            "li_fix",
            "lint-integration fix (fresh copy)",
            [*li, "fix", "tests", "--no-cache", "--quiet"],
            base,
            prepare=fresh,
        ),
    ]
    # Warm means nothing changed for a while: fill both caches, then wait out the two seconds
    # within which a run does not trust what it just read (the cache directory it created).
    shutil.rmtree(base / ".lint-integration-cache", ignore_errors=True)
    run_once(ruff_check, base, (0, 1))
    run_once(li_check, base, (0, 1))
    time.sleep(2.5)
    run_once(li_check, base, (0, 1))
    # Rounds: every command once per round, so a busy machine slows all of them alike.
    results = {spec.key: Measure(spec.label, in_rounds=True) for spec in specs}
    for round_ in range(args.runs):
        log(f"round {round_ + 1} of {args.runs}")
        for spec in specs:
            where = spec.prepare() if spec.prepare else spec.cwd
            t, rss = run_once(spec.cmd, where, (0, 1))
            if spec.prepare and hasattr(os, "sync"):
                os.sync()  # what the command wrote, out before the next one is timed
            results[spec.key].times.append(t)
            results[spec.key].rss_kb.append(rss)
    log("peak memory of each process tree")
    for spec in specs:
        if spec.sample_tree:
            results[spec.key].tree_kb = tree_peak(
                spec.cmd, spec.prepare() if spec.prepare else spec.cwd
            )
        log(f"  {spec.label}: median {statistics.median(results[spec.key].times):.3f} s")
    for copy in copies:
        shutil.rmtree(copy, ignore_errors=True)

    if not args.no_fixit:
        results["fixit"] = run_fixit(base, n_py, size, args)

    print_table(results, n_py, n_env, n_py5, args)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    k: {
                        "times": m.times,
                        "rss_kb": m.rss_kb,
                        "tree_kb": m.tree_kb,
                        "scale": m.scale,
                    }
                    for k, m in results.items()
                },
                indent=2,
            )
        )
    return 0


def run_fixit(base: Path, n_py: int, size: int, args) -> Measure:
    fixit = tool("fixit")
    env = {
        **CHILD_ENV,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
    }
    cmd = [*fixit, "--rules", "fixit_rules", "lint"]
    if args.fixit_full:
        log(f"Fixit on all {n_py} files, once ({FIXIT_MINUTES_HINT})")
        m = bench("fixit (full tree)", [*cmd, "tests"], base, 1, ok=(0, 1), env=env)
        m.note = f"full tree, {n_py} files, 1 run"
        return m
    files = sorted(p for p in (base / "tests").rglob("*.py"))
    step = max(1, len(files) // max(1, args.fixit_sample))
    sample = files[::step][: args.fixit_sample]
    sample_size = sum(p.stat().st_size for p in sample)
    rel = [str(p.relative_to(base)) for p in sample]
    log(f"Fixit on {len(sample)} of {n_py} files, {args.fixit_runs} runs")
    m = bench("fixit (sample)", [*cmd, *rel], base, args.fixit_runs, ok=(0, 1), env=env)
    m.scale = size / sample_size
    m.note = (
        f"{len(sample)} of {n_py} files ({sample_size / 1e6:.2f} of {size / 1e6:.2f} MB), "
        f"{args.fixit_runs} run(s), extrapolated by size x{m.scale:.1f}"
    )
    return m


def print_table(results: dict[str, Measure], n_py: int, n_env: int, n_py5: int, args) -> None:
    def row(key: str, what: str) -> str:
        m = results[key]
        extra = f" ({m.note})" if m.note else ""
        return f"| {what}{extra} | {m.median:.3f} s | {m.peak_mb:.0f} MB |"

    def ratio(a: str, b: str) -> float:
        return results[a].median / results[b].median

    def spread(a: str, b: str) -> str:
        """The lowest and highest ratio within one round (both commands ran in each round, so
        a busy moment slows both): how close to its goal a median ratio really is."""
        ma, mb = results[a], results[b]
        if not (ma.in_rounds and mb.in_rounds) or len(ma.times) < 2:
            return "n/a"
        rounds = [x * ma.scale / (y * mb.scale) for x, y in zip(ma.times, mb.times, strict=True)]
        return f"{min(rounds):.2f}-{max(rounds):.2f}x"

    print()
    print(
        f"Django 5.2 `tests/`: {n_py} Python files, {n_env} with an env token; 5x tree: "
        f"{n_py5} files. {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {args.runs} runs each (median)."
    )
    print()
    print("| command | median | peak memory |")
    print("| --- | ---: | ---: |")
    print(row("ruff_cold", "`ruff check --no-cache --select E,F`"))
    print(row("ruff_warm", "`ruff check --select E,F` (warm cache)"))
    print(row("li_cold", "`lint-integration check --no-cache`"))
    print(row("li_cold_j1", "`lint-integration check --no-cache --jobs 1`"))
    print(row("li_warm", "`lint-integration check` (warm cache)"))
    print(row("li_5x", "`lint-integration check --no-cache`, 5x tree"))
    print(row("ruff_5x", "`ruff check --no-cache --select E,F`, 5x tree"))
    print(row("li_fix", "`lint-integration fix --no-cache`"))
    if "fixit" in results:
        print(row("fixit", "Fixit, equivalent rule"))
    print(row("import", "`python -c 'import lint_integration.cli'`"))
    print(row("help", "`lint-integration --help`"))
    print()
    print("| target | measured | per round | goal |")
    print("| --- | ---: | ---: | ---: |")
    checks = [
        ("cold check / Ruff cold", ("li_cold", "ruff_cold"), "<= 3x", lambda r: r <= 3),
        ("warm check / Ruff warm", ("li_warm", "ruff_warm"), "<= 1.5x", lambda r: r <= 1.5),
        ("5x tree / 1x tree (cold)", ("li_5x", "li_cold"), "<= 1.5x", lambda r: r <= 1.5),
        ("fix / cold check", ("li_fix", "li_cold"), "<= 2x", lambda r: r <= 2),
    ]
    if "fixit" in results:
        fixit = ("Fixit / cold check", ("fixit", "li_cold"), ">= 100x", lambda r: r >= 100)
        checks.insert(1, fixit)
    for what, (a, b), goal, met in checks:
        value = ratio(a, b)
        verdict = "ok" if met(value) else "MISSED"
        print(f"| {what} | {value:.2f}x {verdict} | {spread(a, b)} | {goal} |")
    li_peak = max(results[k].peak_mb for k in ("li_cold", "li_warm", "li_5x", "li_fix"))
    verdict = "ok" if li_peak <= 300 else "MISSED"
    print(f"| peak memory, lint-integration | {li_peak:.0f} MB {verdict} | | <= 300 MB |")


if __name__ == "__main__":
    sys.exit(main())
