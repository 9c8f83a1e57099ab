import json
import subprocess
import sys

import pandas as pd
import pytest

from mlkit import _lazy
from mlkit._cli import EXIT_DATA, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, main, read_table
from mlkit.exceptions import MissingDependencyError


@pytest.fixture
def churn_csv(tmp_path, churn):
    path = tmp_path / "churn.csv"
    churn.head(500).to_csv(path, index=False)
    return path


def test_profile_command_writes_reports(tmp_path, churn_csv, capsys):
    html, js = tmp_path / "r.html", tmp_path / "p.json"
    code = main(
        ["profile", str(churn_csv), "--target", "churned", "--html", str(html), "--json", str(js)]
    )
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "<mlkit.Profile 500 rows x 15 columns, target='churned' (binary)" in out
    assert "dates_as_text" not in out  # the CSV's ISO dates are read as dates
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert json.loads(js.read_text())["n_rows"] == 500


def test_profile_reads_parquet(tmp_path, churn):
    pytest.importorskip("pyarrow")
    path = tmp_path / "churn.parquet"
    churn.head(200).to_parquet(path)
    assert main(["profile", str(path)]) == EXIT_OK


@pytest.mark.parametrize(
    ("content", "name", "code", "message"),
    [
        (None, "missing.csv", EXIT_DATA, "Cannot read '{path}': no such file."),
        ("a,b\n", "empty.csv", EXIT_DATA, "it has no rows (a header at most)"),
        ("", "blank.csv", EXIT_DATA, "as a csv table: No columns to parse"),
        ("x\n1\n", "data.xlsx", EXIT_DATA, "unknown format. Use a .csv (or .csv.gz, ...) or"),
        ("x\n1\n", "data.txt", EXIT_DATA, "unknown format"),
        (b"PK\x03\x04\x92\xff\x00binary", "binary.csv", EXIT_DATA, "as a csv table: 'utf-8'"),
    ],
)
def test_bad_files_give_clear_errors_and_exit_codes(
    tmp_path, capsys, content, name, code, message
):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main(["profile", str(path)]) == code
    err = capsys.readouterr().err
    assert err.startswith("mlkit: error: ")
    assert message.format(path=path) in err
    assert "Traceback" not in err


def test_compressed_csv_is_read(tmp_path, churn):
    path = tmp_path / "churn.csv.gz"
    churn.head(100).to_csv(path, index=False)
    assert main(["profile", str(path)]) == EXIT_OK


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["2024-01-31", "2023-12-01", None], "datetime64"),
        (["2024-01-31 08:15:00", "2023-12-01T23:59:59.123456"], "datetime64"),
        (["2024-01-31T08:15:00Z", "2023-12-01T09:00:00Z"], "datetime64"),  # UTC kept
        (["2024-01-31", "soon"], "text"),  # one value is not a date: nothing is lost
        (["2024-01-31T08:00:00+01:00", "2024-07-31T08:00:00+02:00"], "text"),  # mixed zones
        (["31/01/2024", "01/12/2023"], "text"),  # not ISO 8601: day or month first is a guess
        (["9999-12-31", "0001-01-01"], "any"),  # pandas 3 (us) holds them, pandas 2 (ns) not
        (["2024-13-45", "2024-01-01"], "text"),  # looks like a date, is not one
    ],
    ids=["dates", "times", "utc", "one-word", "mixed-zones", "not-iso", "out-of-range", "invalid"],
)
def test_train_and_profile_read_iso_dates_from_csv(tmp_path, values, expected):
    path = tmp_path / "t.csv"
    pd.DataFrame({"when": values, "n": range(len(values))}).to_csv(path, index=False)
    read = read_table(path, dates=True)
    kind = "datetime64" if pd.api.types.is_datetime64_any_dtype(read["when"]) else "text"
    assert kind == expected or expected == "any"
    assert read["n"].tolist() == list(range(len(values)))
    if kind == "text":  # every value as written
        assert read["when"].tolist() == pd.read_csv(path)["when"].tolist()
    else:  # every value as a date, the same instant
        assert read["when"].notna().sum() == sum(v is not None for v in values)
        written = pd.Series(values, dtype=object).dropna()
        assert [pd.Timestamp(v) for v in written] == read["when"].dropna().tolist()
    assert not pd.api.types.is_datetime64_any_dtype(read_table(path)["when"])  # only when asked


