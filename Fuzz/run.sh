#!/usr/bin/env bash
# Fuzzes the ESL frame decoder and event parsers with libFuzzer (see RELIABILITY.md).
#
#   Fuzz/run.sh [SECONDS] [extra libFuzzer options …]     # default 600 s
#
# Builds Fuzz/ESLFuzz.swift together with Sources/ESL as one module (so `internal`
# API is reachable) with -sanitize=fuzzer,address, cuts a seed corpus from the
# FreeSWITCH captures, and runs. Everything goes to $FUZZ_WORK (default: a new
# /tmp/eslfuzz.XXXXXX): the binary, seeds/, the growing corpus/ (pass the same
# FUZZ_WORK again to resume from it), artifacts/ (crash-*, timeout-*, oom-*) and
# fuzz.log. Exit status is libFuzzer's: 0 when no failure was found.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-600}
shift || true
max_len=${FUZZ_MAX_LEN:-16384}
work=${FUZZ_WORK:-$(mktemp -d /tmp/eslfuzz.XXXXXX)}
mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts"

mapfile -t sources < <(find Sources/ESL -name '*.swift' | sort)
echo "run.sh: building $work/eslfuzz" >&2
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -swift-version 6 \
    -enable-upcoming-feature ExistentialAny \
    -enable-upcoming-feature InternalImportsByDefault \
    -module-name ESLFuzz -package-name ESLFuzz \
    Fuzz/ESLFuzz.swift "${sources[@]}" \
    -o "$work/eslfuzz"

python3 Fuzz/seeds.py Sources/TestSupport/Fixtures/esl-freeswitch "$work/seeds" "$max_len"

echo "run.sh: fuzzing for $seconds s; log in $work/fuzz.log" >&2
status=0
# The Swift runtime's backtracer reads memory ASan flags; libFuzzer prints its own stack.
export SWIFT_BACKTRACE=enable=no
"$work/eslfuzz" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=4096 \
    -dict=Fuzz/esl.dict -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    "$@" "$work/corpus" "$work/seeds" 2>&1 | tee "$work/fuzz.log" || status=${PIPESTATUS[0]}
echo "run.sh: status $status; corpus $(ls "$work/corpus" | wc -l) inputs; artifacts: $(ls "$work/artifacts" | tr '\n' ' ')" >&2
exit "$status"
