"""The command line end to end on the built-in data: train, predict, inspect, monitor, wheel.

Every task is trained once per module with a quick search; reports are drawn
without charts (matplotlib's SVG rendering would be most of the time).
"""

import io
import json
import os
import zipfile
from contextlib import redirect_stdout

import pandas as pd
import pytest

import mlkit
from mlkit import _lazy
from mlkit._cli import (
    EXIT_ACCEPTANCE,
    EXIT_ARTIFACT,
    EXIT_DATA,
    EXIT_DRIFT,
    EXIT_OK,
    EXIT_USAGE,
    main,
)
from mlkit.datasets import TARGETS, make_churn
from mlkit.exceptions import MissingDependencyError

TASKS = sorted(TARGETS)


def _no_matplotlib():
    raise MissingDependencyError("charts off in these tests")


@pytest.fixture(scope="module", autouse=True)
def no_charts():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_lazy, "matplotlib_figure", _no_matplotlib)
        yield


@pytest.fixture(scope="module")
def trained(tmp_path_factory, no_charts):
    """Per task: the data file, the train command's output and the artifact."""
    found = {}
    for task in TASKS:
        folder = tmp_path_factory.mktemp(task)
        data = folder / "train.csv"
        make_churn(500, task=task, random_state=3).to_csv(data, index=False)
        out = io.StringIO()
        with redirect_stdout(out):
            code = main(
                [
                    *["train", str(data), "--target", TARGETS[task], "--name", f"churn-{task}"],
                    *["--version", "1.0.0", "--out", str(folder / "models"), "--quick", "--quiet"],
                ]
            )
        assert code == EXIT_OK, out.getvalue()
        found[task] = (data, out.getvalue(), folder / "models" / f"churn-{task}-1.0.0.mlkit")
    return found


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """New rows per task, shifted, labels included."""
    folder = tmp_path_factory.mktemp("batch")
    paths = {}
    for task in TASKS:
        paths[task] = folder / f"{task}.csv"
        make_churn(300, task=task, shifted=True, random_state=4).to_csv(paths[task], index=False)
    return paths


def _run(capsys, *args):
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("task", TASKS)
def test_train_prints_a_summary_and_writes_artifact_and_report(trained, task):
    data, out, artifact = trained[task]
    assert out.startswith(f"trained {TARGETS[task]!r} ({task}) from {data}: ")
    assert "  model:      " in out
    assert "  acceptance: passed on the held-back rows" in out
    assert f"  artifact:   {artifact}\n" in out
    assert artifact.is_file()
    report = artifact.with_suffix(".html")
    assert report.read_text().startswith("<!DOCTYPE html>")
    manifest = mlkit._model.read_manifest(artifact)
    assert (manifest.task, manifest.target) == (task, TARGETS[task])


@pytest.mark.parametrize("task", TASKS)
def test_predict_to_stdout_matches_the_python_api(trained, batch, task, capsys):
    _, _, artifact = trained[task]
    code, out, err = _run(capsys, "predict", artifact, batch[task], "--id-column", "customer_id")
    assert (code, err) == (EXIT_OK, "")
    got = pd.read_csv(io.StringIO(out))
    rows = pd.read_csv(batch[task])
    assert list(got.columns) == ["customer_id", TARGETS[task]]
    assert got["customer_id"].tolist() == rows["customer_id"].tolist()  # input order kept
    expected = mlkit.load(artifact).predict(rows)
    if task == "regression":
        assert got[TARGETS[task]].to_numpy() == pytest.approx(expected.to_numpy())
    else:
        assert got[TARGETS[task]].astype(str).tolist() == expected.astype(str).tolist()


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_predict_writes_probabilities_to_a_file(trained, batch, task, tmp_path, capsys):
    _, _, artifact = trained[task]
    target = tmp_path / "sub" / "predictions.csv"
    code, out, _ = _run(capsys, "predict", artifact, batch[task], "--proba", "--out", target)
    assert code == EXIT_OK
    assert out == f"300 predictions of churn-{task} 1.0.0: {target}\n"
    got = pd.read_csv(target)
    labels = mlkit._model.read_manifest(artifact).classes
    assert list(got.columns) == [TARGETS[task], *(f"proba_{label}" for label in labels)]
    assert got.filter(like="proba_").sum(axis=1).to_numpy() == pytest.approx(1.0)


