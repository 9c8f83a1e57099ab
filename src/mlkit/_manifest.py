"""The artifact's manifest: what it holds, how it was made, and its optional signature."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Mapping
from typing import Any

import attrs
import pandas as pd

from mlkit._results import json_safe
from mlkit.exceptions import (
    ConfigurationError,
    FormatVersionError,
    IntegrityError,
    SignatureError,
)

PROTOCOL = 1  # the file format; raise it when the layout changes, keep a reader for each
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MODEL = "model.skops"
CONTRACT = "schema.json"
REFERENCE = "reference.json"
GOLDEN = "golden.json"
CARD = "card.md"
MEMBERS = (MODEL, CONTRACT, REFERENCE, GOLDEN, CARD)
SIGNING_KEY_VARIABLE = "MLKIT_SIGNING_KEY"
MAX_MANIFEST_BYTES = 1024**2


@attrs.frozen(kw_only=True)
class Manifest:
    """What an artifact holds and how it was made (its ``manifest.json``).

    Attributes
    ----------
    protocol : int
        The file format version.
    name, version : str
        The model's name and PEP 440 version.
    created_at : str
        When it was packaged, ISO 8601 in UTC.
    task : {"binary", "multiclass", "regression"}
        What the model predicts.
    target : str or None
        The target column's name, when known.
    classes : tuple or None
        Class labels, in the order of ``predict_proba``'s columns.
    estimator : str
        The final estimator's class name.
    inputs : dict of str to str
        Input columns and the dtypes the model was trained on, in order.
    metrics : dict of str to float
        Metrics given at packaging time (e.g. cross-validated scores).
    acceptance : dict or None
        The acceptance verdict, when one was given.
    fingerprint : dict
        Rows, columns and SHA-256 of the training data.
    parent : dict or None
        Name and version of the model this one replaces (lineage).
    runtime : dict of str to str
        Versions of Python and of every runtime dependency at packaging time.
    trusted_types : tuple of str
        The non-default types the model names (for information; loading uses
        mlkit's own allow-list, never this one).
    members : dict of str to dict
        SHA-256 and size in bytes of every other member.
    """

    protocol: int
    name: str
    version: str
    created_at: str
    task: str
    target: str | None
    classes: tuple[Any, ...] | None
    estimator: str
    inputs: dict[str, str]
    metrics: dict[str, float]
    acceptance: dict[str, Any] | None
    fingerprint: dict[str, Any]
    parent: dict[str, Any] | None
    runtime: dict[str, str]
    trusted_types: tuple[str, ...]
    members: dict[str, dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """The manifest as JSON-safe values."""
        safe: dict[str, Any] = json_safe(attrs.asdict(self, recurse=True))
        return safe

    def to_json(self) -> bytes:
        """The manifest as the bytes stored in the artifact."""
        return json.dumps(self.to_dict(), indent=2).encode()

    @classmethod
    def from_json(cls, data: bytes, *, subject: str) -> Manifest:
        """Read and check a manifest; refuse unknown protocols and malformed content."""
        if len(data) > MAX_MANIFEST_BYTES:
            raise IntegrityError(f"{subject}: the manifest is larger than {MAX_MANIFEST_BYTES}.")
        try:
            raw = json.loads(data)
        except (ValueError, RecursionError) as error:  # decoding, JSON syntax, huge numbers
            raise IntegrityError(f"{subject}: the manifest is not valid JSON ({error}).") from None
        if not isinstance(raw, dict):
            raise IntegrityError(f"{subject}: the manifest is not a JSON object.")
        protocol = raw.get("protocol")
        if type(protocol) is not int or protocol != PROTOCOL:
            raise FormatVersionError(
                f"{subject} uses file format {protocol!r}; this mlkit reads format {PROTOCOL}. "
                "Upgrade mlkit to load a newer artifact."
            )
        return _manifest_from(raw, subject=subject)


def _manifest_from(raw: dict[str, Any], *, subject: str) -> Manifest:
    fields = {field.name for field in attrs.fields(Manifest)}
    missing = sorted(fields - raw.keys())
    unknown = sorted(raw.keys() - fields)
    if missing or unknown:
        raise IntegrityError(
            f"{subject}: the manifest is malformed (missing {missing}, unknown {unknown})."
        )
    try:
        members = {
            str(k): {"sha256": str(v["sha256"]), "size": int(v["size"])}
            for k, v in dict(raw["members"]).items()
        }
        classes = raw["classes"]
        return Manifest(
            **{
                **raw,
                "classes": None if classes is None else tuple(classes),
                "trusted_types": tuple(map(str, raw["trusted_types"])),
                "inputs": {str(k): str(v) for k, v in dict(raw["inputs"]).items()},
                "runtime": {str(k): str(v) for k, v in dict(raw["runtime"]).items()},
                "members": members,
            }
        )
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise IntegrityError(f"{subject}: the manifest is malformed ({error!r}).") from None


def fingerprint(X: pd.DataFrame, y: Any) -> dict[str, Any]:
    """Rows, columns and a SHA-256 of the training data's values, names and dtypes."""
    digest = hashlib.sha256()
    for name in X.columns:
        digest.update(f"{name}\x00{X[name].dtype}\x00".encode())
    digest.update(pd.util.hash_pandas_object(X, index=False).to_numpy().tobytes())
    if y is not None:
        target = pd.Series(y)
        digest.update(f"target\x00{target.dtype}\x00".encode())
        digest.update(pd.util.hash_pandas_object(target, index=False).to_numpy().tobytes())
    return {"rows": len(X), "columns": X.shape[1], "sha256": digest.hexdigest()}


def signing_key(key: str | bytes | None) -> bytes | None:
    """The key given, else the one in ``MLKIT_SIGNING_KEY``, else None."""
    if key is None:
        key = os.environ.get(SIGNING_KEY_VARIABLE) or None
    if key is None:
        return None
    if isinstance(key, str):
        key = key.encode()
    if not isinstance(key, bytes) or not key:
        raise ConfigurationError(
            "The 'signing_key' parameter must be a non-empty str or bytes. "
            f"Got {type(key).__name__} instead."
        )
    return key


def sign(manifest: bytes, key: bytes) -> bytes:
    """HMAC-SHA256 of the manifest's bytes, as hex."""
    return hmac.new(key, manifest, hashlib.sha256).hexdigest().encode()


def verify(manifest: bytes, signature: bytes | None, key: bytes, *, subject: str) -> None:
    """Raise SignatureError unless ``signature`` is the manifest's HMAC under ``key``."""
    if signature is None:
        raise SignatureError(
            f"{subject} is not signed, and a signing key was given: only artifacts signed "
            "with that key are accepted. Package it again with signing_key=..."
        )
    if not hmac.compare_digest(signature.strip(), sign(manifest, key)):
        raise SignatureError(
            f"{subject} has a signature that does not match the key: it was signed with "
            "another key, or its manifest was altered since. Do not use it."
        )


def check_members(manifest: Manifest, members: Mapping[str, bytes], *, subject: str) -> None:
    """Every member listed, present, of the listed size and hash; nothing else."""
    present = set(members) - {MANIFEST, SIGNATURE}
    unlisted = sorted(present - manifest.members.keys())
    if unlisted:
        raise IntegrityError(
            f"{subject} holds member(s) {unlisted} that its manifest does not list; "
            "something added them after packaging. Do not use it."
        )
    absent = sorted(set(MEMBERS) - present) + sorted(manifest.members.keys() - present)
    if absent:
        raise IntegrityError(f"{subject} lacks the member(s) {sorted(set(absent))}.")
    for name, entry in manifest.members.items():
        data = members[name]
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise IntegrityError(
                f"{subject}: the member {name!r} differs from the one packaged (its SHA-256 "
                "does not match the manifest); the file was altered or damaged. Do not use it."
            )
