#!/usr/bin/env bash
# Peer-relation data propagation on `leaderd up`: from the leader's `relation-set --app` (run
# with `leaderd exec`, which commits when the command exits 0) to each minion's
# cluster-relation-changed starting, read from up's time-stamped output. Prints the median and
# the worst over ROUNDS writes. Usage (after `cargo build`):
#   UNITS=3 ROUNDS=10 benches/relation_propagation.sh
set -euo pipefail
LEADERD=${LEADERD:-$PWD/target/debug/leaderd}
UNITS=${UNITS:-3}
ROUNDS=${ROUNDS:-10}
work=$(mktemp -d)
export LEADERD_STATE=$work/state
mkdir -p "$work/charm/hooks"
printf 'name: relbench\npeers:\n  cluster:\n    interface: relbench-cluster\n' > "$work/charm/metadata.yaml"
for h in install leader-elected leader-settings-changed config-changed start \
         cluster-relation-created cluster-relation-joined cluster-relation-changed; do
    printf '#!/bin/sh\ntrue\n' > "$work/charm/hooks/$h"
    chmod +x "$work/charm/hooks/$h"
done
"$LEADERD" up --charm "$work/charm" --units "$UNITS" --lease-guarantee 2s > "$work/up.out" 2>&1 &
up=$!
trap 'kill $up; wait $up || true; rm -rf "$work"' EXIT
for _ in $(seq 150); do
    grep -q "relbench/$((UNITS - 1)): hook start finished" "$work/up.out" && break
    sleep 0.2
done
sleep 2
leader=$("$LEADERD" status --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["applications"][0]["leader"])')
for r in $(seq "$ROUNDS"); do
    n=$(wc -l < "$work/up.out")
    t0=$(date -u +%H:%M:%S.%3N)
    "$LEADERD" exec --unit "$leader" -- relation-set -r cluster:0 --app "k=$r"
    sleep 1
    tail -n +$((n + 1)) "$work/up.out" | grep "hook cluster-relation-changed started" | grep -v "$leader:" \
        | awk -v t0="$t0" '{print t0, $1}'
done > "$work/samples"
python3 - "$work/samples" "$UNITS" <<'PY'
import statistics, sys
def ms(t):
    h, m, s = t.split(':')
    return (int(h) * 3600 + int(m) * 60) * 1000 + float(s) * 1000
d = [ms(b) - ms(a) for a, b in (l.split() for l in open(sys.argv[1]))]
print(f"{sys.argv[2]} units, {len(d)} samples: relation-set --app invoked -> minion's relation-changed started: "
      f"median {statistics.median(d):.0f} ms, worst {max(d):.0f} ms")
PY
