"""Packager writes one versioned, self-contained, deterministic artifact, atomically."""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import mlkit
from mlkit import Cleaner, FeatureBuilder, Packager
from mlkit.datasets import make_churn
from mlkit.exceptions import AcceptanceError, ConfigurationError, DataError, UntrustedTypeError

MEMBERS = {
    "manifest.json",
    "model.skops",
    "schema.json",
    "reference.json",
    "golden.json",
    "card.md",
}


@pytest.fixture(scope="module")
def data():
    df = make_churn(1_200, random_state=4)
    return df.drop(columns="churned"), df["churned"]


@pytest.fixture(scope="module")
def pipeline(data):
    X, y = data
    return make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression(max_iter=2_000)).fit(X, y)


@pytest.fixture(scope="module")
def artifact(pipeline, data, tmp_path_factory):
    X, y = data
    folder = tmp_path_factory.mktemp("artifact")
    return Packager(name="churn-model", version="1.2.0").package(
        pipeline, X, y, path=folder, metrics={"cv_roc_auc": 0.91}
    )


def _manifest(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json")), archive.namelist()


def test_writes_one_named_file_with_every_member(artifact):
    assert artifact.path.name == "churn-model-1.2.0.mlkit"
    manifest, names = _manifest(artifact.path)
    assert set(names) == MEMBERS
    assert manifest["protocol"] == 1
    assert manifest["name"] == "churn-model"
    assert manifest["version"] == "1.2.0"
    assert manifest["task"] == "binary"
    assert manifest["target"] == "churned"
    assert manifest["classes"] == [0, 1]
    assert manifest["estimator"] == "LogisticRegression"
    assert manifest["metrics"] == {"cv_roc_auc": 0.91}
    assert manifest["parent"] is None
    assert list(manifest["inputs"])[:2] == ["customer_id", "signup_date"]


def test_manifest_records_runtime_fingerprint_and_member_hashes(artifact, data):
    manifest, _ = _manifest(artifact.path)
    runtime = manifest["runtime"]
    for name in ("python", "mlkit", "numpy", "pandas", "scikit-learn", "scipy", "skops"):
        assert runtime[name]
    assert runtime["scikit-learn"] == __import__("sklearn").__version__
    assert manifest["fingerprint"]["rows"] == len(data[0])
    assert len(manifest["fingerprint"]["sha256"]) == 64
    with zipfile.ZipFile(artifact.path) as archive:
        for name, entry in manifest["members"].items():
            content = archive.read(name)
            assert entry == {"sha256": hashlib.sha256(content).hexdigest(), "size": len(content)}
    assert set(manifest["members"]) == MEMBERS - {"manifest.json"}


def test_artifact_value_matches_the_file(artifact):
    manifest, _ = _manifest(artifact.path)
    assert artifact.manifest.to_dict() == manifest
    assert artifact.name == "churn-model" and artifact.version == "1.2.0"
    assert not artifact.signed
    assert json.loads(json.dumps(artifact.to_dict()))["manifest"]["name"] == "churn-model"
    assert "churn-model" in repr(artifact)


def test_artifact_html_report(artifact, tmp_path):
    written = artifact.to_html(tmp_path / "artifact.html")
    text = written.read_text()
    assert text.startswith("<!DOCTYPE html>") and "churn-model" in text
    assert "customer_id" in artifact._repr_html_()


def test_same_model_and_data_give_the_same_model_and_contract_hashes(pipeline, data, tmp_path):
    X, y = data
    first = Packager(name="churn", version="1.0.0").package(pipeline, X, y, path=tmp_path)
    reloaded = sio.loads(
        sio.dumps(pipeline), trusted=sio.get_untrusted_types(data=sio.dumps(pipeline))
    )
    second = Packager(name="churn", version="1.0.1").package(reloaded, X, y, path=tmp_path)
    for member in ("model.skops", "schema.json", "golden.json", "reference.json"):
        assert first.manifest.members[member] == second.manifest.members[member], member
    assert first.manifest.fingerprint == second.manifest.fingerprint


def test_model_hash_is_the_same_in_another_process(artifact, pipeline, data, tmp_path):
    X, y = data
    sio.dump(pipeline, tmp_path / "pipeline.skops")
    X.to_pickle(tmp_path / "X.pkl")
    y.to_pickle(tmp_path / "y.pkl")
    script = textwrap.dedent(
        f"""
        import pandas as pd, skops.io as sio, mlkit
        p = sio.load({str(tmp_path / "pipeline.skops")!r},
                     trusted=sio.get_untrusted_types(file={str(tmp_path / "pipeline.skops")!r}))
        X = pd.read_pickle({str(tmp_path / "X.pkl")!r}); y = pd.read_pickle({str(tmp_path / "y.pkl")!r})
        a = mlkit.Packager(name="churn", version="9.0.0").package(p, X, y, path={str(tmp_path)!r})
        print(a.manifest.members["model.skops"]["sha256"])
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == artifact.manifest.members["model.skops"]["sha256"]


def test_refuses_to_overwrite_unless_asked(pipeline, data, tmp_path):
    X, y = data
    packager = Packager(name="churn", version="1.0.0")
    first = packager.package(pipeline, X, y, path=tmp_path)
    before = first.path.read_bytes()
    with pytest.raises(ConfigurationError, match=r"already exists.*new version.*overwrite=True"):
        packager.package(pipeline, X.iloc[:600], y.iloc[:600], path=tmp_path)
    assert first.path.read_bytes() == before
    again = packager.package(pipeline, X.iloc[:600], y.iloc[:600], path=tmp_path, overwrite=True)
    assert again.manifest.fingerprint["rows"] == 600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn-1.0.0.mlkit"]


def test_path_may_name_the_file(pipeline, data, tmp_path):
    X, y = data
    artifact = Packager(name="churn", version="1.0.0").package(
        pipeline, X, y, path=tmp_path / "custom.mlkit"
    )
    assert artifact.path == tmp_path / "custom.mlkit"


@pytest.mark.parametrize(
    ("path", "match"),
    [("missing-folder/model.mlkit", "does not exist"), ("not-a-folder", "existing folder")],
)
def test_bad_paths_are_refused(pipeline, data, tmp_path, path, match):
    X, y = data
    with pytest.raises(ConfigurationError, match=match):
        Packager(name="churn", version="1.0.0").package(pipeline, X, y, path=tmp_path / path)


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(
    pipeline, data, tmp_path, monkeypatch
):
    X, y = data
    packager = Packager(name="churn", version="1.0.0")
    first = packager.package(pipeline, X, y, path=tmp_path)
    before = first.path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        packager.package(pipeline, X.iloc[:600], y.iloc[:600], path=tmp_path, overwrite=True)
    assert first.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["churn-1.0.0.mlkit"]


@pytest.mark.parametrize("existing", [False, True], ids=["new-file", "replacing"])
def test_a_process_killed_mid_write_leaves_the_old_file_or_none(
    pipeline, data, tmp_path, existing
):
    X, y = data
    target = tmp_path / "churn-1.0.0.mlkit"
    if existing:
        Packager(name="churn", version="1.0.0").package(pipeline, X, y, path=tmp_path)
    before = target.read_bytes() if existing else None
    sio.dump(pipeline, tmp_path / "pipeline.skops")
    X.to_pickle(tmp_path / "X.pkl")
    # The process dies (os._exit, no clean-up) after the bytes are written, before the rename.
    script = textwrap.dedent(
        f"""
        import os, pandas as pd, skops.io as sio, mlkit
        path = {str(tmp_path / "pipeline.skops")!r}
        p = sio.load(path, trusted=sio.get_untrusted_types(file=path))
        X = pd.read_pickle({str(tmp_path / "X.pkl")!r})
        os.fsync = lambda fd: os._exit(3)
        mlkit.Packager(name="churn", version="1.0.0").package(
            p, X.iloc[:500], path={str(tmp_path)!r}, overwrite=True)
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert run.returncode == 3, run.stderr
    if existing:
        assert target.read_bytes() == before
        mlkit.load(target)
    else:
        assert not target.exists()


@pytest.mark.parametrize(
    ("field", "value", "match"),
    [
        ("name", "", "must start with a letter"),
        ("name", "churn model", "must start with a letter"),
        ("name", "mlkit", "hides a module"),
        ("name", "numpy", "hides a module"),
        ("name", "json", "hides a module"),
        ("name", "class", "is a keyword"),
        ("name", 3, "must start with a letter"),
        ("version", "1.0-rc1", "canonical"),
        ("version", "v1", "PEP 440"),
        ("version", 1.0, "PEP 440"),
        ("intended_use", 3, "must be text"),
    ],
)
def test_packager_validates_its_fields(field, value, match):
    params = {"name": "churn", "version": "1.0.0", field: value}
    with pytest.raises(ConfigurationError, match=match):
        Packager(**params)


@pytest.mark.parametrize(
    "version", ["1", "1.2.0", "2.0.0rc1", "1.0.post1", "1.0.0.dev3", "1!2.0", "1.0+local.1"]
)
def test_pep440_versions_are_accepted(version):
    assert Packager(name="churn", version=version).file_name == f"churn-{version}.mlkit"


def test_an_unfitted_model_is_refused(data, tmp_path):
    X, y = data
    with pytest.raises(ConfigurationError, match="not fitted"):
        Packager(name="churn", version="1.0.0").package(
            make_pipeline(Cleaner(), LogisticRegression()), X, y, path=tmp_path
        )
    with pytest.raises(ConfigurationError, match="predict method"):
        Packager(name="churn", version="1.0.0").package(Cleaner(), X, y, path=tmp_path)


def test_training_frame_problems_are_refused(pipeline, data, tmp_path):
    X, y = data
    packager = Packager(name="churn", version="1.0.0")
    with pytest.raises(DataError, match="expected a pandas DataFrame"):
        packager.package(pipeline, X.to_numpy(), y, path=tmp_path)
    with pytest.raises(ConfigurationError, match="columns differ"):
        packager.package(pipeline, X.drop(columns="age"), y, path=tmp_path)
    with pytest.raises(ConfigurationError, match="y_train has 10 values"):
        packager.package(pipeline, X, y.iloc[:10], path=tmp_path)
    with pytest.raises(ConfigurationError, match="no rows"):
        packager.package(pipeline, X.iloc[:0], path=tmp_path)
    assert list(tmp_path.iterdir()) == []


def _double(values):
    return values * 2


def test_a_model_holding_untrusted_types_is_refused_at_packaging(tmp_path):
    X = pd.DataFrame({"a": np.arange(40.0), "b": np.arange(40.0) % 7})
    y = (X["a"] > 20).astype(int)
    model = make_pipeline(FunctionTransformer(_double), LogisticRegression()).fit(X, y)
    with pytest.raises(UntrustedTypeError, match="outside mlkit's allow-list") as caught:
        Packager(name="custom", version="1.0.0").package(model, X, y, path=tmp_path)
    assert any("_double" in name for name in caught.value.types)
    assert list(tmp_path.iterdir()) == []


def test_lineage_from_artifact_model_or_version(artifact, pipeline, data, tmp_path):
    X, y = data
    packager = Packager(name="churn-model", version="1.3.0")
    from_artifact = packager.package(pipeline, X, y, path=tmp_path / "a.mlkit", parent=artifact)
    assert from_artifact.manifest.parent == {
        "name": "churn-model",
        "version": "1.2.0",
        "model_sha256": artifact.manifest.members["model.skops"]["sha256"],
    }
    loaded = mlkit.load(artifact.path)
    from_model = packager.package(pipeline, X, y, path=tmp_path / "b.mlkit", parent=loaded)
    assert from_model.manifest.parent == from_artifact.manifest.parent
    from_text = packager.package(pipeline, X, y, path=tmp_path / "c.mlkit", parent="1.1.0")
    assert from_text.manifest.parent == {"name": None, "version": "1.1.0", "model_sha256": None}
    with pytest.raises(ConfigurationError, match="'parent' parameter"):
        packager.package(pipeline, X, y, path=tmp_path / "d.mlkit", parent=3)


def test_acceptance_verdict_is_recorded_and_carded(pipeline, data, tmp_path):
    X, y = data
    from sklearn.metrics import get_scorer

    from mlkit._acceptance import accept

    scorers = {"roc_auc": get_scorer("roc_auc")}
    passed = accept(
        pipeline, X, y, scorers=scorers, thresholds={"roc_auc": 0.5}, baseline=None, task="binary"
    )
    failed = accept(
        pipeline,
        X,
        y,
        scorers=scorers,
        thresholds={"roc_auc": 0.999},
        baseline=None,
        task="binary",
    )
    good = Packager(name="churn", version="1.0.0").package(
        pipeline, X, y, path=tmp_path, acceptance=passed
    )
    with pytest.raises(AcceptanceError, match=r"failed its acceptance test \(roc_auc\)") as caught:
        Packager(name="churn", version="1.0.1").package(
            pipeline, X, y, path=tmp_path, acceptance=failed
        )
    assert caught.value.verdict is failed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["churn-1.0.0.mlkit"]
    bad = Packager(name="churn", version="1.0.1").package(
        pipeline, X, y, path=tmp_path, acceptance=failed, force=True
    )
    assert good.manifest.acceptance["passed"] is True
    assert bad.manifest.acceptance["passed"] is False
    assert "**Passed**" in mlkit.load(good.path).card
    assert "FAILED" in mlkit.load(bad.path).card


def test_card_has_the_sections_a_reader_needs(artifact):
    card = mlkit.load(artifact.path).card
    for heading in (
        "# Model card: churn-model 1.2.0",
        "# Intended use",
        "# Training data",
        "# Input contract",
        "# Acceptance test",
        "# Limitations",
    ):
        assert heading in card
    assert "cv_roc_auc" in card and "0.91" in card
    assert "1,200 rows" in card


def test_intended_use_and_limitations_reach_the_card(pipeline, data, tmp_path):
    X, y = data
    artifact = Packager(
        name="churn",
        version="1.0.0",
        intended_use="Rank customers for retention calls.",
        limitations="Not for customers outside the EU.",
    ).package(pipeline, X, y, path=tmp_path)
    card = mlkit.load(artifact.path).card
    assert "Rank customers for retention calls." in card
    assert "Not for customers outside the EU." in card


def test_profile_defines_the_contract_and_alerts_reach_the_card(pipeline, data, tmp_path):
    X, y = data
    profile = mlkit.Profiler().profile(X.assign(churned=y), target="churned")
    artifact = Packager(name="churn", version="1.0.0").package(
        pipeline, X, y, path=tmp_path, profile=profile
    )
    model = mlkit.load(artifact.path)
    assert model.columns == list(X.columns)
    assert "Profile alerts: " in model.card  # profiled the training rows: no scope to state
    wider = mlkit.Profiler().profile(pd.concat([X, X.head(50)]).assign(churned=0))
    again = Packager(name="churn", version="1.0.1").package(
        pipeline, X, y, path=tmp_path, profile=wider
    )
    rows = f"{len(X) + 50:,}"
    assert f"Profile alerts (on the {rows} rows profiled): " in mlkit.load(again.path).card


def test_reference_sketch_does_not_grow_with_rows(tmp_path):
    sizes = {}
    for rows in (2_000, 20_000):
        df = make_churn(rows, task="regression", random_state=1)
        X, y = df.drop(columns="next_year_spend"), df["next_year_spend"]
        model = make_pipeline(Cleaner(), FeatureBuilder(), Ridge()).fit(X, y)
        artifact = Packager(name=f"spend{rows}", version="1.0.0").package(
            model, X, y, path=tmp_path
        )
        sizes[rows] = artifact.manifest.members["reference.json"]["size"]
        with zipfile.ZipFile(artifact.path) as archive:
            reference = json.loads(archive.read("reference.json"))
        assert reference["rows"] == rows
        assert "predictions" not in reference  # outputs on training rows would mislead
        # Datetimes (time always moves on) and identifiers are not monitored; the rest is.
        skipped = {*X.select_dtypes("datetime").columns, "customer_id"}
        assert set(reference["columns"]) == set(X.columns) - skipped
        assert reference["monitor"]["columns"] == [c for c in X.columns if c not in skipped]
    assert sizes[20_000] < 1.3 * sizes[2_000]
    assert sizes[20_000] / X.shape[1] < 8_000  # bytes per input column


def test_signed_artifact_carries_a_signature_member(pipeline, data, tmp_path, monkeypatch):
    X, y = data
    signed = Packager(name="churn", version="1.0.0").package(
        pipeline, X, y, path=tmp_path, signing_key="secret"
    )
    assert signed.signed
    with zipfile.ZipFile(signed.path) as archive:
        assert "manifest.sig" in archive.namelist()
    monkeypatch.setenv("MLKIT_SIGNING_KEY", "from-environment")
    from_env = Packager(name="churn", version="1.0.1").package(pipeline, X, y, path=tmp_path)
    assert from_env.signed
    mlkit.load(from_env.path)  # the same variable verifies it
    with pytest.raises(ConfigurationError, match="non-empty str or bytes"):
        Packager(name="churn", version="1.0.2").package(
            pipeline, X, y, path=tmp_path, signing_key=b""
        )


def test_a_fitted_model_search_packages_its_best_pipeline(tmp_path):
    df = make_churn(500, random_state=2)
    X, y = df.drop(columns="churned"), df["churned"]
    search = mlkit.ModelSearch(
        families=["logistic_regression"], cv=3, n_iter=1, ensembles=False, progress=False
    ).fit(X, y)
    artifact = Packager(name="searched", version="1.0.0").package(search, X, y, path=tmp_path)
    assert set(artifact.manifest.metrics) == {"cv_roc_auc_mean", "cv_roc_auc_std"}
    model = mlkit.load(artifact.path)
    np.testing.assert_array_equal(model.predict(X).to_numpy(), search.predict(X))
    with pytest.raises(ConfigurationError, match="not fitted"):
        Packager(name="searched", version="1.0.1").package(
            mlkit.ModelSearch(), X, y, path=tmp_path
        )


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"path": None}, "'path' parameter must be a str or Path"),
        ({"metrics": {"auc": "high"}}, "'metrics' parameter"),
        ({"metrics": {"auc": float("nan")}}, "'metrics' parameter"),
        ({"metrics": [("auc", 1.0)]}, "'metrics' parameter"),
        ({"acceptance": {"passed": True}}, "'acceptance' parameter .* mlkit.Verdict"),
        ({"profile": "profile"}, "'profile' parameter .* mlkit.Profile"),
    ],
)
def test_arguments_of_the_wrong_kind_are_refused(pipeline, data, tmp_path, arguments, match):
    X, y = data
    options = {"path": tmp_path, **arguments}
    with pytest.raises(ConfigurationError, match=match):
        Packager(name="churn", version="1.0.0").package(pipeline, X, y, **options)
    with pytest.raises(ConfigurationError, match="one-dimensional"):
        Packager(name="churn", version="1.0.0").package(pipeline, X, y.to_frame(), path=tmp_path)


def test_build_wheel_arguments_of_the_wrong_kind_are_refused(artifact, tmp_path):
    packager = Packager(name="churn-model", version="1.2.0")
    with pytest.raises(ConfigurationError, match="'artifact' parameter"):
        packager.build_wheel(None, tmp_path)
    with pytest.raises(ConfigurationError, match="'out_dir' parameter"):
        packager.build_wheel(artifact, None)
