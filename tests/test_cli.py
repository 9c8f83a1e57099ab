import json
import subprocess
import sys

import pandas as pd
import pytest

from mlkit._cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, main


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
    assert "dates_as_text" in out  # CSV turns datetimes into text
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
        (None, "missing.csv", EXIT_USAGE, "no such file"),
        ("a,b\n", "empty.csv", EXIT_DATA, "the frame has no rows"),
        ("", "blank.csv", EXIT_DATA, "cannot be read as a table"),
        ("x\n1\n", "data.xlsx", EXIT_USAGE, "unknown format. Use a .csv or .parquet file"),
    ],
)
def test_bad_files_give_clear_errors_and_exit_codes(
    tmp_path, capsys, content, name, code, message
):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    assert main(["profile", str(path)]) == code
    err = capsys.readouterr().err
    assert err.startswith("mlkit: error: ")
    assert message in err
    assert "Traceback" not in err


def test_corrupt_parquet_is_bad_data(tmp_path, capsys):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    path.write_text("not parquet")
    assert main(["profile", str(path)]) == EXIT_DATA
    assert "cannot be read as a table" in capsys.readouterr().err


def test_parquet_without_pyarrow_names_the_extra(tmp_path, capsys, monkeypatch):
    def no_engine(*args, **kwargs):
        raise ImportError("Unable to find a usable engine")

    monkeypatch.setattr(pd, "read_parquet", no_engine)
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    assert main(["profile", str(path)]) == EXIT_USAGE
    assert "pip install 'mlkit[parquet]'" in capsys.readouterr().err


def test_unknown_target_is_a_usage_error(churn_csv, capsys):
    assert main(["profile", str(churn_csv), "--target", "nope"]) == EXIT_USAGE
    assert "'target' argument of Profiler.profile must be a column" in capsys.readouterr().err


def test_debug_shows_the_traceback(tmp_path):
    command = [sys.executable, "-m", "mlkit", "--debug", "profile", str(tmp_path / "missing.csv")]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == EXIT_USAGE
    assert "Traceback" in run.stderr
    assert run.stderr.rstrip().endswith("no such file.")


def test_demo_runs_the_main_job(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "--out", str(out), "--rows", "1000", "--task", "multiclass"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "target 'plan_change'" in text
    assert {p.name for p in out.iterdir()} == {"churn.csv", "profile.html", "profile.json"}
    assert len(pd.read_csv(out / "churn.csv")) == 1000


def test_python_dash_m_and_version():
    run = subprocess.run(
        [sys.executable, "-m", "mlkit", "--version"], capture_output=True, text=True
    )
    assert run.returncode == 0
    assert run.stdout.startswith("mlkit ")
    run = subprocess.run([sys.executable, "-m", "mlkit"], capture_output=True, text=True)
    assert run.returncode == 2
    assert "usage: mlkit" in run.stderr
