"""The ``mlkit`` command line (also ``python -m mlkit``): a thin layer over the library.

Commands::

    mlkit profile DATA [--target COL] [--html FILE] [--json FILE]
    mlkit train   DATA --target COL --name NAME --version VERSION [--out DIR] ...
    mlkit predict MODEL DATA [--out FILE] [--proba] [--id-column COL]
    mlkit inspect MODEL [--card] [--json]
    mlkit monitor MODEL DATA [--target COL] [--html FILE] [--fail-on drift|retrain]
    mlkit wheel   MODEL [--out DIR]
    mlkit demo    [--out DIR] [--quick] [--quiet]

DATA is a ``.csv`` (optionally compressed: ``.csv.gz``, ...) or ``.parquet``
file; MODEL a ``.mlkit`` artifact. Messages are the library's errors, on
standard error after ``mlkit: error:``; ``--debug`` adds the traceback.

Exit codes tell a script what went wrong:

== ==========================================================================
0  success
1  an unexpected failure (a bug: run again with ``--debug`` and report it)
2  a usage error: bad arguments or options (``ConfigurationError``)
3  bad input data: a missing, unreadable, empty or wrongly formatted file, or
   a table the library refuses (``DataError``)
4  a bad or untrusted artifact (``ArtifactError`` and its subclasses)
5  the model failed its acceptance test (``AcceptanceError``)
6  ``monitor --fail-on`` found drift, or a reason to retrain
== ==========================================================================
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from mlkit import __version__
from mlkit._frame_checks import with_columns
from mlkit.datasets import TARGETS
from mlkit.exceptions import (
    AcceptanceError,
    ArtifactError,
    ConfigurationError,
    DataError,
    DataFailure,
    MissingDependencyError,
    MlkitError,
)

EXIT_OK: Final = 0
EXIT_FAILURE: Final = 1
EXIT_USAGE: Final = 2
EXIT_DATA: Final = 3
EXIT_ARTIFACT: Final = 4
EXIT_ACCEPTANCE: Final = 5
EXIT_DRIFT: Final = 6

_EPILOG: Final = """\
exit codes:
  0  success
  1  an unexpected failure (run again with --debug and report it)
  2  usage error: bad arguments or options
  3  bad data: missing, unreadable, empty or wrongly formatted file, or refused table
  4  bad or untrusted artifact
  5  the model failed its acceptance test
  6  monitor --fail-on found drift or a reason to retrain

Run 'mlkit COMMAND --help' for a command's options. 'mlkit demo' shows it all."""

_COMPRESSIONS: Final = frozenset({".gz", ".bz2", ".zip", ".xz", ".zst", ".tar"})
_PARQUET: Final = frozenset({".parquet", ".pq"})
# The smallest search of each kind of task: for smoke tests, CI and ``demo --quick``.
_QUICK_FAMILIES: Final = {
    "binary": ["logistic_regression", "decision_tree"],
    "multiclass": ["logistic_regression", "decision_tree"],
    "regression": ["ridge", "decision_tree"],
}
# Library messages name the Python argument that helps; the command line has an option.
_OPTIONS: Final = {"pass overwrite=True": "pass --overwrite", "pass force=True": "pass --force"}
_DEMO_BUDGET: Final = 60.0  # seconds of search: the demo ends in about two minutes on 2 cores


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments, without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 success, 1 unexpected failure, 2 usage error, 3 bad
        data, 4 bad artifact, 5 failed acceptance test, 6 drift found by
        ``monitor --fail-on``.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error argparse reported
        return stop.code if isinstance(stop.code, int) else EXIT_USAGE
    debug = bool(getattr(args, "debug", False))
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args))
    except (ConfigurationError, MissingDependencyError) as error:
        return _fail(error, EXIT_USAGE, debug=debug)
    except DataError as error:
        return _fail(error, EXIT_DATA, debug=debug)
    except ArtifactError as error:
        return _fail(error, EXIT_ARTIFACT, debug=debug)
    except AcceptanceError as error:
        return _fail(error, EXIT_ACCEPTANCE, debug=debug)
    except MlkitError as error:
        return _fail(error, EXIT_FAILURE, debug=debug)
    except KeyboardInterrupt:
        sys.stderr.write("mlkit: interrupted\n")
        return 130
    except BrokenPipeError:  # the reader went away (`mlkit predict ... | head`): not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so the interpreter's final flush fails quietly
        return EXIT_OK
    except Exception as error:  # noqa: BLE001 - the command line's last resort, see below
        # A bug, not the user's mistake: say so, and keep the traceback for --debug.
        message = (
            f"unexpected {type(error).__name__}: {error}\n"
            "This is a bug in mlkit or a library it uses; run again with --debug and report "
            "the traceback."
        )
        return _fail(RuntimeError(message), EXIT_FAILURE, debug=debug, cause=error)


