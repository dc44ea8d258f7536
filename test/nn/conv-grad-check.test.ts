// Gradient checks for the detection head's backward kernels. Part 1 (f64): every backward reference against central
// finite differences of the forward reference it differentiates (conv2d, conv2d + bias, the activations,
// convTranspose2d, channel concat, the MultiBox loss). Part 2: the wasm (SIMD, relaxed SIMD) and webgpu kernels
// against those references on seeded random geometries (strides, dilations, explicit / same padding, odd sizes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../src/runtime/tensor.js';
import { activateRef, type Activation } from '../../src/ops/activation/spec.js';
import { concatReference } from '../../src/ops/concat/reference.js';
import { prepareConcat } from '../../src/ops/concat/spec.js';
import { conv2dReference } from '../../src/ops/conv2d/reference.js';
import { prepareConv2d, type Conv2dAttrs } from '../../src/ops/conv2d/spec.js';
import { conv2dOp } from '../../src/ops/conv2d/index.js';
import {
  activationGradOp,
  biasGradOp,
  conv2dBackpropFilterOp,
  conv2dBackpropInputOp,
} from '../../src/ops/conv2d-grad/index.js';
import { activationGradReference, biasGradReference, conv2dBackpropFilterReference, conv2dBackpropInputReference } from '../../src/ops/conv2d-grad/reference.js';
import { prepareActivationGrad, prepareBiasGrad, prepareConv2dBackpropFilter, prepareConv2dBackpropInput } from '../../src/ops/conv2d-grad/spec.js';
import { convTranspose2dBackpropFilterOp, convTranspose2dOp } from '../../src/ops/conv-transpose/index.js';
import { convTranspose2dBackpropFilterReference, convTranspose2dReference } from '../../src/ops/conv-transpose/reference.js';
import {
  convTranspose2dInputGradAttrs,
  prepareConvTranspose2d,
  prepareConvTranspose2dBackpropFilter,
  type ConvTranspose2dAttrs,
} from '../../src/ops/conv-transpose/spec.js';
import { encodeMultiboxTargets } from '../../src/ops/multibox-loss/encode.js';
import { multiboxLossOp } from '../../src/ops/multibox-loss/index.js';
import { multiboxLossReference } from '../../src/ops/multibox-loss/reference.js';
import { prepareMultiboxLoss, type MultiboxLossAttrs } from '../../src/ops/multibox-loss/spec.js';
import { sliceChannelsOp } from '../../src/ops/slice/index.js';
import { sliceChannelsReference } from '../../src/ops/slice/reference.js';
import { prepareSliceChannels } from '../../src/ops/slice/spec.js';
import { InvalidArgumentError } from '../../src/runtime/errors.js';
import type { OpDef } from '../../src/runtime/op.js';
import type { Shape } from '../../src/runtime/shape.js';
import { compare, describeMismatch } from '../support/compare.js';
import { allEngines, type NamedEngine } from '../support/engines.js';
import { mulberry32 as rng, seededUniform } from '../support/random.js';

const size = (s: Shape) => s.reduce((p, q) => p * q, 1);
const rand = (seed: number, n: number, lo = -1, hi = 1) => Float64Array.from(seededUniform(seed, n, lo, hi));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** Runs an op's f64 reference kernel directly: outputs as Float64Arrays. */
function ref<R, N>(op: { prepare: OpDef<R, N>['prepare'] }, kernel: (b: unknown, args: any) => void, inputs: (Float64Array | undefined)[], inShapes: (Shape | undefined)[], attrs: R): Float64Array[] {
  const { attrs: norm, outShapes } = op.prepare(inShapes, attrs);
  const outputs = outShapes.map((s) => new Float64Array(size(s)));
  kernel(null, { inputs, inShapes, outputs, outShapes, attrs: norm });
  return outputs;
}

/**
 * Central differences of loss() over every element of p (or `limit` evenly spaced ones) against the analytic
 * gradient g: relative error per element, tiny absolute differences (rounding) ignored.
 */