def test_predict_writes_parquet(trained, batch, tmp_path, capsys):
    pytest.importorskip("pyarrow")
    _, _, artifact = trained["binary"]
    target = tmp_path / "predictions.parquet"
    assert _run(capsys, "predict", artifact, batch["binary"], "--out", target)[0] == EXIT_OK
    assert len(pd.read_parquet(target)) == 300


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (["--proba"], EXIT_USAGE, "is a regression model: leave --proba out"),
        (["--id-column", "nope"], EXIT_DATA, "'nope': the --id-column column is missing"),
        (["--out", "predictions.xlsx"], EXIT_USAGE, "unknown format. Name a .csv or .parquet"),
    ],
)
def test_predict_refuses_bad_options(trained, batch, capsys, extra, code, message):
    _, _, artifact = trained["regression"]
    got, out, err = _run(capsys, "predict", artifact, batch["regression"], *extra)
    assert (got, out) == (code, "")
    assert err.startswith("mlkit: error: ")
    assert message in err


def test_predict_proba_of_a_classifier_without_probabilities_is_a_usage_error(tmp_path, capsys):
    data = tmp_path / "train.csv"
    make_churn(400, random_state=3).to_csv(data, index=False)
    args = ["train", data, "--target", "churned", "--name", "svm", "--version", "1.0.0"]
    code, _, err = _run(capsys, *args, "--families", "linear_svm", "--out", tmp_path, "--quiet")
    assert code == EXIT_OK, err
    code, out, err = _run(capsys, "predict", tmp_path / "svm-1.0.0.mlkit", data, "--proba")
    assert (code, out) == (EXIT_USAGE, "")
    assert "(LinearSVC) gives none: leave --proba out" in err


def test_inspect_prints_the_manifest(trained, capsys):
    _, _, artifact = trained["multiclass"]
    code, out, _ = _run(capsys, "inspect", artifact)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "churn-multiclass 1.0.0"
    assert "  task:       multiclass" in lines
    assert "  target:     plan_change" in lines
    assert "  classes:    downgrade, none, upgrade" in lines
    assert "  acceptance: passed" in lines
    assert "  input contract (14 columns, each required):" in lines
    described = {line.split()[0]: line.split(maxsplit=2)[1:] for line in lines[-14:]}
    assert list(described) == list(
        pd.read_csv(trained["multiclass"][0], nrows=1).drop(columns="plan_change")
    )
    assert described["tenure_months"][0] == "int64"
    assert described["tenure_months"][1].startswith("a number, trained on 0 to ")
    assert described["signup_date"][0].startswith("datetime64")  # the CSV's ISO dates
    assert described["signup_date"][1] == "a date or time"
    assert described["payment_method"][0] in {"str", "object"}  # pandas 3 and pandas 2
    assert described["payment_method"][1] == "any value, 4 values seen in training"
    assert described["total_charges"][1].startswith("any value")  # numbers as text: any text
    assert "  runtime:" in lines
    assert "# Metrics" not in out


def test_inspect_json_and_card(trained, capsys, monkeypatch):
    _, _, artifact = trained["binary"]

    def never(*args, **kwargs):
        raise AssertionError("inspect built the model")

    monkeypatch.setattr("mlkit._model.load_pipeline", never)  # inspect reads, never builds
    code, out, _ = _run(capsys, "inspect", artifact, "--json")
    assert code == EXIT_OK
    document = json.loads(out)
    assert document["manifest"]["name"] == "churn-binary"
    assert document["manifest"]["acceptance"]["passed"] is True
    assert "card" not in document
    contract = {column["name"]: column for column in document["contract"]["columns"]}
    assert contract["age"]["kind"] == "number" and contract["age"]["low"] >= 18
    code, out, _ = _run(capsys, "inspect", artifact, "--json", "--card")
    assert "# Acceptance test" in json.loads(out)["card"]
    code, out, _ = _run(capsys, "inspect", artifact, "--card")
    assert code == EXIT_OK
    assert "# Metrics" in out


@pytest.mark.parametrize("task", TASKS)
def test_monitor_reports_drift_and_exits_0(trained, batch, task, tmp_path, capsys):
    _, _, artifact = trained[task]
    html = tmp_path / "drift.html"
    code, out, err = _run(
        capsys, "monitor", artifact, batch[task], "--target", TARGETS[task], "--html", html
    )
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith(f"monitored churn-{task} 1.0.0 on 300 rows from {batch[task]}\n")
    assert "  retrain:    recommended" in out
    assert "  drifted:    " in out
    assert "labelled rows" in out  # the metrics, measured with --target
    assert html.read_text().startswith("<!DOCTYPE html>")


