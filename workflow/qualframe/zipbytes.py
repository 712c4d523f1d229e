"""Zip archives whose bytes depend only on their members: the one writer of the `.qdpx`
project and the `.xlsx` workbooks.

Every member is deflated, dated 1980-01-01 (the earliest date zip can hold) and marked
as written on Unix with the given permission bits, whatever machine writes it.
"""

import io
import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
UNIX = 3  # zip's "made by" system number for Unix
# Members larger than this are deflated at zlib's fastest level: a million-cell worksheet
# (hundreds of MB of XML) takes about 10 s at the default level and 2 s at level 1, for a
# file about a third larger. Smaller members keep the default level (and their bytes).
FAST_ABOVE = 16 * 2**20


def deterministic_zip(members: Iterable[tuple[str, bytes]], mode: int) -> bytes:
    """Return a zip of (name, bytes) members in the given order, each with file `mode`
    (permission bits such as 0o644)."""
    buffer = io.BytesIO()
    write_deterministic_zip(buffer, members, mode)
    return buffer.getvalue()


def write_deterministic_zip(target, members: Iterable[tuple[str, bytes]], mode: int) -> None:
    """Write the zip `deterministic_zip` returns to `target` (a path or a binary file).
    `members` may be a generator, so that one member is in memory at a time."""
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in made_ahead(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = UNIX
            info.external_attr = mode << 16
            archive.writestr(info, data, compresslevel=1 if len(data) > FAST_ABOVE else None)


def made_ahead(members: Iterable[tuple[str, bytes]]) -> Iterator[tuple[str, bytes]]:
    """The members in order, each next one made by a second thread while the current one
    is deflated (zlib releases the interpreter's lock): a generator of worksheets builds
    the next sheet as the last is compressed. At most two members are in memory."""
    iterator = iter(members)
    done = object()
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(next, iterator, done)
        while (member := pending.result()) is not done:
            pending = pool.submit(next, iterator, done)
            yield member