function fdCheck(what: string, p: Float64Array, g: Float64Array, loss: () => number, limit = Infinity, eps = 1e-6): void {
  expect(g.length, what).toBe(p.length);
  const step = Math.max(1, Math.floor(p.length / limit));
  let worst = 0;
  let where = -1;
  for (let i = 0; i < p.length; i += step) {
    const v = p[i]!;
    p[i] = v + eps;
    const lp = loss();
    p[i] = v - eps;
    const lm = loss();
    p[i] = v;
    const fd = (lp - lm) / (2 * eps);
    const diff = Math.abs(fd - g[i]!);
    const err = diff > 1e-8 ? diff / (1e-6 + Math.abs(fd) + Math.abs(g[i]!)) : 0;
    if (err > worst) [worst, where] = [err, i];
  }
  expect(worst, `${what}: worst relative error at [${where}]`).toBeLessThan(1e-6);
}

// ---------------------------------------------------------------------------------------------------------------
// Part 1: f64 references vs finite differences

interface ConvCase {
  name: string;
  x: number[];
  f: number[];
  attrs: Conv2dAttrs;
}

const CONV_CASES: ConvCase[] = [
  { name: '3x3 same', x: [2, 5, 4, 3], f: [3, 3, 3, 2], attrs: { padding: 'same' } },
  { name: '3x3 stride 2, explicit pads', x: [1, 7, 6, 2], f: [3, 3, 2, 3], attrs: { strides: 2, padding: [1, 0, 2, 1] } },
  { name: '2x3 strides [2, 3] dilation [2, 1]', x: [1, 8, 9, 2], f: [2, 3, 2, 2], attrs: { strides: [2, 3], dilations: [2, 1], padding: [0, 1, 1, 0] } },
  { name: '1x1 pointwise', x: [2, 3, 3, 4], f: [1, 1, 4, 3], attrs: {} },
];

function convForward(x: Float64Array, xs: number[], W: Float64Array, fs: number[], attrs: Conv2dAttrs, bias?: Float64Array): Float64Array {
  const inShapes = [xs, fs, bias ? [fs[3]!] : undefined];
  return ref({ prepare: prepareConv2d }, conv2dReference, [x, W, bias], inShapes, attrs)[0]!;
}

describe('conv2d backward references vs central finite differences (f64)', () => {
  for (const c of CONV_CASES) {
    it(`${c.name}: dx, dW, db`, () => {
      const x = rand(1, size(c.x));
      const W = rand(2, size(c.f), -0.5, 0.5);
      const b = rand(3, c.f[3]!);
      const ys = prepareConv2d([c.x, c.f], c.attrs).outShapes[0]!;
      const dy = rand(4, size(ys));
      const geom = { strides: c.attrs.strides, padding: c.attrs.padding, dilations: c.attrs.dilations };
      const loss = () => dot(dy, convForward(x, c.x, W, c.f, c.attrs, b));
      const [dx] = ref({ prepare: prepareConv2dBackpropInput }, conv2dBackpropInputReference, [dy, W], [ys, c.f], { ...geom, inputShape: c.x });
      const [dW] = ref({ prepare: prepareConv2dBackpropFilter }, conv2dBackpropFilterReference, [x, dy], [c.x, ys], { ...geom, filterShape: c.f });
      const [db] = ref({ prepare: prepareBiasGrad }, biasGradReference, [dy], [ys], {});
      fdCheck('dx', x, dx!, loss);
      fdCheck('dW', W, dW!, loss);
      fdCheck('db', b, db!, loss);
    });
  }
});

describe('activationGrad (from the output y) vs central finite differences (f64)', () => {
  const acts: [Activation, number][] = [['relu', 0], ['leakyRelu', 0.1], ['sigmoid', 0], ['tanh', 0], ['relu6', 0], ['none', 0]];
  for (const [act, alpha] of acts) {
    it(act, () => {
      // Pre-activations kept away from the kinks (0, 6) where relu-likes have no derivative.
      const pre = rand(5, 40, -8, 8).map((v) => (Math.abs(v) < 0.05 ? v + 0.1 : Math.abs(v - 6) < 0.05 ? v + 0.1 : v));
      const dy = rand(6, 40);
      const y = pre.map((v) => activateRef(v, act, alpha));
      const name = act === 'none' ? 'linear' : act;
      const [g] = ref({ prepare: prepareActivationGrad }, activationGradReference, [dy, y], [[40], [40]], { activation: name as 'linear', alpha });
      fdCheck(act, pre, g!, () => dot(dy, pre.map((v) => activateRef(v, act, alpha))));
    });
  }
});