def _fail(error: Exception, code: int, *, debug: bool, cause: Exception | None = None) -> int:
    if debug:
        sys.stderr.write("".join(traceback.format_exception(cause or error)))
    message = str(error)
    for python, option in _OPTIONS.items():  # what to do, said in the command line's words
        message = message.replace(python, option)
    sys.stderr.write(f"mlkit: error: {message}\n")
    return code


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _out(text: str = "") -> None:
    """Write one line of a command's output to standard output."""
    sys.stdout.write(text + "\n")


# --------------------------------------------------------------------------- the parser


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlkit",
        description="From a raw table to a versioned, tested model artifact, and back.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mlkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    # --debug is also accepted after the command; SUPPRESS keeps the one given first
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, run: Callable[[argparse.Namespace], int]) -> Any:
        sub = commands.add_parser(
            name,
            help=summary,
            description=summary,
            parents=[common],
            epilog=_EPILOG.split("\n\n", 1)[0],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(run=run)
        return sub

    _profile_options(command("profile", "Profile a CSV or Parquet file.", _run_profile))
    _train_options(
        command(
            "train",
            "Train, test and package a model: profile, clean, split, search, accept, package.",
            _run_train,
        )
    )
    _predict_options(command("predict", "Predict new rows with a packaged model.", _run_predict))
    _inspect_options(
        command(
            "inspect", "Show a packaged model's manifest, input contract and card.", _run_inspect
        )
    )
    _monitor_options(
        command("monitor", "Check new rows for drift against a packaged model.", _run_monitor)
    )
    _wheel_options(
        command("wheel", "Build an installable wheel that carries a model.", _run_wheel)
    )
    _demo_options(
        command(
            "demo",
            "Run mlkit's whole job on built-in data; reports and files land in one folder.",
            _run_demo,
        )
    )
    return parser


def _profile_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("data", type=Path, help="a .csv or .parquet file")
    sub.add_argument("--target", help="the column to predict")
    sub.add_argument("--html", type=Path, help="write the HTML report here")
    sub.add_argument("--json", type=Path, help="write the profile as JSON here")


def _train_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("data", type=Path, help="a .csv or .parquet file, target column included")
    sub.add_argument("--target", required=True, help="the column to predict")
    sub.add_argument("--name", required=True, help="the model's name, such as churn-model")
    sub.add_argument("--version", required=True, help="its PEP 440 version, such as 1.0.0")
    sub.add_argument(
        "--out",
        type=Path,
        default=Path(),
        help="folder for NAME-VERSION.mlkit (created if needed; default: here), or a .mlkit path",
    )
    sub.add_argument(
        "--time-budget", type=float, metavar="SECONDS", help="seconds for the model search"
    )
    sub.add_argument(
        "--families",
        type=_names,
        metavar="NAME,...",
        help="model families to screen, such as logistic_regression,random_forest",
    )
    sub.add_argument(
        "--quick",
        action="store_true",
        help="a small, fast search (two families, 3 folds, no ensembles) for smoke tests",
    )
    sub.add_argument(
        "--accept",
        action="append",
        type=_threshold,
        metavar="METRIC=FLOOR",
        help="an acceptance floor on the held-back rows, such as roc_auc=0.75 (repeatable; "
        "default: the main metric at least a dummy model's)",
    )
    sub.add_argument("--seed", type=int, default=0, help="seed of the split and the search")
    sub.add_argument("--n-jobs", type=int, help="parallel jobs for the search")
    sub.add_argument(
        "--force", action="store_true", help="package the model even if it failed acceptance"
    )
    sub.add_argument("--overwrite", action="store_true", help="replace an existing artifact")
    sub.add_argument(
        "--html", type=Path, help="the run report (default: NAME-VERSION.html beside the model)"
    )
    sub.add_argument("--quiet", action="store_true", help="no progress bar on standard error")


def _predict_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("model", type=Path, help="a .mlkit artifact")
    sub.add_argument("data", type=Path, help="a .csv or .parquet file of new rows")
    sub.add_argument(
        "--out",
        type=Path,
        help="write predictions to this .csv or .parquet file (default: CSV on standard output)",
    )
    sub.add_argument(
        "--proba",
        action="store_true",
        help="add each class's probability as a column proba_<label> (classifiers)",
    )
    sub.add_argument("--id-column", metavar="COL", help="copy this input column to the output")


def _inspect_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("model", type=Path, help="a .mlkit artifact")
    sub.add_argument("--card", action="store_true", help="also print the model card")
    sub.add_argument("--json", action="store_true", help="print JSON for programs to read")


def _monitor_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("model", type=Path, help="a .mlkit artifact")
    sub.add_argument("data", type=Path, help="a .csv or .parquet file of current rows")
    sub.add_argument(
        "--target", metavar="COL", help="the column of true labels or values, to measure metrics"
    )
    sub.add_argument("--html", type=Path, help="write the drift report here")
    sub.add_argument(
        "--fail-on",
        choices=["drift", "retrain"],
        help=f"exit with code {EXIT_DRIFT} when anything drifted, or when retraining is "
        "recommended (default: exit 0 whatever is found)",
    )


def _wheel_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("model", type=Path, help="a .mlkit artifact")
    sub.add_argument(
        "--out", type=Path, default=Path("dist"), help="folder for the wheel (default: dist)"
    )
    sub.add_argument("--overwrite", action="store_true", help="replace an existing wheel")


def _demo_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--out", type=Path, default=Path("mlkit-demo"), help="output folder (default: mlkit-demo)"
    )
    sub.add_argument("--rows", type=int, help="rows of demo data (default: 5,000; 1,500 quick)")
    sub.add_argument("--task", choices=sorted(TARGETS), default="binary", help="which target")
    sub.add_argument(
        "--time-budget",
        type=float,
        metavar="SECONDS",
        help=f"seconds for the model search (default: {_DEMO_BUDGET:g})",
    )
    sub.add_argument(
        "--quick", action="store_true", help="a small, fast search, for tests (seconds)"
    )
    sub.add_argument("--quiet", action="store_true", help="no progress bar on standard error")


