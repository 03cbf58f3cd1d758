#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then type check, lint, unit tests and
# the end-to-end suite against one shared local sandbox. Ends with the totals alone on the last line.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1
export PATH="$PWD/node_modules/.bin:$PATH"
results=$(mktemp -d)
checks_failed=0

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "type check"
npm run --silent typecheck || checks_failed=$((checks_failed + 1))
step "lint"
biome ci . || checks_failed=$((checks_failed + 1))
step "unit tests"
vitest run --project unit --reporter=default --reporter=json --outputFile.json="$results/unit.json"
step "end-to-end tests (local sandbox)"
vitest run --project e2e --reporter=default --reporter=json --outputFile.json="$results/e2e.json"

node scripts/totals.mjs "$checks_failed" "$results/unit.json" "$results/e2e.json"
