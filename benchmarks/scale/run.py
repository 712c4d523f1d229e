"""Measure the workflow as a study grows: N synthetic transcripts with coded segments.

    python benchmarks/scale/run.py --n 200 2000 10000 --ner-off-above 2000

For each N, writes a study folder (transcripts from the seeded generator
`qualframe.synth.synthesise`, the demo codebook, a case sheet, five coded segments per
transcript quoted from the raw text, coded on the raw transcripts), then measures with the
repository's Snakefile and the default profile:

- dry run: wall time of `snakemake --dry-run` on the fresh folder;
- full run: wall time and jobs; the Snakemake overhead, the share of wall time when no
  step process was alive (1 - the union of the steps' [process_started, recorded]
  intervals from their provenance records, over the wall time: DAG building, scheduling,
  file checks, spawning); and the steps' start-up and records, the share when step
  processes were alive but none was doing its work (Python start and imports before
  `started`, hashing files for the record after `ended`);
- no-op re-run: wall time of a second `snakemake` with nothing to do;
- one transcript edited: wall time and jobs of the re-run after changing one raw file;
- peak memory: the Snakemake process (sampled every 0.1 s) and the largest step process
  (RUSAGE_CHILDREN, the largest descendant);
- CPU seconds of the full run and of the edit (Snakemake and every step process, from
  RUSAGE_CHILDREN), and for each step the edit re-ran its wall seconds (process start to
  provenance record) and CPU seconds (from the record): on a shared machine wall time
  also counts waiting for a core, CPU time does not; the load average is printed too.

Nothing is asserted; the table goes into benchmarks/README.md.
"""

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import yaml

from qualframe.synth import synthesise

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"
SEGMENTS_PER_TRANSCRIPT = 5
# Steps whose failure still leaves a run worth timing: the leak scan stops a run that
# published a replaced word it found elsewhere (a de-identification finding).
LEAK_STEPS = {"leak_scan"}
SERVICE_TYPES = ["crisis café", "crisis house", "street triage", "sanctuary"]


def code_paths() -> list[str]:
    """Every code of the demo codebook as "Theme\\Code", as a MAXQDA export names it."""
    codebook = yaml.safe_load((DEMO / "codebook.yaml").read_text(encoding="utf-8"))
    return [f"{t['name']}\\{c['name']}" for t in codebook["themes"] for c in t["codes"]]


def quotes(text: str, rng: random.Random, n: int) -> list[str]:
    """Up to n passages of a transcript's paragraphs, 60-200 characters, each found once."""
    paragraphs = [p for p in text.split("\n") if len(p) > 80]
    chosen = rng.sample(paragraphs, min(n, len(paragraphs)))
    found = []
    for paragraph in chosen:
        start = rng.randrange(0, max(1, len(paragraph) - 60))
        found.append(paragraph[start : start + rng.randrange(60, 200)].strip())
    return [q for q in found if q and text.count(q) == 1]  # a quote must locate one place


def write_study(folder: Path, n: int, seed: int, ner: bool, shard_size: int) -> None:
    """A study folder with n transcripts, coded segments and a config for it."""
    texts, _ = synthesise(n, seed)
    rng = random.Random(seed)
    (folder / "transcripts").mkdir(parents=True)
    for transcript_id, text in texts.items():
        (folder / "transcripts" / f"{transcript_id}.txt").write_text(text, encoding="utf-8")
    codes = code_paths()
    rows = ["Document name,Code,Created by,Segment"]
    for transcript_id, text in texts.items():
        for quote in quotes(text, rng, SEGMENTS_PER_TRANSCRIPT):
            escaped = quote.replace('"', '""')
            rows.append(f'{transcript_id},"{rng.choice(codes)}",ES,"{escaped}"')
    (folder / "coded.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    cases = ["case_id\tservice_type"] + [
        f"{transcript_id}\t{SERVICE_TYPES[i % len(SERVICE_TYPES)]}"
        for i, transcript_id in enumerate(texts)
    ]
    (folder / "cases.tsv").write_text("\n".join(cases) + "\n", encoding="utf-8")
    (folder / "identifiers.tsv").write_text("term\tentity_type\n", encoding="utf-8")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    config["study"] = {
        "transcripts": str(folder / "transcripts"),
        "cases": str(folder / "cases.tsv"),
        "codebook": str(DEMO / "codebook.yaml"),
        "identifiers": str(folder / "identifiers.tsv"),
        "allow_list": str(DEMO / "allow_list.txt"),
        "case_attributes": {"service_type": {"values": SERVICE_TYPES}},
    }
    config["shards"] = {"transcripts_per_shard": shard_size}
    config["deid"]["ner"]["enabled"] = ner
    config["coding"].update(
        {
            "exports": [str(folder / "coded.csv")],
            "columns": {
                "transcript": "Document name",
                "code": "Code",
                "coder": "Created by",
                "text": "Segment",
            },
            "coded_on": "raw",
            "coders": ["ES"],
        }
    )
    config["matrix"].update({"case_attributes": ["service_type"], "sort_by": ["service_type"]})
    config["themes"]["group_by"] = ["service_type"]
    (folder / "config").mkdir()
    (folder / "config" / "config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")


