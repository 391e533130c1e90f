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
set +e
go test -count=1 -timeout 25m -json ./... > /tmp/rakkr-go-test.json 2>&1
go_status=$?
bin/testsummary < /tmp/rakkr-go-test.json
summary_status=$?
set -e
echo "total time $(( $(date +%s) - start ))s"
if (( go_status != 0 || summary_status != 0 )); then exit 1; fi
