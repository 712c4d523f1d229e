"""Zip archives whose bytes depend only on their members: the one writer of the `.qdpx`
project and the `.xlsx` workbooks.

Every member is deflated, dated 1980-01-01 (the earliest date zip can hold) and marked
as written on Unix with the given permission bits, whatever machine writes it.
"""

import io
import zipfile
from collections.abc import Iterable

ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)
UNIX = 3  # zip's "made by" system number for Unix


def deterministic_zip(members: Iterable[tuple[str, bytes]], mode: int) -> bytes:
    """Return a zip of (name, bytes) members in the given order, each with file `mode`
    (permission bits such as 0o644)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = UNIX
            info.external_attr = mode << 16
            archive.writestr(info, data)
    return buffer.getvalue()
