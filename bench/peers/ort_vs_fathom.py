#!/usr/bin/env python3
"""Times ONNX Runtime and Fathom on the same architectures, side by side, and prints their ratio.

A benchmark, not a test: it is not part of CI. Each architecture is exported with Fathom's own exporter
(`fathom export SPEC.json --onnx FILE --batch B`), so both runtimes run the same graph (dead layers dropped, batch
norm as exported) with the same weights. ONNX Runtime runs with ORT_ENABLE_ALL graph optimisations, sequential
execution and `intra_op_num_threads = T`; Fathom runs `fathom bench infer SPACE --arch A --batch B --threads T --json`.

The two runtimes are measured in alternating rounds (Fathom first in even rounds, ONNX Runtime first in odd ones),
so that drift of a shared machine does not bias one of them; each runtime's figure is the median over rounds of
its per-round median. The spread over rounds is printed so that a noisy machine shows.

Needs: `python3 -m pip install onnx onnxruntime numpy`, and a release build of `fathom`
(`swift build -c release`). Example:

    python3 bench/peers/ort_vs_fathom.py --space nasbench201 --sample 10 --seed 0 --threads 1,2 --batch 1
    python3 bench/peers/ort_vs_fathom.py --space fbnet --arch 'k3_e3-...' --threads 2
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

from fathom_binary import ROOT, find_fathom


def run_json(command):
    """Runs a fathom command and returns its JSON lines as objects."""
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def sample_archs(fathom, space, count, seed):
    lines = run_json([fathom, "spaces", "sample", space, "--count", str(count), "--seed", str(seed)])
    return [line["arch"] for line in lines]


def export(fathom, space, arch, batch, directory, index):
    spec = os.path.join(directory, f"arch{index}.json")
    model = os.path.join(directory, f"arch{index}_b{batch}.onnx")
    with open(spec, "w") as f:
        json.dump({"space": space, "arch": arch}, f)
    run_json([fathom, "export", spec, "--onnx", model, "--batch", str(batch), "--json"])
    return model


class OrtRunner:
    """One ONNX Runtime session for a model at a thread count, with a fixed random input."""

    def __init__(self, model, threads):
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        meta = self.session.get_inputs()[0]
        shape = [d if isinstance(d, int) else 1 for d in meta.shape]
        self.feed = {meta.name: np.random.default_rng(1).uniform(-1, 1, shape).astype(np.float32)}

    def median_ms(self, seconds):
        """Median of single-run times over about `seconds`, after a warm-up."""
        for _ in range(10):
            self.session.run(None, self.feed)
        samples = []
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(samples) < 20:
            start = time.perf_counter_ns()
            self.session.run(None, self.feed)
            samples.append((time.perf_counter_ns() - start) / 1e6)
        return statistics.median(samples)


def fathom_median_ms(fathom, space, arch, batch, threads, seconds):
    out = run_json([fathom, "bench", "infer", space, "--arch", arch, "--batch", str(batch), "--threads", str(threads),
                    "--max-seconds", str(seconds), "--json"])
    return out[0]["median_ms"]


def spread(values):
    """(max − min) / median over rounds, in percent."""
    return 100 * (max(values) - min(values)) / statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--space", required=True, help="a space name (nasbench201, fbnet, ofa-mbv3, ...) or path")
    parser.add_argument("--arch", action="append", default=[], help="an architecture (repeatable)")
    parser.add_argument("--sample", type=int, default=0, help="also time this many sampled architectures")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--threads", default="2", help="comma-separated thread counts (default 2)")
    parser.add_argument("--batch", default="1", help="comma-separated batch sizes (default 1)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per runtime (default 5)")
    parser.add_argument("--seconds", type=float, default=1.0, help="timing seconds per round and runtime")
    parser.add_argument("--fathom", help="path of the fathom binary (default: newest .build*/release/fathom)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per row instead of a table")
    args = parser.parse_args()

    fathom = find_fathom(args.fathom)
    archs = args.arch + (sample_archs(fathom, args.space, args.sample, args.seed) if args.sample else [])
    if not archs:
        sys.exit("give --arch and/or --sample")
    threads = [int(t) for t in args.threads.split(",")]
    batches = [int(b) for b in args.batch.split(",")]

    rows = []
    with tempfile.TemporaryDirectory() as directory:
        for batch in batches:
            models = [export(fathom, args.space, arch, batch, directory, i) for i, arch in enumerate(archs)]
            for t in threads:
                for arch, model in zip(archs, models):
                    runner = OrtRunner(model, t)
                    fathom_ms, ort_ms = [], []
                    for round_index in range(args.rounds):
                        order = ["fathom", "ort"] if round_index % 2 == 0 else ["ort", "fathom"]
                        for runtime in order:
                            if runtime == "fathom":
                                time.sleep(0.2)  # ONNX Runtime's intra-op threads spin for a while after a run
                                fathom_ms.append(fathom_median_ms(fathom, args.space, arch, batch, t, args.seconds))
                            else:
                                ort_ms.append(runner.median_ms(args.seconds))
                    row = {"space": args.space, "arch": arch, "batch": batch, "threads": t,
                           "fathom_ms": statistics.median(fathom_ms), "ort_ms": statistics.median(ort_ms),
                           "fathom_spread_pct": spread(fathom_ms), "ort_spread_pct": spread(ort_ms)}
                    row["ratio"] = row["fathom_ms"] / row["ort_ms"]
                    rows.append(row)
                    if args.json:
                        print(json.dumps(row), flush=True)
                    else:
                        print(f"{arch[:70]:70s} b{batch} t{t}  fathom {row['fathom_ms']:8.3f} ms (±{row['fathom_spread_pct']:3.0f}%)"
                              f"  ort {row['ort_ms']:8.3f} ms (±{row['ort_spread_pct']:3.0f}%)  ratio {row['ratio']:5.2f}",
                              flush=True)
    if not args.json:
        print()
        for batch in batches:
            for t in threads:
                group = [r for r in rows if r["batch"] == batch and r["threads"] == t]
                geo = lambda key: math.exp(sum(math.log(r[key]) for r in group) / len(group))
                print(f"{args.space} batch {batch}, {t} threads, {len(group)} archs: geometric mean fathom {geo('fathom_ms'):.3f} ms,"
                      f" ort {geo('ort_ms'):.3f} ms, ratio {geo('fathom_ms') / geo('ort_ms'):.2f}")


if __name__ == "__main__":
    main()
