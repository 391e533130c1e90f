#!/usr/bin/env bash
# make test: installs what the tests need, builds the console, starts a
# throwaway Postgres, runs every Go test against it and the console tests,
# then stops Postgres. Exit status is non-zero if anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/local/go/bin:$PATH"
start=$(date +%s)

scripts/deps.sh test

echo "== console: typecheck, unit tests, build"
(cd frontend && npm run --silent typecheck && npm test --silent && npm run --silent build)

echo "== lint"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './frontend/node_modules/*'))
if [[ -n "$unformatted" ]]; then echo "gofmt needed:"; echo "$unformatted"; exit 1; fi
go vet ./...

echo "== binaries"
make --no-print-directory build-go

pgdir=$(mktemp -d /tmp/rakkr-pg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir"' EXIT
export RAKKR_TEST_DATABASE_URL=$(scripts/pg.sh start "$pgdir")
echo "== postgres up ($(sed -E 's#//([^@]*)@#//#' <<<"$RAKKR_TEST_DATABASE_URL"))"

export RAKKR_TEST_BIN_DIR="$PWD/bin"
echo "== go test"
go build -o bin/testsummary ./test/testsummary
# The packages that capture through the real-time JACK test device run
# last and one at a time: sharing the two cores with other test packages
# starves the device clock (it falls behind the wall clock, and a recording
# honestly fails its duration check).
realtime_pkgs=(./test/alsa ./test/e2e ./test/browser)
other_pkgs=$(go list ./... | grep -v -E '/test/(alsa|e2e|browser)$')
set +e
go test -count=1 -timeout 20m -json $other_pkgs > /tmp/rakkr-go-test.json 2>&1
go_status=$?
go test -count=1 -timeout 20m -p 1 -json "${realtime_pkgs[@]}" >> /tmp/rakkr-go-test.json 2>&1
rt_status=$?
(( go_status == 0 )) && go_status=$rt_status
bin/testsummary < /tmp/rakkr-go-test.json
summary_status=$?
set -e
echo "total time $(( $(date +%s) - start ))s"
if (( go_status != 0 || summary_status != 0 )); then exit 1; fi
