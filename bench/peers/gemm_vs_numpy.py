#!/usr/bin/env python3
"""Times Fathom's SGEMM and numpy's (OpenBLAS) on the same square sizes and thread counts, side by side, and prints
their ratio.

A benchmark, not a test: it is not part of CI. numpy runs `a @ b` on float32 row-major matrices with its BLAS limited to
T threads (OPENBLAS_NUM_THREADS, in a fresh interpreter per round); Fathom runs
`fathom bench gemm --m N --n N --k N --threads T --json`. The two are measured in alternating rounds (Fathom first in
even rounds) so that drift of a shared machine does not bias one of them; each side's figure is the median over rounds
of its per-round median GFLOP/s, and the spread over rounds is printed.

Needs: `python3 -m pip install numpy`, and a release build of `fathom` (`swift build -c release`). Example:

    python3 bench/peers/gemm_vs_numpy.py --sizes 256,512,1024,2048 --threads 1,2
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

from fathom_binary import ROOT, find_fathom

NUMPY_ROUND = r"""
import sys, time, statistics, numpy as np
n, repeats = int(sys.argv[1]), int(sys.argv[2])
rng = np.random.default_rng(0)
a = rng.uniform(-0.5, 0.5, (n, n)).astype(np.float32); b = rng.uniform(-0.5, 0.5, (n, n)).astype(np.float32)
c = np.empty((n, n), dtype=np.float32)
end = time.perf_counter() + 0.1
while time.perf_counter() < end: np.matmul(a, b, out=c)
times = []
for _ in range(repeats):
    start = time.perf_counter(); np.matmul(a, b, out=c); times.append(time.perf_counter() - start)
print(2 * n ** 3 / statistics.median(times) / 1e9)
"""


def numpy_gflops(n, threads, repeats):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    result = subprocess.run([sys.executable, "-c", NUMPY_ROUND, str(n), str(repeats)], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        sys.exit(f"numpy round failed: {result.stderr.strip()}")
    return float(result.stdout.strip())


def fathom_gflops(fathom, n, threads, repeats):
    command = [fathom, "bench", "gemm", "--m", str(n), "--n", str(n), "--k", str(n), "--threads", str(threads),
               "--repeats", str(repeats), "--json"]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({result.returncode}): {result.stderr.strip()}")
    line = json.loads(result.stdout.strip().splitlines()[-1])
    return line["gflops"], line.get("peak_gflops")


def spread(values):
    return 100 * (max(values) - min(values)) / statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="256,512,1024,2048", help="comma-separated N of N×N×N (default 256,512,1024,2048)")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds per side (default 5)")
    parser.add_argument("--fathom", help="path of the fathom binary (default: newest .build*/release/fathom)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per row instead of a table")
    args = parser.parse_args()
    fathom = find_fathom(args.fathom)
    for threads in [int(t) for t in args.threads.split(",")]:
        for n in [int(s) for s in args.sizes.split(",")]:
            repeats = max(5, min(200, int(2e10 / (2 * n ** 3))))
            ours, theirs, peak = [], [], None
            for round_index in range(args.rounds):
                for side in (["fathom", "numpy"] if round_index % 2 == 0 else ["numpy", "fathom"]):
                    if side == "fathom":
                        gflops, peak = fathom_gflops(fathom, n, threads, repeats)
                        ours.append(gflops)
                    else:
                        theirs.append(numpy_gflops(n, threads, repeats))
            row = {"n": n, "threads": threads, "fathom_gflops": statistics.median(ours), "numpy_gflops": statistics.median(theirs),
                   "ratio": statistics.median(ours) / statistics.median(theirs), "fma_peak_gflops": peak}
            if args.json:
                print(json.dumps(row))
            else:
                print(f"sgemm {n}^3 t{threads}  fathom {row['fathom_gflops']:6.1f} GFLOP/s (± {spread(ours):3.0f}%)  "
                      f"numpy {row['numpy_gflops']:6.1f} GFLOP/s (± {spread(theirs):3.0f}%)  ratio {row['ratio']:.2f}", flush=True)


if __name__ == "__main__":
    main()
