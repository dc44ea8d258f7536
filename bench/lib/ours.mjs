// facegpu itself, from the built output (dist/), on its wasm and webgpu backends. Ops are looked up in
// opRegistry and run through engine.run1, so a shape whose op is not registered yet is reported n/a.
import { readOnce, repeatThenRead, Skip } from './runner.mjs';

const DIST = new URL('../../dist/src/index.node.js', import.meta.url);

/** The registry entry, inputs and attributes for one shape. */
function opFor(shape) {
  switch (shape.kind) {
    case 'conv2d':
      return { name: 'conv2d', attrs: { padding: 'same', groups: shape.groups } };
    case 'matmul':
      return { name: 'matmul', attrs: {} };
    case 'add':
      return { name: 'binary', attrs: { kind: 'add' } };
    case 'relu':
      return { name: 'activation', attrs: { activation: 'relu' } };
    default:
      throw new Error(`unknown shape kind ${shape.kind}`);
  }
}

function inputsFor(engine, shape, d) {
  switch (shape.kind) {
    case 'conv2d':
      return [engine.tensor(d.x, d.xShape), engine.tensor(d.filter, d.filterShape)];
    case 'matmul':
      return [engine.tensor(d.a, d.aShape), engine.tensor(d.b, d.bShape)];
    case 'add':
      return [engine.tensor(d.a, shape.shape), engine.tensor(d.b, shape.shape)];
    case 'relu':
      return [engine.tensor(d.a, shape.shape)];
    default:
      throw new Error(`unknown shape kind ${shape.kind}`);
  }
}

/**
 * backend: 'wasm' | 'webgpu'; wasmVariant: 'simd' | 'relaxed-simd' (pinned, not 'auto', so the column always means
 * the same build). repeat: ops per timed iteration (one readback each iteration).
 */
export function oursRunner(backend, repeat, wasmVariant) {
  let fg;
  let engine;
  return {
    id: backend === 'wasm' && wasmVariant === 'relaxed-simd' ? 'ours-wasm-relaxed' : `ours-${backend}`,
    label: `facegpu ${backend}${wasmVariant ? ` (${wasmVariant})` : ''}`,
    kind: backend,
    repeat,
    async init() {
      fg = await import(DIST.href);
      const options = { backend, log: null };
      // No silent fallback: a webgpu number must come from the GPU.
      if (backend === 'webgpu') options.fallbackToWasm = false;
      else options.wasmVariant = wasmVariant;
      try {
        engine = await fg.createEngine(options);
      } catch (e) {
        if (e instanceof fg.UnsupportedError) throw new Skip(e.message);
        throw e;
      }
      return engine.chosen;
    },
    async prepare(shape, data) {
      const { name, attrs } = opFor(shape);
      const op = fg.opRegistry[name];
      if (!op) throw new Skip(`'${name}' not in opRegistry yet`);
      const inputs = inputsFor(engine, shape, data);
      const once = () => engine.run1(op, inputs, attrs);
      return {
        run: repeatThenRead(once, repeat),
        output: readOnce(once),
        dispose: () => inputs.forEach((t) => t.dispose()),
      };
    },
    async close() {
      engine?.dispose();
    },
  };
}
