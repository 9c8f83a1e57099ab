"""The model wheel: a standard, deterministic PEP 427 wheel with a lazy-loading package."""

from __future__ import annotations

import base64
import csv
import hashlib
import importlib.util
import io
import random
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from mlkit._wheel import build_wheel
from mlkit.exceptions import ConfigurationError

REQUIREMENTS = ["mlkit>=0.1.0,<1", "scikit-learn>=1.9,<1.10"]
WHEEL_NAME = "churn_model-1.2.0-py3-none-any.whl"
DIST_INFO = "churn_model-1.2.0.dist-info"
PACKAGE_FILES = ["churn_model/__init__.py", "churn_model/model.mlkit", "churn_model/py.typed"]


@pytest.fixture
def artifact(tmp_path: Path) -> Path:
    path = tmp_path / "churn-model-1.2.0.mlkit"
    path.write_bytes(random.Random(0).randbytes(50_000))
    return path


def build(artifact: Path, out_dir: Path, **overrides: object) -> Path:
    out_dir.mkdir(exist_ok=True)
    options: dict[str, object] = {
        "distribution": "churn-model",
        "import_name": "churn_model",
        "version": "1.2.0",
        "requirements": REQUIREMENTS,
        "summary": "Churn model packaged by mlkit",
    }
    options.update(overrides)
    return build_wheel(artifact, out_dir, **options)  # type: ignore[arg-type]


def unpack(wheel: Path, target: Path) -> Path:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def headers(text: str) -> list[tuple[str, str]]:
    return [tuple(line.split(": ", 1)) for line in text.splitlines()]  # type: ignore[misc]


def run_python(code: str, *path: Path) -> subprocess.CompletedProcess[str]:
    # sys.path is set inside the child, first, so the unpacked wheel shadows anything installed.
    prelude = f"import sys; sys.path[:0] = {[str(p) for p in path]!r}\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_file_name_and_members(artifact, tmp_path):
    wheel = build(artifact, tmp_path / "dist")
    assert wheel == tmp_path / "dist" / WHEEL_NAME
    assert sorted(p.name for p in wheel.parent.iterdir()) == [WHEEL_NAME]  # no temp file left
    assert zipfile.is_zipfile(wheel)
    with zipfile.ZipFile(wheel) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == [
            *PACKAGE_FILES,
            f"{DIST_INFO}/METADATA",
            f"{DIST_INFO}/WHEEL",
            f"{DIST_INFO}/RECORD",
        ]
        assert archive.read("churn_model/model.mlkit") == artifact.read_bytes()
        assert archive.read("churn_model/py.typed") == b""
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            assert info.external_attr == 0o644 << 16


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [("Churn.Model", "churn_model"), ("churn__-model", "churn_model"), ("churn", "churn")],
)
def test_file_name_escapes_the_distribution(artifact, tmp_path, distribution, expected):
    wheel = build(artifact, tmp_path / "dist", distribution=distribution)
    assert wheel.name == f"{expected}-1.2.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"{expected}-1.2.0.dist-info/METADATA").decode()
    assert f"Name: {distribution}\n" in metadata


def test_record_lists_every_member_with_hash_and_size(artifact, tmp_path):
    wheel = build(artifact, tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        record_text = archive.read(f"{DIST_INFO}/RECORD").decode()
        rows = list(csv.reader(io.StringIO(record_text)))
        assert [row[0] for row in rows] == archive.namelist()
        assert rows[-1] == [f"{DIST_INFO}/RECORD", "", ""]
        for name, hash_field, size in rows[:-1]:
            data = archive.read(name)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert hash_field == "sha256=" + digest.decode()
            assert "=" not in hash_field.removeprefix("sha256=")
            assert int(size) == len(data)
    assert record_text.endswith(f"{DIST_INFO}/RECORD,,\n")


def test_metadata_and_wheel_files(artifact, tmp_path):
    wheel = build(artifact, tmp_path / "dist", requires_python=">=3.12")
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"{DIST_INFO}/METADATA").decode()
        wheel_file = archive.read(f"{DIST_INFO}/WHEEL").decode()
    assert headers(metadata) == [
        ("Metadata-Version", "2.1"),
        ("Name", "churn-model"),
        ("Version", "1.2.0"),
        ("Summary", "Churn model packaged by mlkit"),
        ("Requires-Python", ">=3.12"),
        ("Requires-Dist", "mlkit>=0.1.0,<1"),
        ("Requires-Dist", "scikit-learn>=1.9,<1.10"),
    ]
    assert headers(wheel_file) == [
        ("Wheel-Version", "1.0"),
        ("Generator", "mlkit"),
        ("Root-Is-Purelib", "true"),
        ("Tag", "py3-none-any"),
    ]


