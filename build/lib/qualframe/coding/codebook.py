"""The codebook (analytical framework): YAML with themes holding codes."""

import pandas as pd

from qualframe.errors import QualframeError
from qualframe.schemas import Codebook

THEME_KEYS = ("id", "name", "codes")
CODE_KEYS = ("id", "name", "definition", "valence", "cfir_domain", "cfir_construct")


def codebook_from_dict(data, source: str = "codebook") -> pd.DataFrame:
    """Flatten a parsed codebook YAML into one validated row per code (schemas.Codebook).

    Raises QualframeError naming the theme/code position and the missing or bad key.
    """
    if not isinstance(data, dict) or not isinstance(data.get("themes"), list):
        raise QualframeError("expected a mapping with a list under 'themes'", path=source)
    rows = []
    for t, theme in enumerate(data["themes"], start=1):
        where = f"themes[{t}]"
        _require_keys(theme, THEME_KEYS, source, where)
        for c, code in enumerate(theme["codes"] or [], start=1):
            _require_keys(code, CODE_KEYS, source, f"{where}.codes[{c}] ({code.get('id', '?')})")
            rows.append(
                {
                    "theme_id": str(theme["id"]),
                    "theme": str(theme["name"]),
                    "code_id": str(code["id"]),
                    "code": str(code["name"]),
                    "definition": " ".join(str(code["definition"]).split()),
                    "valence": str(code["valence"]),
                    "cfir_domain": str(code["cfir_domain"]),
                    "cfir_construct": str(code["cfir_construct"]),
                    "code_order": len(rows),
                }
            )
    frame = pd.DataFrame(rows, columns=list(Codebook.to_schema().columns))
    if frame.empty:
        raise QualframeError("the codebook holds no codes", path=source)
    duplicated = frame.loc[frame["code_id"].duplicated(), "code_id"].tolist()
    if duplicated:
        raise QualframeError(f"code ids used twice: {', '.join(duplicated)}", path=source)
    try:
        return Codebook.validate(frame, lazy=True)
    except Exception as exc:
        raise QualframeError(f"codebook does not meet its contract:\n{exc}", path=source) from exc


def _require_keys(item, keys, source: str, where: str) -> None:
    if not isinstance(item, dict):
        raise QualframeError("expected a mapping", path=source, where=where)
    missing = [k for k in keys if item.get(k) in (None, "")]
    if missing:
        raise QualframeError(f"missing {', '.join(missing)}", path=source, where=where)
