#!/usr/bin/python3
"""Fans `filigrane scan` out over a Dask cluster (Debian's python3-distributed).

Each Dask task runs one shard, `filigrane scan INPUT... --shard I/N --resume`,
into its own part file; the parts are gathered into one results file in path
order (the order `filigrane scan FOLDER` writes). Dask does the scheduling,
retries and placement; this script only says what each task runs.

  /usr/bin/python3 tools/dask_scan.py INPUT... --out results.jsonl [--checks provenance,ai]
        starts a scheduler and two workers on 127.0.0.1 (LocalCluster), runs, stops them
  /usr/bin/python3 tools/dask_scan.py INPUT... --out results.jsonl --scheduler tcp://HOST:8786
        uses a running cluster (`dask scheduler` on one machine, `dask worker tcp://HOST:8786
        --nthreads 1` on each); INPUT paths and the repository must be at the same paths on
        every worker (a shared file system)
  /usr/bin/python3 tools/dask_scan.py --gather PART.jsonl... --out results.jsonl
        only gathers part files (for example those of a Kubernetes Indexed Job)

INPUT may be - (a list of paths on standard input): the list is split by shard here,
with the same hash as `--shard`, so each task receives only its own paths.
Exit code: 0 when no line records an error, 2 when some do, 1 when a shard failed.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILIGRANE = os.path.join(REPO, "filigrane")


def shard_of(path, count):
    """The shard of a path: first 8 bytes of sha256(path), big-endian, modulo count (as scan --shard)."""
    return int.from_bytes(hashlib.sha256(path.encode("utf-8")).digest()[:8], "big") % count


def run_shard(index, count, inputs, listed, part, checks, extra):
    """One Dask task: scans shard index/count into `part` (resuming it) and returns its lines."""
    os.makedirs(os.path.dirname(part) or ".", exist_ok=True)
    command = [FILIGRANE, "scan", *inputs, "--shard", f"{index}/{count}", "--out", part, "--resume",
               "--quiet", "--jobs", "1", "--checks", checks, *extra]
    done = subprocess.run(command, input=listed, capture_output=True, text=True, cwd=os.getcwd())
    if done.returncode not in (0, 2):
        raise RuntimeError(f"shard {index}/{count} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    with open(part, encoding="utf-8") as f:
        return f.read()


def line_failed(line):
    return bool(line.get("error")) or any(isinstance(line.get(k), dict) and line[k].get("error")
                                          for k in ("provenance", "ai", "cues", "marks"))


def gather(texts, out):
    """Writes every part's lines to `out` in path order (atomically); returns how many record errors."""
    lines = []
    for text in texts:
        for raw in text.splitlines():
            if not raw.strip():
                continue
            try:
                parsed = json.loads(raw)
            except json.JSONDecodeError:
                continue  # a partial last line of a stopped shard: scanned again on resume
            lines.append((parsed["path"].split("/"), raw, line_failed(parsed)))
    lines.sort(key=lambda item: item[0])
    temporary = f"{out}.{os.getpid()}.partial"
    with open(temporary, "w", encoding="utf-8") as f:
        for _, raw, _ in lines:
            f.write(raw + "\n")
    os.replace(temporary, out)
    return len(lines), sum(1 for item in lines if item[2])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="*", help="files, folders, or - for a list on standard input")
    parser.add_argument("--out", required=True, help="the gathered results (JSON lines)")
    parser.add_argument("--checks", default="provenance,ai,cues,marks")
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: start one with local workers)")
    parser.add_argument("--workers", type=int, default=2, help="local workers to start (one thread each; default 2)")
    parser.add_argument("--shards", type=int, default=0, help="tasks to split into (default: one per worker thread)")
    parser.add_argument("--parts-dir", help="where each shard's part file goes (default: OUT.parts/)")
    parser.add_argument("--gather", nargs="+", metavar="PART", help="only gather these part files into --out")
    parser.add_argument("--scan-arg", action="append", default=[], help="extra argument for every scan (repeatable)")
    args = parser.parse_args()

    if args.gather:
        texts = []
        for part in args.gather:
            with open(part, encoding="utf-8") as f:
                texts.append(f.read())
        total, failed = gather(texts, args.out)
        print(f"dask_scan: gathered {total} line(s) into {args.out}, {failed} with errors", file=sys.stderr)
        return 2 if failed else 0
    if not args.inputs:
        parser.error("give files, folders or - (or --gather PART...)")

    from distributed import Client, LocalCluster  # Debian: python3-distributed

    started = time.monotonic()
    cluster = None
    if args.scheduler:
        client = Client(args.scheduler)
    else:
        # Scheduler and workers on 127.0.0.1 only; no dashboard.
        cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        threads = sum(client.nthreads().values()) or 1
        count = args.shards or threads
        parts_dir = os.path.abspath(args.parts_dir or f"{args.out}.parts")
        inputs = [p for p in args.inputs if p != "-"]
        listed = [[] for _ in range(count)]
        if "-" in args.inputs:
            for raw in sys.stdin.read().splitlines():
                if not raw.strip():
                    continue
                # A listed folder is walked by every shard (each keeps its own files).
                for i in (range(count) if os.path.isdir(raw) else [shard_of(raw, count)]):
                    listed[i].append(raw)
        ready = time.monotonic()
        futures = [
            client.submit(run_shard, i, count, inputs + (["-"] if "-" in args.inputs else []),
                          "\n".join(listed[i]) + "\n" if listed[i] else "",
                          os.path.join(parts_dir, f"part-{i:05d}-of-{count:05d}.jsonl"),
                          args.checks, args.scan_arg, key=f"filigrane-scan-{i}-of-{count}", pure=False, retries=2)
            for i in range(count)
        ]
        try:
            texts = client.gather(futures)
        except Exception as err:  # a shard failed after Dask's retries
            print(f"dask_scan: {err}", file=sys.stderr)
            return 1
        total, failed = gather(texts, args.out)
        finished = time.monotonic()
        print(f"dask_scan: {total} file(s) from {count} shard(s) on {threads} worker thread(s) in "
              f"{finished - started:.1f} s (cluster start {ready - started:.1f} s), {failed} with errors; "
              f"results in {args.out}", file=sys.stderr)
        return 2 if failed else 0
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    sys.exit(main())
