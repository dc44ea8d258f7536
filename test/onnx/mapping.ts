// Maps one ONNX node onto facegpu ops. ONNX layouts are converted on the host (NCHW <-> NHWC, OIHW -> HWIO,
// 1-D spatial ops lifted to 2-D with H = 1, numpy MatMul's 1-D operands promoted); everything that computes
// runs in our ops (Gemm's alpha/beta/C through 'matmul' + 'binary', BatchNormalization as a per-channel 'binary'
// mul + add whose constants are folded on the host, as a model loader folds them).
//
// A node we cannot express throws MappingError with the reason; the runner reports it as a failure unless the
// case is listed in exclusions.json. An op missing from opRegistry throws OpNotImplementedError at run time.
import { opRegistry, type Engine, type Tensor } from '../../src/index.node.js';
import { broadcastShape, broadcastTo, inversePerm, sameDims, sizeOf, transpose } from './host.js';
import { FLOAT_DTYPES, INT_DTYPES, type AttrValue, type HostTensor, type OnnxNode } from './loader.js';
import { onnxRecurrentToKeras, type HostArray, type OnnxRecurrentOp } from '../../src/ops/recurrent/onnx-layout.js';

/** This node (op, attribute value, dtype, input shape) has no mapping onto our ops. */
export class MappingError extends Error {}

/** The mapping needs a registry op that has not landed. */
export class OpNotImplementedError extends Error {
  constructor(readonly op: string) {
    super(`op not implemented: '${op}' is not in opRegistry`);
  }
}

export interface OutValue {
  dims: number[];
  values: ArrayLike<number>;
}

/** A node ready to run on any engine: the registry ops it uses and a function that runs it. */
export interface Plan {
  ops: string[];
  run(x: Exec): Promise<OutValue[]>;
}

export interface NodeContext {
  /** ai.onnx opset of the model */
  opset: number;
}

/** Runs ops on one engine and disposes every tensor it made. */
export class Exec {
  private owned: Tensor[] = [];
  constructor(readonly engine: Engine) {}

  tensor(values: ArrayLike<number>, dims: readonly number[]): Tensor {
    const t = this.engine.tensor(Float32Array.from(values), [...dims]);
    this.owned.push(t);
    return t;
  }

  op(name: string, inputs: readonly (Tensor | undefined)[], attrs: unknown): Tensor {
    return this.ops(name, inputs, attrs)[0]!;
  }

  /** All outputs of a multi-output op. */
  ops(name: string, inputs: readonly (Tensor | undefined)[], attrs: unknown): Tensor[] {
    const def = opRegistry[name];
    if (!def) throw new OpNotImplementedError(name);
    const outs = this.engine.run(def, inputs, attrs);
    this.owned.push(...outs);
    return outs;
  }

  async read(t: Tensor): Promise<OutValue> {
    return { dims: [...t.shape], values: await t.data() };
  }