def snakemake(folder: Path, *extra: str) -> dict:
    """Run Snakemake in `folder`; return wall time, jobs run, peak memory, output tail."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    command = [
        sys.executable, "-m", "snakemake",
        "--snakefile", str(REPO / "Snakefile"),
        "--directory", str(folder),
        "--profile", str(REPO / "profiles" / "default"),
        "--cores", "2",
        "--keep-going",
        *extra,
    ]  # fmt: skip
    started, cpu_before = time.perf_counter(), children_cpu()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    watched, peak = psutil.Process(process.pid), 0
    output = []
    os.set_blocking(process.stdout.fileno(), False)
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.NoSuchProcess:
            pass
        chunk = process.stdout.read()
        if chunk:
            output.append(chunk)
        time.sleep(0.1)
    output.append(process.stdout.read() or b"")
    wall = time.perf_counter() - started
    text = b"".join(output).decode("utf-8", "replace")
    failed = set(re.findall(r"Error in rule (\w+):", text))
    # a leak the scan finds is a finding of de-identification, not of speed: the steps
    # still ran, and the scan's failure is reported beside the timings
    if process.returncode != 0 and not (failed and failed <= LEAK_STEPS):
        raise SystemExit(f"snakemake failed in {folder}:\n{text[-3000:]}")
    jobs = text.count("\nrule ") + text.count("\nlocalrule ")
    return {
        "wall": wall,
        "cpu": children_cpu() - cpu_before,
        "jobs": jobs,
        "snakemake_peak_mb": peak / 1e6,
        "output": text,
        "failed": sorted(failed),
    }


def children_cpu() -> float:
    """CPU seconds (user and system) of every finished descendant so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def step_intervals(folder: Path, first: str, last: str) -> list[tuple[float, float]]:
    """[first, last] times of every step record of the run, in seconds since the epoch."""
    from datetime import datetime

    intervals = []
    for path in (folder / "results/provenance/steps").rglob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        intervals.append(
            (
                datetime.fromisoformat(record[first]).timestamp(),
                datetime.fromisoformat(record[last]).timestamp(),
            )
        )
    return sorted(intervals)


def step_seconds(folder: Path, since: float) -> dict[str, list[float]]:
    """[wall seconds from process start to record, CPU seconds] of every step recorded
    after `since`, longest first."""
    from datetime import datetime

    seconds = {}
    for path in (folder / "results/provenance/steps").rglob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        started = datetime.fromisoformat(record["process_started"]).timestamp()
        if started >= since:
            name = record["step"] + ("" if path.parent.name == "steps" else f"/{path.stem}")
            ended = datetime.fromisoformat(record["recorded"]).timestamp()
            seconds[name] = [round(ended - started, 1), record.get("cpu_seconds")]
    return dict(sorted(seconds.items(), key=lambda item: -item[1][0]))


def union_length(intervals: list[tuple[float, float]]) -> float:
    total, current_start, current_end = 0.0, None, None
    for start, end in intervals:
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return total


