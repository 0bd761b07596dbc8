#!/bin/sh
# Reproduces the predictor's figure on this machine (issue 7): a meta-trained model adapted from 10 measurements made
# here (the reference architectures), its predictions against 200 NAS-Bench-201 cells measured here.
#   for each context (dead edges dropped, Fathom's default; kept, as HELP's devices ran them):
#     predictor adapt --local   measures the 10 reference architectures and adapts
#     measure                   the first 200 architectures of HELP's table (the store reuses any measurement it has)
#     Spearman, Kendall and MAPE of the predictions against those measurements
# Usage: scripts/predictor-local-figure.sh [WORKDIR]   (FATHOM_BIN overrides the binary; THREADS, default 1;
# METHOD, default mixture, or help for HELP's predictor: meta-training then takes about 3 minutes)
set -eu
cd "$(dirname "$0")/.."
FIGURE=fathom-predictor-figure WORKDIR=${1:-}
. scripts/figure-setup.sh
THREADS=${THREADS:-1}
METHOD=${METHOD:-mixture}
HELP=device-measurements/help/nasbench201/latency.csv
STORE="$WORK/figure.sqlite"
echo "work folder $WORK, binary $FATHOM_BIN, $THREADS threads, method $METHOD, load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$FATHOM_BIN" predictor meta-train nasbench201 --data "$HELP" --method "$METHOD" --out "$WORK/model.json" --seed 0 > /dev/null
python3 -c '
import csv, json, sys
for r in list(csv.DictReader(open(sys.argv[1])))[:200]: print(json.dumps({"arch": r["arch_string"]}))
' "$HELP" > "$WORK/archs200.jsonl"

for context in dropped kept; do
    flag=""
    [ "$context" = kept ] && flag="--keep-dead-edges"
    "$FATHOM_BIN" predictor adapt --model "$WORK/model.json" --local --threads "$THREADS" $flag --store "$STORE" \
        --out "$WORK/adapted-$context.json" 2> "$WORK/adapt-$context.log"
    grep -h "closest known devices" "$WORK/adapt-$context.log" || true
    "$FATHOM_BIN" measure nasbench201 --archs "$WORK/archs200.jsonl" --threads "$THREADS" $flag --store "$STORE" --json \
        > "$WORK/measured-$context.jsonl"
    "$FATHOM_BIN" predictor predict --model "$WORK/adapted-$context.json" --archs "$WORK/archs200.jsonl" --json \
        > "$WORK/predicted-$context.jsonl"
    python3 - "$WORK" "$context" <<'PY'
import json, statistics, sys
sys.path.insert(0, "scripts")
from rank_metrics import kendall, spearman
work, context = sys.argv[1], sys.argv[2]

measured = {m["arch"]: m["median_ms"] for m in map(json.loads, open(f"{work}/measured-{context}.jsonl"))}
predicted = [json.loads(line) for line in open(f"{work}/predicted-{context}.jsonl")]
x = [p["latency_ms"] for p in predicted]; y = [measured[p["arch"]] for p in predicted]
errors = [abs(a - b) / b * 100 for a, b in zip(x, y) if b > 0]
# With dead edges dropped, a cell cut off from its input runs almost nothing (its output is a constant): the mean
# error is dominated by those few, so the median is printed too.
print(f"dead edges {context}: {len(x)} archs, Spearman {spearman(x, y):.4f}, Kendall {kendall(x, y):.4f}, "
      f"MAPE {statistics.fmean(errors):.1f}%, median APE {statistics.median(errors):.1f}%")
PY
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
