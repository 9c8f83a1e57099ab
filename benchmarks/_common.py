"""Helpers shared by ``run.py`` and the peer scripts in ``peers/``.

Only the standard library, numpy and pandas are imported here, so a peer's
own environment (with older pandas and numpy, and without mlkit) can use it.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import gc
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"
RESULTS_DIR = BENCH_DIR / ".results"

DEFAULT_ROWS = 1_000_000
QUICK_ROWS = 100_000
DEFAULT_SEED = 0

# Goals of the issue "Foundation + Profiler"; checked as ratios within one run.
GOAL_TIME_RATIO = 3.0  # mlkit profile time / pandas describe+isna+nunique time, at most
GOAL_MEMORY_RATIO = 2.0  # extra memory while profiling / frame size, at most
GOAL_YDATA_SPEEDUP = 25.0  # ydata minimal time / mlkit profile time, at least
GOAL_IMPORT_EXTRA_S = 0.3  # import mlkit - import sklearn, seconds, at most

VERSIONED_PACKAGES = (
    "mlkit",
    "numpy",
    "pandas",
    "pyarrow",
    "scikit-learn",
    "scipy",
    "pandera",
    "skops",
    "attrs",
    "ydata-profiling",
    "visions",
    "numba",
)

_KIB = 1024


# ----------------------------------------------------------------------------- options


def add_frame_options(parser: argparse.ArgumentParser) -> None:
    """Add the options that choose the benchmark frame (shared by every script)."""
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--rows",
        type=int,
        default=None,
        help=f"rows in the benchmark frame (default {DEFAULT_ROWS:,})",
    )
    size.add_argument(
        "--quick",
        action="store_true",
        help=f"a fast check on {QUICK_ROWS:,} rows with fewer repeats",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the frame (default 0)"
    )


def rows_from(args: argparse.Namespace) -> int:
    """The number of rows that ``--rows`` / ``--quick`` ask for."""
    if args.rows is not None:
        if args.rows < 1:
            raise SystemExit("--rows must be a positive integer")
        return int(args.rows)
    return QUICK_ROWS if args.quick else DEFAULT_ROWS


def frame_path(n_rows: int, seed: int) -> Path:
    """Where the bench session writes the frame for the peers to read."""
    return DATA_DIR / f"mixed-{n_rows}-seed{seed}.parquet"


def result_path(kind: str, n_rows: int, variant: str | None = None) -> Path:
    """The JSON file holding one tool's results for one frame size (and variant)."""
    suffix = f"-{variant}" if variant else ""
    return RESULTS_DIR / f"{kind}-{n_rows}{suffix}.json"


# ----------------------------------------------------------------------------- the frame


def frame_fingerprint(df: pd.DataFrame) -> str:
    """A digest of the frame's content that is the same under pandas 2 and pandas 3.

    Strings may be ``object`` (pandas 2) or ``str`` (pandas 3) and datetimes may
    have any unit, so each column is reduced to its non-missing count plus a
    dtype-independent checksum before hashing.
    """
    lines = []
    for name in df.columns:
        column = df[name]
        present = column.dropna()
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            kind, checksum = "number", f"{float(present.astype('float64').sum()):.9g}"
        elif pd.api.types.is_datetime64_any_dtype(column):
            seconds = present.astype("datetime64[s]").astype("int64")
            kind, checksum = "datetime", str(int(seconds.sum()))
        else:
            text = present.astype(str)
            lengths = int(text.str.len().sum())
            kind, checksum = "text", f"{text.nunique()}:{lengths}:{text.min()}:{text.max()}"
        lines.append(f"{name}|{kind}|{len(present)}|{checksum}")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def frame_bytes(df: pd.DataFrame) -> int:
    """The frame's own size: ``df.memory_usage(deep=True).sum()``."""
    return int(df.memory_usage(deep=True).sum())


def string_storage(df: pd.DataFrame) -> str:
    """How the frame stores its text columns (``object``, ``python`` or ``pyarrow``)."""
    for dtype in df.dtypes:
        if isinstance(dtype, pd.StringDtype):
            return str(dtype.storage)
        if pd.api.types.is_object_dtype(dtype):
            return "object"
    return "none"


# ----------------------------------------------------------------------------- memory


