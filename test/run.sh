#!/usr/bin/env bash
# npm test: every test file under test/, in two runners side by side.
# - test/e2e, one file at a time: each starts a server and Chromium and spends most of its time
#   waiting on them, which in the common runner held one of its two places idle (a third of the
#   whole run). Its report goes to test-results/e2e.log and is printed after the others'.
# - the other files, two at a time.
# The exit status is the first runner's failure, else the second's.
#
# No --test-force-exit: with more than one file at a time it makes the runner drop the verdicts of
# a file's last tests, silently (nodejs/node#64833; here the last suites of one file went missing
# from some runs' reports, 2,802 tests reported of 2,818). A file whose open handles keep it from
# exiting would then hold the run open: each runner is stopped after RUN_LIMIT (40 minutes, several
# times a whole run) with a message saying so, rather than at CI's own limit.
set -uo pipefail
cd "$(dirname "$0")/.."
RUN_LIMIT="${PORTCULLIS_TEST_RUN_LIMIT:-40m}"
flags=(--import tsx --test --test-timeout=600000 --test-reporter=spec)
mapfile -t e2e < <(find test/e2e -name '*.test.ts' | sort)
mapfile -t rest < <(find test -name '*.test.ts' -not -path 'test/e2e/*' | sort)
mkdir -p test-results
log=test-results/e2e.log

# Runs one runner under the limit; on time-out says so, and which runner, on stderr (exit 124).
limited() {
  local name=$1; shift
  timeout --kill-after=30s "$RUN_LIMIT" node "${flags[@]}" "$@"
  local status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "npm test: the $name tests did not finish within $RUN_LIMIT; a test file that has ended its tests but keeps a handle open (a server, a timer, a connection) holds the runner open. Run files alone (node --import tsx --test FILE) to find the one that does not exit." >&2
  fi
  return "$status"
}

limited 'test/e2e' --test-concurrency=1 "${e2e[@]}" > "$log" 2>&1 &
e2e_pid=$!
limited 'other' --test-concurrency=2 "${rest[@]}"
rest_status=$?
wait "$e2e_pid"
e2e_status=$?
echo
echo "# test/e2e (the web application in Chromium), run beside the tests above; its report is also in $log"
cat "$log"
if [ "$rest_status" -ne 0 ]; then exit "$rest_status"; fi
exit "$e2e_status"