interface CtCase {
  name: string;
  x: number[];
  f: number[];
  attrs: ConvTranspose2dAttrs;
}

const CT_CASES: CtCase[] = [
  { name: '3x3 stride 1 valid', x: [2, 3, 4, 2], f: [3, 3, 3, 2], attrs: {} },
  { name: '4x4 stride 2 pads 1 + bias + leakyRelu', x: [1, 3, 3, 3], f: [4, 4, 2, 3], attrs: { strides: 2, padding: [1, 1, 1, 1], activation: 'leakyRelu', alpha: 0.1 } },
  { name: '3x3 stride 2 same + output padding', x: [1, 3, 4, 2], f: [3, 3, 2, 2], attrs: { strides: 2, padding: 'same', outputPadding: 1 } },
  { name: '3x2 strides [3, 2] dilations [1, 2], asymmetric pads, output padding [2, 1]', x: [1, 3, 3, 2], f: [3, 2, 3, 2], attrs: { strides: [3, 2], dilations: [1, 2], padding: [0, 2, 1, 0], outputPadding: [2, 1] } },
];

describe('convTranspose2d backward (conv2d forward, convTranspose2dBackpropFilter, biasGrad) vs finite differences (f64)', () => {
  for (const c of CT_CASES) {
    it(c.name, () => {
      const x = rand(11, size(c.x));
      const W = rand(12, size(c.f), -0.5, 0.5);
      const b = rand(13, c.f[2]!);
      const act = c.attrs.activation ?? 'none';
      const alpha = c.attrs.alpha ?? 0.2;
      const fwd = () => ref({ prepare: prepareConvTranspose2d }, convTranspose2dReference, [x, W, b], [c.x, c.f, [c.f[2]!]], c.attrs)[0]!;
      const ys = prepareConvTranspose2d([c.x, c.f, [c.f[2]!]], c.attrs).outShapes[0]!;
      const dy = rand(14, size(ys));
      const loss = () => dot(dy, fwd());
      // Through the fused activation first: dpre = activationGrad(dy, y).
      const y = fwd();
      const name = act === 'none' ? 'linear' : act;
      const [dpre] = ref({ prepare: prepareActivationGrad }, activationGradReference, [dy, y], [ys, ys], { activation: name as 'linear', alpha });
      const { activation: _a, alpha: _b, ...geom } = c.attrs;
      // dx = conv2d forward of dpre with the same filter read as HWIO (the identity documented in convTranspose2d).
      const dx = convForward(dpre!, ys as number[], W, c.f, convTranspose2dInputGradAttrs(c.x, c.f, geom));
      const [dW] = ref({ prepare: prepareConvTranspose2dBackpropFilter }, convTranspose2dBackpropFilterReference, [x, dpre], [c.x, ys], { ...geom, filterShape: c.f });
      const [db] = ref({ prepare: prepareBiasGrad }, biasGradReference, [dpre], [ys], {});
      fdCheck('dx', x, dx, loss);
      fdCheck('dW', W, dW!, loss);
      fdCheck('db', b, db!, loss);
    });
  }
});

describe('sliceChannels as concat backward vs finite differences (f64)', () => {
  it('three inputs concatenated on channels', () => {
    const shapes = [[2, 3, 3, 2], [2, 3, 3, 5], [2, 3, 3, 1]];
    const xs = shapes.map((s, i) => rand(20 + i, size(s)));
    const { attrs: cn, outShapes } = prepareConcat(shapes, { axis: 3 });
    const cat = () => {
      const out = new Float64Array(size(outShapes[0]!));
      concatReference(null, { inputs: xs, inShapes: shapes, outputs: [out], outShapes, attrs: cn });
      return out;
    };
    const dy = rand(25, size(outShapes[0]!));
    let start = 0;
    shapes.forEach((s, i) => {
      const c = s[3]!;
      const [g] = ref({ prepare: prepareSliceChannels }, sliceChannelsReference, [dy], [outShapes[0]!], { start, size: c });
      fdCheck(`input ${i}`, xs[i]!, g!, () => dot(dy, cat()));
      start += c;
    });
  });
});

