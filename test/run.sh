#!/usr/bin/env bash
# npm test: every test file under test/, in two runners side by side.
# - test/e2e, one file at a time: each starts a server and Chromium and spends most of its time
#   waiting on them, which in the common runner held one of its two places idle (a third of the
#   whole run). Its report goes to test-results/e2e.log and is printed after the others'.
# - the other files, two at a time.
# The exit status is the first runner's failure, else the second's.
set -uo pipefail
cd "$(dirname "$0")/.."
flags=(--import tsx --test --test-timeout=600000 --test-force-exit --test-reporter=spec)
mapfile -t e2e < <(find test/e2e -name '*.test.ts' | sort)
mapfile -t rest < <(find test -name '*.test.ts' -not -path 'test/e2e/*' | sort)
mkdir -p test-results
log=test-results/e2e.log
node "${flags[@]}" --test-concurrency=1 "${e2e[@]}" > "$log" 2>&1 &
e2e_pid=$!
node "${flags[@]}" --test-concurrency=2 "${rest[@]}"
rest_status=$?
wait "$e2e_pid"
e2e_status=$?
echo
echo "# test/e2e (the web application in Chromium), run beside the tests above; its report is also in $log"
cat "$log"
if [ "$rest_status" -ne 0 ]; then exit "$rest_status"; fi
exit "$e2e_status"
