"""Hostile artifacts: ``mlkit.load`` refuses each one with its own error, and nothing happens.

One real artifact (Cleaner → FeatureBuilder → LogisticRegression on 300 churn
rows) is packaged per module; every test writes a mutated copy and checks
that loading it raises the specific :class:`~mlkit.exceptions.ArtifactError`
subclass, with a message that says why, and that it left no trace: no file
written, no pickle or function run, no object built from the model file.
Where an attack must get past the member hashes to reach a deeper check, the
copy's manifest is re-hashed, as anyone without the signing key can do.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import io
import json
import os
import pickle
import re
import stat
import struct
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
import skops.io._trusted_types as skops_trusted
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from skops.io._audit import Node
from skops.io._utils import get_type_paths

import mlkit
from mlkit import _archive
from mlkit._model_file import TRUSTED_TYPES
from mlkit.datasets import make_churn
from mlkit.exceptions import (
    ArtifactError,
    ConfigurationError,
    FormatVersionError,
    IncompatibleRuntimeError,
    IntegrityError,
    RuntimeMismatchWarning,
    SignatureError,
    UntrustedTypeError,
)

MANIFEST, SIGNATURE, MODEL, CONTRACT = (
    "manifest.json",
    "manifest.sig",
    "model.skops",
    "schema.json",
)
KEY_A, KEY_B = "test-key-A", "test-key-B"
SKOPS_SCHEMA = "schema.json"  # inside model.skops, not the data contract
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
REAL_SYSTEM = os.system  # captured before any test replaces os.system with a recorder

# --------------------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class Built:
    """The genuine artifacts every hostile copy starts from."""

    path: Path  # unsigned
    signed_path: Path  # the same model, signed with KEY_A
    members: dict[str, bytes]
    signed_members: dict[str, bytes]
    other_members: dict[str, bytes]  # the same pipeline fitted on other rows, packaged
    regressor_model: bytes  # a Ridge pipeline on the same input columns, as a skops file
    rows: pd.DataFrame
    proba: np.ndarray  # what the genuine artifact predicts for ``rows``

    @property
    def data(self) -> bytes:
        return self.path.read_bytes()

    @property
    def pinned(self) -> bytes:
        """The artifact with its creation time fixed: the same bytes on every run."""
        return make_zip(
            edit_manifest(self.members, _set("created_at", "2024-01-01T00:00:00+00:00"))
        )


def _fit(random_state: int) -> tuple[Any, pd.DataFrame, pd.Series]:
    df = make_churn(300, random_state=random_state)
    X, y = df.drop(columns="churned"), df["churned"]
    pipeline = make_pipeline(
        mlkit.Cleaner(), mlkit.FeatureBuilder(), LogisticRegression(max_iter=1000)
    ).fit(X, y)
    return pipeline, X, y


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("genuine")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("MLKIT_SIGNING_KEY", raising=False)
        pipeline, X, y = _fit(0)
        unsigned = mlkit.Packager(name="churn", version="1.0.0").package(
            pipeline, X, y, path=folder
        )
        signed = mlkit.Packager(name="churn", version="1.0.1").package(
            pipeline, X, y, path=folder, signing_key=KEY_A
        )
        other_pipeline, other_X, other_y = _fit(1)
        other = mlkit.Packager(name="other", version="1.0.0").package(
            other_pipeline, other_X, other_y, path=folder
        )
        df = make_churn(300, task="regression", random_state=1)
        regressor = make_pipeline(mlkit.Cleaner(), mlkit.FeatureBuilder(), Ridge()).fit(
            df.drop(columns="next_year_spend"), df["next_year_spend"]
        )
        rows = X.head(25)
        proba = mlkit.load(unsigned.path).predict_proba(rows).to_numpy()
    return Built(
        path=unsigned.path,
        signed_path=signed.path,
        members=read_zip(unsigned.path.read_bytes()),
        signed_members=read_zip(signed.path.read_bytes()),
        other_members=read_zip(other.path.read_bytes()),
        regressor_model=sio.dumps(regressor),
        rows=rows,
        proba=proba,
    )


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No ambient signing key; the working folder is inside tmp_path, so relative writes show."""
    monkeypatch.delenv("MLKIT_SIGNING_KEY", raising=False)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every object skops builds from a model file, and every os.system call."""
    calls: list[str] = []
    construct = Node.construct

    def recording_construct(node: Node) -> Any:
        calls.append(f"built {node.module_name}.{node.class_name}")
        return construct(node)

    def recording_system(command: str) -> int:
        calls.append(f"os.system({command!r})")
        return 0

    monkeypatch.setattr(Node, "construct", recording_construct)
    monkeypatch.setattr(os, "system", recording_system)
    return calls


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the name of every archive member mlkit decompresses."""
    names: list[str] = []
    read = _archive._read_bounded

    def recording_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, subject: str) -> bytes:
        names.append(info.filename)
        return read(archive, info, subject=subject)

    monkeypatch.setattr(_archive, "_read_bounded", recording_read)
    return names


# --------------------------------------------------------------------------- helpers


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def entry(name: str, *, mode: int = stat.S_IFREG | 0o644) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = mode << 16
    return info


