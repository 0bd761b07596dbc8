#!/bin/sh
# Reproduces the supernet rank-fidelity figures (issue 8) on fmnist-cell: supernets trained by each method for a number
# of epochs on the data of experiments/fmnist-cell-fairnas-rank.json, each compared with the same 20 architectures
# trained from scratch (the ground truth, trained once and reused for every supernet).
#   supernet train     one run per METHOD:EPOCHS in SUPERNETS (a killed run resumes when the script is started again)
#   rank-check         the first supernet trains the ground truth (STANDALONE_EPOCHS epochs, 2 seeds per architecture);
#                      the others reuse it (--standalone-from)
#   a table            Kendall τ by accuracy, by validation loss, of the parameter count, and the seeds' own agreement
# Usage: scripts/rank-fidelity-figure.sh [WORKDIR]   (FATHOM_BIN overrides the binary; SUPERNETS, default
# "fairnas:30 spos:6 spos:30 fairnas:6"; STANDALONE_EPOCHS, default 6). On 2 cores: FairNAS about 45 s an epoch, SPOS
# about 15 s, the 6-epoch ground truth about 40 minutes.
set -eu
cd "$(dirname "$0")/.."
FIGURE=fathom-rank-figure WORKDIR=${1:-}
. scripts/figure-setup.sh
SUPERNETS=${SUPERNETS:-"fairnas:30 spos:6 spos:30 fairnas:6"}
STANDALONE_EPOCHS=${STANDALONE_EPOCHS:-6}
TRUTH="$WORK/truth-e$STANDALONE_EPOCHS.json"
echo "work folder $WORK, binary $FATHOM_BIN, supernets $SUPERNETS, ground truth $STANDALONE_EPOCHS epochs x 2 seeds"

for supernet in $SUPERNETS; do
    method=${supernet%%:*}
    epochs=${supernet##*:}
    name="$method$epochs"
    python3 -c '
import json, sys
config = json.load(open("experiments/fmnist-cell-fairnas-rank.json"))
config["name"] = "fmnist-cell-rank-" + sys.argv[1]
config["supernet"]["method"] = sys.argv[2]
config["training"]["epochs"] = int(sys.argv[3])
json.dump(config, open(sys.argv[4], "w"), indent=2)
' "$name" "$method" "$epochs" "$WORK/$name.json"
    "$FATHOM_BIN" supernet train --config "$WORK/$name.json" --out "$WORK/$name" > "$WORK/$name-train.txt"
    if [ -f "$TRUTH" ]; then
        "$FATHOM_BIN" supernet rank-check --checkpoint "$WORK/$name" --sample 20 --standalone-epochs "$STANDALONE_EPOCHS" \
            --standalone-seeds 2 --seed 0 --standalone-from "$TRUTH" --json > "$WORK/rank-$name.json"
    else
        "$FATHOM_BIN" supernet rank-check --checkpoint "$WORK/$name" --sample 20 --standalone-epochs "$STANDALONE_EPOCHS" \
            --standalone-seeds 2 --seed 0 --json > "$WORK/rank-$name.json"
        cp "$WORK/rank-$name.json" "$TRUTH"
    fi
done

python3 - "$WORK" $SUPERNETS <<'EOF'
import json, sys
work, supernets = sys.argv[1], sys.argv[2:]
print("%-12s %10s %10s %12s %12s" % ("supernet", "τ accuracy", "τ loss", "τ parameters", "τ seeds"))
for supernet in supernets:
    method, epochs = supernet.split(":")
    r = json.load(open("%s/rank-%s%s.json" % (work, method, epochs)))
    print("%-12s %10.3f %10.3f %12.3f %12.3f" % (supernet, r["kendall"], r["kendall_loss"], r["kendall_parameters"], r["standalone_seed_kendall"]))
EOF
