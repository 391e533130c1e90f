# Rakkr — build, run and test. See README.md.
SHELL := /bin/bash
export PATH := /usr/local/go/bin:$(PATH)
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.0.0-dev)
LDFLAGS := -s -w -X github.com/rakkr/rakkr/bootstrap/settings.Version=$(VERSION)

.PHONY: all build build-go console run test lint clean api-types

all: build

## build: the console and both binaries into ./bin
build: console build-go

build-go:
	@mkdir -p bin
	go build -trimpath -ldflags '$(LDFLAGS)' -o bin/rakkr ./cmd/rakkr
	go build -trimpath -ldflags '$(LDFLAGS)' -o bin/rakkr-agent ./cmd/rakkr-agent

console:
	@scripts/deps.sh build
	cd frontend && npm run --silent build

## run: build and start the controller on the embedded SQLite store
run: build
	@scripts/run.sh

## test: every test (installs packages, starts a throwaway Postgres)
test:
	@scripts/test.sh

## lint: gofmt and go vet
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	go vet ./...

clean:
	rm -rf bin frontend/node_modules/.vite

## api-types: refresh the console's OpenAPI snapshot and generated types after an API change
api-types:
	RAKKR_UPDATE_OPENAPI=1 go test -count=1 -run TestConsoleOpenAPISnapshotIsCurrent ./bootstrap/controller/
	cd frontend && npm run --silent gen:api