def test_dates_keep_the_target_as_written_and_any_column_name(tmp_path):
    path = tmp_path / "t.csv"
    days = ["2024-01-01", "2024-02-01"] * 30
    pd.DataFrame({"self": days, "kwargs": days, "y": days}).to_csv(path, index=False)
    read = read_table(path, dates=True, target="y")
    assert [str(read[name].dtype)[:10] for name in ("self", "kwargs")] == ["datetime64"] * 2
    assert read["y"].tolist() == days  # class labels stay the file's labels


def test_corrupt_parquet_is_bad_data(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    path.write_text("not parquet")
    assert main(["profile", str(path)]) == EXIT_DATA
    assert "as a parquet table" in capsys.readouterr().err


def test_parquet_without_pyarrow_names_the_extra(tmp_path, capsys, monkeypatch):
    def no_engine(*args, **kwargs):
        raise ImportError("Unable to find a usable engine")

    monkeypatch.setattr(pd, "read_parquet", no_engine)
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    assert main(["profile", str(path)]) == EXIT_USAGE
    assert "pip install 'mlkit[parquet]'" in capsys.readouterr().err


def test_missing_target_is_bad_data(churn_csv, capsys):
    assert main(["profile", str(churn_csv), "--target", "nope"]) == EXIT_DATA
    err = capsys.readouterr().err
    assert "has 1 problem(s):\n  - 'nope': the --target column is missing; the file has [" in err


def test_debug_shows_the_traceback(tmp_path):
    command = [sys.executable, "-m", "mlkit", "--debug", "profile", str(tmp_path / "missing.csv")]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == EXIT_DATA
    assert "Traceback" in run.stderr
    assert run.stderr.rstrip().endswith("no such file.")


def test_debug_after_the_command_shows_the_traceback(tmp_path, capsys):
    assert main(["profile", str(tmp_path / "missing.csv"), "--debug"]) == EXIT_DATA
    assert "Traceback" in capsys.readouterr().err


def test_unexpected_errors_exit_1_without_a_traceback(churn_csv, capsys, monkeypatch):
    from mlkit import _profiler

    def broken(self, df, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(_profiler.Profiler, "profile", broken)
    assert main(["profile", str(churn_csv)]) == EXIT_FAILURE
    err = capsys.readouterr().err
    assert err.startswith("mlkit: error: unexpected RuntimeError: boom\n")
    assert "run again with --debug" in err
    assert "Traceback" not in err


def test_usage_errors_return_2_instead_of_exiting(capsys):
    assert main(["train", "data.csv"]) == EXIT_USAGE
    assert "the following arguments are required: --target, --name, --version" in (
        capsys.readouterr().err
    )
    assert main(["--help"]) == EXIT_OK


def test_demo_runs_the_whole_mission(tmp_path, capsys, monkeypatch):
    def no_matplotlib():
        raise MissingDependencyError("charts off: drawing them would be most of the time")

    monkeypatch.setattr(_lazy, "matplotlib_figure", no_matplotlib)
    out = tmp_path / "demo"
    assert main(["demo", "--quick", "--out", str(out), "--quiet"]) == EXIT_OK
    text = capsys.readouterr().out
    names = {p.name for p in out.iterdir()}
    assert {
        "churn.csv",
        "profile.html",
        "profile.json",
        "run.html",
        "churn-model-1.0.0.mlkit",
        "new_rows.csv",
        "churn_model-1.0.0-py3-none-any.whl",
        "drift.html",
        "wheel-site",
    } == names
    for report in ("profile.html", "run.html", "drift.html"):
        assert (out / report).read_text().startswith("<!DOCTYPE html>")
    assert "4. loaded in a fresh process" in text
    assert "`import churn_model` (version 1.0.0) predicts the same" in text
    assert "6. monitored 1,500 rows from a shifted customer base" in text
    assert "retrain:    recommended" in text
    assert f"everything is in {out}/" in text


def test_python_dash_m_and_version():
    run = subprocess.run(
        [sys.executable, "-m", "mlkit", "--version"], capture_output=True, text=True
    )
    assert run.returncode == 0
    assert run.stdout.startswith("mlkit ")
    run = subprocess.run([sys.executable, "-m", "mlkit"], capture_output=True, text=True)
    assert run.returncode == 2
    assert "usage: mlkit" in run.stderr
    run = subprocess.run([sys.executable, "-m", "mlkit", "--help"], capture_output=True, text=True)
    assert run.returncode == 0
    for command in ("profile", "train", "predict", "inspect", "monitor", "wheel", "demo"):
        assert f"    {command} " in run.stdout
    assert "exit codes:" in run.stdout
    assert "5  the model failed its acceptance test" in run.stdout
