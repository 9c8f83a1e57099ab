"""Development sessions: `nox -l` lists them, `nox -s NAME` runs one.

Python versions come from the classifiers in pyproject.toml and tool lists
from its dependency groups, so nothing here repeats them.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import nox
import nox.command

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["tests", "lint", "typecheck"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = nox.project.python_versions(PYPROJECT)
RUNTIME = PYPROJECT["project"]["dependencies"]


def _group(name: str) -> list[str]:
    return list(nox.project.dependency_groups(PYPROJECT, name))


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite with line and branch coverage."""
    session.install(".", *_group("test"))
    session.run(
        "pytest",
        "--cov=mlkit",
        "--cov-branch",
        "--cov-report=term-missing:skip-covered",
        "--cov-fail-under=90",
        *session.posargs,
    )


@nox.session(python=PYTHONS[0])
def tests_lowest(session: nox.Session) -> None:
    """Run the tests against the lowest versions pyproject.toml allows."""
    session.install("--resolution=lowest-direct", *RUNTIME, *_group("test"))
    session.install("--no-deps", ".")
    session.run("pytest", "-p", "no:cacheprovider", *session.posargs)


@nox.session(python=PYTHONS[-1])
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install(*_group("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python=PYTHONS[0])
def typecheck(session: nox.Session) -> None:
    """Type-check the package and this file with mypy in strict mode."""
    session.install(".", *_group("typecheck"))
    session.run("mypy", *session.posargs)


@nox.session(python=PYTHONS[-1])
def docs(session: nox.Session) -> None:
    """Build the documentation site; any warning fails the build."""
    session.install(".", *_group("docs"))
    out = ROOT / "docs" / "_build" / "html"
    session.run("sphinx-build", "-W", "--keep-going", "-n", "-b", "html", "docs", str(out))
    session.log(f"Documentation written to {out / 'index.html'}")


@nox.session(python=PYTHONS[-1])
def notebooks(session: nox.Session) -> None:
    """Execute every notebook in notebooks/ from a scratch folder."""
    session.install(".", *_group("notebooks"))
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if not paths:
        session.error("No notebooks found in notebooks/.")
    scratch = Path(session.create_tmp())
    for path in paths:
        # jupyter runs a notebook in its own folder: run a copy, so outputs stay out of the tree
        copy = scratch / path.name
        shutil.copyfile(path, copy)
        session.log(f"Executing {path.name}")
        session.run("jupyter", "execute", "--timeout=600", str(copy))


@nox.session(python=PYTHONS[-1])
def demo(session: nox.Session) -> None:
    """Run mlkit's main job on the built-in data; outputs land in mlkit-demo/."""
    session.install(".[plots]")
    session.run("mlkit", "demo", "--out", str(ROOT / "mlkit-demo"), *session.posargs)


FULL = "--full"  # every bench* session takes it: full-size figures, the scripts' own defaults

# What `nox -s bench` gives each benchmark session unless told --full: sizes and repeats
# with which all of them finish in about 16 minutes on 2 quiet cores (38 under heavy
# load, before two cuts). Each session run alone keeps its script's defaults (full size).
QUICK: dict[str, tuple[str, ...]] = {
    "bench_ydata": ("--repeat", "1"),  # get_description() once; to_json() runs once anyway
    "bench_serving": ("--calls", "500"),
    "bench_search": ("--quick", "--hgb-iterations", "10"),  # 30 s budget; HGB tuned 10x5
    "bench_drift": ("--quick",),  # 50 repeats, 2 at 1,000,000 rows; Evidently 5 and 1
}


@nox.session(python=PYTHONS[0])
def bench(session: nox.Session) -> None:
    """Run every benchmark, each at its quick settings unless given --full, peers in own envs."""
    session.install(".", *_group("bench"))
    # run.py keeps 1,000,000 rows in both modes: its goals are stated at that size
    session.run("python", "benchmarks/run.py", *_args(session))
    frame = _only(_args(session), ["--quick"], ["--rows", "--seed", "--repeat"])
    session.notify("bench_ydata", posargs=_sized(session, "bench_ydata", frame))
    for name in ("bench_serving", "bench_search", "bench_drift"):
        session.notify(name, posargs=_sized(session, name))


def _args(session: nox.Session) -> list[str]:
    """The session's arguments without ``--full``, which no benchmark script takes."""
    return [arg for arg in session.posargs if arg != FULL]


def _sized(session: nox.Session, name: str, args: Sequence[str] = ()) -> list[str]:
    """Arguments for session ``name``, notified by ``bench``: ``--full`` or its quick settings."""
    return [FULL, *args] if FULL in session.posargs else [*QUICK[name], *args]


def _only(posargs: list[str], flags: list[str], options: list[str]) -> list[str]:
    """The ``flags`` and ``options`` (with their values) among ``posargs``; nothing else.

    ``session.notify`` without ``posargs`` forwards all of them, which a session
    with other options would refuse or, worse, take at its own scale.
    """
    kept: list[str] = []
    rest = iter(posargs)
    for arg in rest:
        name = arg.split("=", 1)[0]
        if arg in flags or (name in options and "=" in arg):
            kept.append(arg)
        elif arg in options:
            kept += [arg, next(rest, "")]
    return kept


def _run_peer(session: nox.Session, packages: list[str], script: str) -> None:
    """Install a peer tool in this session's own env and run its script (skip if it fails)."""
    try:
        session.install(*packages)
    except nox.command.CommandFailed as error:
        session.skip(
            f"{packages[0]} could not be installed ({error.reason}); "
            "mlkit's figures are in benchmarks/.results/"
        )
    session.run("python", f"benchmarks/peers/{script}", *_args(session))


@nox.session(python=PYTHONS[0])
def bench_ydata(session: nox.Session) -> None:
    """Profile the benchmark frame with ydata-profiling, kept apart from mlkit's runtime."""
    _run_peer(session, ["ydata-profiling", "pyarrow", "setuptools<81"], "ydata_profiling_bench.py")


@nox.session(python=PYTHONS[0])
def bench_search(session: nox.Session) -> None:
    """Benchmark ModelSearch's held-out score per time, then FLAML in its own env."""
    session.install(".", *_group("bench"))
    session.run("python", "benchmarks/_search_quality.py", *_args(session))
    # the peer reads the same options (and ignores the rest), so it gets them all
    session.notify("bench_flaml", posargs=session.posargs)


@nox.session(python=PYTHONS[0])
def bench_flaml(session: nox.Session) -> None:
    """Run FLAML AutoML on the search benchmark's splits, kept apart from mlkit's runtime."""
    _run_peer(session, ["flaml[automl]"], "flaml_bench.py")


@nox.session(python=PYTHONS[0])
def bench_serving(session: nox.Session) -> None:
    """Benchmark a packaged model's load and predict against the bare scikit-learn pipeline."""
    session.install(".", *_group("bench"))
    session.run("python", "benchmarks/_serving.py", *_args(session))


@nox.session(python=PYTHONS[0])
def bench_drift(session: nox.Session) -> None:
    """Measure DriftMonitor's false positives, power and speed, then Evidently in its own env."""
    session.install(".", *_group("bench"))
    session.run("python", "benchmarks/_drift.py", *_args(session))
    # the peer keeps its own repeat counts: one Evidently run at 1,000,000 rows takes ~40 s
    shared = _only(session.posargs, [FULL, "--quick"], ["--seed", "--reference-rows"])
    session.notify("bench_evidently", posargs=shared)


@nox.session(python=PYTHONS[0])
def bench_evidently(session: nox.Session) -> None:
    """Run Evidently's data-drift preset on the same data, kept apart from mlkit's runtime."""
    # Evidently 0.7 imports a pandas internal that pandas 3 removed
    _run_peer(session, ["evidently", "pandas<3"], "evidently_bench.py")
