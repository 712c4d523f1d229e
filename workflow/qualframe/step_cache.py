"""A step's cache of its own earlier work, kept in the restricted folder.

Snakemake re-runs every job downstream of one that ran, so editing one transcript re-runs
each corpus-wide step in full. Those steps keep what they computed per transcript (or
per published file) and reuse it while its inputs are unchanged. An entry is found by
its key: the SHA-256 of everything the work depends on - the inputs themselves or their
digests, the settings, the step's code version (the digest of the modules its command
loads, `codebase.command_digest`) and the versions of Python and of every installed
package (word lists and models come from them) - so a changed input, setting or code
never finds an old entry. An entry that is missing, unreadable or written for another
key is computed again: the cache never changes an output, and deleting it is always
safe (the next run is as slow as the first).

Entries hold transcript text and identifiers, so the cache lives in the restricted
folder: owner-only folders, each entry written atomically, owner-only. After a step
succeeds its cache holds the entries that run used, and no others (`StepCache.prune`).
"""

import functools
import hashlib
import importlib.metadata
import json
import platform
from pathlib import Path

from qualframe import io as qio

FORMAT = "qualframe-step-cache/1"
SUFFIX = ".json"


def digest(*parts) -> str:
    """SHA-256 (hex) of `parts` as canonical JSON: the same values give the same digest."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_digest(text: str) -> str:
    """SHA-256 (hex) of a text's UTF-8 bytes (lone surrogates escaped)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def environment_digest() -> str:
    """Digest of the Python version and every installed distribution with its version."""
    installed = {
        (dist.metadata["Name"] or "", dist.version) for dist in importlib.metadata.distributions()
    }
    return digest(platform.python_version(), sorted(installed))


class StepCache:
    """The cache of one step: `get` and `put` JSON values by key, `prune` at the end.

    Takes the cache folder (None: nothing is cached, every `get` misses), the step's
    command name (its code version is part of every key) and any settings that apply to
    every entry (`context`).
    """

    def __init__(self, folder: str | Path | None, step: str, *context):
        from qualframe.provenance import code_digest

        self.folder = Path(folder) if folder else None
        self.context = digest(FORMAT, step, code_digest(step), environment_digest(), context)
        self.used: set[str] = set()
        self.reused = self.computed = 0
        self.made = False

    def key(self, kind: str, *parts) -> str:
        """The key of an entry of `kind` computed from `parts` (values or digests)."""
        return digest(self.context, kind, parts)

    def path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def get(self, key: str):
        """The value stored under `key`, or None when there is none (or it is unreadable,
        or was written for another key)."""
        if self.folder is None:
            return None
        try:
            entry = json.loads(self.path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("key") != key or "value" not in entry:
            return None
        self.used.add(key)
        self.reused += 1
        return entry["value"]

    def put(self, key: str, value):
        """Store `value` (JSON: lists, dicts, strings, numbers) under `key`; return it."""
        self.computed += 1
        if self.folder is None:
            return value
        if not self.made:
            make_owner_only_folders(self.folder)
            self.made = True
        entry = {"format": FORMAT, "key": key, "value": value}
        qio.write_text(self.path(key), json.dumps(entry, separators=(",", ":")), restricted=True)
        self.used.add(key)
        return value

    def fetch(self, key: str, compute):
        """The value under `key`, computed by `compute()` and stored when there is none."""
        value = self.get(key)
        return self.put(key, compute()) if value is None else value

    def keep(self, keys) -> None:
        """Keep the entries of `keys` through `prune`, as if this run had used them."""
        self.used.update(keys)

    def prune(self) -> None:
        """Delete every entry this run did not use, and partial writes a killed run left."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.is_file() and (path.suffix != SUFFIX or path.stem not in self.used):
                path.unlink(missing_ok=True)

    def summary(self) -> str:
        return f"{self.reused} reused from the cache, {self.computed} computed"


def make_owner_only_folders(folder: Path) -> None:
    """Create `folder` and each missing folder above it owner-only (those that exist are
    left as they are, `folder` itself excepted: it is made owner-only)."""
    missing, above = [], folder
    while not above.exists() and above != above.parent:
        missing.append(above)
        above = above.parent
    for path in [*reversed(missing), folder]:
        qio.make_restricted_dir(path)


def frame_digest(frame) -> str:
    """Digest of a DataFrame's column names and values, row by row."""
    return digest([str(column) for column in frame.columns], frame.to_numpy().tolist())
