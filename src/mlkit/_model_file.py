"""The fitted pipeline inside an artifact: saved with skops, audited before it is built.

The allow-list lives here, in mlkit's code, never in the artifact: a list read
from the file would be the attacker's to write. It is skops' own default list
(scikit-learn estimators, numpy and scipy types, Python primitives) plus the
types below, which mlkit's own pipelines need.

Moving one of mlkit's classes to another module changes the name saved in new
artifacts; keep the old name importable and listed here, or old artifacts
stop loading.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import Any

from mlkit._archive import MAX_NESTED_MEMBERS, ZIP_ERRORS, check_listing, deterministic_zip
from mlkit.exceptions import IntegrityError, UntrustedTypeError

TRUSTED_TYPES: tuple[str, ...] = (
    # mlkit's transformers and the private steps inside a fitted FeatureBuilder
    "mlkit.Cleaner",
    "mlkit.FeatureBuilder",
    "mlkit._feature_steps.DerivedColumns",
    "mlkit._feature_steps.GroupPCA",
    "mlkit._feature_steps.Reshape",
    "mlkit._feature_steps.SelectedColumns",
    # scikit-learn internals of fitted models that skops does not list by default
    "sklearn.compose._column_transformer._RemainderColsList",  # scikit-learn 1.5-1.6
    # gradient boosting's losses, links and binning, which skops < 0.12 does not list
    "_loss.CyHalfBinomialLoss",
    "_loss.CyHalfMultinomialLoss",
    "_loss.CyHalfSquaredError",
    "sklearn._loss.link.IdentityLink",
    "sklearn._loss.link.Interval",
    "sklearn._loss.link.LogitLink",
    "sklearn._loss.link.MultinomialLogit",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn._loss.loss.HalfMultinomialLoss",
    "sklearn._loss.loss.HalfSquaredError",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.model_selection._split.KFold",
    "sklearn.model_selection._split.StratifiedKFold",
    "sklearn.neighbors._ball_tree.BallTree",
    "sklearn.neighbors._kd_tree.KDTree",
    "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
    "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
    "sklearn.tree._tree.Tree",
    "sklearn.utils._bunch.Bunch",
)

_SCHEMA = "schema.json"


def dump_pipeline(model: Any) -> bytes:
    """Save ``model`` with skops, in a canonical form: the same model gives the same bytes.

    skops names objects and array files by their memory address and stamps the
    current time on each zip entry; both are replaced here by their order of
    appearance and a fixed time, so the model member's hash depends on the
    fitted model alone.
    """
    import skops.io as sio

    saved = sio.dumps(model)
    with zipfile.ZipFile(io.BytesIO(saved)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    schema = json.loads(files.pop(_SCHEMA))
    renamed_files: dict[str, str] = {}
    _renumber(schema, ids={}, files=renamed_files)
    members = {new: files[old] for old, new in sorted(renamed_files.items(), key=lambda i: i[1])}
    members[_SCHEMA] = json.dumps(schema, separators=(",", ":")).encode()  # 3x smaller than skops'
    return deterministic_zip(members)


def _renumber(node: Any, *, ids: dict[int, int], files: dict[str, str]) -> None:
    """Replace object ids and file names, in place, by their order of appearance."""
    if isinstance(node, list):
        for item in node:
            _renumber(item, ids=ids, files=files)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "__id__" and isinstance(value, int):
            node[key] = ids.setdefault(value, len(ids))
        elif key == "file" and isinstance(value, str):
            suffix = PurePosixPath(value).suffix
            node[key] = files.setdefault(value, f"{len(files)}{suffix}")
        else:
            _renumber(value, ids=ids, files=files)


def named_types(data: bytes) -> list[str]:
    """The types a saved pipeline names beyond skops' defaults, sorted."""
    import skops.io as sio

    return sorted(sio.get_untrusted_types(data=data))


def outside_allow_list(names: list[str]) -> list[str]:
    """Those of ``names`` that mlkit's allow-list does not hold."""
    return [name for name in names if name not in TRUSTED_TYPES]


def load_pipeline(data: bytes, *, subject: str) -> Any:
    """Build the saved pipeline after skops has audited every type it names.

    Raises
    ------
    UntrustedTypeError
        When the file names a type outside the allow-list; nothing is imported
        or built in that case.
    IntegrityError
        When the member is not a skops file (for example a pickle), or skops
        cannot read it.
    """
    import skops.io as sio
    from skops.io.exceptions import UntrustedTypesFoundException

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IntegrityError(
            f"{subject}: the model member is not a skops file (skops files are zip archives; "
            "a pickle is refused, since loading one can run any code). Do not use it."
        )
    _check_container(data, subject=subject)
    try:
        return sio.loads(data, trusted=list(TRUSTED_TYPES))
    except UntrustedTypesFoundException as error:
        types = sorted(_types_named(error, data))
        raise UntrustedTypeError(
            f"{subject}: the model names type(s) outside mlkit's allow-list: {types}. "
            "mlkit loads scikit-learn, numpy, scipy and mlkit types only, and refuses "
            "anything else rather than run code it cannot vouch for.",
            types,
        ) from None
    except (
        KeyError,
        ValueError,
        TypeError,
        AttributeError,
        IndexError,
        OSError,
        RecursionError,
        RuntimeError,
        NotImplementedError,
        zlib.error,
        zipfile.BadZipFile,
    ) as error:
        raise IntegrityError(
            f"{subject}: the model member cannot be read by skops ({type(error).__name__}: "
            f"{error}). The file is damaged or was not written by mlkit."
        ) from None


def _check_container(data: bytes, *, subject: str) -> None:
    """Apply the archive's limits to the skops file, and refuse a newer skops format.

    Old skops releases read a newer format as their own, and may build
    something else than what was saved.
    """
    from skops.io._protocol import PROTOCOL

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as error:
        raise IntegrityError(
            f"{subject}: the model member is not a readable zip archive ({error}); the file "
            "is damaged or was not written by mlkit."
        ) from None
    try:
        with archive:
            check_listing(
                archive.infolist(),
                subject=f"{subject}: the model member",
                limit=MAX_NESTED_MEMBERS,
            )
            if _skops_refuses_newer_formats():
                return
            protocol = json.loads(archive.read(_SCHEMA)).get("protocol")
    except (KeyError, ValueError, AttributeError, RecursionError, *ZIP_ERRORS) as error:
        raise IntegrityError(
            f"{subject}: the model member cannot be read by skops ({type(error).__name__}: "
            f"{error}). The file is damaged or was not written by mlkit."
        ) from None
    if type(protocol) is not int or protocol > PROTOCOL:
        raise IntegrityError(
            f"{subject}: the model member cannot be read by skops: it was written in skops "
            f"format {protocol!r}, and the skops installed here reads up to {PROTOCOL}. "
            "Upgrade skops (the model's wheel pins a version that reads it)."
        )


@functools.cache
def _skops_refuses_newer_formats() -> bool:
    """Whether the installed skops checks the format of a file itself before reading it.

    Recent skops reads ``schema.json`` through ``read_schema``, which refuses a
    newer protocol; parsing the schema a second time here would add a few
    milliseconds to every load.
    """
    from skops.io import _utils

    return hasattr(_utils, "read_schema")


def _types_named(error: Exception, data: bytes) -> set[str]:
    """The untrusted types, read again from the file (skops keeps them in its message)."""
    try:
        return set(outside_allow_list(named_types(data)))
    except (
        KeyError,
        ValueError,
        TypeError,
        RecursionError,
        zipfile.BadZipFile,
    ):  # pragma: no cover
        return {str(error)}
