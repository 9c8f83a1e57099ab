"""The ``mlkit`` command line: a thin layer over the library.

Exit codes tell a script what went wrong: 0 success, 1 an unexpected failure,
2 a usage error, 3 bad input data, 4 a bad or untrusted artifact, 5 a failed
acceptance test.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from mlkit import __version__
from mlkit._profiler import Profiler
from mlkit.datasets import TARGETS, make_churn
from mlkit.exceptions import (
    AcceptanceError,
    ArtifactError,
    ConfigurationError,
    DataError,
    DataFailure,
    MissingDependencyError,
    MlkitError,
)

logger = logging.getLogger("mlkit")

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_DATA, EXIT_ARTIFACT, EXIT_ACCEPTANCE = range(6)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments, without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.run(args))
    except (ConfigurationError, MissingDependencyError) as error:
        return _fail(error, EXIT_USAGE, debug=args.debug)
    except DataError as error:
        return _fail(error, EXIT_DATA, debug=args.debug)
    except ArtifactError as error:
        return _fail(error, EXIT_ARTIFACT, debug=args.debug)
    except AcceptanceError as error:
        return _fail(error, EXIT_ACCEPTANCE, debug=args.debug)
    except MlkitError as error:
        return _fail(error, EXIT_FAILURE, debug=args.debug)


def _fail(error: Exception, code: int, *, debug: bool) -> int:
    if debug:
        logger.exception("mlkit failed")
    sys.stderr.write(f"mlkit: error: {error}\n")
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlkit",
        description="From raw DataFrame to a versioned model artifact.",
    )
    parser.add_argument("--version", action="version", version=f"mlkit {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    profile = commands.add_parser("profile", help="profile a CSV or Parquet file")
    profile.add_argument("data", type=Path, help="a .csv or .parquet file")
    profile.add_argument("--target", help="the column to predict")
    profile.add_argument("--html", type=Path, help="write the HTML report here")
    profile.add_argument("--json", type=Path, help="write the profile as JSON here")
    profile.set_defaults(run=_run_profile)

    demo = commands.add_parser("demo", help="run mlkit's main job on the built-in data")
    demo.add_argument("--out", type=Path, default=Path("mlkit-demo"), help="output folder")
    demo.add_argument("--rows", type=int, default=20_000, help="rows of demo data")
    demo.add_argument("--task", choices=sorted(TARGETS), default="binary")
    demo.set_defaults(run=_run_demo)
    return parser


def read_table(path: Path) -> pd.DataFrame:
    """Read a CSV or Parquet file, or raise a clear mlkit error.

    Parameters
    ----------
    path : Path
        A ``.csv`` (optionally compressed) or ``.parquet`` file.

    Returns
    -------
    pandas.DataFrame
        The table.
    """
    if not path.is_file():
        raise ConfigurationError(f"Cannot read {str(path)!r}: no such file.")
    suffixes = [s.lower() for s in path.suffixes]
    try:
        if ".parquet" in suffixes or ".pq" in suffixes:
            return pd.read_parquet(path)
        if ".csv" in suffixes or ".txt" in suffixes:
            return pd.read_csv(path)
    except ImportError as error:
        raise MissingDependencyError(
            "Reading Parquet needs pyarrow: `pip install 'mlkit[parquet]'`."
        ) from error
    except (ValueError, OSError, UnicodeDecodeError) as error:
        raise DataError.from_failures(
            f"The file {str(path)!r}",
            [_unreadable(error)],
        ) from error
    raise ConfigurationError(
        f"Cannot read {str(path)!r}: unknown format. Use a .csv or .parquet file."
    )


def _unreadable(error: Exception) -> DataFailure:
    return DataFailure(
        column=None, reason="unreadable_file", message=f"cannot be read as a table ({error})"
    )


def _run_profile(args: argparse.Namespace) -> int:
    df = read_table(args.data)
    started = time.perf_counter()
    profile = Profiler().profile(df, target=args.target)
    elapsed = time.perf_counter() - started
    print(f"{profile!r} in {elapsed:.2f}s")  # noqa: T201 - the command's output
    for alert in profile.alerts:
        print(f"  {alert.kind:18} {', '.join(alert.columns):30} {alert.message}")  # noqa: T201
    if args.html:
        print(f"report: {profile.to_html(args.html)}")  # noqa: T201
    if args.json:
        profile.to_json(args.json)
        print(f"json:   {args.json}")  # noqa: T201
    return EXIT_OK


def _run_demo(args: argparse.Namespace) -> int:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    target = TARGETS[args.task]
    df = make_churn(args.rows, task=args.task, random_state=0)
    data_path = out / "churn.csv"
    df.to_csv(data_path, index=False)
    started = time.perf_counter()
    profile = Profiler().profile(df, target=target)
    elapsed = time.perf_counter() - started
    report = profile.to_html(out / "profile.html")
    profile.to_json(out / "profile.json")
    lines = [
        f"mlkit {__version__} demo: built-in customer table, {len(df):,} rows, target {target!r}",
        f"  profiled in {elapsed:.2f}s: {profile!r}",
        *(f"  alert {a.kind:18} {', '.join(a.columns):28} {a.message}" for a in profile.alerts),
        f"  data:    {data_path}",
        f"  report:  {report}",
        f"  profile: {out / 'profile.json'}",
    ]
    print("\n".join(lines))  # noqa: T201 - the command's output
    return EXIT_OK