def _status_kib(field: str) -> int | None:
    """One ``kB`` field of ``/proc/self/status`` (Linux only), or ``None``."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def rss_bytes() -> int | None:
    """The process's resident set size now (``VmRSS``)."""
    kib = _status_kib("VmRSS")
    return None if kib is None else kib * _KIB


def peak_rss_bytes() -> int | None:
    """The process's peak resident set size (``VmHWM``) since start or the last reset."""
    kib = _status_kib("VmHWM")
    return None if kib is None else kib * _KIB


def reset_peak_rss() -> bool:
    """Reset ``VmHWM`` to the current RSS (Linux >= 4.0); ``False`` when not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def release_free_memory() -> None:
    """Collect garbage and hand freed heap pages back to the OS, so RSS is a fair baseline.

    Without this, memory freed earlier (while building the frame) stays in the
    process and is reused silently, hiding part of the next step's growth.
    """
    gc.collect()
    with contextlib.suppress(ImportError, AttributeError):
        import pyarrow as pa

        pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@contextlib.contextmanager
def rss_growth() -> Iterator[dict[str, Any]]:
    """Measure the peak RSS growth of the ``with`` body over the RSS at its start.

    Yields a dict that is filled on exit with ``baseline_bytes``, ``peak_bytes``,
    ``growth_bytes`` and ``peak_reset`` (whether ``VmHWM`` could be reset; when it
    could not, the peak may belong to an earlier step and the growth is not
    meaningful).
    """
    release_free_memory()
    reset = reset_peak_rss()
    baseline = rss_bytes()
    record: dict[str, Any] = {"peak_reset": reset}
    try:
        yield record
    finally:
        peak = peak_rss_bytes()
        record["baseline_bytes"] = baseline
        record["peak_bytes"] = peak
        record["growth_bytes"] = (
            None if baseline is None or peak is None or not reset else peak - baseline
        )


# ----------------------------------------------------------------------------- context


def package_versions(names: Sequence[str] = VERSIONED_PACKAGES) -> dict[str, str]:
    """Installed versions of the packages in ``names`` that are installed."""
    versions = {}
    for name in names:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    return versions


def _cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _total_memory_bytes() -> int | None:
    with contextlib.suppress(OSError):
        match = re.search(r"^MemTotal:\s+(\d+)\s+kB", Path("/proc/meminfo").read_text(), re.M)
        if match:
            return int(match.group(1)) * _KIB
    return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip()


def machine_info() -> dict[str, Any]:
    """Where and with what the benchmark ran: CPU, memory, Python, packages, commit."""
    affinity = getattr(os, "sched_getaffinity", None)
    source_changes = _git("status", "--porcelain", "--", "src")
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(affinity(0)) if affinity else None,
        "memory_bytes": _total_memory_bytes(),
        "python": platform.python_version(),
        "executable": sys.executable,
        "packages": package_versions(),
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "src_uncommitted_changes": None if source_changes is None else bool(source_changes),
        "environment": {
            key: value
            for key, value in sorted(os.environ.items())
            if key.startswith(("OPENBLAS_", "OMP_", "MKL_"))
        },
    }


# ----------------------------------------------------------------------------- output


def write_json(path: Path, payload: dict[str, Any]) -> None:
    """Write ``payload`` as indented JSON, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=False) + "\n")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any] | None:
    """The JSON object in ``path``, or ``None`` when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def fmt_seconds(value: float | None) -> str:
    """``1.234 s`` or ``n/a``."""
    return "n/a" if value is None else f"{value:.3f} s"


def fmt_bytes(value: float | None) -> str:
    """Bytes as MiB (GiB from 1 GiB up), or ``n/a``."""
    if value is None:
        return "n/a"
    mib = value / _KIB**2
    return f"{mib / _KIB:.2f} GiB" if mib >= _KIB else f"{mib:,.1f} MiB"


def fmt_ratio(value: float | None) -> str:
    """``1.23x`` or ``n/a``."""
    return "n/a" if value is None else f"{value:.2f}x"


def verdict(passed: bool | None) -> str:
    """``PASS``, ``FAIL`` or ``n/a``."""
    return "n/a" if passed is None else ("PASS" if passed else "FAIL")


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table with padded columns (readable in a terminal too)."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (str(cell).ljust(width) for cell, width in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), rule, *(line(row) for row in rows)])