def test_requires_python_defaults_to_311(artifact, tmp_path):
    wheel = build(artifact, tmp_path / "dist", requirements=[])
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"{DIST_INFO}/METADATA").decode()
    assert "Requires-Python: >=3.11\n" in metadata
    assert "Requires-Dist" not in metadata


def test_building_twice_gives_identical_bytes(artifact, tmp_path):
    first = build(artifact, tmp_path / "one").read_bytes()
    second = build(artifact, tmp_path / "two").read_bytes()
    assert first == second
    with pytest.raises(ConfigurationError, match="already exists"):
        build(artifact, tmp_path / "one")
    again = build(artifact, tmp_path / "one", overwrite=True).read_bytes()
    assert again == first


def test_generated_init_compiles_and_names_the_model(artifact, tmp_path):
    wheel = build(artifact, tmp_path / "dist")
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("churn_model/__init__.py").decode()
    code = compile(source, "churn_model/__init__.py", "exec")
    assert code.co_filename == "churn_model/__init__.py"
    docstring = source.split('"""')[1]
    assert "churn-model" in docstring
    assert "1.2.0" in docstring
    assert "churn_model.predict(df)" in docstring
    assert '__version__ = "1.2.0"' in source


def test_importing_for_the_version_does_not_import_mlkit(artifact, tmp_path):
    site = unpack(build(artifact, tmp_path / "dist"), tmp_path / "site")
    result = run_python(
        """
        import churn_model
        assert churn_model.__version__ == "1.2.0", churn_model.__version__
        assert "mlkit" not in sys.modules, "mlkit was imported"
        assert churn_model.__all__ == [
            "__version__", "model", "monitor", "predict", "predict_proba", "schema", "self_test",
            "validate",
        ]
        assert {"model", "schema"} <= set(dir(churn_model))
        assert "mlkit" not in sys.modules, "mlkit was imported"
        print("ok")
        """,
        site,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_model_loads_once_lazily_and_delegates(artifact, tmp_path):
    # A stand-in mlkit, first on sys.path, records what the generated package asks of it.
    fake = tmp_path / "fake"
    (fake / "mlkit").mkdir(parents=True)
    (fake / "mlkit" / "__init__.py").write_text(
        textwrap.dedent(
            """
            import threading
            import time

            calls = []

            class Model:
                schema = "the-schema"

                def __init__(self, data):
                    self.data = data

                def predict(self, df):
                    return ("predict", df)

                def predict_proba(self, df):
                    return ("predict_proba", df)

                def validate(self, df):
                    return ("validate", df)

                def self_test(self, **kwargs):
                    return ("self_test", kwargs)

                def monitor(self, df, y):
                    return ("monitor", df, y)

            def load(path):
                calls.append(str(path))
                time.sleep(0.05)  # widen the window in which a second thread could race
                with open(path, "rb") as handle:
                    return Model(handle.read())
            """
        )
    )
    site = unpack(build(artifact, tmp_path / "dist"), tmp_path / "site")
    result = run_python(
        f"""
        import threading
        from pathlib import Path

        import churn_model
        import mlkit

        assert mlkit.calls == []
        seen = []
        threads = [threading.Thread(target=lambda: seen.append(churn_model.model)) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(mlkit.calls) == 1, mlkit.calls
        assert all(model is seen[0] for model in seen) and len(seen) == 8
        assert Path(mlkit.calls[0]) == Path({str(site)!r}) / "churn_model" / "model.mlkit"
        assert churn_model.model.data == Path({str(artifact)!r}).read_bytes()
        assert churn_model.schema == "the-schema"
        assert churn_model.predict("df") == ("predict", "df")
        assert churn_model.predict_proba("df") == ("predict_proba", "df")
        assert churn_model.validate("df") == ("validate", "df")
        assert churn_model.self_test(n=3) == ("self_test", {{"n": 3}})
        assert churn_model.monitor("df") == ("monitor", "df", None)
        assert len(mlkit.calls) == 1, mlkit.calls
        try:
            churn_model.nothing
        except AttributeError as error:
            assert "nothing" in str(error)
        else:
            raise AssertionError("no AttributeError")
        print("ok")
        """,
        fake,
        site,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_model_loads_from_a_zipped_package(artifact, tmp_path):
    # Imported straight from the wheel (zipimport): the artifact is not a real file there.
    fake = tmp_path / "fake"
    (fake / "mlkit").mkdir(parents=True)
    (fake / "mlkit" / "__init__.py").write_text(
        "def load(path):\n    with open(path, 'rb') as handle:\n        return handle.read()\n"
    )
    wheel = build(artifact, tmp_path / "dist")
    result = run_python(
        f"""
        import churn_model
        from pathlib import Path

        assert churn_model.__file__.startswith({str(wheel)!r}), churn_model.__file__
        assert churn_model.model == Path({str(artifact)!r}).read_bytes()
        print("ok")
        """,
        fake,
        wheel,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_missing_out_dir_is_a_configuration_error(artifact, tmp_path):
    missing = tmp_path / "no-such-folder"
    with pytest.raises(ConfigurationError, match="no-such-folder"):
        build_wheel(
            artifact,
            missing,
            distribution="churn-model",
            import_name="churn_model",
            version="1.2.0",
            requirements=REQUIREMENTS,
            summary="Churn model",
        )
    assert not missing.exists()


def test_missing_artifact_is_a_configuration_error(tmp_path):
    with pytest.raises(ConfigurationError, match=r"nothing\.mlkit"):
        build(tmp_path / "nothing.mlkit", tmp_path / "dist")


@pytest.mark.parametrize(
    "import_name", ["1abc", "class", "churn-model", "", "churn.model", "mlkit"]
)
def test_invalid_import_name_is_a_configuration_error(artifact, tmp_path, import_name):
    with pytest.raises(ConfigurationError, match="import_name"):
        build(artifact, tmp_path / "dist", import_name=import_name)
    assert list((tmp_path / "dist").iterdir()) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"distribution": "-churn"}, "distribution"),
        ({"distribution": "churn model"}, "distribution"),
        ({"version": "1.2.0-beta"}, "version"),
        ({"version": "v1.2"}, "version"),
        ({"summary": "two\nlines"}, "summary"),
        ({"requirements": "mlkit>=0.1"}, "requirements"),
        ({"requirements": ["mlkit\nEvil: yes"]}, r"requirements\[0\]"),
        ({"requirements": [" "]}, r"requirements\[0\]"),
    ],
)
def test_invalid_fields_are_configuration_errors(artifact, tmp_path, overrides, field):
    with pytest.raises(ConfigurationError, match=field):
        build(artifact, tmp_path / "dist", **overrides)


def test_a_failed_write_leaves_no_temporary_file(artifact, tmp_path, monkeypatch):
    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("mlkit._archive.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        build(artifact, tmp_path / "dist")
    assert list((tmp_path / "dist").iterdir()) == []


def test_pip_installs_the_wheel_offline(artifact, tmp_path):
    if importlib.util.find_spec("pip") is None:
        pytest.skip("pip is not installed in the test interpreter")
    wheel = build(artifact, tmp_path / "dist")
    target = tmp_path / "target"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--isolated",
            "--no-index",
            "--no-deps",
            "--no-cache-dir",
            "--disable-pip-version-check",
            "--target",
            str(target),
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in PACKAGE_FILES:
        assert (target / name).is_file(), name
    assert (target / "churn_model" / "model.mlkit").read_bytes() == artifact.read_bytes()
    assert (target / DIST_INFO / "METADATA").is_file()
    installed = (target / DIST_INFO / "RECORD").read_text()
    assert "churn_model/model.mlkit,sha256=" in installed
