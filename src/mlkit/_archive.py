"""The artifact's container: a zip archive written atomically and read defensively.

Reading trusts nothing in the file: member names, types, declared sizes and
compression ratios are checked from the zip's central directory before any
member is decompressed, and every read is bounded.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import IO

from mlkit.exceptions import ConfigurationError, IntegrityError

# Sane limits; a real model is far below them, a zip bomb far above.
MAX_MEMBERS = 64
MAX_NESTED_MEMBERS = 100_000  # a skops file holds one member per array (a forest: thousands)
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for members above _RATIO_FLOOR bytes
_RATIO_FLOOR = 1024**2
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1024**2
# What zipfile raises on damaged, encrypted or unsupported archives (RuntimeError: a
# password is required; NotImplementedError: a newer zip version or compression method).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data`` as lowercase hex."""
    return hashlib.sha256(data).hexdigest()


def deterministic_zip(members: Mapping[str, bytes], *, stored: Collection[str] = ()) -> bytes:
    """Zip ``members`` in the given order with fixed times, so equal input gives equal bytes.

    Members named in ``stored`` (already compressed) are stored as they are.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def write_atomically(
    path: Path, content: bytes | Callable[[IO[bytes]], None], *, overwrite: bool
) -> None:
    """Write ``path`` so that a crash leaves the old file or none, never a torn one.

    The content (bytes, or a function that writes to an open binary file) goes
    to a temporary file in the same folder, is flushed to disk, and the file is
    renamed over ``path`` in one step. The file is readable by everyone (0644).

    Raises
    ------
    ConfigurationError
        When the folder does not exist, or ``path`` exists and ``overwrite`` is false.
    """
    folder = path.parent
    if not folder.is_dir():
        raise ConfigurationError(
            f"Cannot write {str(path)!r}: the folder {str(folder)!r} does not exist. "
            "Create it first or choose another path."
        )
    refuse_existing(path, overwrite=overwrite)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as file:
            if isinstance(content, bytes):
                file.write(content)
            else:
                content(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def refuse_existing(path: Path, *, overwrite: bool) -> None:
    """Raise ConfigurationError when ``path`` exists and may not be replaced."""
    if path.exists() and not overwrite:
        raise ConfigurationError(
            f"{str(path)!r} already exists. Give the model a new version, or pass "
            "overwrite=True to replace it."
        )


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows cannot open a folder
        return
    try:
        os.fsync(descriptor)
    except OSError:  # pragma: no cover - some file systems refuse
        pass
    finally:
        os.close(descriptor)


def read_members(path: Path, *, subject: str) -> dict[str, bytes]:
    """Read every member of the archive at ``path`` after checking it is safe to.

    Raises
    ------
    IntegrityError
        When the file is not a zip archive, or a member has an unsafe name
        (absolute, escaping, a folder), is a link, is listed twice, or is
        larger or more compressed than the limits allow.
    """
    try:
        archive = zipfile.ZipFile(path)
    except ZIP_ERRORS as error:
        raise IntegrityError(
            f"{subject} is not an mlkit artifact: it cannot be read as a zip archive "
            f"({error}). It may be truncated or a different kind of file."
        ) from None
    with archive:
        infos = archive.infolist()
        check_listing(infos, subject=subject, limit=MAX_MEMBERS)
        members = {}
        for info in infos:
            members[info.filename] = _read_bounded(archive, info, subject=subject)
    return members


def check_listing(infos: list[zipfile.ZipInfo], *, subject: str, limit: int) -> None:
    """Refuse a zip listing with too many, repeated, unsafe, linked or oversized members."""
    if len(infos) > limit:
        raise IntegrityError(f"{subject} has {len(infos)} members; at most {limit} allowed.")
    counts = Counter(info.filename for info in infos)
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise IntegrityError(f"{subject} lists the member(s) {repeated} more than once.")
    total = 0
    for info in infos:
        _check_name(info.filename, subject=subject)
        _check_kind(info, subject=subject)
        _check_size(info, subject=subject)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise IntegrityError(
            f"{subject} would unpack to {total:,} bytes, above the {MAX_TOTAL_BYTES:,} allowed."
        )


def _check_name(name: str, *, subject: str) -> None:
    unsafe = (
        not name
        or "/" in name
        or "\\" in name
        or "\x00" in name
        or ":" in name
        or name in {".", ".."}
    )
    if unsafe:
        raise IntegrityError(
            f"{subject} has a member named {name!r}, a path outside the archive's top "
            "level; mlkit never writes one, so the file was made or altered by something "
            "else. Do not use it."
        )


def _check_kind(info: zipfile.ZipInfo, *, subject: str) -> None:
    mode = info.external_attr >> 16
    if info.is_dir() or stat.S_IFMT(mode) not in {0, stat.S_IFREG}:
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
        raise IntegrityError(
            f"{subject} has a member {info.filename!r} that is {kind}; an artifact holds "
            "regular files only. Do not use it."
        )


def _check_size(info: zipfile.ZipInfo, *, subject: str) -> None:
    if info.file_size > MAX_MEMBER_BYTES:
        raise IntegrityError(
            f"{subject} has a member {info.filename!r} of {info.file_size:,} bytes, above "
            f"the {MAX_MEMBER_BYTES:,} allowed."
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
        raise IntegrityError(
            f"{subject} has a member {info.filename!r} compressed {ratio:,.0f} to 1, "
            f"above the {MAX_RATIO} to 1 allowed: it looks like a zip bomb. Do not use it."
        )


def _read_bounded(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, subject: str) -> bytes:
    """Read one member, never more than it declares (zipfile stops there too)."""
    chunks, size = [], 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > info.file_size:  # pragma: no cover - zipfile truncates first
                    raise IntegrityError(
                        f"{subject} has a member {info.filename!r} larger than it declares."
                    )
                chunks.append(chunk)
    except ZIP_ERRORS as error:
        raise IntegrityError(
            f"{subject} has a member {info.filename!r} that cannot be read ({error}); the "
            "file is damaged or truncated."
        ) from None
    return b"".join(chunks)
