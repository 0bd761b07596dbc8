#!/bin/sh
# Reproduces the measurement agent's three figures (issue 6) with the CLI:
#   repeatability  30 sampled NAS-Bench-201 archs measured twice, in separate processes, with --fresh:
#                  Spearman of the two runs and the median |difference| (percent of the pair's mean)
#   agreement      Spearman of our latencies of the first 200 archs of HELP's NB201 table against its CPU columns
#                  gold_6240, silver_4114, silver_4210r (dead edges kept, as HELP's devices ran them)
#   cost           median seconds to measure one NB201 arch under the ±2% protocol (warm-up included)
# Usage: scripts/measure-figures.sh [WORKDIR]   (FATHOM_BIN overrides the binary; THREADS, default 1: on a shared
# 2-core machine a 2-thread pool waits for whichever core is preempted, and timings turned bimodal under load)
set -eu
cd "$(dirname "$0")/.."
WORK=${1:-$(mktemp -d /tmp/fathom-figures.XXXXXX)}
mkdir -p "$WORK"
if [ -z "${FATHOM_BIN:-}" ]; then
    swift build -c release --scratch-path .build-measure-rel >&2
    FATHOM_BIN=.build-measure-rel/release/fathom
fi
THREADS=${THREADS:-1}
STORE="$WORK/figures.sqlite"
HELP=device-measurements/help/nasbench201/latency.csv
echo "work folder $WORK, binary $FATHOM_BIN, $THREADS threads, load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$FATHOM_BIN" spaces sample nasbench201 --count 30 --seed 0 > "$WORK/sample30.jsonl"
for pass in 1 2; do
    "$FATHOM_BIN" measure nasbench201 --archs "$WORK/sample30.jsonl" --group 1 --threads "$THREADS" --fresh \
        --store "$STORE" --json > "$WORK/repeat$pass.jsonl"
done

python3 -c '
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))[:200]
for r in rows: print(json.dumps({"arch": r["arch_string"]}))
' "$HELP" > "$WORK/help200.jsonl"
"$FATHOM_BIN" measure nasbench201 --archs "$WORK/help200.jsonl" --keep-dead-edges --threads "$THREADS" --fresh \
    --store "$STORE" --json > "$WORK/help200-measured.jsonl"

echo "load average after measuring: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$WORK" "$HELP" <<'PY'
import csv, json, statistics, sys
sys.path.insert(0, "scripts")
from rank_metrics import spearman
work, help_csv = sys.argv[1], sys.argv[2]

def load(name): return [json.loads(line) for line in open(f"{work}/{name}") if line.strip()]

one, two = load("repeat1.jsonl"), load("repeat2.jsonl")
a = {m["arch"]: m for m in one}; b = {m["arch"]: m for m in two}
archs = sorted(a)
x = [a[k]["median_ms"] for k in archs]; y = [b[k]["median_ms"] for k in archs]
diff = statistics.median(abs(p - q) / ((p + q) / 2) * 100 for p, q in zip(x, y))
print(f"repeatability: {len(archs)} archs, Spearman {spearman(x, y):.4f}, median |difference| {diff:.2f}%")
conv = sum(m["converged"] for m in one + two)
print(f"  converged to ±2% in {conv} of {len(one) + len(two)} timings; median of medians {statistics.median(x):.3f} ms")

measured = {m["arch"]: m["median_ms"] for m in load("help200-measured.jsonl")}
rows = list(csv.DictReader(open(help_csv)))[:200]
ours = [measured[r["arch_string"]] for r in rows]
for device in ["gold_6240", "silver_4114", "silver_4210r"]:
    print(f"agreement with {device}: Spearman {spearman(ours, [float(r[device]) for r in rows]):.4f} over {len(rows)} archs")

cost = statistics.median(m["seconds"] for m in one)
print(f"cost: median {cost:.2f} s to measure one NB201 arch (30 archs, warm-up included, cap 10 s)")
PY
