"""Writing export files safely: never a half-written file under a final name.

Every exporter writes to a hidden temporary name next to the target (same file system, so the final
``os.replace`` is atomic) and renames only when the content is complete; a cancel or a failure
removes the temporary file. OS errors become ``ExportError`` with a Chinese reason.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from models.core.errors import DeskError


class ExportError(DeskError):
    """The file could not be written; the message says which file and why, in Chinese."""


def describe(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有写入权限，或文件正被其他程序（如 Word、WPS 或 Excel）打开"
    if isinstance(exc, FileNotFoundError):
        return "文件夹不存在"
    return exc.strerror or type(exc).__name__


def temp_path(path: Path) -> Path:
    """A fresh hidden name next to ``path``.

    Not ``mkstemp``: its 0600 mode would survive the rename and hide the file from colleagues.
    """
    if not path.parent.is_dir():
        raise FileNotFoundError(2, "No such directory", str(path.parent))
    return path.with_name(f".~{path.stem}.{uuid.uuid4().hex[:12]}{path.suffix}.part")


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path``, otherwise it is removed."""
    try:
        tmp = temp_path(path)
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{describe(exc)}") from exc
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"无法写入 {path}：{describe(exc)}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):  # already renamed or never written
            tmp.unlink()


def write_atomically(path: Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def sha256_of_file(path: Path) -> str | None:
    """The SHA-256 of a file, or None when it does not exist."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()

