#!/usr/bin/env bash
# npm test: build, then the Node suites (reference, wasm, webgpu on Dawn) and the Chromium suite (webgpu on
# SwiftShader, wasm), then the merged conformance report. Fails if any part fails.
set -u
cd "$(dirname "$0")/.."
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
npm run build || exit 1
status=0
npx vitest run || status=1
npx vitest run --config vitest.browser.config.ts || status=1
node scripts/conformance-report.mjs || status=1
exit $status
