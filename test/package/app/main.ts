// A tiny app that uses facegpu the way a user does: by package name, bundled by Vite with no plugin. It runs a
// broadcasting add and mul on each backend and leaves the numbers in window.__facegpu (and in the page) for the
// test that drives it.
import { add, createEngine, mul } from 'facegpu';

export interface BackendResult {
  requested: 'webgpu' | 'wasm';
  backend?: string;
  chosen?: string;
  sum?: number[];
  product?: number[];
  error?: string;
}

declare global {
  interface Window {
    __facegpu?: { results: BackendResult[]; done: boolean };
  }
}

// Same inputs as test/package/vite-app.test.ts: a is [2, 3, 4, 8], b is [8] (broadcast over the last axis).
const A_SHAPE = [2, 3, 4, 8];
const a = Array.from({ length: 2 * 3 * 4 * 8 }, (_, i) => (i % 17) * 0.25 - 2);
const b = Array.from({ length: 8 }, (_, j) => j * 0.5 - 1);

async function runOn(requested: 'webgpu' | 'wasm'): Promise<BackendResult> {
  try {
    const engine = await createEngine({ backend: requested, log: null });
    try {
      const ta = engine.tensor(a, A_SHAPE);
      const tb = engine.tensor(b, [8]);
      const sum = Array.from(await add(engine, ta, tb).data());
      const product = Array.from(await mul(engine, ta, tb).data());
      return { requested, backend: engine.backendName, chosen: engine.chosen, sum, product };
    } finally {
      engine.dispose();
    }
  } catch (e) {
    return { requested, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

async function main(): Promise<void> {
  const results = [await runOn('webgpu'), await runOn('wasm')];
  window.__facegpu = { results, done: true };
  document.getElementById('results')!.textContent = JSON.stringify(results, null, 1);
}

void main();
