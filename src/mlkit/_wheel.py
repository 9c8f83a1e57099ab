"""Package a saved model artifact as an installable Python wheel.

The wheel holds one import package: the artifact, verbatim, as
``<import_name>/model.mlkit``, and a generated ``__init__.py`` that loads it
with :func:`mlkit.load` on first use. Applications ``pip install`` the wheel
and call ``<import_name>.predict(df)`` in-process.

The wheel is a standard PEP 427 wheel (``py3-none-any``), written
byte-for-byte deterministically: the same inputs give the same file, so a
wheel's sha256 identifies what it holds.
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import io
import keyword
import re
import string
import textwrap
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Final

from mlkit._archive import write_atomically
from mlkit._versioning import CANONICAL_VERSION
from mlkit.exceptions import ConfigurationError

__all__ = ["build_wheel"]

_DATE_TIME: Final = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no build time leaks in
_FILE_MODE: Final = 0o644
_CHUNK: Final = 1 << 20

# PEP 508 names (case-insensitive).
_NAME_RE: Final = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)

_INIT_TEMPLATE: Final = string.Template(
    textwrap.dedent(
        '''\
        """The ${distribution} model, version ${version}, packaged by mlkit.

        Use it in-process::

            import ${import_name}

            ${import_name}.validate(df)              # raises mlkit's DataError on bad input
            labels = ${import_name}.predict(df)
            scores = ${import_name}.predict_proba(df)
            ${import_name}.self_test()               # checks the model on its saved examples
            ${import_name}.schema                    # the input the model expects
            ${import_name}.model                     # the loaded mlkit model itself

        Importing this package is cheap: the model is loaded, once, on first use of
        any of the above. ``mlkit.load`` checks the artifact's integrity, and its
        signature when ``MLKIT_SIGNING_KEY`` is set.
        """

        from __future__ import annotations

        import threading
        from typing import TYPE_CHECKING, Any

        if TYPE_CHECKING:
            import mlkit

            # Loaded on first access, by the module's __getattr__ below.
            model: mlkit.Model
            schema: Any

        __all__ = [
            "__version__",
            "model",
            "monitor",
            "predict",
            "predict_proba",
            "schema",
            "self_test",
            "validate",
        ]

        __version__ = "${version}"

        _ARTIFACT = "model.mlkit"
        _LAZY = ("model", "schema")
        _lock = threading.Lock()
        _model: mlkit.Model | None = None


        def _load() -> mlkit.Model:
            """The model, loaded on first call (thread-safe)."""
            global _model
            model = _model
            if model is None:
                with _lock:
                    model = _model
                    if model is None:
                        import importlib.resources

                        import mlkit

                        resource = importlib.resources.files(__name__).joinpath(_ARTIFACT)
                        # A real file when installed normally; a temporary copy otherwise.
                        with importlib.resources.as_file(resource) as path:
                            model = mlkit.load(path)
                        _model = model
            return model


        def __getattr__(name: str) -> Any:
            """Load the model on first access to ``model`` or ``schema``."""
            if name == "model":
                return _load()
            if name == "schema":
                return _load().schema
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


        def __dir__() -> list[str]:
            """The module's names, with the lazily loaded ones."""
            return sorted({*globals(), *_LAZY})


        def predict(df: Any, **kwargs: Any) -> Any:
            """Predict with the model; see ``model.predict``."""
            return _load().predict(df, **kwargs)


        def predict_proba(df: Any, **kwargs: Any) -> Any:
            """Predict class probabilities with the model; see ``model.predict_proba``."""
            return _load().predict_proba(df, **kwargs)


        def monitor(df: Any, y: Any = None) -> Any:
            """Check ``df`` for drift against the packaged reference; see ``model.monitor``."""
            return _load().monitor(df, y)


        def validate(df: Any) -> Any:
            """Check ``df`` against the model's input schema; see ``model.validate``."""
            return _load().validate(df)


        def self_test(**kwargs: Any) -> Any:
            """Run the model's self-test; see ``model.self_test``."""
            return _load().self_test(**kwargs)
        '''
    )
)


def build_wheel(
    artifact: Path,
    out_dir: Path,
    *,
    distribution: str,
    import_name: str,
    version: str,
    requirements: Sequence[str],
    summary: str,
    requires_python: str = ">=3.11",
    overwrite: bool = False,
) -> Path:
    """Write an installable wheel that packages a model artifact.

    Parameters
    ----------
    artifact : Path
        An existing ``NAME-VERSION.mlkit`` file; copied into the wheel verbatim.
    out_dir : Path
        An existing folder to write the wheel into.
    distribution : str
        The project name, e.g. ``"churn-model"`` (a valid PEP 508 name).
    import_name : str
        The import package, e.g. ``"churn_model"`` (a Python identifier, not a keyword).
    version : str
        A canonical PEP 440 version, e.g. ``"1.2.0"``.
    requirements : sequence of str
        PEP 508 requirement strings, one ``Requires-Dist`` line each.
    summary : str
        One line for the ``Summary`` field.
    requires_python : str, default ">=3.11"
        The ``Requires-Python`` specifier.
    overwrite : bool, default=False
        Replace an existing wheel of the same name.

    Returns
    -------
    Path
        The wheel, ``out_dir / "{name}-{version}-py3-none-any.whl"`` where ``name``
        is ``distribution`` lower-cased with runs of ``-_.`` replaced by ``_``.

    Raises
    ------
    ConfigurationError
        If ``artifact`` is not a file, ``out_dir`` is not a folder, or a name,
        version, requirement or field is not valid.
    """
    _check_inputs(
        artifact,
        out_dir,
        distribution=distribution,
        import_name=import_name,
        version=version,
        requirements=requirements,
        summary=summary,
        requires_python=requires_python,
    )
    dist_escaped = re.sub(r"[-_.]+", "_", distribution).lower()
    dist_info = f"{dist_escaped}-{version}.dist-info"
    texts = {
        f"{import_name}/__init__.py": _init_source(
            distribution=distribution, import_name=import_name, version=version
        ),
        f"{import_name}/py.typed": "",
        f"{dist_info}/METADATA": _metadata(
            distribution=distribution,
            version=version,
            summary=summary,
            requires_python=requires_python,
            requirements=requirements,
        ),
        f"{dist_info}/WHEEL": _wheel_file(),
    }
    target = out_dir / f"{dist_escaped}-{version}-py3-none-any.whl"
    write_atomically(
        target,
        functools.partial(
            _write_zip,
            artifact=artifact,
            artifact_member=f"{import_name}/model.mlkit",
            texts=texts,
            record_member=f"{dist_info}/RECORD",
        ),
        overwrite=overwrite,
    )
    return target


def _check_inputs(
    artifact: Path,
    out_dir: Path,
    *,
    distribution: str,
    import_name: str,
    version: str,
    requirements: Sequence[str],
    summary: str,
    requires_python: str,
) -> None:
    """Raise a ConfigurationError naming the first input that is not valid.

    Parameters
    ----------
    artifact : Path
        The artifact file.
    out_dir : Path
        The output folder.
    distribution : str
        The project name.
    import_name : str
        The import package name.
    version : str
        The version.
    requirements : sequence of str
        The requirement strings.
    summary : str
        The one-line summary.
    requires_python : str
        The Python version specifier.

    Raises
    ------
    ConfigurationError
        If any input is not valid.
    """
    if not Path(artifact).is_file():
        raise ConfigurationError(
            f"artifact must be an existing .mlkit file; {str(artifact)!r} is not a file."
        )
    if not Path(out_dir).is_dir():
        raise ConfigurationError(
            f"out_dir must be an existing folder; {str(out_dir)!r} does not exist or is not "
            "a folder. Create it first."
        )
    if not _NAME_RE.match(distribution):
        raise ConfigurationError(
            f"distribution must be a valid project name (letters, digits, '-', '_', '.', "
            f"starting and ending with a letter or digit); got {distribution!r}."
        )
    if not import_name.isidentifier() or keyword.iskeyword(import_name):
        raise ConfigurationError(
            f"import_name must be a Python identifier that is not a keyword, "
            f"e.g. 'churn_model'; got {import_name!r}."
        )
    if import_name == "mlkit":
        raise ConfigurationError(
            "import_name must not be 'mlkit': the model package would replace mlkit itself."
        )
    if not CANONICAL_VERSION.match(version):
        raise ConfigurationError(
            f"version must be a canonical PEP 440 version, e.g. '1.2.0'; got {version!r}."
        )
    if isinstance(requirements, str):
        raise ConfigurationError(
            f"requirements must be a sequence of requirement strings, not one string; "
            f"got {requirements!r}. Wrap it in a list."
        )
    fields = {"summary": summary, "requires_python": requires_python}
    fields |= {f"requirements[{i}]": requirement for i, requirement in enumerate(requirements)}
    for field, value in fields.items():
        if not isinstance(value, str) or "\n" in value or "\r" in value:
            raise ConfigurationError(f"{field} must be a single line of text; got {value!r}.")
    for i, requirement in enumerate(requirements):
        if not requirement.strip():
            raise ConfigurationError(f"requirements[{i}] must not be empty.")


def _init_source(*, distribution: str, import_name: str, version: str) -> str:
    """The generated package's ``__init__.py``.

    Parameters
    ----------
    distribution : str
        The project name.
    import_name : str
        The import package name.
    version : str
        The version.

    Returns
    -------
    str
        Python source.
    """
    return _INIT_TEMPLATE.substitute(
        distribution=distribution, import_name=import_name, version=version
    )


def _metadata(
    *,
    distribution: str,
    version: str,
    summary: str,
    requires_python: str,
    requirements: Sequence[str],
) -> str:
    """The ``METADATA`` file (core metadata 2.1).

    Parameters
    ----------
    distribution : str
        The project name.
    version : str
        The version.
    summary : str
        The one-line summary.
    requires_python : str
        The Python version specifier.
    requirements : sequence of str
        The requirement strings.

    Returns
    -------
    str
        The file's text.
    """
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {distribution}",
        f"Version: {version}",
        f"Summary: {summary.strip()}",
        f"Requires-Python: {requires_python.strip()}",
        *(f"Requires-Dist: {requirement.strip()}" for requirement in requirements),
    ]
    return "\n".join(lines) + "\n"


def _wheel_file() -> str:
    """The ``WHEEL`` file.

    Returns
    -------
    str
        The file's text.
    """
    return "Wheel-Version: 1.0\nGenerator: mlkit\nRoot-Is-Purelib: true\nTag: py3-none-any\n"


def _zip_info(name: str) -> zipfile.ZipInfo:
    """A member header with fixed time, mode and compression (zlib's default level).

    Parameters
    ----------
    name : str
        The member path.

    Returns
    -------
    zipfile.ZipInfo
        The header.
    """
    info = zipfile.ZipInfo(name, date_time=_DATE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, whatever the build machine, so external_attr means a mode
    info.external_attr = _FILE_MODE << 16
    return info


def _record_hash(digest: bytes) -> str:
    """A RECORD hash field.

    Parameters
    ----------
    digest : bytes
        A sha256 digest.

    Returns
    -------
    str
        ``sha256=`` and the URL-safe base64 digest without padding.
    """
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _write_zip(
    handle: IO[bytes],
    *,
    artifact: Path,
    artifact_member: str,
    texts: dict[str, str],
    record_member: str,
) -> None:
    """Write the wheel's members, in a fixed order, then its RECORD.

    Parameters
    ----------
    handle : file object
        The open, seekable output file.
    artifact : Path
        The artifact to copy in.
    artifact_member : str
        The artifact's member path.
    texts : dict of str to str
        Other member paths and their text, written UTF-8.
    record_member : str
        The RECORD member path; written last.
    """
    record: list[tuple[str, str, str]] = []
    # Package files first, then .dist-info files, RECORD last (as wheel tools write them).
    order = sorted([*texts, artifact_member], key=lambda name: (".dist-info/" in name, name))
    with zipfile.ZipFile(handle, "w") as archive:
        for name in order:
            info = _zip_info(name)
            digest = hashlib.sha256()
            size = 0
            if name == artifact_member:
                info.file_size = Path(artifact).stat().st_size  # lets zipfile choose ZIP64
                with (
                    Path(artifact).open("rb") as source,
                    archive.open(info, "w") as member,
                ):
                    while chunk := source.read(_CHUNK):
                        digest.update(chunk)
                        member.write(chunk)
                        size += len(chunk)
            else:
                data = texts[name].encode("utf-8")
                digest.update(data)
                size = len(data)
                archive.writestr(info, data)
            record.append((name, _record_hash(digest.digest()), str(size)))
        record.append((record_member, "", ""))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(record)
        archive.writestr(_zip_info(record_member), buffer.getvalue().encode("utf-8"))
