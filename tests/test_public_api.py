import subprocess
import sys
from pathlib import Path

import mlkit


def test_all_names_exist_and_are_documented():
    for name in mlkit.__all__:
        obj = getattr(mlkit, name)
        if name != "__version__":
            assert obj.__doc__, f"{name} has no docstring"


def test_public_classes_present_as_mlkit_names():
    assert mlkit.Profiler.__module__ == "mlkit"
    assert repr(mlkit.Profiler).startswith("<class 'mlkit.Profiler'")


def test_version_is_pep440_text():
    assert mlkit.__version__.count(".") >= 2


def test_package_is_typed():
    assert (Path(mlkit.__file__).parent / "py.typed").is_file()


def _loaded_after(statement: str) -> set[str]:
    heavy = ("skops", "pandera", "scipy.stats", "matplotlib")
    code = f"import sys; {statement}; print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(run.stdout.split())


def test_import_loads_no_heavy_module_that_sklearn_does_not():
    assert _loaded_after("import mlkit") <= _loaded_after("import sklearn")
    assert not _loaded_after("import mlkit") & {"skops", "pandera", "matplotlib"}