  dispose(): void {
    this.owned.forEach((t) => t.dispose());
    this.owned = [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Attribute and input access

class Attrs {
  constructor(
    private node: OnnxNode,
    known: readonly string[],
  ) {
    for (const k of node.attrs.keys()) {
      if (!known.includes(k)) throw new MappingError(`${node.opType}: attribute '${k}' is not mapped`);
    }
  }
  private get(name: string): AttrValue | undefined {
    return this.node.attrs.get(name);
  }
  int(name: string, def: number): number {
    const v = this.get(name);
    if (v === undefined) return def;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new MappingError(`${this.node.opType}: attribute '${name}' is not an int`);
    return v;
  }
  float(name: string, def: number): number {
    const v = this.get(name);
    if (v === undefined) return def;
    if (typeof v !== 'number') throw new MappingError(`${this.node.opType}: attribute '${name}' is not a float`);
    return v;
  }
  ints(name: string, def: number[] | undefined): number[] | undefined {
    const v = this.get(name);
    if (v === undefined) return def;
    if (!Array.isArray(v) || v.some((e) => typeof e !== 'number')) throw new MappingError(`${this.node.opType}: attribute '${name}' is not ints`);
    return v as number[];
  }
  str(name: string, def: string): string {
    const v = this.get(name);
    if (v === undefined) return def;
    if (typeof v !== 'string') throw new MappingError(`${this.node.opType}: attribute '${name}' is not a string`);
    return v;
  }
}

type Inputs = readonly (HostTensor | undefined)[];

function input(op: string, inputs: Inputs, i: number, what: string): HostTensor {
  const t = inputs[i];
  if (!t) throw new MappingError(`${op}: missing input ${i} (${what})`);
  return t;
}

/** A tensor we upload: float32, or (only for ops that merely move/select values) an integer tensor whose every
 *  value is exact in f32, so the f32 result equals the integer one. */
function uploadable(op: string, t: HostTensor, intOk = false): HostTensor {
  if (FLOAT_DTYPES.has(t.dtype)) return t;
  if (!intOk || !INT_DTYPES.has(t.dtype)) throw new MappingError(`${op}: input '${t.name}' has dtype ${t.dtype}; our ops compute in f32`);
  for (const v of t.values) {
    if (Math.fround(v) !== v) throw new MappingError(`${op}: ${t.dtype} value ${v} of '${t.name}' is not exact in f32`);
  }
  return t;
}

/** Integer values of a shape-like input (pads, sizes, axes). */
function intValues(op: string, t: HostTensor): number[] {
  if (!INT_DTYPES.has(t.dtype)) throw new MappingError(`${op}: input '${t.name}' must be an integer tensor, got ${t.dtype}`);
  return [...t.values];
}

function normAxis(op: string, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw new MappingError(`${op}: axis ${axis} out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

const NCHW_TO_NHWC = [0, 2, 3, 1];
const NHWC_TO_NCHW = [0, 3, 1, 2];

/** NCHW (or NCW, lifted to NC1W) host tensor -> NHWC values and dims. */
function toNhwc(t: HostTensor): { values: Float64Array; dims: number[]; lifted: boolean } {
  const lifted = t.dims.length === 3;
  const dims4 = lifted ? [t.dims[0]!, t.dims[1]!, 1, t.dims[2]!] : t.dims;
  return { ...transpose(t.values, dims4, NCHW_TO_NHWC), lifted };
}

/** NHWC op output -> NCHW (or NCW when the input was lifted). */
function fromNhwc(o: OutValue, lifted: boolean): OutValue {
  const t = transpose(o.values, o.dims, NHWC_TO_NCHW);
  return { values: t.values, dims: lifted ? [t.dims[0]!, t.dims[1]!, t.dims[3]!] : t.dims };
}

/** Per-spatial-dim attribute of a 1-D or 2-D op as an [h, w] pair (1-D ops get h = `hDefault`). */
function pair2(values: number[], spatial: number, hDefault: number): [number, number] {
  return spatial === 1 ? [hDefault, values[0]!] : [values[0]!, values[1]!];
}

/** ONNX SAME_* padding of one dim, as [begin, end]. */
function samePads(inSize: number, k: number, s: number, d: number, lower: boolean): [number, number] {
  const out = Math.ceil(inSize / s);
  const total = Math.max(0, (out - 1) * s + (k - 1) * d + 1 - inSize);
  const small = Math.floor(total / 2);
  return lower ? [total - small, small] : [small, total - small];
}

type Padding = 'same' | 'valid' | [number, number, number, number];

/**
 * ONNX auto_pad/pads for a 1-D or 2-D window op on (h, w) = inHW, as our padding attribute. SAME_UPPER is TF's
 * 'same'; SAME_LOWER (extra padding at the start) becomes explicit pads.
 */
function windowPadding(
  op: string,
  a: Attrs,
  spatial: number,
  inHW: [number, number],
  k: [number, number],
  s: [number, number],
  d: [number, number],
): Padding {
  const autoPad = a.str('auto_pad', 'NOTSET');
  const pads = a.ints('pads', undefined);
  if (autoPad !== 'NOTSET' && pads && pads.some((p) => p !== 0)) throw new MappingError(`${op}: both auto_pad and pads`);
  switch (autoPad) {
    case 'VALID':
      return 'valid';
    case 'SAME_UPPER':
      return 'same';
    case 'SAME_LOWER': {
      const [t, b] = samePads(inHW[0], k[0], s[0], d[0], true);
      const [l, r] = samePads(inHW[1], k[1], s[1], d[1], true);
      return [t, b, l, r];
    }
    case 'NOTSET': {
      const p = pads ?? new Array<number>(2 * spatial).fill(0);
      if (p.length !== 2 * spatial) throw new MappingError(`${op}: pads has ${p.length} values for ${spatial} spatial dims`);
      if (p.some((v) => v < 0)) throw new MappingError(`${op}: negative pads`);
      // ONNX: [x1_begin, x2_begin, x1_end, x2_end]; ours: [top, bottom, left, right]
      return spatial === 1 ? [0, 0, p[0]!, p[1]!] : [p[0]!, p[2]!, p[1]!, p[3]!];
    }
    default:
      throw new MappingError(`${op}: unknown auto_pad '${autoPad}'`);
  }
}

function spatialRank(op: string, x: HostTensor): number {
  const spatial = x.dims.length - 2;
  if (spatial !== 1 && spatial !== 2) throw new MappingError(`${op}: ${spatial}-D spatial input [${x.dims}]; our ops are 2-D (NHWC)`);
  return spatial;
}

// ---------------------------------------------------------------------------------------------------------------
// Mappers

export type Mapper = (node: OnnxNode, inputs: Inputs, ctx: NodeContext) => Plan;

function elementwise(activation: string, alpha?: number): Mapper {
  return (node, inputs) => {
    const at = new Attrs(node, alpha === undefined ? [] : ['alpha']);
    const x = uploadable(node.opType, input(node.opType, inputs, 0, 'X'));
    const a = alpha === undefined ? undefined : at.float('alpha', alpha);
    return {
      ops: ['activation'],
      async run(ex) {
        const t = ex.op('activation', [ex.tensor(x.values, x.dims)], a === undefined ? { activation } : { activation, alpha: a });
        return [await ex.read(t)];
      },
    };
  };
}

/** PRelu: slope along the last dim maps straight onto our prelu; any other broadcast is materialised on the host
 *  and run on the flattened tensor (one slope per element). */
const prelu: Mapper = (node, inputs) => {
  new Attrs(node, []);
  const x = uploadable('PRelu', input('PRelu', inputs, 0, 'X'));
  const slope = uploadable('PRelu', input('PRelu', inputs, 1, 'slope'));
  const out = broadcastShape(x.dims, slope.dims);
  if (!out || !sameDims(out, x.dims)) throw new MappingError(`PRelu: slope [${slope.dims}] does not broadcast to X [${x.dims}]`);
  const last = x.dims.length ? x.dims[x.dims.length - 1]! : 1;
  const perChannel = slope.dims.slice(0, -1).every((d) => d === 1) && (slope.dims[slope.dims.length - 1] ?? 1) === last && x.dims.length > 0;
  return {
    ops: ['activation'],
    async run(ex) {
      if (perChannel) {
        const t = ex.op('activation', [ex.tensor(x.values, x.dims), ex.tensor(slope.values, [last])], { activation: 'prelu' });
        return [await ex.read(t)];
      }
      const n = sizeOf(x.dims);
      const full = broadcastTo(slope.values, slope.dims, x.dims);
      const t = ex.op('activation', [ex.tensor(x.values, [n]), ex.tensor(full, [n])], { activation: 'prelu' });
      const o = await ex.read(t);
      return [{ dims: [...x.dims], values: o.values }];
    },
  };
};

function binary(kind: 'add' | 'mul'): Mapper {
  return (node, inputs) => {
    new Attrs(node, []);
    const a = uploadable(node.opType, input(node.opType, inputs, 0, 'A'));
    const b = uploadable(node.opType, input(node.opType, inputs, 1, 'B'));
    return {
      ops: ['binary'],
      async run(ex) {
        return [await ex.read(ex.op('binary', [ex.tensor(a.values, a.dims), ex.tensor(b.values, b.dims)], { kind }))];
      },
    };
  };
}

const conv: Mapper = (node, inputs) => {
  const a = new Attrs(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides']);
  const x = uploadable('Conv', input('Conv', inputs, 0, 'X'));
  const w = uploadable('Conv', input('Conv', inputs, 1, 'W'));
  const b = inputs[2] && uploadable('Conv', inputs[2]);
  const spatial = spatialRank('Conv', x);
  if (w.dims.length !== spatial + 2) throw new MappingError(`Conv: W [${w.dims}] does not match X [${x.dims}]`);
  const w4 = spatial === 1 ? [w.dims[0]!, w.dims[1]!, 1, w.dims[2]!] : w.dims;
  const k: [number, number] = [w4[2]!, w4[3]!];
  const ks = a.ints('kernel_shape', undefined);
  if (ks && !sameDims(pair2(ks, spatial, 1), k)) throw new MappingError(`Conv: kernel_shape [${ks}] differs from W [${w.dims}]`);
  const ones = new Array<number>(spatial).fill(1);
  const s = pair2(a.ints('strides', ones)!, spatial, 1);
  const d = pair2(a.ints('dilations', ones)!, spatial, 1);
  const groups = a.int('group', 1);
  const xn = toNhwc(x);
  const padding = windowPadding('Conv', a, spatial, [xn.dims[1]!, xn.dims[2]!], k, s, d);
  const filter = transpose(w.values, w4, [2, 3, 1, 0]); // OIHW -> HWIO
  const attrs = { strides: s, padding, dilations: d, groups };
  return {
    ops: ['conv2d'],
    async run(ex) {
      const t = ex.op('conv2d', [ex.tensor(xn.values, xn.dims), ex.tensor(filter.values, filter.dims), b && ex.tensor(b.values, b.dims)], attrs);
      return [fromNhwc(await ex.read(t), xn.lifted)];
    },
  };
};

/**
 * ConvTranspose: W [cin, cout / group, kh, kw] -> our [kh, kw, cout, cin]. output_shape (with auto_pad) becomes
 * explicit pads as ONNX derives them (total = stride * (in - 1) + output_padding + dilated kernel - output_shape,
 * split begin/end by auto_pad); a negative end pad is extra output rows, i.e. output padding. group > 1 runs one
 * convTranspose2d per group on sliceChannels of X and concatenates the results on channels (all in our ops).
 */
const convTranspose: Mapper = (node, inputs) => {
  const op = 'ConvTranspose';
  const a = new Attrs(node, ['auto_pad', 'dilations', 'group', 'kernel_shape', 'output_padding', 'output_shape', 'pads', 'strides']);
  const x = uploadable(op, input(op, inputs, 0, 'X'));
  const w = uploadable(op, input(op, inputs, 1, 'W'));
  const b = inputs[2] && uploadable(op, inputs[2]);
  const spatial = spatialRank(op, x);
  if (w.dims.length !== spatial + 2) throw new MappingError(`${op}: W [${w.dims}] does not match X [${x.dims}]`);
  const w4 = spatial === 1 ? [w.dims[0]!, w.dims[1]!, 1, w.dims[2]!] : w.dims;
  const k: [number, number] = [w4[2]!, w4[3]!];
  const ks = a.ints('kernel_shape', undefined);
  if (ks && !sameDims(pair2(ks, spatial, 1), k)) throw new MappingError(`${op}: kernel_shape [${ks}] differs from W [${w.dims}]`);
  const ones = new Array<number>(spatial).fill(1);
  const zeros = new Array<number>(spatial).fill(0);
  const s = pair2(a.ints('strides', ones)!, spatial, 1);
  const d = pair2(a.ints('dilations', ones)!, spatial, 1);
  const opad = pair2(a.ints('output_padding', zeros)!, spatial, 0);
  const groups = a.int('group', 1);
  const xn = toNhwc(x);
  const inHW = [xn.dims[1]!, xn.dims[2]!];
  const autoPad = a.str('auto_pad', 'NOTSET');
  const outShape = a.ints('output_shape', undefined);
  let pads = a.ints('pads', undefined);
  if (pads && pads.length !== 2 * spatial) throw new MappingError(`${op}: pads has ${pads.length} values for ${spatial} spatial dims`);
  // [top, bottom, left, right] and output padding per dim (h, w)
  let padding: [number, number, number, number];
  const outputPadding: [number, number] = [opad[0], opad[1]];
  if (outShape || autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    if (pads && pads.some((p) => p !== 0)) throw new MappingError(`${op}: pads together with output_shape / auto_pad`);
    const target = outShape ? pair2(outShape.slice(-spatial), spatial, 1) : [inHW[0]! * s[0], inHW[1]! * s[1]];
    const pp = [0, 1].map((i) => {
      const total = s[i]! * (inHW[i]! - 1) + opad[i]! + (k[i]! - 1) * d[i]! + 1 - target[i]!;
      const half = Math.floor(total / 2);
      const [begin, end] = autoPad === 'SAME_UPPER' ? [half, total - half] : [total - half, half];
      if (begin < 0) throw new MappingError(`${op}: output_shape ${target[i]} needs a negative begin pad`);
      // A negative end pad adds output rows: output padding instead.
      if (end < 0) outputPadding[i] = opad[i]! - end;
      return [begin, Math.max(0, end)];
    });
    padding = [pp[0]![0]!, pp[0]![1]!, pp[1]![0]!, pp[1]![1]!];
  } else if (autoPad === 'NOTSET' || autoPad === 'VALID') {
    pads ??= new Array<number>(2 * spatial).fill(0);
    if (pads.some((v) => v < 0)) throw new MappingError(`${op}: negative pads`);
    padding = spatial === 1 ? [0, 0, pads[0]!, pads[1]!] : [pads[0]!, pads[2]!, pads[1]!, pads[3]!];
  } else {
    throw new MappingError(`${op}: unknown auto_pad '${autoPad}'`);
  }
  const cin = xn.dims[3]!;
  if (cin % groups !== 0) throw new MappingError(`${op}: ${cin} input channels not divisible by group ${groups}`);
  const cinG = cin / groups;
  const coutG = w4[1]!;
  // Per group: filter [kh, kw, coutG, cinG] from W rows g * cinG .. (g + 1) * cinG.
  const filters = Array.from({ length: groups }, (_, g) => {
    const rows = w.values.slice(g * cinG * coutG * k[0] * k[1], (g + 1) * cinG * coutG * k[0] * k[1]);
    return transpose(rows, [cinG, coutG, k[0], k[1]], [2, 3, 1, 0]);
  });
  const attrs = { strides: s, dilations: d, padding, outputPadding };
  const ops = groups > 1 ? ['convTranspose2d', 'sliceChannels', 'concat'] : ['convTranspose2d'];
  return {
    ops,
    async run(ex) {
      const xt = ex.tensor(xn.values, xn.dims);
      const outs = filters.map((f, g) => {
        const xg = groups > 1 ? ex.op('sliceChannels', [xt], { start: g * cinG, size: cinG }) : xt;
        const bg = b && ex.tensor(b.values.slice(g * coutG, (g + 1) * coutG), [coutG]);
        return ex.op('convTranspose2d', [xg, ex.tensor(f.values, f.dims), bg], attrs);
      });
      const y = groups > 1 ? ex.op('concat', outs, { axis: 3 }) : outs[0]!;
      return [fromNhwc(await ex.read(y), xn.lifted)];
    },
  };
};

function pool(kind: 'max' | 'avg'): Mapper {
  return (node, inputs) => {
    const op = node.opType;
    const known = ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'pads', 'strides'];
    const a = new Attrs(node, kind === 'max' ? [...known, 'storage_order'] : [...known, 'count_include_pad']);
    if (node.outputs.length > 1) throw new MappingError(`${op}: second output (argmax Indices) is not produced by our maxPool`);
    const x = uploadable(op, input(op, inputs, 0, 'X'), kind === 'max');
    const spatial = spatialRank(op, x);
    const ks = a.ints('kernel_shape', undefined);
    if (!ks || ks.length !== spatial) throw new MappingError(`${op}: kernel_shape must give ${spatial} dims`);
    const ones = new Array<number>(spatial).fill(1);
    const k = pair2(ks, spatial, 1);
    const s = pair2(a.ints('strides', ones)!, spatial, 1);
    const d = pair2(a.ints('dilations', ones)!, spatial, 1);
    const xn = toNhwc(x);
    const padding = windowPadding(op, a, spatial, [xn.dims[1]!, xn.dims[2]!], k, s, d);
    const attrs: Record<string, unknown> = { windowSize: k, strides: s, padding };
    if (a.int('ceil_mode', 0)) attrs.ceilMode = true;
    // avgPool takes dilations only where the ONNX node uses them (the interface gives them to maxPool only).
    if (kind === 'max' || d.some((v) => v !== 1)) attrs.dilations = d;
    if (kind === 'avg') attrs.countIncludePad = a.int('count_include_pad', 0) === 1;
    const name = kind === 'max' ? 'maxPool' : 'avgPool';
    return {
      ops: [name],
      async run(ex) {
        return [fromNhwc(await ex.read(ex.op(name, [ex.tensor(xn.values, xn.dims)], attrs)), xn.lifted)];
      },
    };
  };
}

const globalAveragePool: Mapper = (node, inputs) => {
  new Attrs(node, []);
  const x = uploadable('GlobalAveragePool', input('GlobalAveragePool', inputs, 0, 'X'));
  spatialRank('GlobalAveragePool', x);
  const xn = toNhwc(x);
  return {
    ops: ['globalAvgPool'],
    async run(ex) {
      return [fromNhwc(await ex.read(ex.op('globalAvgPool', [ex.tensor(xn.values, xn.dims)], {})), xn.lifted)];
    },
  };
};

/** Inference BatchNormalization: y = x * s + t per channel, s = scale / sqrt(var + eps), t = B - mean * s folded
 *  on the host in f64; the per-element mul and add run in 'binary' on the channels-last tensor. */
const batchNormalization: Mapper = (node, inputs) => {
  const a = new Attrs(node, ['epsilon', 'momentum', 'training_mode', 'spatial']);
  if (a.int('training_mode', 0) !== 0 || node.outputs.filter((o) => o).length > 1) {
    throw new MappingError('BatchNormalization: training mode (batch statistics, running mean/var outputs); inference only');
  }
  if (a.int('spatial', 1) !== 1) throw new MappingError('BatchNormalization: spatial=0');
  const eps = a.float('epsilon', 1e-5);
  const op = 'BatchNormalization';
  const x = uploadable(op, input(op, inputs, 0, 'X'));
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => uploadable(op, input(op, inputs, i, 'scale/B/mean/var')));
  const r = x.dims.length;
  if (r < 2) throw new MappingError(`${op}: X rank ${r} < 2`);
  const c = x.dims[1]!;
  for (const t of [scale, bias, mean, variance]) {
    if (sizeOf(t!.dims) !== c) throw new MappingError(`${op}: '${t!.name}' [${t!.dims}] is not one value per channel (${c})`);
  }
  const s = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    s[i] = scale!.values[i]! / Math.sqrt(variance!.values[i]! + eps);
    shift[i] = bias!.values[i]! - mean!.values[i]! * s[i]!;
  }
  // channels last: [N, C, d1..dk] -> [N, d1..dk, C]
  const perm = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  const xl = transpose(x.values, x.dims, perm);
  return {
    ops: ['binary'],
    async run(ex) {
      const m = ex.op('binary', [ex.tensor(xl.values, xl.dims), ex.tensor(s, [c])], { kind: 'mul' });
      const y = await ex.read(ex.op('binary', [m, ex.tensor(shift, [c])], { kind: 'add' }));
      return [transpose(y.values, y.dims, inversePerm(perm))];
    },
  };
};

const concat: Mapper = (node, inputs) => {
  const a = new Attrs(node, ['axis']);
  const axis = a.int('axis', NaN);
  if (Number.isNaN(axis)) throw new MappingError('Concat: axis is required');
  if (!inputs.length || inputs.some((t) => !t)) throw new MappingError('Concat: missing input');
  const xs = inputs.map((t) => uploadable('Concat', t!, true));
  return {
    ops: ['concat'],
    async run(ex) {
      return [await ex.read(ex.op('concat', xs.map((t) => ex.tensor(t.values, t.dims)), { axis }))];
    },
  };
};

/** Y = alpha * op(A) op(B) + beta * C: 'matmul' (C as its fused bias when it is a row vector and alpha = beta = 1),
 *  else alpha and beta through 'binary' mul and C through 'binary' add (numpy broadcast). */
const gemm: Mapper = (node, inputs) => {
  const at = new Attrs(node, ['alpha', 'beta', 'transA', 'transB']);
  const alpha = at.float('alpha', 1);
  const beta = at.float('beta', 1);
  const transA = at.int('transA', 0) === 1;
  const transB = at.int('transB', 0) === 1;
  const A = uploadable('Gemm', input('Gemm', inputs, 0, 'A'));
  const B = uploadable('Gemm', input('Gemm', inputs, 1, 'B'));
  const C = inputs[2] && uploadable('Gemm', inputs[2]);
  if (A.dims.length !== 2 || B.dims.length !== 2) throw new MappingError('Gemm: A and B must be 2-D');
  const n = transB ? B.dims[0]! : B.dims[1]!;
  const mmAttrs: Record<string, unknown> = {};
  if (transA) mmAttrs.transposeA = true;
  if (transB) mmAttrs.transposeB = true;
  const asBias = C && alpha === 1 && beta === 1 && C.dims.length >= 1 && C.dims[C.dims.length - 1] === n && sizeOf(C.dims) === n;
  return {
    ops: alpha !== 1 || (C && !asBias) ? ['matmul', 'binary'] : ['matmul'],
    async run(ex) {
      const bias = asBias ? ex.tensor(C!.values, [n]) : undefined;
      let y = ex.op('matmul', [ex.tensor(A.values, A.dims), ex.tensor(B.values, B.dims), bias], mmAttrs);
      if (alpha !== 1) y = ex.op('binary', [y, ex.tensor([alpha], [1])], { kind: 'mul' });
      if (C && !asBias) {
        let c = ex.tensor(C.values, C.dims);
        if (beta !== 1) c = ex.op('binary', [c, ex.tensor([beta], [1])], { kind: 'mul' });
        y = ex.op('binary', [y, c], { kind: 'add' });
      }
      return [await ex.read(y)];
    },
  };
};

/** numpy matmul: a 1-D A is [1, k] (the m dim dropped after), a 1-D B is [k, 1] (the n dim dropped after). */
const matmul: Mapper = (node, inputs) => {
  new Attrs(node, []);
  const A = uploadable('MatMul', input('MatMul', inputs, 0, 'A'));
  const B = uploadable('MatMul', input('MatMul', inputs, 1, 'B'));
  if (!A.dims.length || !B.dims.length) throw new MappingError('MatMul: scalar operand');
  const a1 = A.dims.length === 1;
  const b1 = B.dims.length === 1;
  const aDims = a1 ? [1, A.dims[0]!] : A.dims;
  const bDims = b1 ? [B.dims[0]!, 1] : B.dims;
  return {
    ops: ['matmul'],
    async run(ex) {
      const y = await ex.read(ex.op('matmul', [ex.tensor(A.values, aDims), ex.tensor(B.values, bDims)], {}));
      const dims = [...y.dims];
      if (b1) dims.splice(dims.length - 1, 1);
      if (a1) dims.splice(dims.length - (b1 ? 1 : 2), 1);
      return [{ dims, values: y.values }];
    },
  };
};

const softmax: Mapper = (node, inputs, ctx) => {
  const a = new Attrs(node, ['axis']);
  const x = uploadable('Softmax', input('Softmax', inputs, 0, 'input'));
  const r = x.dims.length;
  const axis = a.int('axis', ctx.opset >= 13 ? -1 : 1);
  // Before opset 13 Softmax flattened to 2-D at `axis`; that equals ours only on the last axis.
  if (ctx.opset < 13 && normAxis('Softmax', axis, r) !== r - 1) throw new MappingError(`Softmax opset ${ctx.opset}: 2-D coercion at axis ${axis}`);
  return {
    ops: ['softmax'],
    async run(ex) {
      return [await ex.read(ex.op('softmax', [ex.tensor(x.values, x.dims)], { axis }))];
    },
  };
};

const RESIZE_COORDS = ['half_pixel', 'align_corners', 'asymmetric', 'pytorch_half_pixel'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** Resize of the H and W dims of an NCHW tensor (opset 11+), output size and scales as the ONNX reference
 *  computes them (floor(in * scale) for scales; keep_aspect_ratio_policy's common scale for sizes). */
const resize: Mapper = (node, inputs, ctx) => {
  const op = 'Resize';
  const a = new Attrs(node, [
    'antialias', 'axes', 'coordinate_transformation_mode', 'cubic_coeff_a', 'exclude_outside', 'extrapolation_value',
    'keep_aspect_ratio_policy', 'mode', 'nearest_mode',
  ]);
  if (ctx.opset < 11) throw new MappingError(`Resize opset ${ctx.opset} (scales-only form)`);
  const mode = a.str('mode', 'nearest');
  if (mode !== 'nearest' && mode !== 'linear') throw new MappingError(`Resize: mode '${mode}' (we have nearest and bilinear)`);
  if (a.int('antialias', 0)) throw new MappingError('Resize: antialias=1 (antialiasing filter when downsampling)');
  const coord = a.str('coordinate_transformation_mode', 'half_pixel');
  if (!RESIZE_COORDS.includes(coord)) throw new MappingError(`Resize: coordinate_transformation_mode '${coord}'`);
  const nearestMode = a.str('nearest_mode', 'round_prefer_floor');
  if (!NEAREST_MODES.includes(nearestMode)) throw new MappingError(`Resize: nearest_mode '${nearestMode}'`);
  a.float('cubic_coeff_a', -0.75); // cubic only
  a.int('exclude_outside', 0); // only changes cubic weights
  a.float('extrapolation_value', 0); // tf_crop_and_resize only
  const policy = a.str('keep_aspect_ratio_policy', 'stretch');
  const x = uploadable(op, input(op, inputs, 0, 'X'));
  const r = x.dims.length;
  if (r !== 4) throw new MappingError(`Resize: rank ${r}; our resize works on 4-D images`);
  const axes = (a.ints('axes', undefined) ?? [0, 1, 2, 3]).map((v) => normAxis(op, v, r));
  const scalesIn = inputs[2] && inputs[2].values.length ? inputs[2] : undefined;
  const sizesIn = inputs[3] && inputs[3].values.length ? inputs[3] : undefined;
  if (!!scalesIn === !!sizesIn) throw new MappingError('Resize: exactly one of scales and sizes must be given');
  let scale = new Array<number>(r).fill(1);
  let out = [...x.dims];
  if (scalesIn) {
    if (scalesIn.values.length !== axes.length) throw new MappingError('Resize: scales length differs from axes');
    axes.forEach((ax, i) => (scale[ax] = scalesIn.values[i]!));
    out = x.dims.map((d, i) => Math.floor(d * scale[i]!));
  } else {
    const sizes = intValues(op, sizesIn!);
    if (sizes.length !== axes.length) throw new MappingError('Resize: sizes length differs from axes');
    axes.forEach((ax, i) => (out[ax] = sizes[i]!));
    scale = out.map((o, i) => o / x.dims[i]!);
    if (policy !== 'stretch') {
      const sel = axes.map((ax) => scale[ax]!);
      const common = policy === 'not_larger' ? Math.min(...sel) : policy === 'not_smaller' ? Math.max(...sel) : NaN;
      if (Number.isNaN(common)) throw new MappingError(`Resize: keep_aspect_ratio_policy '${policy}'`);
      scale = scale.map((v, i) => (axes.includes(i) ? common : 1));
      out = x.dims.map((d, i) => (axes.includes(i) ? Math.floor(common * d + 0.5) : d));
    }
  }
  if (scale[0] !== 1 || scale[1] !== 1 || out[0] !== x.dims[0] || out[1] !== x.dims[1]) {
    throw new MappingError('Resize: resizes the N or C dim');
  }
  const attrs: Record<string, unknown> = {
    size: [out[2]!, out[3]!],
    mode: mode === 'linear' ? 'bilinear' : 'nearest',
    coordinateTransform: coord,
  };
  if (mode === 'nearest') attrs.nearestMode = nearestMode;
  // the scale the coordinate transform uses differs from out / in when it came from `scales` or an aspect policy
  if (scalesIn || policy !== 'stretch') attrs.scales = [scale[2]!, scale[3]!];
  const xn = toNhwc(x);
  return {
    ops: ['resize'],
    async run(ex) {
      return [fromNhwc(await ex.read(ex.op('resize', [ex.tensor(xn.values, xn.dims)], attrs)), false)];
    },
  };
};

const pad: Mapper = (node, inputs, ctx) => {
  const op = 'Pad';
  const a = new Attrs(node, ctx.opset >= 11 ? ['mode'] : ['mode', 'pads', 'value']);
  const mode = a.str('mode', 'constant');
  if (!['constant', 'reflect', 'edge'].includes(mode)) throw new MappingError(`Pad: mode '${mode}' (we have constant, reflect, edge)`);
  const x = uploadable(op, input(op, inputs, 0, 'data'), true);
  const r = x.dims.length;
  let pads: number[];
  let value = 0;
  let axes = Array.from({ length: r }, (_, i) => i);
  if (ctx.opset >= 11) {
    pads = intValues(op, input(op, inputs, 1, 'pads'));
    const cv = inputs[2];
    if (cv && cv.values.length) {
      if (cv.values.length !== 1) throw new MappingError('Pad: constant_value must be a scalar');
      value = cv.values[0]!;
    }
    if (inputs[3]) axes = intValues(op, inputs[3]).map((v) => normAxis(op, v, r));
  } else {
    pads = a.ints('pads', undefined) ?? [];
    value = a.float('value', 0);
  }
  if (pads.length !== 2 * axes.length) throw new MappingError(`Pad: ${pads.length} pads for ${axes.length} axes`);
  if (pads.some((p) => p < 0)) throw new MappingError('Pad: negative pads (cropping)');
  const paddings = Array.from({ length: r }, () => [0, 0]);
  axes.forEach((ax, i) => (paddings[ax] = [pads[i]!, pads[axes.length + i]!]));
  const attrs: Record<string, unknown> = { paddings, mode };
  if (mode === 'constant') attrs.value = value;
  return {
    ops: ['pad'],
    async run(ex) {
      return [await ex.read(ex.op('pad', [ex.tensor(x.values, x.dims)], attrs))];
    },
  };
};

/**
 * LSTM / GRU / RNN through the library's own ONNX layout mapping (src/ops/recurrent/onnx-layout.ts: gate order,
 * bias sum, direction, layout, sequence_lens). Outputs: the node's named outputs (Y, Y_h, Y_c), in node order.
 */
function recurrent(opType: OnnxRecurrentOp): Mapper {
  return (node, inputs) => {
    const names = node.outputs;
    const wants = { Y: !!names[0], Y_h: !!names[1], Y_c: !!names[2] };
    let plan: ReturnType<typeof onnxRecurrentToKeras>;
    try {
      plan = onnxRecurrentToKeras(opType, node.attrs as ReadonlyMap<string, never>, inputs as readonly (HostArray | undefined)[], wants);
    } catch (e) {
      throw new MappingError((e as Error).message);
    }
    return {
      ops: [plan.op],
      async run(ex) {
        const ts = plan.inputs.map((a) => (a ? ex.tensor(a.values, a.dims) : undefined));
        const outs: HostArray[] = [];
        for (const t of ex.ops(plan.op, ts, plan.attrs)) outs.push(await ex.read(t));
        const mapped = plan.outputs(outs);
        return names.flatMap((n, k) => (n ? [mapped[k]!] : []));
      },
    };
  };
}

/** ONNX op type -> mapper. These are the ops the runner takes on; every other op's folders must be excluded. */
export const MAPPERS: Readonly<Record<string, Mapper>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool('max'),
  AveragePool: pool('avg'),
  GlobalAveragePool: globalAveragePool,
  Relu: elementwise('relu'),
  LeakyRelu: elementwise('leakyRelu', 0.01),
  PRelu: prelu,
  Sigmoid: elementwise('sigmoid'),
  Tanh: elementwise('tanh'),
  BatchNormalization: batchNormalization,
  Add: binary('add'),
  Mul: binary('mul'),
  Concat: concat,
  Gemm: gemm,
  MatMul: matmul,
  Softmax: softmax,
  Resize: resize,
  Pad: pad,
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  RNN: recurrent('RNN'),
};