def test_monitor_without_labels_and_fail_on(trained, batch, capsys):
    _, _, artifact = trained["binary"]
    code, out, _ = _run(capsys, "monitor", artifact, batch["binary"])
    assert code == EXIT_OK
    assert "labelled rows" not in out
    for fail_on in ("drift", "retrain"):
        code, out, err = _run(capsys, "monitor", artifact, batch["binary"], "--fail-on", fail_on)
        assert code == EXIT_DRIFT
        assert "  retrain:    recommended" in out
        assert err.startswith("mlkit: error: retraining is recommended (severity ")
        assert f"--fail-on {fail_on} was given" in err


def test_monitor_fail_on_passes_when_nothing_is_found(trained, capsys):
    data, _, artifact = trained["binary"]
    code, out, _ = _run(capsys, "monitor", artifact, data, "--fail-on", "retrain")
    assert code == EXIT_OK, out
    assert "  retrain:    not recommended" in out


def test_dates_from_csv_are_checked_as_dates(trained, batch, tmp_path, capsys):
    _, _, artifact = trained["binary"]
    rows = pd.read_csv(batch["binary"]).head(20)  # the dates as text: the contract parses them
    assert _run(capsys, "predict", artifact, batch["binary"])[0] == EXIT_OK
    rows.loc[3, "signup_date"] = "last spring"
    bad = tmp_path / "bad.csv"
    rows.to_csv(bad, index=False)
    code, out, err = _run(capsys, "predict", artifact, bad)
    assert (code, out) == (EXIT_DATA, "")
    assert "'signup_date'" in err and "last spring" in err


def test_monitor_refuses_a_missing_target_column(trained, batch, capsys):
    _, _, artifact = trained["binary"]
    code, _, err = _run(capsys, "monitor", artifact, batch["binary"], "--target", "nope")
    assert code == EXIT_DATA
    assert "'nope': the --target column is missing" in err


def test_wheel_builds_into_a_new_folder(trained, tmp_path, capsys):
    _, _, artifact = trained["binary"]
    out_dir = tmp_path / "dist" / "models"
    code, out, _ = _run(capsys, "wheel", artifact, "--out", out_dir)
    wheel = out_dir / "churn_binary-1.0.0-py3-none-any.whl"
    assert code == EXIT_OK
    assert out.splitlines() == [
        f"wheel: {wheel}",
        f"  install: pip install {wheel}",
        "  use:     import churn_binary; churn_binary.predict(df)",
    ]
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("churn_binary/model.mlkit") == artifact.read_bytes()
    code, _, err = _run(capsys, "wheel", artifact, "--out", out_dir)
    assert code == EXIT_USAGE
    assert "already exists. Give the model a new version, or pass --overwrite" in err
    assert _run(capsys, "wheel", artifact, "--out", out_dir, "--overwrite")[0] == EXIT_OK


def test_train_refuses_an_existing_artifact_before_any_work(trained, capsys):
    data, _, artifact = trained["binary"]
    args = ["train", data, "--target", "churned", "--name", "churn-binary", "--version", "1.0.0"]
    code, out, err = _run(capsys, *args, "--out", artifact.parent)
    assert (code, out) == (EXIT_USAGE, "")
    assert "the file exists. Pass --overwrite to replace it, or give another --version" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--name", "bad name", "--version", "1.0.0"], "'name' parameter of Packager must"),
        (["--name", "churn", "--version", "one"], "version"),
        (["--name", "churn", "--version", "1.0.0", "--accept", "roc_auc"], "METRIC=FLOOR"),
        (["--name", "churn", "--version", "1.0.0", "--time-budget", "soon"], "invalid float"),
    ],
)
def test_train_refuses_bad_options(trained, tmp_path, capsys, options, message):
    data, _, _ = trained["binary"]
    code, out, err = _run(
        capsys, "train", data, "--target", "churned", "--out", tmp_path, *options
    )
    assert (code, out) == (EXIT_USAGE, "")
    assert message in err
    assert not list(tmp_path.iterdir())


def test_failed_acceptance_exits_5_and_writes_no_artifact(tmp_path, capsys):
    data = tmp_path / "small.csv"
    make_churn(300, random_state=5).to_csv(data, index=False)
    args = ["train", data, "--target", "churned", "--name", "churn", "--version", "1.0.0"]
    args += ["--out", tmp_path / "models", "--families", "logistic_regression", "--quick"]
    args += ["--quiet", "--accept", "roc_auc=0.999"]
    code, out, err = _run(capsys, *args)
    assert code == EXIT_ACCEPTANCE
    assert "  acceptance: FAILED on the held-back rows\n    FAIL roc_auc = " in out
    assert err.startswith("mlkit: error: The model failed its acceptance test (roc_auc = ")
    assert "needs at least 0.999), so nothing was packaged" in err
    assert "pass --force" in err
    assert "Traceback" not in err
    assert not list((tmp_path / "models").glob("*.mlkit"))
    assert (tmp_path / "models" / "churn-1.0.0.html").is_file()  # the report says why
    code, out, err = _run(capsys, *args, "--force")
    assert (code, err) == (EXIT_OK, "")
    artifact = tmp_path / "models" / "churn-1.0.0.mlkit"
    assert f"  artifact:   {artifact}" in out
    code, out, _ = _run(capsys, "inspect", artifact)
    assert "  acceptance: FAILED\n    FAIL roc_auc = " in out