def make_zip(
    entries: Mapping[str, bytes] | Iterable[tuple[str | zipfile.ZipInfo, bytes]],
) -> bytes:
    """A zip of ``entries`` (a mapping, or pairs that may repeat a name), in order."""
    pairs = entries.items() if isinstance(entries, Mapping) else entries
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about a repeated name
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in pairs:
                archive.writestr(name if isinstance(name, zipfile.ZipInfo) else entry(name), data)
    return buffer.getvalue()


def write(tmp_path: Path, content: bytes | Mapping[str, bytes] | Iterable[Any]) -> Path:
    path = tmp_path / "hostile.mlkit"
    path.write_bytes(content if isinstance(content, bytes) else make_zip(content))
    return path


def with_manifest(members: Mapping[str, bytes], manifest: Any) -> dict[str, bytes]:
    return {**members, MANIFEST: json.dumps(manifest, indent=2, sort_keys=True).encode()}


def edit_manifest(
    members: Mapping[str, bytes], edit: Callable[[dict[str, Any]], object]
) -> dict[str, bytes]:
    manifest = json.loads(members[MANIFEST])
    edit(manifest)
    return with_manifest(members, manifest)


def rehash(members: Mapping[str, bytes]) -> dict[str, bytes]:
    """Rewrite the manifest's SHA-256 and size of every member, as a forger without the key can."""

    def listing(manifest: dict[str, Any]) -> None:
        manifest["members"] = {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in members.items()
            if name not in {MANIFEST, SIGNATURE}
        }

    return edit_manifest(members, listing)


def tree(root: Path) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*")}


def refuse(
    path: Path, error: type[Exception], match: str, **kwargs: Any
) -> pytest.ExceptionInfo[Any]:
    """Load ``path``, expect ``error`` matching ``match``, and check no file appeared."""
    before = tree(path.parent)
    with pytest.raises(error, match=match) as caught:
        mlkit.load(path, **kwargs)
    assert tree(path.parent) == before, "loading a refused artifact wrote files"
    return caught


def central_records(data: bytes) -> dict[str, int]:
    """The offset of each member's central-directory record, by name."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        position = archive.start_dir
    records = {}
    while data[position : position + 4] == b"PK\x01\x02":
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        records[data[position + 46 : position + 46 + name_length].decode()] = position
        position += 46 + name_length + extra_length + comment_length
    return records


def data_offset(data: bytes, name: str) -> int:
    """Where a member's compressed bytes start."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        header = archive.getinfo(name).header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, header + 26)
    return header + 30 + name_length + extra_length


def patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


# Central-directory record fields (APPNOTE 4.3.12), as offsets from the record's start.
CD_VERSION_NEEDED, CD_FLAGS, CD_CRC, CD_FILE_SIZE = 6, 8, 16, 24


