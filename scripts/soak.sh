#!/usr/bin/env bash
# The soak of RELIABILITY.md: a release-build `switchy run` of profiles/soak.json5
# (100,000 calls on two embedded simulators) with this process's memory sampled.
#
#   scripts/soak.sh [PROFILE] [switchy run options …]
#   scripts/soak.sh RESULTS_FOLDER        # only the figures of a finished soak
#
# Every SOAK_INTERVAL seconds (default 5) it reads VmRSS and VmHWM from
# /proc/<pid>/status, the thread count and the 1-minute load average into rss.csv,
# which ends up in the run's results folder beside calls.csv. At the end it prints
# RSS after warm-up (the first sample at or after SOAK_WARMUP seconds), at the end of
# the run, the peak, the growth and slope after warm-up, and checks the run's
# accounting with scripts/check-accounting.py. SOAK_SKIP_BUILD=1 reuses the last
# release build. Exit status: switchy's, else the accounting check's.
#
# Warm-up (SOAK_WARMUP, default 170 s) lasts until each listener's set of ended legs
# (CallTracker's RecentSet, 65,536 uuids) is full: with profiles/soak.json5 every
# call is two legs on one of two slaves, so that is after 65,536 calls, 164 s at
# 400 calls/s. RSS at 30 s is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."

interval=${SOAK_INTERVAL:-5}
warmup=${SOAK_WARMUP:-170}

figures() {
    awk -F, -v warmup="$warmup" '
        NR == 1 { next }
        { t[++n] = $1; rss[n] = $2; hwm = $3; load[n] = $5 }
        END {
            for (i = 1; i <= n; i++) if (t[i] >= 30) { e = i; break }
            for (i = 1; i <= n; i++) if (t[i] >= warmup) { w = i; break }
            if (e) printf "RSS at t=%.0f s: %.1f MiB\n", t[e], rss[e] / 1024
            if (!w) { print "soak.sh: the run ended before warm-up"; exit }
            min = max = rss[w]
            for (i = w; i <= n; i++) {
                if (rss[i] < min) min = rss[i]; if (rss[i] > max) max = rss[i]
                sx += t[i]; sy += rss[i]; sxy += t[i] * rss[i]; sxx += t[i] * t[i]; m++; sl += load[i]
            }
            slope = (m > 1 && m * sxx != sx * sx) ? (m * sxy - sx * sy) / (m * sxx - sx * sx) * 60 : 0
            printf "RSS after warm-up (t=%.0f s): %.1f MiB\n", t[w], rss[w] / 1024
            printf "RSS at the end    (t=%.0f s): %.1f MiB (%+.1f MiB)\n", t[n], rss[n] / 1024, (rss[n] - rss[w]) / 1024
            printf "RSS after warm-up: min %.1f, max %.1f MiB; slope %+.2f MiB/min over %d samples\n", min / 1024, max / 1024, slope / 1024, m
            printf "peak RSS (VmHWM): %.1f MiB; mean 1-min load average after warm-up: %.2f\n", hwm / 1024, sl / m
        }' "$1"
}

if [ -d "${1:-}" ]; then
    figures "$1/rss.csv"
    python3 scripts/check-accounting.py "$1"
    exit
fi

profile=${1:-profiles/soak.json5}
shift || true

if [ -z "${SOAK_SKIP_BUILD:-}" ]; then
    swift build -c release --product switchy
fi
binary=.build/release/switchy

work=$(mktemp -d /tmp/soak.XXXXXX)
csv=$work/rss.csv
echo "t_s,vm_rss_kb,vm_hwm_kb,threads,load1" > "$csv"
echo "soak.sh: $(date -u +%FT%TZ) $binary run $profile $*; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

start=$(date +%s.%N)
"$binary" run "$profile" "$@" 2> >(tee "$work/switchy.log" >&2) &
pid=$!
sample() {
    local status
    status=$(cat "/proc/$pid/status" 2>/dev/null) || return 0
    awk -v t="$(echo "$(date +%s.%N) - $start" | bc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
        /^VmRSS:/ { rss = $2 } /^VmHWM:/ { hwm = $2 } /^Threads:/ { threads = $2 }
        END { if (rss != "") printf "%.1f,%d,%d,%d,%s\n", t, rss, hwm, threads, load }' <<< "$status" >> "$csv"
}
while kill -0 "$pid" 2>/dev/null; do
    sample
    sleep "$interval"
done
status=0
wait "$pid" || status=$?

run_dir=$(sed -n 's/^  reports: //p' "$work/switchy.log" | tail -1)
if [ -z "$run_dir" ] || [ ! -d "$run_dir" ]; then
    run_dir=$(ls -td results/*/ 2>/dev/null | head -1)
fi
run_dir=${run_dir%/}
cp "$csv" "$run_dir/rss.csv"

echo "soak.sh: switchy exited $status; samples in $run_dir/rss.csv" >&2
figures "$csv"

check=0
python3 scripts/check-accounting.py "$run_dir" || check=$?
if [ "$status" -ne 0 ]; then exit "$status"; fi
exit "$check"