/** A batch of pred / targets for the loss, positives made sure of (random boxes through the encoder). */
function multiboxBatch(seed: number, n: number, S: number, anchors: [number, number][], C: number, perImage: number) {
  const u = seededUniform(seed, n * perImage * 5, 0, 1);
  const boxes = Array.from({ length: n }, (_, b) =>
    Array.from({ length: perImage }, (_, i) => {
      const o = (b * perImage + i) * 5;
      const w = 0.1 + 0.5 * u[o + 2]!;
      const h = 0.1 + 0.5 * u[o + 3]!;
      return { x: u[o]! - w / 2, y: u[o + 1]! - h / 2, w, h, classIndex: Math.floor(u[o + 4]! * Math.max(1, C)) % Math.max(1, C) };
    }),
  );
  const targets = Float64Array.from(encodeMultiboxTargets({ boxes, grid: S, anchors, numClasses: C }));
  const A = anchors.length;
  const predShape = [n, S, S, A * (5 + C)];
  const pred = rand(seed + 1, size(predShape), -2, 2);
  return { pred, predShape, targets, targetShape: [n, S, S, A, 6] };
}

describe('multiboxLoss dPred vs central finite differences of total / n (f64)', () => {
  const cases: [string, number, number, [number, number][], number, MultiboxLossAttrs][] = [
    ['2 images, 4x4, 3 anchors, 3 classes', 2, 4, [[0.15, 0.2], [0.3, 0.3], [0.5, 0.45]], 3, {}],
    ['3 images, 3x3, 2 anchors, 1 class, YOLO lambdas', 3, 3, [[0.2, 0.25], [0.45, 0.4]], 1, { lambdaBox: 5, lambdaNoObj: 0.5, lambdaCls: 2 }],
  ];
  for (const [name, n, S, anchors, C, attrs] of cases) {
    it(name, () => {
      const { pred, predShape, targets, targetShape } = multiboxBatch(31, n, S, anchors, C, 4);
      const obj = Array.from({ length: targets.length / 6 }, (_, s) => targets[s * 6]!);
      expect(obj.filter((v) => v === 1).length, 'positives').toBeGreaterThan(n);
      expect(obj.filter((v) => v === 0).length, 'negatives').toBeGreaterThan(n);
      const run = () => ref({ prepare: prepareMultiboxLoss }, multiboxLossReference, [pred, targets], [predShape, targetShape], attrs);
      const [sums, dPred] = run();
      expect(sums![0]).toBeCloseTo(sums![1]! + sums![2]! + sums![3]!, 12);
      fdCheck('dPred', pred, dPred!, () => run()[0]![0]! / n);
    });
  }
});