# --------------------------------------------------------------------------- bad input


def _bad_file(folder, kind):
    if kind == "missing":
        return folder / "missing.csv", "no such file"
    path = folder / {"text": "data.txt", "binary": "data.csv"}.get(kind, f"{kind}.csv")
    if kind == "text":
        path.write_text("churned\n1\n")
        return path, "unknown format"
    if kind == "binary":
        path.write_bytes(b"PK\x03\x04\x14\x00\x92\xff binary, not text")
        return path, "as a csv table"
    if kind == "empty":
        path.write_bytes(b"")
        return path, "as a csv table: No columns to parse from file"
    path.write_text("customer_id,churned\n")  # a header only
    return path, "it has no rows (a header at most)"


@pytest.mark.parametrize("kind", ["missing", "text", "binary", "empty", "header"])
@pytest.mark.parametrize("command", ["profile", "train", "predict", "monitor"])
def test_bad_data_files_exit_3_at_every_entry_point(trained, tmp_path, capsys, command, kind):
    path, message = _bad_file(tmp_path, kind)
    artifact = trained["binary"][2]
    args = {
        "profile": ["profile", path],
        "train": ["train", path, "--target", "churned", "--name", "m", "--version", "1.0.0"],
        "predict": ["predict", artifact, path],
        "monitor": ["monitor", artifact, path],
    }[command]
    code, out, err = _run(capsys, *args)
    assert (code, out) == (EXIT_DATA, "")
    assert err.startswith("mlkit: error: Cannot ")
    assert repr(str(path)) in err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"x": [1, 2, 3]}, "'churned': the --target column is missing; the file has ['x']"),
        ({"x": [1, 2, 3], "churned": [1, 1, 1]}, "the target has 1 distinct value(s)"),
    ],
)
def test_train_refuses_a_missing_or_constant_target(tmp_path, capsys, table, message):
    data = tmp_path / "data.csv"
    pd.DataFrame(table).to_csv(data, index=False)
    args = ["train", data, "--target", "churned", "--name", "m", "--version", "1.0.0"]
    code, _, err = _run(capsys, *args, "--out", tmp_path / "models", "--quiet")
    assert code == EXIT_DATA
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / "models").exists() or not list((tmp_path / "models").iterdir())


def _bad_artifact(folder, kind, good):
    path = folder / "model.mlkit"
    if kind == "missing":
        return path, "does not exist: give the path of a .mlkit file"
    if kind == "folder":
        path.mkdir()
        return path, "is a folder: give the path of a .mlkit file"
    if kind == "fifo":
        os.mkfifo(path)
        return path, "is not a regular file: give the path of a .mlkit file"
    if kind == "truncated":
        path.write_bytes(good.read_bytes()[:2_000])
        return path, "is not an mlkit artifact: it cannot be read as a zip archive"
    if kind == "not_zip":
        path.write_text("a,b\n1,2\n")
        return path, "is not an mlkit artifact"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data + b" " if item.filename == "card.md" else data)
    return path, "card.md"  # altered after packaging: its hash differs


@pytest.mark.parametrize(
    "kind",
    [
        "missing",
        "folder",
        pytest.param("fifo", marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX")),
        "truncated",
        "not_zip",
        "altered",
    ],
)
@pytest.mark.parametrize("command", ["predict", "inspect", "monitor", "wheel"])
def test_bad_artifacts_exit_4_at_every_entry_point(trained, tmp_path, capsys, command, kind):
    data, _, good = trained["binary"]
    path, message = _bad_artifact(tmp_path, kind, good)
    args = {
        "predict": ["predict", path, data],
        "inspect": ["inspect", path],
        "monitor": ["monitor", path, data],
        "wheel": ["wheel", path, "--out", tmp_path / "dist"],
    }[command]
    code, out, err = _run(capsys, *args)
    assert (code, out) == (EXIT_ARTIFACT, "")
    assert err.startswith(f"mlkit: error: The artifact {str(path)!r}")
    assert message in err
    assert "Traceback" not in err
    assert not list(tmp_path.glob("dist/*.whl"))
