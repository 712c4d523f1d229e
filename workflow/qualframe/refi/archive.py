"""Safe reading of a REFI-QDA project archive (`.qdpx`, a zip) held in memory.

A `.qdpx` holds one `.qde` (the project XML, usually `project.qde`) and a flat folder of
sources, `sources/` for most producers and `Sources/` for NVivo. Members are never
extracted to disk; anything that could escape a folder (zip-slip), a symbolic link, or an
archive that would inflate to more than a limit (a zip bomb) is refused.
"""

import io
import posixpath
import stat
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from qualframe.errors import QualframeError

MAX_TOTAL_BYTES = 2 * 1024**3  # 2 GB uncompressed, whole archive
MAX_RATIO = 200  # uncompressed / compressed, per member (text compresses 3-20x)
RATIO_FLOOR_BYTES = 1024**2  # members smaller than 1 MB are never called a bomb
# One member, inflated: a project XML or one source text. A long interview is 0.1 MB;
# parsing a member takes several times its size in memory (a 1.5 GB member took 14 GB).
MAX_MEMBER_BYTES = 200 * 1024**2
SOURCES_FOLDER = "sources"


@dataclass(frozen=True)
class QdpxArchive:
    """The parts of a `.qdpx` that qualframe reads.

    `qde` is the project XML; `sources` maps each member under the sources folder, by its
    path below that folder (e.g. `"4f1c….txt"`), to its bytes.
    """

    name: str
    qde_name: str
    qde: bytes
    sources: Mapping[str, bytes] = field(default_factory=dict)

    def find_source(self, path: str) -> bytes | None:
        """The bytes of a source file named `path` below the sources folder, or None.

        Tries the exact path, then the same path ignoring case, then the file name alone
        (ignoring case), since producers disagree on all three.
        """
        wanted = path.replace("\\", "/").lstrip("/")
        if wanted in self.sources:
            return self.sources[wanted]
        lowered = {key.lower(): key for key in self.sources}
        if wanted.lower() in lowered:
            return self.sources[lowered[wanted.lower()]]
        base = posixpath.basename(wanted).lower()
        matches = [key for key in self.sources if posixpath.basename(key).lower() == base]
        if len(matches) == 1:
            return self.sources[matches[0]]
        return None


def read_qdpx(
    data: bytes,
    name: str,
    max_total_bytes: int | None = None,
    max_ratio: int | None = None,
) -> QdpxArchive:
    """Read a `.qdpx` held in `data` (named `name` in messages) into a QdpxArchive.

    Raises QualframeError when the bytes are not a zip, hold no `.qde` or several, hold an
    unsafe member (`..`, absolute path, symbolic link), or would inflate beyond
    `max_total_bytes` or by more than `max_ratio` for a member over 1 MB (by default the
    module's MAX_TOTAL_BYTES and MAX_RATIO, read at call time so a test can lower them).
    """
    max_total_bytes = MAX_TOTAL_BYTES if max_total_bytes is None else max_total_bytes
    max_ratio = MAX_RATIO if max_ratio is None else max_ratio
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise QualframeError(
            "not a REFI-QDA project archive (.qdpx is a zip file and this is not one)",
            path=name,
        ) from exc
    except (NotImplementedError, ValueError, OSError, EOFError) as exc:  # damaged directory
        raise QualframeError(f"damaged zip archive: {exc}", path=name) from exc
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        for info in infos:
            _check_member(info, name, max_ratio)
        total = sum(info.file_size for info in infos)
        if total > max_total_bytes:
            raise QualframeError(
                f"archive would inflate to {total:,} bytes, over the limit of {max_total_bytes:,}",
                path=name,
            )
        qde_infos = [info for info in infos if info.filename.lower().endswith(".qde")]
        if not qde_infos:
            raise QualframeError("archive holds no .qde project file", path=name)
        if len(qde_infos) > 1:
            names = ", ".join(info.filename for info in qde_infos)
            raise QualframeError(f"archive holds several .qde project files: {names}", path=name)
        budget = [max_total_bytes]
        qde = _read_member(archive, qde_infos[0], name, budget)
        sources = {}
        for info in infos:
            folder, _, rest = info.filename.partition("/")
            if folder.lower() == SOURCES_FOLDER and rest:
                sources[rest] = _read_member(archive, info, name, budget)
    return QdpxArchive(
        name=name,
        qde_name=qde_infos[0].filename,
        qde=qde,
        sources=MappingProxyType(sources),
    )


def _check_member(info: zipfile.ZipInfo, name: str, max_ratio: int) -> None:
    member = info.filename
    where = f"member {member!r}"
    parts = member.replace("\\", "/").split("/")
    if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":"):
        raise QualframeError("absolute path inside the archive (refused)", path=name, where=where)
    if ".." in parts:
        raise QualframeError(
            "path with '..' inside the archive (could escape its folder; refused)",
            path=name,
            where=where,
        )
    if info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16):
        raise QualframeError("symbolic link inside the archive (refused)", path=name, where=where)
    if info.file_size > MAX_MEMBER_BYTES:
        raise QualframeError(
            f"member inflates to {info.file_size:,} bytes, over the limit of "
            f"{MAX_MEMBER_BYTES:,} for one member (refused)",
            path=name,
            where=where,
        )
    if info.file_size > RATIO_FLOOR_BYTES and info.file_size > max_ratio * max(
        info.compress_size, 1
    ):
        raise QualframeError(
            f"member inflates {info.file_size:,} bytes from {info.compress_size:,} "
            f"(ratio over {max_ratio}; looks like a zip bomb, refused)",
            path=name,
            where=where,
        )


def _read_member(archive: zipfile.ZipFile, info, name: str, budget: list[int]) -> bytes:
    """Read one member, never more than the bytes left in `budget` (headers can lie)."""
    where = f"member {info.filename!r}"
    try:
        with archive.open(info) as handle:
            data = handle.read(min(budget[0], MAX_MEMBER_BYTES) + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,  # damaged deflate data
        EOFError,  # compressed data cut short
        ValueError,  # a member offset pointing outside the archive
        OSError,
        NotImplementedError,  # compression method zipfile does not know
        RuntimeError,  # encrypted member
    ) as exc:
        raise QualframeError(f"cannot read member: {exc}", path=name, where=where) from exc
    if len(data) > min(budget[0], MAX_MEMBER_BYTES):
        raise QualframeError(
            "archive inflates beyond its size limit (refused)", path=name, where=where
        )
    budget[0] -= len(data)
    return data
