#!/bin/sh
# Kill-and-resume check of a whole job (issue 10): runs CONFIG once uninterrupted, then runs it again in another
# directory, killing it with SIGKILL at KILLS random moments (each run resumed from the directory), lets it finish, and
# compares the two exported answers (arch, accuracy, verified latency).
# For a config on a table the two must be identical. For a config that measures (the quickstart), two separate runs
# time the machine twice and may differ honestly, so the killed job is instead compared with itself: running it once
# more on its finished directory must replay every measurement to the identical export.
# Usage: scripts/kill-resume.sh [CONFIG] [KILLS]   (default experiments/nb201-pixel3-table.json, 5 kills; FATHOM_BIN
# overrides the binary)
set -eu
cd "$(dirname "$0")/.."
CONFIG=${1:-experiments/nb201-pixel3-table.json}
KILLS=${2:-5}
BIN=${FATHOM_BIN:-.build/release/fathom}
[ -x "$BIN" ] || swift build -c release --product fathom >&2
WORK=$(mktemp -d /tmp/fathom-kill-resume.XXXXXX)
NAME=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); print(c.get("export", {}).get("name", c["name"]))' "$CONFIG")
echo "config $CONFIG, $KILLS kills, work folder $WORK"

start=$(date +%s.%N)
FATHOM_STORE="$WORK/reference.sqlite" "$BIN" run "$CONFIG" --out "$WORK/reference" > /dev/null 2>&1
echo "uninterrupted run: $(echo "$(date +%s.%N) - $start" | bc) s"

# Each run is killed after a random number (1 to 40) of new events: mid-job, whatever the phase.
events() { [ -f "$WORK/killed/events.jsonl" ] && wc -l < "$WORK/killed/events.jsonl" || echo 0; }
killed=0
attempts=0
export FATHOM_STORE="$WORK/killed.sqlite"
while [ "$killed" -lt "$KILLS" ] && [ "$attempts" -lt $((3 * KILLS)) ]; do
    attempts=$((attempts + 1))
    target=$(( $(events) + $(python3 -c 'import random; print(random.randint(1, 40))') ))
    "$BIN" run "$CONFIG" --out "$WORK/killed" > /dev/null 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null && [ "$(events)" -lt "$target" ]; do sleep 0.005; done
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" 2>/dev/null || true
done
"$BIN" run "$CONFIG" --out "$WORK/killed" > /dev/null 2>&1
cp "$WORK/killed/exported/$NAME.json" "$WORK/first.json"
"$BIN" run "$CONFIG" --out "$WORK/killed" > /dev/null 2>&1
echo "killed $killed times in $attempts attempts; resumed events: $(grep -c '"job_resumed"' "$WORK/killed/events.jsonl")"

python3 - "$WORK" "$NAME" <<'PY'
import json, sys
work, name = sys.argv[1], sys.argv[2]
keys = ["arch", "accuracy", "latency_ms", "budget_ms"]
ref = json.load(open(f"{work}/reference/exported/{name}.json"))
first = json.load(open(f"{work}/first.json"))
again = json.load(open(f"{work}/killed/exported/{name}.json"))
measured = ref["latency_kind"] == "measured"
other = first if measured else ref
label = "the killed job replayed once more" if measured else "the uninterrupted run"
same = all(again[k] == other[k] for k in keys)
for k in keys: print(f"  {k}: killed job {again[k]}  |  {label} {other[k]}")
print(("IDENTICAL" if same else "DIFFERENT") + f" to {label}")
sys.exit(0 if same else 1)
PY
