"""The Python example in README.md runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    if not README.is_file():
        pytest.skip("README.md is not beside the tests (installed from a wheel)")
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    assert blocks, "README.md has no Python example"
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}  # later blocks continue the earlier ones, as a reader does
    for block in blocks:
        exec(compile(block, str(README), "exec"), namespace)
    assert (tmp_path / "profile.html").is_file()
    out = capsys.readouterr().out
    assert "<mlkit.Profile 5000 rows x 15 columns" in out
    assert "'customer_id': 'ID-like" in out
    assert float(out.strip().splitlines()[-1]) > 0.7  # the held-back ROC AUC
