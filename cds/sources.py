"""Finding and reading report files under a source root: the file-system edge of ingestion.

Reading is kept apart from decoding (transforms.documents, pure), so every file ends up as one
row: either a decoded document or a reason it could not be read.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat as stat_mode
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import polars as pl

from transforms.documents import DecodedDocument, DocumentError, decode_document
from transforms.sidecar import (
    EMPTY_META,
    MAX_SIDECAR_BYTES,
    SourceMeta,
    combine,
    is_sidecar,
    parse_sidecar,
    sidecar_name,
)

INGESTED_FILE_SCHEMA: dict[str, pl.DataType] = {
    "source_path": pl.String(),
    "file_sha256": pl.String(),
    "size_bytes": pl.Int64(),
    "modified_at": pl.Datetime("us"),
    "doc_id": pl.String(),
    "text": pl.String(),
    "title": pl.String(),
    "encoding": pl.String(),
    "source_url": pl.String(),
    "published_date": pl.Date(),
    "meta_warning": pl.String(),
    "reason": pl.String(),
    "known_version": pl.Boolean(),  # an ingested version's bytes under new stats: only those are stored
}


DISAPPEARED = "file disappeared while reading"
PERMISSION_DENIED = "permission denied: the pipeline cannot read this file or folder"
SYMLINK = "symbolic link on the path, not followed"
NOT_REGULAR = "not a regular file"
OUTSIDE_ROOT = "path leads outside the source folder"

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
# O_NONBLOCK: a FIFO swapped in after listing must not block the run on open.
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_EPOCH = datetime(1970, 1, 1)
_BLOCK = 1 << 20


class SourceError(ValueError):
    """The source root itself is unusable (missing, not a folder)."""


class _Unreadable(Exception):
    """A listed file could not be opened or read; ``reason`` goes to raw.ingest_errors."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def list_report_files(root: Path) -> list[str]:
    """Every regular, non-hidden file under `root`, as sorted POSIX paths relative to it; sidecars
    (`<stem>.meta.json`) describe files and are not listed themselves.

    Symbolic links are not followed: a link could lead outside the root or into a loop. A
    sub-folder that cannot be listed is returned itself, so reading it records why instead of
    its files silently going missing.
    """
    if not root.is_dir():
        raise SourceError(f"source folder {root} does not exist or is not a folder")
    found: list[str] = []
    folders = [""]  # relative to the root; "" is the root itself
    while folders:
        folder = folders.pop()
        try:
            # A directory entry knows its type from the listing itself: no stat per file.
            with os.scandir(root / folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    relative = f"{folder}/{entry.name}" if folder else entry.name
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(relative)
                    elif entry.is_file(follow_symlinks=False) and not is_sidecar(entry.name):
                        found.append(relative)
        except OSError as exc:
            if not folder:
                raise SourceError(f"source folder {root} cannot be read: {exc.strerror}") from exc
            found.append(folder)
    return sorted(found)


FileStat = tuple[str, int, datetime]  # (stored source path, size in bytes, modification time)


def read_report_files(
    root: Path,
    relative_paths: Iterable[str],
    known: AbstractSet[tuple[str, str]],
    max_bytes: int,
    unchanged: AbstractSet[FileStat] | None = None,
) -> pl.DataFrame:
    """Read and decode files not seen before; one row per new (path, content) version.

    A file whose path, size and modification time match a version already ingested (`unchanged`)
    is not read at all, so a nightly run over an unchanged archive costs one stat per file; any
    other file is read and compared by content hash. One holding a version already ingested comes
    back as a `known_version` row, without its text, so that its new stats are stored and the next
    run does not read it again. Never raises for one file: whatever goes wrong with it becomes that
    file's `reason`.
    """
    # Copies of one file (the same PDF saved under several names) are decoded once per call, and each
    # folder is listed once, so a file without a sidecar costs no failed open.
    seen = _Seen(decoded={}, listings={})
    rows = (
        _read_one(root, relative, known, max_bytes, unchanged or set(), seen) for relative in relative_paths
    )
    return pl.DataFrame([r for r in rows if r is not None], schema=INGESTED_FILE_SCHEMA, orient="row")


@dataclass(frozen=True, slots=True)
class FileBatch:
    """Files to read and decode, with the versions of them ingest already holds. It carries no
    connection, so a worker process (the flow's Dask task runner) can read it as well as the flow."""

    root: Path
    paths: Sequence[str]
    known: AbstractSet[tuple[str, str]]
    max_bytes: int
    unchanged: AbstractSet[FileStat]


LISTED_FILE_SCHEMA: dict[str, pl.DataType] = {
    "at": pl.Int64(),  # position in the listing: stored paths may escape what the file system allowed
    "source_path": pl.String(),
    "size_bytes": pl.Int64(),
    "modified_at": pl.Datetime("us"),
}
_STAT_CHUNK = 100_000


def listed_file_stats(root: Path, relative_paths: Sequence[str]) -> pl.DataFrame:
    """Each listed file's stored path, size and modification time, one lstat each, for the warehouse
    to match against the versions it holds (`warehouse.load.files_to_read`). A file that cannot be
    stat'ed has no size: it is read, and reading it records why. Reading checks the opened file again.

    Built a chunk at a time, so the Python objects of a million stats never exist at once.
    """
    chunks = [pl.DataFrame(schema=LISTED_FILE_SCHEMA)]
    folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for first in range(0, len(relative_paths), _STAT_CHUNK):
            rows: list[tuple[int, str, int | None, datetime | None]] = []
            for at, relative in enumerate(relative_paths[first : first + _STAT_CHUNK], start=first):
                shown = printable_path(relative)
                try:
                    stat = os.stat(relative, dir_fd=folder, follow_symlinks=False)
                except OSError:
                    rows.append((at, shown, None, None))
                    continue
                rows.append((at, *_file_stat(shown, stat)))
            chunks.append(pl.DataFrame(rows, schema=LISTED_FILE_SCHEMA, orient="row"))
    finally:
        os.close(folder)
    return pl.concat(chunks)


def read_file_batch(batch: FileBatch) -> pl.DataFrame:
    """`read_report_files` on one batch: the unit of ingest work a task runner maps."""
    return read_report_files(batch.root, batch.paths, batch.known, batch.max_bytes, batch.unchanged)


class VersionIndex:
    """Known versions and file stats by stored path, so a batch sent to a worker carries only its
    own files' versions: what is pickled then grows with the batch, not with the archive."""

    def __init__(self, known: AbstractSet[tuple[str, str]], unchanged: AbstractSet[FileStat]) -> None:
        self._known: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self._unchanged: dict[str, list[FileStat]] = defaultdict(list)
        for version in known:
            self._known[version[0]].append(version)
        for stat in unchanged:
            self._unchanged[stat[0]].append(stat)

    def batch(self, root: Path, relative_paths: Sequence[str], max_bytes: int) -> FileBatch:
        shown = [printable_path(relative) for relative in relative_paths]
        return FileBatch(
            root,
            tuple(relative_paths),
            frozenset(v for path in shown for v in self._known.get(path, ())),
            max_bytes,
            frozenset(s for path in shown for s in self._unchanged.get(path, ())),
        )


def printable_path(relative: str) -> str:
    """`relative` with control, format and undecodable characters escaped (``\\x0a``, ``\\x1b``,
    ``\\u202e``, ``\\xff``) and backslashes doubled, so the stored path is one printable,
    unambiguous line that is valid UTF-8, whatever bytes the file system allowed in the name.
    """
    if relative.isprintable() and "\\" not in relative:
        return relative  # every character _escape changes is a backslash or not printable
    return "".join(_escape(char) for char in relative)


def _escape(char: str) -> str:
    if char == "\\":
        return "\\\\"
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape: an undecodable byte of the name
        return f"\\x{code - 0xDC00:02x}"
    if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Zl", "Zp"}:
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    return char


def _read_one(
    root: Path,
    relative: str,
    known: AbstractSet[tuple[str, str]],
    max_bytes: int,
    unchanged: AbstractSet[FileStat],
    seen: _Seen,
) -> dict[str, object] | None:
    """Decode one file; None when its stats are those of an ingested version (a no-op), a
    `known_version` row when its bytes are."""
    shown = printable_path(relative)
    try:
        fd = _open_under(root, relative)
    except _Unreadable as exc:
        return _unreadable_row(shown, exc.reason, known)
    with os.fdopen(fd, "rb") as handle:
        stat = os.fstat(fd)  # of the opened file itself: no swap between the check and the read
        row = _base_row(shown, stat)
        if _file_stat(shown, stat) in unchanged:
            return None
        if not stat_mode.S_ISREG(stat.st_mode):
            return _unreadable_row(shown, NOT_REGULAR, known)
        if stat.st_size > max_bytes:
            return _oversized_row(row, stat, max_bytes, known)
        try:
            data = _read_at_most(handle, stat.st_size, max_bytes)
        except OSError as exc:
            return _unreadable_row(shown, _os_reason(exc), known)
    if len(data) > max_bytes:
        return _oversized_row(row, stat, max_bytes, known)
    row["size_bytes"] = len(data)
    row["file_sha256"] = hashlib.sha256(data).hexdigest()
    if (shown, row["file_sha256"]) in known:
        row["known_version"] = True  # touched, or copied without its times: its new stats are kept
        return row
    content = (str(row["file_sha256"]), PurePosixPath(relative).suffix.lower())
    if content not in seen.decoded:
        seen.decoded[content] = _decoded(data, content[1])
    row.update(seen.decoded[content])
    if row["doc_id"] is not None:
        listing = seen.listing(root, str(PurePosixPath(relative).parent))
        row.update(_metadata(root, relative, row.pop("page_meta"), row["title"], listing))  # type: ignore[arg-type]
    return row


@dataclass
class _Seen:
    """What one batch already decoded (by content hash and suffix) and listed (folder → its names)."""

    decoded: dict[tuple[str, str], dict[str, object]]
    listings: dict[str, frozenset[str] | None]

    def listing(self, root: Path, folder: str) -> frozenset[str] | None:
        """The names in `root/folder`, or None when it cannot be listed (then each sidecar is tried)."""
        if folder not in self.listings:
            try:
                self.listings[folder] = frozenset(os.listdir(root / folder))
            except OSError:
                self.listings[folder] = None
        return self.listings[folder]


def _metadata(
    root: Path, relative: str, page: SourceMeta, title: str | None, listing: frozenset[str] | None
) -> dict[str, object]:
    """The document's source_url, published date (sidecar, page markup, URL) and title (the
    sidecar's, else the document's own), and any warning."""
    sidecar, warnings = read_sidecar_under(root, relative, listing)
    meta = combine(sidecar, page, today())
    return {
        "source_url": meta.url,
        "published_date": meta.published_date,
        "title": meta.title or title,
        "meta_warning": "; ".join(warnings) or None,
    }


def today() -> date:
    """The bound a date read from a URL must not pass (a month-only URL date is clamped to it)."""
    return datetime.now(UTC).date()


def read_sidecar_under(
    root: Path, relative: str, listing: frozenset[str] | None = None
) -> tuple[SourceMeta, tuple[str, ...]]:
    """The sidecar of `root/relative`, opened like the file itself (no link followed); none is no warning.
    `listing`, the names in the file's folder when known, saves the failed open when there is none."""
    parent = PurePosixPath(relative).parent
    name = sidecar_name(PurePosixPath(relative).name)
    if listing is not None and name not in listing:
        return EMPTY_META, ()
    sidecar = (parent / name).as_posix()
    try:
        fd = _open_under(root, sidecar)
    except _Unreadable as exc:
        if exc.reason == DISAPPEARED:
            return EMPTY_META, ()
        return EMPTY_META, (f"sidecar {printable_path(sidecar)}: {exc.reason}",)
    return _parse_sidecar_fd(fd, printable_path(sidecar))


def read_sidecar(path: Path) -> tuple[SourceMeta, tuple[str, ...]]:
    """The sidecar beside a file given on the command line; none is no warning."""
    sidecar = path.with_name(sidecar_name(path.name))
    try:
        fd = os.open(sidecar, _FILE_FLAGS)
    except FileNotFoundError:
        return EMPTY_META, ()
    except OSError as exc:
        return EMPTY_META, (f"sidecar {sidecar.name}: {_os_reason(exc)}",)
    return _parse_sidecar_fd(fd, sidecar.name)


def _parse_sidecar_fd(fd: int, shown: str) -> tuple[SourceMeta, tuple[str, ...]]:
    with os.fdopen(fd, "rb") as handle:
        try:
            if not stat_mode.S_ISREG(os.fstat(fd).st_mode):
                return EMPTY_META, (f"sidecar {shown}: {NOT_REGULAR}",)
            data = handle.read(MAX_SIDECAR_BYTES + 1)
        except OSError as exc:
            return EMPTY_META, (f"sidecar {shown}: {_os_reason(exc)}",)
    meta, warnings = parse_sidecar(data)
    return meta, tuple(f"{shown}: {warning}" for warning in warnings)


def _read_at_most(handle: BinaryIO, expected: int, limit: int) -> bytes:
    """The file's bytes, never more than ``limit + 1`` even if it grew since fstat.

    Reads what fstat announced in one call (``read(limit)`` would allocate `limit` bytes up
    front for every file), then in small blocks only if there is more.
    """
    chunks = [handle.read(min(expected, limit) + 1)]
    total = len(chunks[0])
    while chunks[-1] and total <= limit:
        chunks.append(handle.read(min(_BLOCK, limit + 1 - total)))
        total += len(chunks[-1])
    return b"".join(chunks)


def _decoded(data: bytes, suffix: str) -> dict[str, object]:
    """The document columns (and the page's own metadata), or the reason; a parser bug on one file
    must not stop the run."""
    document = decode_safely(data, suffix)
    if isinstance(document, str):
        return {"reason": document}
    return {
        "doc_id": document.doc_id,
        "text": document.text,
        "title": document.title,
        "encoding": document.encoding,
        "page_meta": document.meta,
    }


def decode_safely(data: bytes, suffix: str) -> DecodedDocument | str:
    """The decoded document, or the reason it cannot be read."""
    try:
        return decode_document(data, suffix)
    except DocumentError as exc:
        return exc.reason
    except Exception as exc:  # defensive: third-party parsers on hostile input
        return f"could not decode: {type(exc).__name__}: {str(exc)[:120]}"


def _open_under(root: Path, relative: str) -> int:
    """Open `root/relative` for reading without following any symbolic link below `root`.

    Each folder is opened relative to its parent with O_NOFOLLOW, so a folder or file replaced
    by a link after listing cannot lead the read outside the source root. (The root itself is
    configuration and may be a link.)
    """
    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts:
        raise _Unreadable(OUTSIDE_ROOT)
    try:
        folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise _Unreadable(_os_reason(exc)) from None
    part = parts[0]
    try:
        for part in parts[:-1]:
            inner = os.open(part, _DIR_FLAGS, dir_fd=folder)
            os.close(folder)
            folder = inner
        part = parts[-1]
        return os.open(part, _FILE_FLAGS, dir_fd=folder)
    except OSError as exc:
        raise _Unreadable(SYMLINK if _is_link(part, folder) else _os_reason(exc)) from None
    finally:
        os.close(folder)


def _is_link(name: str, folder: int) -> bool:
    """Whether `name` in the open `folder` is a symbolic link (O_NOFOLLOW's ELOOP/ENOTDIR)."""
    try:
        return stat_mode.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return DISAPPEARED
    if isinstance(exc, PermissionError):
        return PERMISSION_DENIED
    if exc.errno == errno.ENOTDIR:  # a file where a listed folder was: the listed file is gone
        return DISAPPEARED
    return f"cannot read file: {exc.strerror or type(exc).__name__}"


def _base_row(shown: str, stat: os.stat_result | None) -> dict[str, object]:
    return {
        "source_path": shown,
        "file_sha256": None,
        "size_bytes": stat.st_size if stat else 0,
        "modified_at": _modified_at(stat),
        "doc_id": None,
        "text": None,
        "title": None,
        "encoding": None,
        "source_url": None,
        "published_date": None,
        "meta_warning": None,
        "reason": None,
        "known_version": False,
    }


def _file_stat(shown: str, stat: os.stat_result) -> FileStat:
    """What an ingested version is known by before its bytes are read: path, size, modification time."""
    return shown, stat.st_size, _modified_at(stat)


def _modified_at(stat: os.stat_result | None) -> datetime:
    """The file's mtime in UTC, or the epoch when there is none or it is out of range (year 40000)."""
    if stat is None:
        return _EPOCH
    try:
        return datetime.fromtimestamp(stat.st_mtime, tz=UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return _EPOCH


def _oversized_row(
    row: dict[str, object], stat: os.stat_result, max_bytes: int, known: AbstractSet[tuple[str, str]]
) -> dict[str, object] | None:
    """Refuse without reading: the version is fingerprinted by size and mtime, not by content,
    so a huge file costs no I/O on this run nor on any later one."""
    row["file_sha256"] = _marker_sha256(f"oversized:{stat.st_size}:{stat.st_mtime_ns}")
    if (row["source_path"], row["file_sha256"]) in known:
        return None
    row["size_bytes"] = stat.st_size
    row["reason"] = f"file is {stat.st_size:,} bytes, over the {max_bytes:,}-byte limit (CDS_MAX_FILE_BYTES)"
    return row


def _unreadable_row(shown: str, reason: str, known: AbstractSet[tuple[str, str]]) -> dict[str, object] | None:
    """A file with no bytes to hash: its version id derives from the reason, so the same failure
    is recorded once, and the file is read normally once it becomes readable."""
    row = _base_row(shown, None)
    row["file_sha256"] = _marker_sha256(f"unreadable:{reason}")
    if (shown, row["file_sha256"]) in known:
        return None
    row["reason"] = reason
    return row


def _marker_sha256(marker: str) -> str:
    """A version id for a file whose bytes were not read; prefixed so it cannot equal any real
    file's sha256 by accident."""
    return hashlib.sha256(f"cds-pipeline:{marker}".encode()).hexdigest()