describe('encodeMultiboxTargets (hand-computed)', () => {
  const anchors: [number, number][] = [[0.2, 0.2], [0.5, 0.5]];
  const slot = (t: Float32Array, i: number) => Array.from(t.subarray(i * 6, i * 6 + 6));

  it('matches the box to the best-IoU anchor of its centre cell', () => {
    // Centre (0.75, 0.3) in a 2x2 grid: cell row 0, col 1; offsets (1.5 - 1, 0.6 - 0). Shape IoU with 0.2x0.2:
    // 0.04 / 0.16 = 0.25; with 0.5x0.5: 0.16 / 0.25 = 0.64, so anchor 1; tw* = th* = log(0.4 / 0.5).
    const t = encodeMultiboxTargets({ boxes: [[{ x: 0.55, y: 0.1, w: 0.4, h: 0.4, classIndex: 1 }]], grid: 2, anchors, numClasses: 3 });
    expect(t.length).toBe(2 * 2 * 2 * 6);
    const want = [1, 0.5, 0.6, Math.log(0.8), Math.log(0.8), 1];
    slot(t, 3).forEach((v, j) => expect(v).toBeCloseTo(want[j]!, 6));
    for (const i of [0, 1, 2, 4, 5, 6, 7]) expect(slot(t, i)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('marks unmatched anchors above ignoreIou as ignored (-1)', () => {
    const t = encodeMultiboxTargets({ boxes: [[{ x: 0.55, y: 0.1, w: 0.4, h: 0.4, classIndex: 1 }]], grid: 2, anchors, numClasses: 3, ignoreIou: 0.2 });
    expect(t[2 * 6]).toBe(-1); // anchor 0 of the same cell: IoU 0.25 > 0.2
    expect(t[3 * 6]).toBe(1);
    expect(t[0]).toBe(0);
  });

  it('keeps the better-matching box when two claim one slot, and never ignores a positive', () => {
    // Both centres in cell (0, 0) of a 1x1 grid, both best with anchor 1: the 0.5x0.5 box (IoU 1) beats 0.4x0.4.
    const t = encodeMultiboxTargets({
      boxes: [[{ x: 0.3, y: 0.3, w: 0.4, h: 0.4, classIndex: 0 }, { x: 0.25, y: 0.25, w: 0.5, h: 0.5, classIndex: 2 }]],
      grid: 1,
      anchors,
      numClasses: 3,
      ignoreIou: 0.1,
    });
    expect(slot(t, 1)).toEqual([1, 0.5, 0.5, 0, 0, 2]);
    expect(t[0]).toBe(-1); // anchor 0: IoU 0.25 and 0.16 with the boxes, above 0.1
  });

  it('rejects bad boxes and options with typed errors', () => {
    const box = { x: 0.1, y: 0.1, w: 0.2, h: 0.2, classIndex: 0 };
    expect(() => encodeMultiboxTargets({ boxes: [[{ ...box, classIndex: 3 }]], grid: 2, anchors, numClasses: 3 })).toThrow(/classIndex 3 is not in \[0, 3\)/);
    expect(() => encodeMultiboxTargets({ boxes: [[{ ...box, w: 0 }]], grid: 2, anchors, numClasses: 3 })).toThrow(/empty size/);
    expect(() => encodeMultiboxTargets({ boxes: [[box]], grid: 0, anchors, numClasses: 3 })).toThrow(/grid must be an integer >= 1/);
    expect(() => encodeMultiboxTargets({ boxes: [[box]], grid: 2, anchors: [[0, 1]], numClasses: 3 })).toThrow(InvalidArgumentError);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Part 2: backends vs the references on random geometries


interface Geom {
  x: number[];
  f: number[];
  attrs: Conv2dAttrs;
}

/** A random conv geometry with a non-empty output: strides 1-3, dilations 1-2, same / valid / explicit pads. */
function randomGeom(r: () => number): Geom {
  const pick = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  for (;;) {
    const kh = pick(1, 5);
    const kw = pick(1, 5);
    const s: [number, number] = [pick(1, 3), pick(1, 3)];
    const d: [number, number] = [pick(1, 2), pick(1, 2)];
    const mode = pick(0, 2);
    const padding = mode === 0 ? 'same' : mode === 1 ? 'valid' : ([pick(0, kh - 1), pick(0, kh - 1), pick(0, kw - 1), pick(0, kw - 1)] as [number, number, number, number]);
    const x = [pick(1, 3), pick(3, 14), pick(3, 14), pick(1, 9)];
    const f = [kh, kw, x[3]!, pick(1, 9)];
    const attrs: Conv2dAttrs = { strides: s, dilations: d, padding };
    try {
      prepareConv2d([x, f], attrs);
      return { x, f, attrs };
    } catch {
      // empty output: draw again
    }
  }
}

let engines: NamedEngine[] = [];
beforeAll(async () => {
  engines = await allEngines();
});
afterAll(() => engines.forEach((e) => e.engine.dispose()));

/** Runs op on every engine; each non-reference result must match the reference engine's at the default tolerance. */
async function sameOnAllBackends(what: string, op: OpDef<any, any>, inputs: (Float64Array | undefined)[], shapes: (Shape | undefined)[], attrs: unknown): Promise<number> {
  let want: Float32Array[] = [];
  let checked = 0;
  for (const { name, engine } of engines) {
    const ts: (Tensor | undefined)[] = inputs.map((v, i) => (v ? engine.tensor(v, shapes[i]!) : undefined));
    const outs = engine.run(op, ts, attrs);
    const got = await Promise.all(outs.map((t) => t.data()));
    [...ts, ...outs].forEach((t) => t?.dispose());
    if (name === 'reference') {
      want = got;
      continue;
    }
    got.forEach((g, k) => {
      const m = compare(g, want[k]!, 1e-4, 1e-5);
      expect(m && `${what} on ${name}, output ${k}: ${describeMismatch(m)}`).toBeNull();
    });
    checked++;
  }
  return checked;
}

describe('wasm and webgpu backward kernels match the references on random geometries', () => {
  it('has the reference, wasm-simd, wasm-relaxed and webgpu engines', () => {
    const names = engines.map((e) => e.name);
    for (const n of ['reference', 'wasm-simd', 'wasm-relaxed', 'webgpu']) expect(names).toContain(n);
  });

  for (let i = 0; i < 8; i++) {
    it(`geometry ${i}`, async () => {
      const r = rng(1000 + i);
      const g = randomGeom(r);
      const what = `x [${g.x}] filter [${g.f}] ${JSON.stringify(g.attrs)}`;
      const ys = prepareConv2d([g.x, g.f], g.attrs).outShapes[0]! as number[];
      const x = rand(40 + i, size(g.x));
      const W = rand(50 + i, size(g.f), -0.5, 0.5);
      const dy = rand(60 + i, size(ys));
      const geom = { strides: g.attrs.strides, padding: g.attrs.padding, dilations: g.attrs.dilations };
      let n = 0;
      n += await sameOnAllBackends(`dx ${what}`, conv2dBackpropInputOp, [dy, W], [ys, g.f], { ...geom, inputShape: g.x });
      n += await sameOnAllBackends(`dW ${what}`, conv2dBackpropFilterOp, [x, dy], [g.x, ys], { ...geom, filterShape: g.f });
      n += await sameOnAllBackends(`db ${what}`, biasGradOp, [dy], [ys], {});
      n += await sameOnAllBackends(`act ${what}`, activationGradOp, [dy, dy.map((v) => Math.abs(v) - 0.3)], [ys, ys], { activation: 'leakyRelu', alpha: 0.1 });

      // The same geometry read as a transposed conv from ys back to x: x here is [n, oh, ow, cout] of the conv.
      const pads = g.attrs.padding === 'same' || g.attrs.padding === 'valid' ? undefined : g.attrs.padding;
      const ctAttrs: ConvTranspose2dAttrs = { strides: g.attrs.strides, dilations: g.attrs.dilations, padding: pads ?? 'valid', activation: r() < 0.5 ? 'relu' : 'none' };
      const ctf = [g.f[0]!, g.f[1]!, g.f[3]!, g.f[2]!];
      const ctx = [ys[0]!, ys[1]!, ys[2]!, ctf[3]!];
      const cty = prepareConvTranspose2d([ctx, ctf], ctAttrs).outShapes[0]! as number[];
      const bias = rand(70 + i, ctf[2]!);
      const cx = rand(80 + i, size(ctx));
      const cdy = rand(90 + i, size(cty));
      n += await sameOnAllBackends(`convT ${what}`, convTranspose2dOp, [cx, W, bias], [ctx, ctf, [ctf[2]!]], ctAttrs);
      const { activation: _act, ...ctGeom } = ctAttrs;
      n += await sameOnAllBackends(`convT dW ${what}`, convTranspose2dBackpropFilterOp, [cx, cdy], [ctx, cty], { ...ctGeom, filterShape: ctf });
      n += await sameOnAllBackends(`convT dx ${what}`, conv2dOp, [cdy, W], [cty, ctf], convTranspose2dInputGradAttrs(ctx, ctf, ctGeom));
      const start = Math.floor(r() * g.x[3]!);
      n += await sameOnAllBackends(`slice ${what}`, sliceChannelsOp, [x], [g.x], { start, size: g.x[3]! - start });
      expect(n).toBe(8 * (engines.length - 1));
    });
  }

  it('multiboxLoss on a YOLO-sized batch (8 images, 13x13, 5 anchors, 20 classes)', async () => {
    const anchors: [number, number][] = [[0.05, 0.07], [0.15, 0.2], [0.3, 0.25], [0.45, 0.55], [0.75, 0.7]];
    const { pred, predShape, targets, targetShape } = multiboxBatch(77, 8, 13, anchors, 20, 6);
    const n = await sameOnAllBackends('multiboxLoss', multiboxLossOp, [pred, targets], [predShape, targetShape], { lambdaBox: 5, lambdaNoObj: 0.5 });
    expect(n).toBe(engines.length - 1);
  });
});