def measure(n: int, seed: int, ner: bool, work: Path, shard_size: int) -> dict:
    folder = work / f"n{n}"
    shutil.rmtree(folder, ignore_errors=True)
    write_study(folder, n, seed, ner, shard_size)
    load_before = os.getloadavg()[0]
    dry = snakemake(folder, "--dry-run")
    full = snakemake(folder)
    alive = union_length(step_intervals(folder, "process_started", "recorded"))
    working = union_length(step_intervals(folder, "started", "ended"))
    noop = snakemake(folder)
    edited = folder / "transcripts" / "S0001.txt"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nInterviewer: Thank you.\n")
    edit_started = time.time()
    after_edit = snakemake(folder)
    largest_step = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1e3
    characters = sum(p.stat().st_size for p in (folder / "transcripts").glob("*.txt"))
    segments = sum(1 for _ in (folder / "coded.csv").open(encoding="utf-8")) - 1
    return {
        "n": n,
        "ner": ner,
        "characters": characters,
        "segments": segments,
        "dry_run_s": dry["wall"],
        "shard_size": shard_size,
        "full_run_s": full["wall"],
        "full_run_cpu_s": full["cpu"],
        "jobs": full["jobs"],
        "snakemake_overhead_share": 1 - alive / full["wall"],
        "startup_and_records_share": (alive - working) / full["wall"],
        "noop_s": noop["wall"],
        "edit_one_s": after_edit["wall"],
        "edit_one_cpu_s": after_edit["cpu"],
        "edit_one_jobs": after_edit["jobs"],
        "snakemake_peak_mb": max(r["snakemake_peak_mb"] for r in (dry, full, noop, after_edit)),
        "largest_step_peak_mb": largest_step,
        "failed_steps": sorted(set(full["failed"]) | set(after_edit["failed"])),
        "edit_steps": step_seconds(folder, since=edit_started),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def table(rows: list[dict]) -> str:
    lines = [
        "| transcripts | NER | shard | characters | coded segments | jobs | dry run "
        "| full run (CPU) | Snakemake overhead | steps' start-up and records | no-op re-run "
        "| one transcript edited (jobs; CPU) "
        "| Snakemake peak | largest step peak | load average |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {'on' if r['ner'] else 'off'} | {r['shard_size']} "
            f"| {r['characters']:,} | {r['segments']:,} | {r['jobs']} | {r['dry_run_s']:.1f} s "
            f"| {r['full_run_s']:.1f} s ({r['full_run_cpu_s']:.0f} s) "
            f"| {r['snakemake_overhead_share']:.1%} | {r['startup_and_records_share']:.1%} "
            f"| {r['noop_s']:.1f} s "
            f"| {r['edit_one_s']:.1f} s ({r['edit_one_jobs']}; {r['edit_one_cpu_s']:.0f} s) "
            f"| {r['snakemake_peak_mb']:.0f} MB | {r['largest_step_peak_mb']:.0f} MB "
            f"| {r['load_average'][0]:.1f} → {r['load_average'][1]:.1f} |"
        )
    return "\n".join(lines)


def edit_table(rows: list[dict]) -> str:
    """The steps each one-transcript edit re-ran: wall seconds (CPU seconds)."""
    lines = []
    for r in rows:
        steps = ", ".join(
            f"`{name}` {wall:.1f} s ({cpu:.1f} s)" if cpu is not None else f"`{name}` {wall:.1f} s"
            for name, (wall, cpu) in r["edit_steps"].items()
        )
        lines.append(f"- {r['n']:,} transcripts: {steps}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[200, 2000, 10000])
    parser.add_argument("--ner-off-above", type=int, default=2000, help="NER off for larger N")
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument(
        "--shard-size", type=int, default=100, help="transcripts per ingest and detect job"
    )
    parser.add_argument("--work", default="/tmp/qualframe-scale", help="folder for the studies")
    parser.add_argument("--out", default="benchmarks/scale/results.md")
    args = parser.parse_args()
    rows = []
    for n in args.n:
        ner = n <= args.ner_off_above
        rows.append(measure(n, args.seed, ner, Path(args.work), args.shard_size))
        print(json.dumps(rows[-1]), flush=True)
    machine = (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()}; load average "
        f"{os.getloadavg()[0]:.2f} at the end"
    )
    Path(args.out).write_text(
        f"# Scale benchmark results\n\nRun {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"with `python benchmarks/scale/run.py --n {' '.join(map(str, args.n))} "
        f"--ner-off-above {args.ner_off_above} --shard-size {args.shard_size}` "
        f"(seed {args.seed}), machine: {machine}.\n\n"
        f"{table(rows)}\n\nSteps the one-transcript edit re-ran, wall seconds from process "
        f"start to provenance record (CPU seconds):\n\n{edit_table(rows)}\n",
        encoding="utf-8",
    )
    print(table(rows))
    print(edit_table(rows))


if __name__ == "__main__":
    main()
