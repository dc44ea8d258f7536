// wasm conv2d packs a filter once per filter storage (WasmBackend.derived), not on every call; the packed copy
// goes when the filter is released, and invalidate() (in-place writers) makes the next call repack.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { conv2d, createEngine, type Engine } from '../../src/index.node.js';
import { WasmBackend, type WasmStorage } from '../../src/runtime/backends/wasm.js';
import { seededUniform } from '../support/random.js';

const ATTRS = { padding: 'same' as const };
// The direct kernel's packed filter (8 input channels) and the Winograd path's transformed one (3x3 stride 1,
// 16 channels in and out), each with the kernel that builds it.
const CASES = [
  { path: 'direct', X: [1, 6, 7, 8], F: [3, 3, 8, 12], pack: 'conv2d_pack_filter' },
  { path: 'winograd', X: [1, 6, 7, 16], F: [3, 3, 16, 16], pack: 'conv2d_winograd_f2x3_pack_filter' },
];

describe.each(CASES.flatMap((c) => [1, 2].map((threads) => ({ ...c, threads }))))('wasm conv2d $path packed-filter cache, $threads thread(s)', ({ X, F, pack, threads }) => {
  let e: Engine;
  let be: WasmBackend;
  let packs: () => number;
  const nx = X.reduce((a, b) => a * b, 1);
  const nf = F.reduce((a, b) => a * b, 1);

  beforeAll(async () => {
    e = await createEngine({ backend: 'wasm', threads, log: null });
    be = e.backend as WasmBackend;
    const spy = vi.spyOn(be, 'call');
    packs = () => spy.mock.calls.filter((c) => c[0] === pack).length;
  });
  afterAll(() => e.dispose());

  it('1,000 calls on the same weights pack once, give identical results, and release frees the packed copy', async () => {
    const x = e.tensor(seededUniform(1, nx), X);
    const base = e.stats();
    const before = packs();
    const f = e.tensor(seededUniform(2, nf, -0.5, 0.5), F);
    const first = conv2d(e, x, f, ATTRS);
    const want = await first.data();
    first.dispose();
    for (let i = 0; i < 1000; i++) {
      const y = conv2d(e, x, f, ATTRS);
      const got = await y.data();
      y.dispose();
      if (i % 97 === 0 || i === 999) expect(got).toEqual(want);
    }
    expect(packs() - before).toBe(1);
    // Filter + its packed copy.
    expect(e.stats().allocations).toBe(base.allocations + 2);
    f.dispose();
    expect(e.stats().allocations).toBe(base.allocations);
    expect(e.stats().bytes).toBe(base.bytes);
    x.dispose();
  });

  it('a new filter in a released filter\'s memory is packed afresh', async () => {
    const x = e.tensor(seededUniform(3, nx), X);
    const results: Float32Array[] = [];
    const ptrs: number[] = [];
    for (const seed of [10, 11]) {
      const f = e.tensor(seededUniform(seed, nf, -0.5, 0.5), F);
      ptrs.push((f.storage as WasmStorage).ptr);
      const y = conv2d(e, x, f, ATTRS);
      results.push(await y.data());
      y.dispose();
      f.dispose();
    }
    expect(ptrs[1]).toBe(ptrs[0]); // the allocator reused the block: a stale cache would give results[0] again
    expect(results[1]).not.toEqual(results[0]);
    // ... and equals a run with the second filter on a fresh engine.
    const fresh = await createEngine({ backend: 'wasm', threads, log: null });
    const y = conv2d(fresh, fresh.tensor(seededUniform(3, nx), X), fresh.tensor(seededUniform(11, nf, -0.5, 0.5), F), ATTRS);
    expect(results[1]).toEqual(await y.data());
    fresh.dispose();
    x.dispose();
  });

  it('invalidate() after an in-place write repacks', async () => {
    const x = e.tensor(seededUniform(4, nx), X);
    const f = e.tensor(seededUniform(20, nf, -0.5, 0.5), F);
    const g = e.tensor(seededUniform(21, nf, -0.5, 0.5), F);
    const yg = conv2d(e, x, g, ATTRS);
    const wantG = await yg.data();
    const y0 = conv2d(e, x, f, ATTRS);
    await y0.data();
    const before = packs();
    // Write g's weights into f's storage in place, as an optimiser step would, and say so.
    const fs = f.storage as WasmStorage;
    be.f32(fs.ptr, nf).set(seededUniform(21, nf, -0.5, 0.5));
    be.invalidate(fs);
    const y1 = conv2d(e, x, f, ATTRS);
    expect(await y1.data()).toEqual(wantG);
    expect(packs() - before).toBe(1);
    [x, f, g, yg, y0, y1].forEach((t) => t.dispose());
  });
});

describe('WasmBackend.derived', () => {
  it('makes a copy once per source version, and a fill that throws leaves nothing allocated', async () => {
    const e = await createEngine({ backend: 'wasm', threads: 1, log: null });
    const be = e.backend as WasmBackend;
    const src = e.tensor(seededUniform(5, 8), [8]);
    const s = src.storage as WasmStorage;
    const base = e.stats().allocations;
    expect(() => be.derived(s, 'boom', 4, () => { throw new Error('fill failed'); })).toThrow('fill failed');
    expect(e.stats().allocations).toBe(base);
    let fills = 0;
    const make = () => be.derived(s, 'double', () => 8, (ptr) => {
      fills++;
      be.f32(ptr, 8).set(be.f32(s.ptr, 8).map((v) => 2 * v));
    });
    const d = make();
    expect(make()).toBe(d);
    expect(fills).toBe(1);
    expect(Array.from(be.f32(d.ptr, 8))).toEqual(Array.from(seededUniform(5, 8), (v) => Math.fround(2 * v)));
    expect(e.stats().allocations).toBe(base + 1);
    be.invalidate(s);
    expect(e.stats().allocations).toBe(base);
    make();
    expect(fills).toBe(2);
    src.dispose();
    expect(e.stats().allocations).toBe(base - 1);
    e.dispose();
  });
});
