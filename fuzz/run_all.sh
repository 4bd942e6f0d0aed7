#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, every library instrumented for
# coverage) and runs each for FUZZ_SECONDS seconds (default 30), seeded from the corpus folders
# that fuzz/CMakeLists.txt names. Prints one summary line per target and exits non-zero when
# any target crashed, timed out or ran out of memory; the input that did it is kept under
# FUZZ_RESULTS (default BUILD/fuzz-results) and its path printed with the sanitizer's report.
# Needs clang and libclang-rt-14-dev (Debian 12).
set -uo pipefail

SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD_DIR=${FUZZ_BUILD_DIR:-$SOURCE_DIR/build-fuzz}
RESULTS=${FUZZ_RESULTS:-$BUILD_DIR/fuzz-results}
SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
TARGETS=(fuzz_prefs fuzz_reg fuzz_becky fuzz_accountrc fuzz_oeaccount fuzz_policy fuzz_probe)

# libFuzzer learns only from code compiled with coverage, so the parsers' libraries are built
# with -fsanitize=fuzzer-no-link too, not only the targets' own sources.
mkdir -p "$BUILD_DIR"
CC=clang CXX=clang++ cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DMAILMIG_FUZZ=ON -DMAILMIG_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
  >"$BUILD_DIR/configure.log" 2>&1 || { cat "$BUILD_DIR/configure.log"; exit 2; }
cmake --build "$BUILD_DIR" --target "${TARGETS[@]}" -j "${JOBS:-2}" || exit 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

rm -rf "$RESULTS"
failed=0
for target in "${TARGETS[@]}"; do
  out=$RESULTS/$target
  mkdir -p "$out/corpus" "$out/artifacts"
  # Copy the seeds: libFuzzer adds what it finds to the first corpus folder.
  seeds=0
  while IFS= read -r folder; do
    [ -n "$folder" ] || continue
    if [ ! -d "$folder" ]; then
      echo "$target: seed folder missing: $folder"
      failed=1
      continue
    fi
    while IFS= read -r -d '' seed; do
      seeds=$((seeds + 1))
      cp "$seed" "$out/corpus/seed-$seeds-$(basename "$seed")"
    done < <(find "$folder" -type f -print0 | sort -z)
  done <"$BUILD_DIR/fuzz/$target.corpus"

  "$BUILD_DIR/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/artifacts/" \
    "$out/corpus" >"$out/log" 2>&1
  status=$?

  runs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$out/log")
  coverage=$(grep -oE 'cov: [0-9]+' "$out/log" | tail -n 1)
  corpus=$(find "$out/corpus" -type f | wc -l)
  if [ "$status" = 0 ]; then
    echo "$target: ok, ${runs:-0} runs in ${SECONDS_PER_TARGET}s, ${coverage:-cov: ?}," \
      "corpus $seeds seeds -> $corpus inputs"
  else
    failed=1
    artifact=$(grep -oE "(Test unit|artifact) written to .*" "$out/log" | tail -n 1 |
      sed -E 's/.*written to //')
    echo "$target: FAILED (exit $status) after ${runs:-?} runs; input: ${artifact:-none kept};" \
      "log: $out/log"
    grep -E -A 30 '^==[0-9]+==ERROR|runtime error:|deadly signal|ERROR: libFuzzer' "$out/log" |
      head -n 40 | sed 's/^/    /'
  fi
done
exit "$failed"
