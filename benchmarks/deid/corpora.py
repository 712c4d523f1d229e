"""The benchmark's corpora: the demo study, real meeting transcripts with hand-made gold.

Each loader returns (normalised texts, gold spans as a GoldSpan frame, allow-list terms
beyond the built-in list), or None when its source is not on this machine.
"""

import json
import re
import zipfile
from pathlib import Path

from qualframe.deid import parse_allow_list
from qualframe.evaluate import gold_frame, read_gold_jsonl
from qualframe.ingest import discover_transcripts, normalise_text, read_transcript

HERE = Path(__file__).resolve().parent
AMI = HERE / "corpora" / "ami"
QC_DEMO_TERMS = HERE / "corpora" / "qc-demo" / "gold_terms.json"
QC_DEMO = HERE.parents[2] / "shared" / "data" / "refi" / "qc-demo.qdpx"


def demo_corpus(demo: Path):
    """Return the demo study's normalised texts, its gold spans and its allow-list terms."""
    texts = {
        transcript_id: normalise_text(read_transcript(path))
        for transcript_id, path in discover_transcripts(demo / "transcripts").items()
    }
    lines = (demo / "gold" / "identifiers.jsonl").read_text(encoding="utf-8").splitlines()
    allow = parse_allow_list((demo / "allow_list.txt").read_text(encoding="utf-8"))
    return texts, read_gold_jsonl(lines), allow


def term_gold(texts: dict[str, str], marked: dict[str, list[dict]]):
    """Return gold spans: every whole-word occurrence, in each text, of the terms marked by
    hand for it (`marked[transcript id]`, or `marked["*"]` for every text). A space in a
    term matches any run of white space: transcripts are hard-wrapped."""
    rows = []
    for tid, text in texts.items():
        terms = marked.get(tid, marked.get("*", []))
        ordered = sorted(terms, key=lambda term: -len(term["term"]))
        pattern = re.compile(
            r"(?<![\w-])("
            + "|".join(r"\s+".join(map(re.escape, t["term"].split())) for t in ordered)
            + r")(?![\w-])"
        )
        labels = {t["term"]: t["label"] for t in terms}
        for match in pattern.finditer(text):
            label = labels[re.sub(r"\s+", " ", match.group())]
            rows.append((tid, match.start(), match.end(), label, match.group()))
    return gold_frame(rows)


def ami_corpus(folder: Path = AMI):
    """Return five AMI meetings (automatic transcripts, CC BY 4.0; see SOURCE.md) and the
    gold from the terms marked by hand in gold_terms.json."""
    texts = {
        path.stem: normalise_text(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.txt"))
    }
    marked = json.loads((folder / "gold_terms.json").read_text(encoding="utf-8"))
    return texts, term_gold(texts, marked), []


def qc_demo_corpus(qdpx: Path = QC_DEMO, terms_path: Path = QC_DEMO_TERMS):
    """Return the two real meeting transcripts of ../shared/data/refi/qc-demo.qdpx (AGPL-3.0,
    read in place, never copied) and the gold from the terms marked by hand in
    gold_terms.json. None when the file is absent."""
    if not qdpx.exists():
        return None
    marked = json.loads(terms_path.read_text(encoding="utf-8"))
    texts = {}
    with zipfile.ZipFile(qdpx) as archive:
        for name in marked:
            raw = archive.read(f"sources/{name}").decode("utf-8-sig")
            texts[name.removesuffix(".txt")] = normalise_text(raw)
    marked = {name.removesuffix(".txt"): terms for name, terms in marked.items()}
    return texts, term_gold(texts, marked), []
