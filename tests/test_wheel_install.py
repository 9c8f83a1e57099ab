"""A model's wheel installs with pip into a fresh environment, offline, and predicts as mlkit.load.

The fresh virtual environment sees the packages already installed here (through
a ``.pth`` file), so pip resolves the wheel's requirements without a network.
"""

import json
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import mlkit
from mlkit import Cleaner, FeatureBuilder, Packager
from mlkit.datasets import make_churn


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    df = make_churn(800, random_state=8)
    X, y = df.drop(columns="churned"), df["churned"]
    fitted = make_pipeline(Cleaner(), FeatureBuilder(), LogisticRegression(max_iter=2_000)).fit(
        X, y
    )
    packager = Packager(name="churn-model", version="1.2.0")
    artifact = packager.package(fitted, X, y, path=folder)
    wheel = packager.build_wheel(artifact, folder)
    X.head(25).to_pickle(folder / "rows.pkl")
    return artifact, wheel, folder


def test_wheel_is_named_and_pins_the_runtime(built):
    artifact, wheel, _ = built
    assert wheel.name == "churn_model-1.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read("churn_model/model.mlkit") == artifact.path.read_bytes()
        metadata = archive.read("churn_model-1.2.0.dist-info/METADATA").decode()
    sklearn_version = artifact.manifest.runtime["scikit-learn"]
    major, minor = map(int, sklearn_version.split(".")[:2])
    assert f"Requires-Dist: scikit-learn>={major}.{minor},<{major}.{minor + 1}" in metadata
    assert f"Requires-Dist: mlkit>={mlkit.__version__},<" in metadata


def test_build_wheel_checks_the_artifact_first(built, tmp_path):
    artifact, _, _ = built
    damaged = tmp_path / "damaged.mlkit"
    damaged.write_bytes(artifact.path.read_bytes()[:-40])
    with pytest.raises(mlkit.exceptions.IntegrityError):
        Packager(name="x", version="1.0.0").build_wheel(damaged, tmp_path)
    assert not list(tmp_path.glob("*.whl"))
    with pytest.raises(mlkit.ConfigurationError, match=r"that artifact is churn-model 1\.2\.0"):
        Packager(name="churn-model", version="1.3.0").build_wheel(artifact, tmp_path)


def _fresh_environment(folder):
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    here = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    lines = [f"import site; site.addsitedir({path!r})" for path in sorted(here)]
    (Path(site) / "_parent_env.pth").write_text("\n".join(lines) + "\n")
    return python


@pytest.mark.skipif(sys.platform == "win32", reason="venv layout differs on Windows")
def test_wheel_installs_offline_and_predicts_as_mlkit_load(built):
    artifact, wheel, folder = built
    python = _fresh_environment(folder)
    has_pip = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True)
    if has_pip.returncode != 0:  # pragma: no cover - every CPython here ships ensurepip
        pytest.skip("this Python's venv has no pip")
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--no-index",
            "--disable-pip-version-check",
            str(wheel),
        ],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    script = textwrap.dedent(
        f"""
        import json
        import pandas as pd
        import churn_model
        rows = pd.read_pickle({str(folder / "rows.pkl")!r})
        print(json.dumps({{
            "version": churn_model.__version__,
            "predict": churn_model.predict(rows).tolist(),
            "proba": churn_model.predict_proba(rows).to_numpy().tolist(),
            "validate": list(churn_model.validate(rows).columns),
            "self_test": churn_model.self_test().passed,
            "monitor": churn_model.monitor(rows).to_dict()["drifted_features"],
            "schema": sorted(churn_model.schema.columns),
            "same_model": churn_model.model is churn_model.model,
            "file": churn_model.model.path.name,
        }}))
        """
    )
    run = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, cwd=folder, check=False
    )
    assert run.returncode == 0, run.stderr
    got = json.loads(run.stdout)
    import pandas as pd

    rows = pd.read_pickle(folder / "rows.pkl")
    model = mlkit.load(artifact.path)
    assert got["version"] == "1.2.0"
    assert got["predict"] == model.predict(rows).tolist()
    assert got["proba"] == model.predict_proba(rows).to_numpy().tolist()
    assert got["validate"] == model.columns
    assert got["self_test"] is True
    assert got["monitor"] == list(model.monitor(rows).drifted_features)
    assert got["schema"] == sorted(model.columns)
    assert got["same_model"] is True
    assert got["file"] == "model.mlkit"