def _names(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give one or more names separated by commas")
    return names


def _threshold(text: str) -> tuple[str, float]:
    metric, _, value = text.partition("=")
    try:
        floor = float(value)
    except ValueError:
        floor = None
    if not metric.strip() or floor is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not METRIC=FLOOR, such as roc_auc=0.75")
    return metric.strip(), floor


# --------------------------------------------------------------------------- tables


def read_table(path: Path, *, dates: bool = False, target: str | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file, or raise a clear mlkit error.

    Parameters
    ----------
    path : Path
        A ``.csv`` file (optionally compressed, such as ``.csv.gz``) or a
        ``.parquet`` file.
    dates : bool, default=False
        Read CSV text columns whose every value is an ISO 8601 date or time
        as datetimes (a CSV file carries no types). A column with any other
        value stays text, so nothing is lost.
    target : str, optional
        A column kept as written even with ``dates``: class labels stay the
        labels in the file.

    Returns
    -------
    pandas.DataFrame
        The table, with at least one row.

    Raises
    ------
    DataError
        When the file is missing, of another format, unreadable or has no rows.
    MissingDependencyError
        When reading Parquet without pyarrow.
    """
    name = repr(str(path))
    if not path.is_file():
        raise _file_error("file_not_found", f"Cannot read {name}: no such file.")
    kind = _format(path)
    if kind is None:
        raise _file_error(
            "unknown_format",
            f"Cannot read {name}: unknown format. Use a .csv (or .csv.gz, ...) or .parquet file.",
        )
    try:
        frame = pd.read_parquet(path) if kind == "parquet" else pd.read_csv(path)
    except ImportError as error:
        if kind != "parquet":  # a compressed CSV whose codec is not installed (.zst)
            raise MissingDependencyError(
                f"Reading {name} needs the module {error.name or 'that decompresses it'}: "
                f"install it, or decompress the file first ({error})."
            ) from error
        raise MissingDependencyError(
            "Reading Parquet needs pyarrow: `pip install 'mlkit[parquet]'`."
        ) from error
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise _file_error(
            "unreadable_file",
            f"Cannot read {name} as a {kind} table: {error}.",
        ) from error
    if frame.empty:
        raise _file_error(
            "no_rows", f"Cannot use {name}: it has no rows (a header at most), nothing to work on."
        )
    return _iso_dates(frame, keep=target) if dates and kind != "parquet" else frame


_ISO_DATE: Final = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?"
)


def _iso_dates(frame: pd.DataFrame, *, keep: str | None = None) -> pd.DataFrame:
    """``frame`` with its ISO 8601 text columns but ``keep`` as datetimes (all must parse)."""
    parsed = {}
    for name in frame.columns:
        if name == keep:
            continue
        column = frame[name]
        if not (pd.api.types.is_object_dtype(column) or pd.api.types.is_string_dtype(column)):
            continue
        present = column.dropna()
        if present.empty or not all(
            isinstance(value, str) and _ISO_DATE.fullmatch(value) for value in present.unique()
        ):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # mixed time zones: pandas < 3 warns and keeps text
            try:
                dates = pd.to_datetime(column, format="ISO8601")
            except (ValueError, OverflowError):  # out of range, or mixed time zones
                continue
        if pd.api.types.is_datetime64_any_dtype(dates):
            parsed[name] = dates
    return with_columns(frame, parsed) if parsed else frame


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as CSV or Parquet, by the file's suffix.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table; its index is not written.
    path : Path
        A ``.csv`` (optionally compressed) or ``.parquet`` file; its folder is
        created when missing.

    Returns
    -------
    Path
        The file written.
    """
    kind = _output_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if kind == "parquet":
            frame.to_parquet(path, index=False)
        else:
            frame.to_csv(path, index=False)
    except ImportError as error:
        raise MissingDependencyError(
            "Writing Parquet needs pyarrow: `pip install 'mlkit[parquet]'`."
        ) from error
    return path


def _format(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _PARQUET:
        return "parquet"
    if suffixes and suffixes[-1] in _COMPRESSIONS:
        suffixes.pop()
    return "csv" if suffixes and suffixes[-1] == ".csv" else None


def _output_format(path: Path) -> str:
    kind = _format(path)
    if kind is None:
        raise ConfigurationError(
            f"Cannot write {str(path)!r}: unknown format. Name a .csv or .parquet file."
        )
    return kind


def _file_error(reason: str, message: str) -> DataError:
    return DataError(message, [DataFailure(column=None, reason=reason, message=message)])


def _folder(path: Path) -> Path:
    """Create the output folder ``path`` if needed, or refuse with a usage error."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigurationError(
            f"Cannot write into {str(path)!r}: it is a file, not a folder. Choose a folder."
        ) from None
    except OSError as error:
        raise ConfigurationError(f"Cannot create the folder {str(path)!r}: {error}.") from None
    return path


def _require_column(frame: pd.DataFrame, column: str, *, path: Path, role: str) -> None:
    if column not in frame.columns:
        raise DataError.from_failures(
            f"The file {str(path)!r}",
            [
                DataFailure(
                    column=column,
                    reason="missing_column",
                    message=f"the {role} column is missing; the file has "
                    f"{[str(c) for c in frame.columns][:10]}",
                )
            ],
        )


# --------------------------------------------------------------------------- profile


def _run_profile(args: argparse.Namespace) -> int:
    from mlkit._profiler import Profiler

    df = read_table(args.data, dates=True, target=args.target)
    if args.target is not None:
        _require_column(df, args.target, path=args.data, role="--target")
    started = time.perf_counter()
    profile = Profiler().profile(df, target=args.target)
    elapsed = time.perf_counter() - started
    _out(f"{profile!r} in {elapsed:.2f}s")
    for alert in profile.alerts:
        _out(f"  {alert.kind:18} {', '.join(alert.columns):30} {alert.message}")
    if args.html:
        _out(f"report: {profile.to_html(args.html)}")
    if args.json:
        profile.to_json(args.json)
        _out(f"json:   {args.json}")
    return EXIT_OK


# --------------------------------------------------------------------------- train


def _run_train(args: argparse.Namespace) -> int:
    from mlkit._packager import Packager

    df = read_table(args.data, dates=True, target=args.target)
    _require_column(df, args.target, path=args.data, role="--target")
    packager = Packager(name=args.name, version=args.version)  # refuse bad names before work
    destination = _artifact_path(args.out, packager.file_name)
    if destination.exists() and not args.overwrite:
        raise ConfigurationError(
            f"Cannot write {str(destination)!r}: the file exists. Pass --overwrite to replace "
            "it, or give another --version."
        )
    html = args.html or destination.with_suffix(".html")
    pipeline = _pipeline(args, df)
    run = pipeline.fit(df)
    report = run.to_html(html)
    for line in _run_summary(run, data=args.data):
        _out(line)
    _out(f"  report:     {report}")
    if not run.verdict.passed and not args.force:
        raise AcceptanceError(
            f"The model failed its acceptance test ({_failed_checks(run.verdict)}), so nothing "
            "was packaged. Improve the data or the search, or pass --force to package it anyway "
            "(the artifact will say that it failed).",
            verdict=run.verdict,
        )
    artifact = run.package(
        destination,
        name=args.name,
        version=args.version,
        overwrite=args.overwrite,
        force=args.force,
    )
    _out(f"  artifact:   {artifact.path}")
    return EXIT_OK


def _artifact_path(out: Path, file_name: str) -> Path:
    if out.suffix == ".mlkit":
        _folder(out.parent)
        return out
    return _folder(out) / file_name


def _pipeline(args: argparse.Namespace, df: pd.DataFrame) -> Any:
    from mlkit._associations import infer_task
    from mlkit._pipeline import Pipeline
    from mlkit._search import ModelSearch
    from mlkit._splitter import Splitter

    options: dict[str, Any] = {
        "time_budget": args.time_budget,
        "families": args.families,
        "progress": not args.quiet,
        "n_jobs": args.n_jobs,
        "random_state": args.seed,
    }
    if args.quick:
        options.update(cv=3, n_iter=2, ensembles=False)
        if args.families is None:
            options["families"] = _QUICK_FAMILIES[infer_task(df[args.target])]
    return Pipeline(
        target=args.target,
        splitter=Splitter(random_state=args.seed),
        search=ModelSearch(**options),
        acceptance=dict(args.accept) if args.accept else None,
    )


def _run_summary(run: Any, *, data: Path | str) -> list[str]:
    search, verdict, split = run.search, run.verdict, run.split
    chosen = search.selection.chosen
    lines = [
        f"trained {run.pipeline.target!r} ({search.task}) from {data}: "
        f"{split.n_train:,} training rows, {split.n_test:,} held back",
        f"  model:      {search.chosen}, cv {search.primary} "
        f"{chosen.score_mean:.4g} ± {chosen.score_std:.2g} "
        f"({_plural(len(search.leaderboard), 'model')} screened, {run.timings['total']:.1f} s)",
        f"  acceptance: {'passed' if verdict.passed else 'FAILED'} on the held-back rows",
    ]
    lines += [
        f"    {'ok  ' if c.passed else 'FAIL'} {c.metric} = {c.value:.4g}, needs {c.rule}"
        for c in verdict.checks
    ]
    lines.append("  test:       " + ", ".join(f"{k} {v:.4g}" for k, v in verdict.metrics.items()))
    return lines


def _failed_checks(verdict: Any) -> str:
    return "; ".join(
        f"{c.metric} = {c.value:.4g}, needs {c.rule}" for c in verdict.checks if not c.passed
    )


# --------------------------------------------------------------------------- predict


def _artifact(path: Path) -> Path:
    """``path`` if it is a file, else a clear error in the command line's words."""
    if not path.is_file():
        what = (
            "is a folder"
            if path.is_dir()
            else "is not a regular file"
            if path.exists()
            else "does not exist"
        )
        raise ArtifactError(
            f"The artifact {str(path)!r} {what}: give the path of a .mlkit file, such as the "
            "one `mlkit train` writes."
        )
    return path


def _run_predict(args: argparse.Namespace) -> int:
    from mlkit._model import load

    if args.out is not None:
        _output_format(args.out)  # refuse a bad --out before any work
    model = load(_artifact(args.model))
    df = read_table(args.data)
    if args.id_column is not None:
        _require_column(df, args.id_column, path=args.data, role="--id-column")
    result = predictions(model, df, proba=args.proba, id_column=args.id_column)
    if args.out is None:
        sys.stdout.write(result.to_csv(index=False))
    else:
        written = write_table(result, args.out)
        _out(f"{len(result):,} predictions of {model.name} {model.version}: {written}")
    return EXIT_OK


def predictions(
    model: Any, df: pd.DataFrame, *, proba: bool = False, id_column: str | None = None
) -> pd.DataFrame:
    """A model's predictions of ``df``, one row per input row, in the input's order.

    Parameters
    ----------
    model : Model
        A loaded model.
    df : pandas.DataFrame
        The rows to predict.
    proba : bool, default=False
        Add each class's probability as a column ``proba_<label>``.
    id_column : str, optional
        An input column to copy first, to identify rows.

    Returns
    -------
    pandas.DataFrame
        The id column if asked, the prediction (named after the target) and
        the probabilities if asked.
    """
    if proba and model.metadata.task == "regression":
        raise ConfigurationError(
            f"--proba adds class probabilities, and {model.name} {model.version} is a "
            "regression model: leave --proba out."
        )
    if proba and not hasattr(model.pipeline, "predict_proba"):
        raise ConfigurationError(
            f"--proba adds class probabilities, and {model.name} {model.version} "
            f"({model.metadata.estimator}) gives none: leave --proba out."
        )
    parts: list[pd.Series | pd.DataFrame] = []
    if id_column is not None:
        parts.append(df[id_column])
    parts.append(model.predict(df))
    if proba:
        probabilities = model.predict_proba(df)
        probabilities.columns = [f"proba_{label}" for label in probabilities.columns]
        parts.append(probabilities)
    return pd.concat(parts, axis=1)


# --------------------------------------------------------------------------- inspect


def _run_inspect(args: argparse.Namespace) -> int:
    from mlkit._model import read_description

    manifest, text, contract = read_description(_artifact(args.model))
    card = text if args.card else None
    if args.json:
        document: dict[str, Any] = {
            "path": str(args.model),
            "manifest": manifest.to_dict(),
            "contract": contract.to_dict(),
        }
        if card is not None:
            document["card"] = card
        _out(json.dumps(document, indent=2))
        return EXIT_OK
    for line in [*_manifest_lines(manifest, path=args.model), *_contract_lines(contract)]:
        _out(line)
    if card is not None:
        _out()
        _out(card.rstrip())
    return EXIT_OK


def _manifest_lines(manifest: Any, *, path: Path) -> list[str]:
    rows = manifest.fingerprint.get("rows")
    facts: list[tuple[str, Any]] = [
        ("file", path),
        ("task", manifest.task),
        ("target", manifest.target),
        ("classes", None if manifest.classes is None else ", ".join(map(str, manifest.classes))),
        ("estimator", manifest.estimator),
        ("created", manifest.created_at),
        ("trained on", None if rows is None else f"{rows:,} rows"),
        ("parent", None if manifest.parent is None else manifest.parent.get("version")),
    ]
    lines = [f"{manifest.name} {manifest.version}"]
    lines += [f"  {key + ':':12}{value}" for key, value in facts if value is not None]
    lines += _acceptance_lines(manifest.acceptance)
    lines += _block("metrics", {k: f"{v:.4g}" for k, v in manifest.metrics.items()})
    lines += _block("runtime", manifest.runtime)
    return lines


def _number(value: float) -> str:
    return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"


def _contract_lines(contract: Any) -> list[str]:
    """The input contract: per column, its training type and what a value must be."""
    described = {}
    width = max((len(column.trained_dtype) for column in contract.columns), default=0)
    for column in contract.columns:
        rule = {
            "number": "a number",
            "boolean": "true or false",
            "time": "a date or time",
        }.get(column.kind, "any value")
        if column.low is not None and column.high is not None:
            rule += f", trained on {_number(column.low)} to {_number(column.high)}"
        if column.categories is not None:
            seen = len(column.categories)
            rule += f", {seen:,} value{'s' if seen != 1 else ''} seen in training"
        described[column.name] = f"{column.trained_dtype:{max(width, 16)}} {rule}"
    title = f"input contract ({len(contract.columns)} columns, each required)"
    return _block(title, described)


def _acceptance_lines(acceptance: Mapping[str, Any] | None) -> list[str]:
    if acceptance is None:
        return ["  acceptance: none recorded"]
    lines = [f"  acceptance: {'passed' if acceptance.get('passed') else 'FAILED'}"]
    for check in acceptance.get("checks", []):
        mark = "ok  " if check.get("passed") else "FAIL"
        metric, value, rule = check.get("metric"), check.get("value"), check.get("rule")
        lines.append(f"    {mark} {metric} = {value:.4g}, needs {rule}")
    return lines


def _block(title: str, values: Mapping[str, Any]) -> list[str]:
    width = max((len(str(k)) for k in values), default=0)
    return [f"  {title}:", *(f"    {k!s:{width}}  {v}" for k, v in values.items())]


# --------------------------------------------------------------------------- monitor


def _run_monitor(args: argparse.Namespace) -> int:
    from mlkit._model import load

    model = load(_artifact(args.model))
    df = read_table(args.data)
    y = None
    if args.target is not None:
        _require_column(df, args.target, path=args.data, role="--target")
        y = df[args.target]
    report = model.monitor(df, y)
    _out(f"monitored {model.name} {model.version} on {len(df):,} rows from {args.data}")
    for line in _drift_lines(report):
        _out(line)
    if args.html:
        _out(f"  report:     {report.to_html(args.html)}")
    advice = report.retrain
    found = advice.recommended if args.fail_on == "retrain" else advice.severity != "none"
    if args.fail_on and found:
        sys.stderr.write(
            f"mlkit: error: {'retraining is recommended' if advice.recommended else 'drift found'}"
            f" (severity {advice.severity}), and --fail-on {args.fail_on} was given.\n"
        )
        return EXIT_DRIFT
    return EXIT_OK


def _drift_lines(report: Any) -> list[str]:
    advice = report.retrain
    verdict = "recommended" if advice.recommended else "not recommended"
    lines = [
        f"  retrain:    {verdict} (severity {advice.severity})",
        *(f"    - {reason}" for reason in advice.reasons),
        f"  drifted:    {len(report.drifted_features)} of {len(report.features)} features"
        + (f": {', '.join(report.drifted_features)}" if report.drifted_features else ""),
        f"  outputs:    {'drifted' if report.prediction_drift else 'stable'}",
    ]
    lines += [
        f"  {m.metric}: {m.current:.4g} against {m.baseline:.4g} at training"
        f"{' (degraded)' if m.degraded else ''}, {m.rows:,} labelled rows"
        for m in report.performance
    ]
    return lines


# --------------------------------------------------------------------------- wheel


def _run_wheel(args: argparse.Namespace) -> int:
    wheel, package = build_wheel(args.model, args.out, overwrite=args.overwrite)
    _out(f"wheel: {wheel}")
    _out(f"  install: pip install {wheel}")
    _out(f"  use:     import {package}; {package}.predict(df)")
    return EXIT_OK


def build_wheel(artifact: Path, out: Path, *, overwrite: bool = False) -> tuple[Path, str]:
    """Build the wheel of the model in ``artifact`` into the folder ``out``.

    Parameters
    ----------
    artifact : Path
        A ``.mlkit`` file; it is checked first.
    out : Path
        The folder for the wheel, created when missing.
    overwrite : bool, default=False
        Replace an existing wheel of the same name.

    Returns
    -------
    tuple of (Path, str)
        The wheel and the name of the Python package it installs.
    """
    from mlkit._model import read_manifest
    from mlkit._packager import Packager, import_name

    manifest = read_manifest(_artifact(artifact))
    packager = Packager(name=manifest.name, version=manifest.version)
    wheel = packager.build_wheel(artifact, _folder(out), overwrite=overwrite)
    return wheel, import_name(manifest.name)


def _run_demo(args: argparse.Namespace) -> int:
    from mlkit._demo import run_demo

    return run_demo(args)
