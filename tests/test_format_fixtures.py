"""Committed artifacts of every file format mlkit has written still load.

``fixtures/protocol-1.mlkit`` was packaged by mlkit 0.1.0 (signed with the key
``fixture-key``) from ``make_churn(300, random_state=11)`` with a Cleaner →
FeatureBuilder → LogisticRegression pipeline. When the format changes, the old
reader stays and a fixture of the new format joins this one.
"""

import json
import warnings
import zipfile
from pathlib import Path

import pytest

import mlkit
from mlkit._model import read_manifest
from mlkit._versioning import RUNTIME, installed_versions
from mlkit.datasets import make_churn
from mlkit.exceptions import IncompatibleRuntimeError

FIXTURE = Path(__file__).parent / "fixtures" / "protocol-1.mlkit"


def _release(version):
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def _built_with():
    with zipfile.ZipFile(FIXTURE) as archive:
        return json.loads(archive.read("manifest.json"))["runtime"]


def _expected():
    """What the compatibility policy says for this runtime: None, 'warning' or 'error'."""
    saved, here = _built_with(), installed_versions()
    names = [n for n in RUNTIME if n != "mlkit"]
    if any(_release(saved[n])[0] != _release(here[n])[0] for n in names):
        return "error"
    if any(_release(saved[n]) != _release(here[n]) for n in names):
        return "warning"
    return None


def test_format_1_fixture_loads_and_predicts_as_packaged():
    expected = _expected()
    if expected == "error":
        with pytest.raises(IncompatibleRuntimeError, match="different major version"):
            mlkit.load(FIXTURE, signing_key="fixture-key")
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if expected == "warning" else "error")
        model = mlkit.load(FIXTURE, signing_key="fixture-key")
    assert (model.name, model.version, model.metadata.protocol) == ("fixture", "1.0.0", 1)
    assert model.self_test().passed
    df = make_churn(300, random_state=11)
    predictions = model.predict(df.drop(columns="churned"))
    assert len(predictions) == 300 and set(predictions) <= {0, 1}


def test_format_1_fixture_is_whole_and_signed_on_any_runtime():
    manifest = read_manifest(FIXTURE, signing_key="fixture-key")
    assert manifest.protocol == 1
    assert list(manifest.inputs)[:2] == ["customer_id", "signup_date"]
    assert manifest.classes == (0, 1)


def test_format_1_fixture_with_a_version_1_drift_sketch_monitors():
    expected = _expected()
    if expected == "error":
        pytest.skip("this runtime cannot load the fixture (tested above)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if expected == "warning" else "error")
        model = mlkit.load(FIXTURE, signing_key="fixture-key")
    assert model.reference["sketch_version"] == 1
    assert model.drift_monitor.task_ == "binary"  # from the manifest: v1 stored no task
    df = make_churn(300, random_state=11)
    report = model.monitor(df.drop(columns="churned"), df["churned"])
    assert {f.name for f in report.features} <= set(model.columns)
    assert "signup_date" not in {f.name for f in report.features}
    assert [m.metric for m in report.performance] == ["roc_auc", "balanced_accuracy"]
    json.dumps(report.to_dict())
