#!/usr/bin/env bash
# npm test: build, then the Node suites (reference, wasm, webgpu on Dawn) and the Chromium suite (webgpu on
# SwiftShader, wasm), then the merged conformance report. Fails if any part fails. Each stage's output is also kept
# in reports/<stage>.log, and the failures of every stage are printed again at the very end (CI shows the tail).
set -u
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
mkdir -p reports
npm run build || exit 1
status=0
failed=()
stage() {
  local name=$1; shift
  "$@" 2>&1 | tee "reports/$name.log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then status=1; failed+=("$name"); fi
  echo "stage $name: exit $rc" >> reports/stages.log
}
: > reports/stages.log
stage node npx vitest run
stage chromium npx vitest run --config vitest.browser.config.ts
stage conformance-report node scripts/conformance-report.mjs
if [ "$status" -ne 0 ]; then node scripts/test-failures.mjs "${failed[@]}"; fi
exit $status
