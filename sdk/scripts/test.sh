#!/usr/bin/env bash
# The SDK's checks (called by the repository's scripts/test.sh after the schema check; runs alone too):
# install the pinned packages (npm ci: from package-lock.json, so CI installs them itself), regenerate
# src/generated/ from ../schema/ and fail if it differs from the committed files, type-check, unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

start=$SECONDS
echo "-- npm ci"
# npm ci deletes and reinstalls node_modules (~30 s, more with @injectivelabs/sdk-ts); scripts/npm-ci.sh skips it
# when node_modules was installed by npm ci from this very package-lock.json.
bash scripts/npm-ci.sh

echo "-- codegen (scripts/codegen.mjs: src/generated/ from ../schema/) and drift check"
node scripts/codegen.mjs
if [ -n "$(git status --porcelain -- src/generated)" ]; then
    echo "ERROR: sdk/src/generated differs from the schemas: run 'npm run codegen' in sdk/ and commit it" >&2
    git status --porcelain -- src/generated >&2
    exit 1
fi

echo "-- tsc --noEmit: sources, tests, the README's code and the contracts' README examples (scripts/readme-check.mjs)"
node scripts/readme-check.mjs
npx --no-install tsc --noEmit -p tsconfig.readme.json

echo "-- unit tests (node:test)"
node --import tsx --test test/*.test.ts

echo "-- sdk checks took $((SECONDS - start)) s"
