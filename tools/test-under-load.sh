#!/usr/bin/env bash
# Runs the whole test suite several times on a loaded machine: the check that no test depends on a thread being
# scheduled within a time, on free thread-pool threads, or on elapsed wall time.
#
# Builds once, then runs CI's test command (`dotnet test` from the repository root, as in .ci/run) RUNS times (3 by
# default) while LOAD CPU-bound processes (2 by default: as many as CI's cores) spin beside it for the whole duration.
# Prints each run's count line and a final "under load: N of RUNS runs passed"; exits non-zero unless every run passed.
#
#   tools/test-under-load.sh            # from any directory
#   RUNS=5 LOAD=4 tools/test-under-load.sh
#
# Needs only bash and the .NET SDK. Results (trx files, hang dumps) go to TestResults/under-load/run-N.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

runs="${RUNS:-3}"
load="${LOAD:-2}"
results="$(pwd)/TestResults/under-load"
rm -rf "$results"
mkdir -p "$results"

# ---- the load: CPU-bound processes, ended on any exit ----------------------------------------------------------------
hogs=()
stop_load() {
  local pid
  for pid in "${hogs[@]}"; do
    kill "$pid" 2>/dev/null
  done
  for pid in "${hogs[@]}"; do
    wait "$pid" 2>/dev/null
  done
  hogs=()
}
trap stop_load EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_load() {
  local i
  for ((i = 0; i < load; i++)); do
    bash -c 'while :; do :; done' &
    hogs+=("$!")
  done
  echo "== load: $load CPU-bound processes (pids ${hogs[*]}) on $(nproc 2>/dev/null || echo '?') cores"
}

# ---- one count line from a run's trx files, in .ci/run's format -------------------------------------------------------
counts() {
  local dir="$1" trx line p f e t ne passed=0 failed=0 skipped=0 found=0
  for trx in "$dir"/*.trx; do
    [ -f "$trx" ] || continue
    found=1
    line=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    get() { echo "$line" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); ne=$(get notExecuted)
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0})); skipped=$((skipped + ${ne:-0}))
  done
  if [ "$found" -eq 0 ] || [ $((passed + failed)) -eq 0 ]; then
    echo "tests: 0 passed, 1 failed (no tests ran)"
    return 1
  fi
  if [ "$skipped" -gt 0 ]; then
    echo "tests: $passed passed, $failed failed, $skipped skipped"
  else
    echo "tests: $passed passed, $failed failed"
  fi
  [ "$failed" -eq 0 ]
}

# ---- build once, then the runs --------------------------------------------------------------------------------------
# What `dotnet test` builds: the test projects and what they reference (not the whole solution: the Benchmarks
# project is for Release builds).
mapfile -t test_projects < <(grep -l '<IsTestProject>true</IsTestProject>' ./*/*.csproj)
if [ "${#test_projects[@]}" -eq 0 ]; then
  echo "no test projects found"
  echo "under load: 0 of $runs runs passed"
  exit 1
fi
echo "== build (once; the runs use --no-build): ${test_projects[*]}"
build_ok=1
for project in "${test_projects[@]}"; do
  dotnet build "$project" >> "$results/build.log" 2>&1 || build_ok=0
done
if [ "$build_ok" -eq 0 ]; then
  tail -n 30 "$results/build.log"
  echo "build failed (see $results/build.log)"
  echo "under load: 0 of $runs runs passed"
  exit 1
fi

start_load
ok=0
for ((run = 1; run <= runs; run++)); do
  dir="$results/run-$run"
  echo "== run $run of $runs: dotnet test (as .ci/run) beside the load"
  started=$SECONDS
  dotnet test --no-build --logger "trx" --results-directory "$dir" --blame-hang-timeout 5m > "$results/run-$run.log" 2>&1
  status=$?
  line=$(counts "$dir")
  counted=$?
  if [ "$status" -eq 0 ] && [ "$counted" -eq 0 ]; then
    ok=$((ok + 1))
    echo "run $run: $line ($((SECONDS - started)) s)"
  else
    echo "run $run: $line ($((SECONDS - started)) s; dotnet test exit code $status; log: $results/run-$run.log)"
    grep -E -A 4 '^\s+Failed [^!]' "$results/run-$run.log" | head -n 40 | sed 's/^/    /'
    grep -E -i 'hang|blame' "$results/run-$run.log" | head -n 10 | sed 's/^/    /'
  fi
done
stop_load

echo "under load: $ok of $runs runs passed"
[ "$ok" -eq "$runs" ]
