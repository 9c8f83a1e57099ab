"""Import time of mlkit against scikit-learn, each in fresh interpreters.

Every statement runs as ``python -c STATEMENT`` in a new process; the wall time
of ``python -c "pass"`` (interpreter start-up) is subtracted. Statements are run
round-robin so that drift in machine load spreads over all of them, after one
untimed warm-up each. The warm-up writes any missing bytecode caches, as
``pip install`` would have done: ``PYTHONDONTWRITEBYTECODE`` is removed from the
children's environment, since without caches every run would compile every
module from source and time the compiler instead of the import.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

STATEMENTS = {
    "startup": "pass",
    "mlkit": "import mlkit",
    "sklearn": "import sklearn",
    "pandas+sklearn": "import pandas, sklearn",
}


def _run_once(statement: str, cwd: str, env: dict[str, str]) -> float:
    """Wall seconds of one fresh ``python -c statement``."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], cwd=cwd, env=env, check=True)
    return time.perf_counter() - started


def measure(runs: int) -> dict[str, Any]:
    """Median wall time of each statement over ``runs`` fresh processes."""
    timings: dict[str, list[float]] = {name: [] for name in STATEMENTS}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # An empty working directory keeps the checkout's folders off sys.path.
    with tempfile.TemporaryDirectory() as cwd:
        for statement in STATEMENTS.values():
            _run_once(statement, cwd, env)
        for _ in range(runs):
            for name, statement in STATEMENTS.items():
                timings[name].append(_run_once(statement, cwd, env))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    startup = medians["startup"]
    return {
        "runs": runs,
        "method": 'median wall time of `python -c STATEMENT` minus that of `python -c "pass"`',
        "bytecode_caches": "written by the warm-up runs",
        "parent_had_PYTHONDONTWRITEBYTECODE": "PYTHONDONTWRITEBYTECODE" in os.environ,
        "runs_s": timings,
        "median_s": medians,
        "net_s": {name: medians[name] - startup for name in STATEMENTS if name != "startup"},
        "mlkit_minus_sklearn_s": medians["mlkit"] - medians["sklearn"],
    }
