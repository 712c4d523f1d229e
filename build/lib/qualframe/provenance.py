"""Code version: a digest of the package source, so Snakemake re-runs a rule when the
code it calls changes (Snakemake tracks neither imported packages nor console scripts)."""

import hashlib
from pathlib import Path

import qualframe

PACKAGE_DIR = Path(qualframe.__file__).parent


def code_digest(package_dir: Path = PACKAGE_DIR) -> str:
    """SHA-256 over the relative paths and bytes of every .py file of the package."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def code_version() -> str:
    """`<package version>+<first 12 hex digits of the source digest>`."""
    return f"{qualframe.__version__}+{code_digest()[:12]}"