class TouchOnUnpickle:
    """Unpickling this object creates ``marker``: the payload of a pickle attack."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.marker,))


def pickle_payload(marker: Path) -> bytes:
    return pickle.dumps(TouchOnUnpickle(marker))


def find_node(node: Any, class_name: str) -> dict[str, Any] | None:
    """The first node of a skops schema whose ``__class__`` is ``class_name``."""
    if isinstance(node, dict):
        if node.get("__class__") == class_name:
            return node
        children = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = find_node(child, class_name)
        if found is not None:
            return found
    return None


def hostile_model(model: bytes, module: str, name: str, loader: str) -> bytes:
    """The skops file with its final estimator replaced by a node naming ``module.name``."""
    inner = read_zip(model)
    schema = json.loads(inner[SKOPS_SCHEMA])
    node = find_node(schema, "LogisticRegression")
    assert node is not None
    node.update({"__module__": module, "__class__": name, "__loader__": loader})
    if loader != "ObjectNode":
        node.pop("content", None)
    return make_zip({**inner, SKOPS_SCHEMA: json.dumps(schema).encode()})


def predictions(model: mlkit.Model, built: Built) -> np.ndarray:
    return model.predict_proba(built.rows).to_numpy()


# --------------------------------------------------------------------------- controls


def test_the_genuine_artifact_and_a_rebuilt_copy_load(built, tmp_path):
    """Controls: the zip and re-hash helpers alone do not make an artifact refused."""
    np.testing.assert_allclose(predictions(mlkit.load(built.path), built), built.proba)
    rebuilt = mlkit.load(write(tmp_path, rehash(built.members)))
    np.testing.assert_allclose(predictions(rebuilt, built), built.proba)


def test_the_pickle_payload_is_live(tmp_path):
    """Control: the payload used below really runs code when unpickled."""
    marker = tmp_path / "control"
    pickle.loads(pickle_payload(marker))
    assert marker.exists()


# --------------------------------------------------------------------------- 1. pickles


def test_pickle_as_model_member_is_refused(built, tmp_path, nothing_runs):
    marker = tmp_path / "pwned"
    path = write(tmp_path, rehash({**built.members, MODEL: pickle_payload(marker)}))
    refuse(path, IntegrityError, "not a skops file.*pickle is refused")
    assert not marker.exists()
    assert nothing_runs == []


def test_pickle_as_the_artifact_file_is_refused(tmp_path, nothing_runs):
    marker = tmp_path / "pwned"
    path = write(tmp_path, pickle_payload(marker))
    refuse(path, IntegrityError, "cannot be read as a zip archive")
    assert not marker.exists()
    assert nothing_runs == []


def test_pickled_object_array_inside_the_model_is_refused(built, tmp_path):
    marker = tmp_path / "pwned"
    buffer = io.BytesIO()
    np.save(buffer, np.array([TouchOnUnpickle(marker)], dtype=object), allow_pickle=True)
    inner = read_zip(built.members[MODEL])
    array = min(name for name in inner if name.endswith(".npy"))
    model = make_zip({**inner, array: buffer.getvalue()})
    path = write(tmp_path, rehash({**built.members, MODEL: model}))
    refuse(path, IntegrityError, "cannot be read by skops")
    assert not marker.exists()


# --------------------------------------------------------------------------- 2. untrusted types


@pytest.mark.parametrize(
    ("module", "name", "loader"),
    [
        ("os", "system", "FunctionNode"),
        ("builtins", "eval", "FunctionNode"),
        ("builtins", "exec", "FunctionNode"),
        ("subprocess", "Popen", "ObjectNode"),
        ("subprocess", "Popen", "TypeNode"),
    ],
)
def test_model_naming_a_dangerous_callable_is_refused(
    built, tmp_path, nothing_runs, module, name, loader
):
    model = hostile_model(built.members[MODEL], module, name, loader)
    path = write(tmp_path, rehash({**built.members, MODEL: model}))
    caught = refuse(
        path, UntrustedTypeError, rf"outside mlkit's allow-list: \['{module}\.{name}'\]"
    )
    assert caught.value.types == (f"{module}.{name}",)
    assert nothing_runs == []


@pytest.mark.parametrize("func", [REAL_SYSTEM, eval, exec], ids=["os.system", "eval", "exec"])
def test_function_transformer_around_a_dangerous_function_is_refused(
    built, tmp_path, nothing_runs, func
):
    marker = tmp_path / "pwned"
    step = FunctionTransformer(func=func, kw_args={"command": f"touch {marker}"})
    path = write(tmp_path, rehash({**built.members, MODEL: sio.dumps(make_pipeline(step))}))
    named = f"{func.__module__}.{func.__name__}"  # posix.system on Linux
    caught = refuse(path, UntrustedTypeError, re.escape(named))
    assert named in caught.value.types
    assert not marker.exists()
    assert nothing_runs == []


@pytest.mark.parametrize(
    ("name", "loader"), [("run", "FunctionNode"), ("Run", "ObjectNode"), ("Run", "TypeNode")]
)
def test_model_naming_an_importable_module_never_imports_it(
    built, tmp_path, monkeypatch, nothing_runs, name, loader
):
    module = "mlkit_security_probe"
    marker = tmp_path / "imported"
    source = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\ndef run(*a): ...\nclass Run: ...\n"
    (tmp_path / f"{module}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))
    assert importlib.util.find_spec(module) is not None  # importing it would run the attack
    model = hostile_model(built.members[MODEL], module, name, loader)
    path = write(tmp_path, rehash({**built.members, MODEL: model}))
    caught = refuse(path, UntrustedTypeError, re.escape(f"{module}.{name}"))
    assert caught.value.types == (f"{module}.{name}",)
    assert module not in sys.modules
    assert not marker.exists()
    assert nothing_runs == []


def test_the_manifest_cannot_widen_the_allow_list(built, tmp_path, nothing_runs):
    model = hostile_model(built.members[MODEL], "os", "system", "FunctionNode")
    members = edit_manifest(
        {**built.members, MODEL: model}, lambda m: m["trusted_types"].append("os.system")
    )
    caught = refuse(write(tmp_path, rehash(members)), UntrustedTypeError, "os.system")
    assert caught.value.types == ("os.system",)
    assert nothing_runs == []


def test_a_hostile_model_with_stale_hashes_never_reaches_skops(built, tmp_path, nothing_runs):
    model = hostile_model(built.members[MODEL], "os", "system", "FunctionNode")
    path = write(tmp_path, {**built.members, MODEL: model})
    refuse(path, IntegrityError, "member 'model.skops' differs")
    assert nothing_runs == []


# --------------------------------------------------------------------------- 3. member names


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "/etc/evil",
        "sub/dir.txt",
        "..\\evil",
        "C:evil",
        "a/../evil.txt",
        "//server/share/evil",
        "..",
        pytest.param(
            "./evil.txt",
        ),
        pytest.param(
            "evil.txt/.",
        ),
    ],
)
def test_member_named_outside_the_top_level_is_refused(built, tmp_path, reads, name):
    path = write(tmp_path, rehash({**built.members, name: b"pwned"}))  # listed, right hash
    caught = refuse(path, IntegrityError, "outside the archive's top level")
    assert repr(name) in str(caught.value)
    assert reads == []
    assert not Path("/etc/evil").exists()


# --------------------------------------------------------------------------- 4. links, folders


@pytest.mark.parametrize(
    ("mode", "kind"),
    [
        (stat.S_IFLNK | 0o777, "a symbolic link"),
        (stat.S_IFDIR | 0o755, "not a regular file"),
        (stat.S_IFIFO | 0o644, "not a regular file"),
        (stat.S_IFCHR | 0o644, "not a regular file"),
    ],
    ids=["symlink", "folder", "fifo", "device"],
)
def test_member_that_is_not_a_regular_file_is_refused(built, tmp_path, reads, mode, kind):
    members = rehash({**built.members, "link": b"/etc/passwd"})
    entries = [(entry(n, mode=mode) if n == "link" else n, data) for n, data in members.items()]
    refuse(write(tmp_path, entries), IntegrityError, f"member 'link' that is {kind}")
    assert reads == []


def test_symlink_in_place_of_a_genuine_member_is_refused(built, tmp_path, reads):
    """Same name and bytes as the real card, so its hash matches: only the link bit differs."""
    link = entry("card.md", mode=stat.S_IFLNK | 0o777)
    entries = [(link if n == "card.md" else n, data) for n, data in built.members.items()]
    refuse(write(tmp_path, entries), IntegrityError, "'card.md' that is a symbolic link")
    assert reads == []


def test_folder_entry_is_refused(built, tmp_path, reads):
    entries = [*built.members.items(), (entry("sub/", mode=stat.S_IFDIR | 0o755), b"")]
    refuse(write(tmp_path, entries), IntegrityError, "member named 'sub/', a path outside")
    assert reads == []


# --------------------------------------------------------------------------- 5. bombs, limits


def test_zip_bomb_is_refused_before_any_member_is_decompressed(built, tmp_path, reads):
    bomb = bytes(50 * 1024**2)  # 50 MB of zeros deflate to ~50 KB
    path = write(tmp_path, rehash({**built.members, "bomb.bin": bomb}))
    caught = refuse(path, IntegrityError, "looks like a zip bomb")
    assert "'bomb.bin'" in str(caught.value)
    assert reads == []


def test_member_declaring_more_than_the_size_limit_is_refused(built, tmp_path, reads):
    data = built.data
    record = central_records(data)["card.md"]
    size = _archive.MAX_MEMBER_BYTES + 1
    path = write(tmp_path, patched(data, record + CD_FILE_SIZE, "<I", size))
    caught = refuse(path, IntegrityError, f"of {size:,} bytes, above the")
    assert "'card.md'" in str(caught.value)
    assert reads == []


@pytest.mark.parametrize("limit", ["MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "MAX_MEMBERS"])
def test_each_archive_limit_is_enforced(built, tmp_path, monkeypatch, reads, limit):
    with zipfile.ZipFile(built.path) as archive:
        sizes = [info.file_size for info in archive.infolist()]
    just_below = {
        "MAX_MEMBER_BYTES": (max(sizes) - 1, "bytes, above the {:,} allowed"),
        "MAX_TOTAL_BYTES": (sum(sizes) - 1, "would unpack to .* above the {:,} allowed"),
        "MAX_MEMBERS": (len(sizes) - 1, "members; at most {} allowed"),
    }
    value, message = just_below[limit]
    monkeypatch.setattr(_archive, limit, value)
    refuse(built.path, IntegrityError, message.format(value))
    assert reads == []


def test_too_many_members_is_refused(built, tmp_path, reads):
    extra = {f"extra{i}.txt": b"x" for i in range(_archive.MAX_MEMBERS)}
    path = write(tmp_path, rehash({**built.members, **extra}))
    refuse(path, IntegrityError, f"at most {_archive.MAX_MEMBERS} allowed")
    assert reads == []


def test_zip_bomb_inside_the_model_file_is_refused(built, tmp_path):
    inflated = 40 * 1024**2
    inner = read_zip(built.members[MODEL])
    inner[SKOPS_SCHEMA] += b" " * inflated  # still valid JSON
    model = make_zip(inner)
    assert len(model) * _archive.MAX_RATIO < inflated  # refused at the archive's top level
    path = write(tmp_path, rehash({**built.members, MODEL: model}))
    refuse(path, IntegrityError, "zip bomb|compressed|allowed")


# --------------------------------------------------------------------------- 6. not an artifact


@pytest.mark.parametrize("cut", [10, 100, 1000, "half", -22, -10, -1])
def test_truncated_artifact_is_refused(built, tmp_path, cut):
    data = built.data
    end = len(data) // 2 if cut == "half" else cut % len(data)
    # Without its end record, zipfile may find the stored skops file's instead: no manifest.
    refuse(
        write(tmp_path, data[:end]),
        IntegrityError,
        "cannot be read as a zip archive|has no manifest.json",
    )


@pytest.mark.parametrize(
    "content",
    [b"", b"model = 'churn'\nversion = 1\n", bytes(range(256)) * 8, b"PK\x05\x06" + bytes(10)],
    ids=["empty", "text", "binary", "broken-end-record"],
)
def test_file_that_is_not_a_zip_is_refused(tmp_path, content):
    refuse(write(tmp_path, content), IntegrityError, "cannot be read as a zip archive")


def test_empty_zip_is_refused(tmp_path):
    refuse(write(tmp_path, {}), IntegrityError, "has no manifest.json")


@pytest.mark.parametrize("where", ["missing", "folder"])
def test_path_that_is_not_a_file_is_refused(tmp_path, where):
    path = tmp_path / "churn-1.0.0.mlkit"
    if where == "folder":
        path.mkdir()
    with pytest.raises(ArtifactError, match="does not exist or is not a file"):
        mlkit.load(path)


# --------------------------------------------------------------------------- 7. swapped members


@pytest.mark.parametrize("member", [MODEL, CONTRACT, "golden.json", "reference.json", "card.md"])
def test_member_from_another_artifact_is_refused(built, tmp_path, member):
    assert built.other_members[member] != built.members[member]
    path = write(tmp_path, {**built.members, member: built.other_members[member]})
    refuse(
        path, IntegrityError, rf"the member '{re.escape(member)}' differs from the one packaged"
    )


def test_regressor_model_with_stale_hashes_is_refused(built, tmp_path):
    path = write(tmp_path, {**built.members, MODEL: built.regressor_model})
    refuse(path, IntegrityError, "member 'model.skops' differs")


def test_members_exchanged_with_each_other_are_refused(built, tmp_path):
    members = {
        **built.members,
        "golden.json": built.members["reference.json"],
        "reference.json": built.members["golden.json"],
    }
    refuse(write(tmp_path, members), IntegrityError, "differs from the one packaged")


def test_regressor_model_in_a_classifier_artifact_is_refused(built, tmp_path):
    path = write(tmp_path, rehash({**built.members, MODEL: built.regressor_model}))
    refuse(path, IntegrityError, "does not match")


# --------------------------------------------------------------------------- 8. edited manifest


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        manifest[key] = value

    return edit


def _set_member(member: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["members"][member][key] = value

    return edit


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        del manifest[key]

    return edit


def _drop_member(member: str) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        del manifest["members"][member]

    return edit


def _list_member(member: str) -> Callable[[dict[str, Any]], None]:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["members"][member] = {"sha256": "0" * 64, "size": 0}

    return edit


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (_set_member(MODEL, "sha256", "0" * 64), "member 'model.skops' differs"),
        (_set_member("card.md", "size", 1), "member 'card.md' differs"),
        (_drop_member("card.md"), r"member\(s\) \['card.md'\] that its manifest does not list"),
        (_list_member("plugin.py"), r"lacks the member\(s\) \['plugin.py'\]"),
        (_list_member(MANIFEST), r"lacks the member\(s\) \['manifest.json'\]"),
        (_set("members", ["model.skops"]), "manifest is malformed"),
        (_set("members", {MODEL: "0" * 64}), "manifest is malformed"),
        (_set_member(MODEL, "size", "big"), "manifest is malformed"),
        (_set("runtime", 7), "manifest is malformed"),
        (_set("classes", 3), "manifest is malformed"),
        (_drop("members"), r"manifest is malformed \(missing \['members'\]"),
        (_drop("runtime"), r"manifest is malformed \(missing \['runtime'\]"),
        (_set("install_hook", "curl | sh"), r"unknown \['install_hook'\]"),
        pytest.param(
            _set_member("card.md", "size", float("inf")),
            "manifest is malformed",
            id="size-infinity",
        ),
    ],
)
def test_edited_manifest_is_refused(built, tmp_path, edit, match):
    refuse(write(tmp_path, edit_manifest(built.members, edit)), IntegrityError, match)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"{not json", "manifest is not valid JSON"),
        (b'{"protocol": 1, "name": "\xff"}', "manifest is not valid JSON"),
        (b"[1]", "manifest is not a JSON object"),
        (b"null", "manifest is not a JSON object"),
        (b'"manifest"', "manifest is not a JSON object"),
        (b'{"pad": "%s"}' % hashlib.shake_256(b"pad").hexdigest(2**19).encode(), "larger than"),
    ],
    ids=["invalid", "not-utf8", "list", "null", "string", "too-large"],
)
def test_manifest_that_is_not_a_json_object_is_refused(built, tmp_path, content, match):
    refuse(write(tmp_path, {**built.members, MANIFEST: content}), IntegrityError, match)


@pytest.mark.parametrize(
    "protocol",
    [
        2,
        0,
        -1,
        "1",
        None,
        [1],
        "missing",
        pytest.param(
            True,
        ),
        pytest.param(
            1.0,
        ),
    ],
)
def test_unknown_file_format_is_refused(built, tmp_path, protocol):
    edit = _drop("protocol") if protocol == "missing" else _set("protocol", protocol)
    refuse(write(tmp_path, edit_manifest(built.members, edit)), FormatVersionError, "file format")


@pytest.mark.parametrize("name", [MANIFEST, MODEL])
def test_duplicate_member_names_are_refused(built, tmp_path, reads, name):
    entries = [*built.members.items(), (name, built.members[name])]
    refuse(write(tmp_path, entries), IntegrityError, rf"\['{re.escape(name)}'\] more than once")
    assert reads == []


def test_unsigned_manifest_edits_are_only_detectable_with_a_key(built, tmp_path):
    """Without a key nothing anchors the manifest: a valid edit loads; signing is the defence."""
    path = write(tmp_path, edit_manifest(built.members, _set("version", "9.9.9")))
    assert mlkit.load(path).version == "9.9.9"
    signed = write(tmp_path, edit_manifest(built.signed_members, _set("version", "9.9.9")))
    refuse(signed, SignatureError, "does not match the key", signing_key=KEY_A)


DEEP = b"[" * 100_000 + b"]" * 100_000


def _deep_member(built: Built, member: str) -> dict[str, bytes]:
    if member == MANIFEST:
        return {**built.members, MANIFEST: DEEP}
    if member == "model.skops/schema.json":
        inner = read_zip(built.members[MODEL])
        return rehash({**built.members, MODEL: make_zip({**inner, SKOPS_SCHEMA: DEEP})})
    return rehash({**built.members, member: DEEP})


@pytest.mark.parametrize(
    "member", [MANIFEST, CONTRACT, "golden.json", "reference.json", "model.skops/schema.json"]
)
def test_deeply_nested_json_is_refused(built, tmp_path, member):
    refuse(write(tmp_path, _deep_member(built, member)), IntegrityError, "JSON|malformed|skops")


def test_integer_too_long_to_read_in_the_manifest_is_refused(built, tmp_path):
    manifest = built.members[MANIFEST].replace(b'"protocol": 1', b'"protocol": ' + b"9" * 5000)
    refuse(write(tmp_path, {**built.members, MANIFEST: manifest}), IntegrityError, "JSON")


def _bounds(low: str, high: str) -> bytes:
    column = {"name": "x", "trained_dtype": "float64", "dtype": "float64", "kind": "number"}
    text = json.dumps({"columns": [{**column, "low": "LOW", "high": "HIGH", "categories": None}]})
    return text.replace('"LOW"', low).replace('"HIGH"', high).encode()


@pytest.mark.parametrize(
    "contract",
    [
        b'{"columns": [[1, 2]]}',
        b'{"columns": 3}',
        b"[" + b"9" * 5000 + b"]",
        _bounds("NaN", "1.0"),  # mlkit learns finite bounds only
        _bounds("0.0", "Infinity"),
    ],
    ids=["not-a-column", "not-a-list", "huge-number", "nan-bound", "infinite-bound"],
)
def test_malformed_contract_is_refused(built, tmp_path, contract):
    path = write(tmp_path, rehash({**built.members, CONTRACT: contract}))
    refuse(path, IntegrityError, "schema.json")


# --------------------------------------------------------------------------- 9. unlisted, missing


@pytest.mark.parametrize("name", ["extra.py", "__init__.py", "manifest.json.bak", "MODEL.SKOPS"])
def test_unlisted_extra_member_is_refused(built, tmp_path, name):
    path = write(tmp_path, {**built.members, name: b"import os\nos.system('id')\n"})
    refuse(path, IntegrityError, rf"\['{re.escape(name)}'\] that its manifest does not list")


def test_missing_manifest_is_refused(built, tmp_path):
    members = {name: data for name, data in built.members.items() if name != MANIFEST}
    refuse(write(tmp_path, members), IntegrityError, "has no manifest.json")


@pytest.mark.parametrize("unlist", [False, True], ids=["still-listed", "unlisted-too"])
def test_missing_member_is_refused(built, tmp_path, unlist):
    members = {name: data for name, data in built.members.items() if name != "card.md"}
    if unlist:
        members = rehash(members)
    refuse(write(tmp_path, members), IntegrityError, r"lacks the member\(s\) \['card.md'\]")


# --------------------------------------------------------------------------- 10. signing


def _key(monkeypatch: pytest.MonkeyPatch, how: str, key: str) -> dict[str, Any]:
    """Pass ``key`` as a str or bytes parameter, or through the environment."""
    if how == "env":
        monkeypatch.setenv("MLKIT_SIGNING_KEY", key)
        return {}
    return {"signing_key": key.encode() if how == "bytes" else key}


@pytest.mark.parametrize("how", ["str", "bytes", "env"])
def test_signed_artifact_loads_with_its_key(built, monkeypatch, how):
    model = mlkit.load(built.signed_path, **_key(monkeypatch, how, KEY_A))
    np.testing.assert_allclose(predictions(model, built), built.proba)


@pytest.mark.parametrize("how", ["str", "bytes", "env"])
def test_signed_artifact_is_refused_with_another_key(built, monkeypatch, how):
    refuse(
        built.signed_path,
        SignatureError,
        "does not match the key",
        **_key(monkeypatch, how, KEY_B),
    )


@pytest.mark.parametrize("how", ["str", "env"])
def test_unsigned_artifact_is_refused_when_a_key_is_given(built, monkeypatch, how):
    refuse(built.path, SignatureError, "is not signed", **_key(monkeypatch, how, KEY_A))


def test_model_swapped_after_signing_is_refused(built, tmp_path):
    """Re-hashed members keep the file consistent; only the stale signature gives it away."""
    forged = rehash({**built.signed_members, MODEL: built.other_members[MODEL]})
    assert forged[SIGNATURE] == built.signed_members[SIGNATURE]
    path = write(tmp_path, forged)
    refuse(path, SignatureError, "does not match the key", signing_key=KEY_A)
    # The same forgery loads without a key, and predicts something else.
    assert not np.allclose(predictions(mlkit.load(path), built), built.proba)


def test_member_added_after_signing_is_refused(built, tmp_path):
    forged = rehash({**built.signed_members, "extra.py": b"import os"})
    refuse(write(tmp_path, forged), SignatureError, "does not match the key", signing_key=KEY_A)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda sig: sig[:-1] + (b"0" if sig[-1:] != b"0" else b"1"),
        lambda sig: sig[:32],
        lambda sig: sig.upper(),
        lambda sig: b"",
        lambda sig: b"\xff" * 64,
    ],
    ids=["one-digit", "truncated", "upper-case", "empty", "binary"],
)
def test_tampered_signature_is_refused(built, tmp_path, tamper):
    members = {**built.signed_members, SIGNATURE: tamper(built.signed_members[SIGNATURE])}
    refuse(write(tmp_path, members), SignatureError, "does not match the key", signing_key=KEY_A)


def test_signature_removed_is_refused(built, tmp_path):
    members = {name: data for name, data in built.signed_members.items() if name != SIGNATURE}
    refuse(write(tmp_path, members), SignatureError, "is not signed", signing_key=KEY_A)


def test_signatures_are_not_checked_without_a_key(built, tmp_path):
    model = mlkit.load(built.signed_path)
    np.testing.assert_allclose(predictions(model, built), built.proba)
    garbage = write(tmp_path, {**built.signed_members, SIGNATURE: b"not a signature"})
    assert mlkit.load(garbage).version == "1.0.1"


@pytest.mark.parametrize("key", [123, 1.5, ["key"], "", b""], ids=repr)
def test_bad_signing_key_is_a_configuration_error(built, key):
    with pytest.raises(ConfigurationError, match="'signing_key' parameter must be a non-empty"):
        mlkit.load(built.signed_path, signing_key=key)


# --------------------------------------------------------------------------- 11. runtime


def _release(name: str) -> tuple[str, int, int]:
    installed = metadata.version(name)
    match = re.match(r"(\d+)\.(\d+)", installed)
    assert match is not None
    return installed, int(match.group(1)), int(match.group(2))


def _built_with(built: Built, name: str, version: str) -> dict[str, bytes]:
    def edit(manifest: dict[str, Any]) -> None:
        manifest["runtime"][name] = version

    return edit_manifest(built.members, edit)


@pytest.mark.parametrize("name", ["scikit-learn", "numpy", "scipy"])
def test_other_minor_version_warns_naming_both(built, tmp_path, name):
    installed, major, minor = _release(name)
    other = f"{major}.{minor + 1}.0"
    path = write(tmp_path, _built_with(built, name, other))
    with pytest.warns(
        RuntimeMismatchWarning, match=re.escape(f"{name} {other} (installed: {installed})")
    ):
        model = mlkit.load(path)
    np.testing.assert_allclose(predictions(model, built), built.proba)


@pytest.mark.parametrize("name", ["scikit-learn", "numpy"])
def test_other_minor_version_is_refused_when_strict(built, tmp_path, name):
    installed, major, minor = _release(name)
    other = f"{major}.{minor + 1}.0"
    path = write(tmp_path, _built_with(built, name, other))
    caught = refuse(
        path, IncompatibleRuntimeError, r"strict=True makes this an error", strict=True
    )
    assert f"{name} {other} (installed: {installed})" in str(caught.value)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("name", ["scikit-learn", "numpy", "scipy"])
@pytest.mark.parametrize("direction", ["older", "newer"])
def test_other_major_version_is_refused(built, tmp_path, name, direction, strict):
    installed, major, _ = _release(name)
    other = f"{major - 1}.24.2" if direction == "older" else f"{major + 1}.0.0"
    path = write(tmp_path, _built_with(built, name, other))
    caught = refuse(path, IncompatibleRuntimeError, "different major version", strict=strict)
    assert f"{name} {other} (installed: {installed})" in str(caught.value)


def test_unreadable_runtime_version_is_refused(built, tmp_path):
    path = write(tmp_path, _built_with(built, "scikit-learn", "latest"))
    refuse(path, IncompatibleRuntimeError, r"scikit-learn latest \(installed")


# --------------------------------------------------------------------------- damaged zip headers


def test_member_needing_a_newer_zip_version_is_refused(built, tmp_path):
    data = built.data
    record = central_records(data)[MANIFEST]
    refuse(
        write(tmp_path, patched(data, record + CD_VERSION_NEEDED, "<H", 99)), IntegrityError, "zip"
    )


def test_member_flagged_as_encrypted_is_refused(built, tmp_path):
    data = built.data
    record = central_records(data)[MANIFEST]
    refuse(
        write(tmp_path, patched(data, record + CD_FLAGS, "<H", 1)),
        IntegrityError,
        "encrypted|read",
    )


def test_member_with_a_wrong_crc_is_refused(built, tmp_path):
    data = built.data
    record = central_records(data)["card.md"]
    path = write(tmp_path, patched(data, record + CD_CRC, "<I", 0))
    refuse(path, IntegrityError, "'card.md' that cannot be read")


def _damaged_model(model: bytes, damage: str) -> bytes:
    """The skops file with one structural defect (the outer hashes are recomputed later)."""
    inner = read_zip(model)
    if damage == "invalid-deflate":  # BFINAL=1, BTYPE=11: a reserved block type
        return patched(model, data_offset(model, SKOPS_SCHEMA), "<B", 0x07)
    if damage == "encrypted-flag":
        return patched(model, central_records(model)[SKOPS_SCHEMA] + CD_FLAGS, "<H", 1)
    if damage == "zip-version":
        return patched(model, central_records(model)[SKOPS_SCHEMA] + CD_VERSION_NEEDED, "<H", 99)
    if damage == "wrong-crc":
        return patched(model, central_records(model)[SKOPS_SCHEMA] + CD_CRC, "<I", 0)
    if damage == "truncated":
        return model[: len(model) // 2]
    if damage == "no-schema":
        return make_zip({name: data for name, data in inner.items() if name != SKOPS_SCHEMA})
    schema = json.loads(inner[SKOPS_SCHEMA])
    if damage == "future-protocol":
        schema["protocol"] = 99
    elif damage == "unknown-loader":
        schema["__loader__"] = "EvalNode"
    elif damage == "missing-array":
        inner.pop(min(name for name in inner if name.endswith(".npy")))
    return make_zip({**inner, SKOPS_SCHEMA: json.dumps(schema).encode()})


@pytest.mark.parametrize(
    "damage",
    [
        "wrong-crc",
        "truncated",
        "no-schema",
        "future-protocol",
        "unknown-loader",
        "missing-array",
        pytest.param(
            "invalid-deflate",
        ),
        pytest.param(
            "encrypted-flag",
        ),
        pytest.param(
            "zip-version",
        ),
    ],
)
def test_damaged_model_file_with_recomputed_hashes_is_refused(built, tmp_path, damage):
    model = _damaged_model(built.members[MODEL], damage)
    path = write(tmp_path, rehash({**built.members, MODEL: model}))
    refuse(
        path,
        IntegrityError,
        "model member (is not a skops file|cannot be read by skops|is not a readable zip)",
    )


@pytest.mark.parametrize("skops_checks_itself", [True, False], ids=["skops", "mlkit"])
def test_a_newer_skops_format_is_refused_whichever_checks_it(
    built, tmp_path, monkeypatch, skops_checks_itself
):
    # Recent skops refuses a newer protocol itself; with an older skops (which
    # would read it as its own) mlkit checks the schema first.
    from mlkit import _model_file

    if skops_checks_itself and not _model_file._skops_refuses_newer_formats():
        pytest.skip("this skops reads a newer format as its own")
    monkeypatch.setattr(_model_file, "_skops_refuses_newer_formats", lambda: skops_checks_itself)
    model = _damaged_model(built.members[MODEL], "future-protocol")
    path = write(tmp_path, rehash({**built.members, MODEL: model}))
    refuse(path, IntegrityError, "cannot be read by skops.*(protocol|format) 99")


# --------------------------------------------------------------------------- 12. properties


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_single_byte_flip_is_refused_or_harmless(built, tmp_path, data):
    artifact = built.pinned
    position = data.draw(st.integers(0, len(artifact) - 1), label="position")
    flip = data.draw(st.integers(1, 255), label="xor")
    damaged = bytearray(artifact)
    damaged[position] ^= flip
    path = tmp_path / "flipped.mlkit"
    path.write_bytes(bytes(damaged))
    try:
        model = mlkit.load(path)
    except ArtifactError:
        return
    np.testing.assert_allclose(predictions(model, built), built.proba)


@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_truncation_is_refused(built, tmp_path, data):
    artifact = built.pinned
    end = data.draw(st.integers(0, len(artifact) - 1), label="end")
    path = tmp_path / "truncated.mlkit"
    path.write_bytes(artifact[:end])
    with pytest.raises(IntegrityError):
        mlkit.load(path)


# --------------------------------------------------------------------------- 13. allow-list


# "_loss.Cy...": scikit-learn < 1.6 names its Cython loss classes by their module "_loss".
SAFE_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.", "mlkit.", "_loss.Cy")


def effective_allow_list() -> set[str]:
    """skops' default lists (every ``*_TYPE_NAMES`` in skops.io._trusted_types) and mlkit's."""
    defaults = {
        name
        for attribute, names in vars(skops_trusted).items()
        if attribute.endswith("_TYPE_NAMES")
        for name in get_type_paths(list(names))
    }
    return defaults | set(TRUSTED_TYPES)


def test_allow_list_holds_only_library_types():
    allowed = effective_allow_list()
    assert len(allowed) > 2 * len(TRUSTED_TYPES)  # skops' defaults were found
    assert sorted(name for name in allowed if not name.startswith(SAFE_PREFIXES)) == []


def test_allow_list_holds_no_code_running_builtin():
    dangerous = {
        f"builtins.{name}"
        for name in (
            "eval",
            "exec",
            "compile",
            "open",
            "__import__",
            "getattr",
            "setattr",
            "delattr",
            "input",
            "breakpoint",
            "globals",
            "vars",
            "type",
            "object",
        )
    } | {"os.system", "posix.system", "subprocess.Popen", "pickle.loads", "operator.methodcaller"}
    assert effective_allow_list() & dangerous == set()


@pytest.mark.parametrize("name", TRUSTED_TYPES)
def test_each_mlkit_trusted_name_is_a_class(name):
    module, _, attribute = name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        # Names of other scikit-learn releases (the list covers every supported one).
        assert not name.startswith("mlkit."), f"{name} must exist: old artifacts name it"
        return
    assert isinstance(found, type)
