"""``mlkit demo``: mlkit's main job, end to end, on the built-in data.

Profile, clean, split, search, accept and package a model; load the artifact
in a fresh Python process and predict; build the wheel and import it in
another; then monitor a batch from a shifted customer base. Every report and
artifact lands in one folder, and a short summary names each file.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any, Final

import pandas as pd

from mlkit import __version__
from mlkit._cli import (
    _DEMO_BUDGET,
    _QUICK_FAMILIES,
    EXIT_OK,
    _drift_lines,
    _folder,
    _out,
    _run_summary,
    build_wheel,
    write_table,
)
from mlkit.datasets import TARGETS, make_churn
from mlkit.exceptions import MlkitError

_DEMO_NAME: Final = "churn-model"
_DEMO_VERSION: Final = "1.0.0"


def run_demo(args: argparse.Namespace) -> int:
    """Run ``mlkit demo``: the whole mission on the built-in data; return the exit code."""
    from mlkit._model import load
    from mlkit._profiler import Profiler

    started = time.perf_counter()
    out = _folder(args.out)
    rows = args.rows or (1_500 if args.quick else 5_000)
    target = TARGETS[args.task]
    df = make_churn(rows, task=args.task, random_state=0)
    data = write_table(df, out / "churn.csv")
    _out(f"mlkit {__version__} demo: {rows:,} rows of built-in customer data, target {target!r}")
    profile = Profiler().profile(df, target=target)
    profile.to_json(out / "profile.json")
    profile_html = profile.to_html(out / "profile.html")
    _out(f"1. profiled: {len(profile.alerts)} alerts; report {profile_html}")
    run = _demo_pipeline(args, target).fit(df)
    run.to_html(out / "run.html")
    for line in _run_summary(run, data="the table"):
        _out("2. " + line if line.startswith("trained") else "   " + line)
    run.verdict.raise_if_failed()
    artifact = run.package(out, name=_DEMO_NAME, version=_DEMO_VERSION, overwrite=True)
    _out(f"3. packaged: {artifact.path}")
    model = load(artifact.path)
    new_rows = write_table(_some_rows(model, df.drop(columns=target)), out / "new_rows.csv")
    expected = [str(v) for v in model.predict(pd.read_csv(new_rows))]
    fresh = _fresh_python(_PREDICT_SCRIPT, artifact.path, new_rows)
    _check_same(fresh, expected, "the artifact, loaded in a fresh process")
    _out(f"4. loaded in a fresh process; predictions of 5 new rows: {_shown(fresh)}")
    wheel, package = build_wheel(artifact.path, out, overwrite=True)
    site = _unpack(wheel, out / "wheel-site")
    imported = _fresh_python(_WHEEL_SCRIPT, package, new_rows, path=site)
    _check_same(imported[1:], expected, f"the wheel's package {package!r}")
    _out(f"5. built {wheel.name}; `import {package}` (version {imported[0]}) predicts the same")
    shifted = make_churn(rows, task=args.task, shifted=True, random_state=2)
    report = model.monitor(shifted.drop(columns=target), shifted[target])
    drift = report.to_html(out / "drift.html")
    _out(f"6. monitored {len(shifted):,} rows from a shifted customer base:")
    for line in _drift_lines(report):
        _out("   " + line)
    _out(f"done in {time.perf_counter() - started:.0f} s; everything is in {out}/:")
    files = {
        data: "the training data",
        out / "profile.html": "the data profile (profile.json: the same, as JSON)",
        out / "run.html": "the run: model search, acceptance test, timings",
        artifact.path: "the model: mlkit.load(path), or mlkit predict / inspect / monitor",
        new_rows: "a few new rows to predict",
        wheel: f"the model as a package: pip install it, then import {package}",
        site: "the wheel unpacked, as pip would install it",
        drift: "the drift report on the shifted rows",
    }
    for path, what in files.items():
        _out(f"  {path.name:36} {what}")
    return EXIT_OK


_PREDICT_SCRIPT: Final = textwrap.dedent(
    """
    import sys, mlkit, pandas as pd
    model = mlkit.load(sys.argv[1])
    print("\\n".join(str(v) for v in model.predict(pd.read_csv(sys.argv[2]))))
    """
)
_WHEEL_SCRIPT: Final = textwrap.dedent(
    """
    import importlib, sys, pandas as pd
    package = importlib.import_module(sys.argv[1])
    print(package.__version__)
    print("\\n".join(str(v) for v in package.predict(pd.read_csv(sys.argv[2]))))
    """
)


def _shown(values: list[str]) -> str:
    """Predictions for reading: labels as they are, numbers to four significant digits."""
    try:
        return ", ".join(f"{float(v):.4g}" for v in values)
    except ValueError:
        return ", ".join(values)


def _some_rows(model: Any, X: pd.DataFrame) -> pd.DataFrame:
    """Five rows to show: for a classifier, of at least two predicted classes where it can."""
    head = X.head(200)
    predicted = model.predict(head)
    order = predicted.groupby(predicted, sort=False).cumcount().sort_values(kind="stable")
    rows: pd.DataFrame = head.loc[order.index[:5]]
    return rows


def _demo_pipeline(args: argparse.Namespace, target: str) -> Any:
    from mlkit._pipeline import Pipeline
    from mlkit._search import ModelSearch

    if args.quick:
        search = ModelSearch(
            families=_QUICK_FAMILIES[args.task],
            cv=3,
            n_iter=2,
            ensembles=False,
            time_budget=args.time_budget,
            progress=not args.quiet,
        )
    else:
        budget = _DEMO_BUDGET if args.time_budget is None else args.time_budget
        search = ModelSearch(time_budget=budget, progress=not args.quiet)
    return Pipeline(target=target, search=search)


def _fresh_python(script: str, *argv: object, path: Path | None = None) -> list[str]:
    """Run ``script`` in a new Python process; return its output lines, or raise."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(path), env.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, argv)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    if done.returncode != 0:
        raise MlkitError(
            f"The demo's fresh Python process failed (exit {done.returncode}):\n"
            + done.stderr.strip()
        )
    return done.stdout.splitlines()


def _check_same(found: list[str], expected: list[str], what: str) -> None:
    if found != expected:
        raise MlkitError(
            f"The demo found different predictions from {what}: {found}, expected {expected}."
        )


def _unpack(wheel: Path, folder: Path) -> Path:
    """Unpack a wheel (a zip archive) into ``folder``, as pip would install it there."""
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(folder)  # our own wheel, just built
    return folder
