// ONNX LSTM / GRU / RNN onto the Keras-layout lstm / gru / simpleRnn ops: weight re-layout and gate reordering on
// the host (model loaders do this once, at load), attribute mapping, and the outputs back to ONNX's layouts.
//
// ONNX (opset 7..22): W [dirs, G*hidden, input], R [dirs, G*hidden, hidden], B [dirs, 2*G*hidden] (Wb then Rb),
// gates i, o, f, c (LSTM) / z, r, h (GRU); P [dirs, 3*hidden] peepholes i, o, f; sequence_lens [batch];
// layout 0: X [T, batch, input], Y [T, dirs, batch, hidden], initial_h / initial_c / Y_h / Y_c [dirs, batch,
// hidden]; layout 1: X [batch, T, input], Y [batch, T, dirs, hidden], states [batch, dirs, hidden].
// Keras: kernel [input, G*units], recurrentKernel [units, G*units], gates i, f, c, o / z, r, h.
import { InvalidModelFileError, UnsupportedError } from '../../runtime/errors.js';
import { dirSlot, IN, type RecurrentAttrs, type RnnActivation } from './spec.js';

/** A host array: dims and values (f32 or f64 values, any ArrayLike). */
export interface HostArray {
  dims: number[];
  values: ArrayLike<number>;
}

export type OnnxRecurrentOp = 'LSTM' | 'GRU' | 'RNN';
export type OnnxAttrValue = number | string | number[] | string[] | unknown;

export interface OnnxRecurrentPlan {
  /** Registry op: 'lstm' | 'gru' | 'simpleRnn'. */
  op: 'lstm' | 'gru' | 'simpleRnn';
  attrs: RecurrentAttrs;
  /** The op's 14 input slots (see IN in spec.ts), Keras layouts; undefined = absent. */
  inputs: (HostArray | undefined)[];
  /** ONNX outputs [Y, Y_h, Y_c] (LSTM) / [Y, Y_h] from the op's outputs, in ONNX layouts (host re-layout only). */
  outputs(ours: readonly HostArray[]): HostArray[];
}

const CELL = { LSTM: 'lstm', GRU: 'gru', RNN: 'simpleRnn' } as const;
const GATES = { LSTM: 4, GRU: 3, RNN: 1 } as const;
/** For each Keras gate, the ONNX gate holding it: LSTM i f c o <- ONNX i o f c. */
const GATE_FROM_ONNX = { LSTM: [0, 2, 3, 1], GRU: [0, 1, 2], RNN: [0] } as const;
const KNOWN_ATTRS = ['activation_alpha', 'activation_beta', 'activations', 'clip', 'direction', 'hidden_size', 'input_forget', 'layout', 'linear_before_reset'];

function unsupported(op: string, what: string): never {
  throw new UnsupportedError(`ONNX ${op}: ${what}`);
}
function bad(op: string, what: string): never {
  throw new InvalidModelFileError(`ONNX ${op}: ${what}`);
}

/** ONNX activation (with its alpha/beta) -> ours, where ours computes exactly the same function. */
function activationOf(op: string, name: string, alpha: number | undefined, beta: number | undefined): RnnActivation {
  switch (name.toLowerCase()) {
    case 'sigmoid':
      return 'sigmoid';
    case 'tanh':
      return 'tanh';
    case 'relu':
      return 'relu';
    case 'hardsigmoid':
      // ONNX HardSigmoid defaults alpha 0.2, beta 0.5: Keras's hard_sigmoid exactly.
      if ((alpha ?? 0.2) === Math.fround(0.2) || (alpha ?? 0.2) === 0.2) {
        if ((beta ?? 0.5) === 0.5) return 'hard_sigmoid';
      }
      return unsupported(op, `HardSigmoid with alpha ${alpha}, beta ${beta} (only 0.2, 0.5: Keras hard_sigmoid)`);
    case 'affine':
      if ((alpha ?? 1) === 1 && (beta ?? 0) === 0) return 'linear';
      return unsupported(op, `Affine with alpha ${alpha}, beta ${beta} (only the identity)`);
    default:
      return unsupported(op, `activation ${name} (supported: Sigmoid, Tanh, Relu, HardSigmoid 0.2/0.5, Affine 1/0)`);
  }
}

function get(attrs: ReadonlyMap<string, OnnxAttrValue> | Record<string, OnnxAttrValue>, k: string): OnnxAttrValue {
  return attrs instanceof Map ? attrs.get(k) : (attrs as Record<string, OnnxAttrValue>)[k];
}

/**
 * Maps one ONNX LSTM / GRU / RNN node. `inputs` in ONNX order: X, W, R, B?, sequence_lens?, initial_h?,
 * initial_c? (LSTM), P? (LSTM). `wants`: which ONNX outputs the graph uses (Y, Y_h, Y_c); the op computes only
 * those (returnSequences for Y, returnState for the states).
 */
export function onnxRecurrentToKeras(
  opType: OnnxRecurrentOp,
  attrs: ReadonlyMap<string, OnnxAttrValue> | Record<string, OnnxAttrValue>,
  inputs: readonly (HostArray | undefined)[],
  wants: { Y: boolean; Y_h: boolean; Y_c?: boolean } = { Y: true, Y_h: true, Y_c: true },
): OnnxRecurrentPlan {
  const op = opType;
  if (!(op in CELL)) unsupported(op, 'not a recurrent op (LSTM, GRU, RNN)');
  const keys = attrs instanceof Map ? [...attrs.keys()] : Object.keys(attrs);
  for (const k of keys) if (!KNOWN_ATTRS.includes(k)) unsupported(op, `attribute '${k}'`);
  const G = GATES[op];
  const num = (k: string, d: number) => {
    const v = get(attrs, k);
    if (v === undefined) return d;
    if (typeof v !== 'number') bad(op, `attribute ${k} must be an int, got ${JSON.stringify(v)}`);
    return v;
  };
  if (get(attrs, 'clip') !== undefined) unsupported(op, 'clip (cell clipping)');
  if (num('input_forget', 0) !== 0) unsupported(op, 'input_forget=1 (coupled input and forget gates)');
  const layout = num('layout', 0);
  if (layout !== 0 && layout !== 1) bad(op, `layout must be 0 or 1, got ${layout}`);
  const dirAttr = (get(attrs, 'direction') as string | undefined) ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(dirAttr)) bad(op, `direction '${dirAttr}'`);
  const dirs = dirAttr === 'bidirectional' ? 2 : 1;
  const resetAfter = op === 'GRU' && num('linear_before_reset', 0) !== 0;

  const [X, W, R, Bias, lens, h0, c0, P] = inputs;
  if (!X || !W || !R) bad(op, 'needs X, W and R');
  if (X.dims.length !== 3) bad(op, `X must be rank 3, got [${X.dims}]`);
  const [T, batch] = layout === 0 ? [X.dims[0]!, X.dims[1]!] : [X.dims[1]!, X.dims[0]!];
  const F = X.dims[2]!;
  if (W.dims.length !== 3 || W.dims[0] !== dirs || W.dims[2] !== F || W.dims[1]! % G !== 0) {
    bad(op, `W must be [${dirs}, ${G} * hidden, ${F}], got [${W.dims}]`);
  }
  const u = W.dims[1]! / G;
  const hidden = num('hidden_size', u);
  if (hidden !== u) bad(op, `hidden_size ${hidden} does not match W [${W.dims}]`);
  const chk = (name: string, a: HostArray | undefined, dims: number[]) => {
    if (a && (a.dims.length !== dims.length || a.dims.some((d, i) => d !== dims[i]))) bad(op, `${name} must be [${dims}], got [${a.dims}]`);
  };
  chk('R', R, [dirs, G * u, u]);
  chk('B', Bias, [dirs, 2 * G * u]);
  chk('sequence_lens', lens, [batch]);
  const stateDims = layout === 0 ? [dirs, batch, u] : [batch, dirs, u];
  chk('initial_h', h0, stateDims);
  if (op === 'LSTM') {
    chk('initial_c', c0, stateDims);
    chk('P', P, [dirs, 3 * u]);
  } else if (c0 || P) {
    bad(op, 'initial_c and P are LSTM inputs');
  }

  // Activations: per direction [f, g, h] (LSTM), [f, g] (GRU), [f] (RNN); ours has one gate activation and one
  // cell activation (LSTM g and h must agree).
  const nAct = op === 'LSTM' ? 3 : op === 'GRU' ? 2 : 1;
  const defaults = op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
  const names = (get(attrs, 'activations') as string[] | undefined) ?? [...defaults, ...(dirs === 2 ? defaults : [])];
  if (names.length !== nAct * dirs) bad(op, `activations lists ${names.length} functions, want ${nAct * dirs}`);
  const alphas = (get(attrs, 'activation_alpha') as number[] | undefined) ?? [];
  const betas = (get(attrs, 'activation_beta') as number[] | undefined) ?? [];
  // alpha / beta are listed only for the activations that take them, in order.
  const takes = (n: string) => ['hardsigmoid', 'affine', 'leakyrelu', 'thresholdedrelu', 'scaledtanh', 'elu', 'softplus'].includes(n.toLowerCase());
  let ai = 0;
  const acts = names.map((n) => {
    const t = takes(n);
    const a = t ? alphas[ai] : undefined;
    const b = t ? betas[ai] : undefined;
    if (t) ai++;
    return activationOf(op, n, a, b);
  });
  for (let k = 0; k < nAct; k++) if (dirs === 2 && acts[k] !== acts[nAct + k]) unsupported(op, 'different activations per direction');
  if (op === 'LSTM' && acts[1] !== acts[2]) unsupported(op, `LSTM cell activations g=${names[1]} and h=${names[2]} differ`);

  // ---- weights: ONNX [dirs, G*u, in] -> Keras [in, G*u] with gates reordered ----
  const order = GATE_FROM_ONNX[op];
  const kerasMatrix = (src: HostArray, d: number, cols: number): HostArray => {
    const out = new Float32Array(cols * G * u);
    const base = d * G * u * cols;
    for (let kg = 0; kg < G; kg++) {
      const og = order[kg]!;
      for (let j = 0; j < u; j++) {
        const row = base + (og * u + j) * cols;
        for (let c = 0; c < cols; c++) out[c * G * u + kg * u + j] = src.values[row + c]!;
      }
    }
    return { dims: [cols, G * u], values: out };
  };
  const reorder = (src: HostArray, off: number): Float32Array => {
    const out = new Float32Array(G * u);
    for (let kg = 0; kg < G; kg++) for (let j = 0; j < u; j++) out[kg * u + j] = src.values[off + order[kg]! * u + j]!;
    return out;
  };
  const slots: (HostArray | undefined)[] = new Array(14).fill(undefined);
  slots[IN.x] = { dims: [...X.dims], values: X.values };
  if (lens) slots[IN.mask] = { dims: [batch], values: Float32Array.from(lens.values) };
  for (let d = 0; d < dirs; d++) {
    slots[dirSlot(d, 'kernel')] = kerasMatrix(W, d, F);
    slots[dirSlot(d, 'recurrentKernel')] = kerasMatrix(R, d, u);
    if (Bias) {
      const wb = reorder(Bias, d * 2 * G * u);
      const rb = reorder(Bias, d * 2 * G * u + G * u);
      if (resetAfter) {
        // linear_before_reset=1 is Keras's resetAfter: r multiplies (h R_h + Rb_h); keep the two biases apart.
        const b2 = new Float32Array(2 * G * u);
        b2.set(wb);
        b2.set(rb, G * u);
        slots[dirSlot(d, 'bias')] = { dims: [2, G * u], values: b2 };
      } else {
        // LSTM, RNN, GRU linear_before_reset=0: both biases add outside every product.
        for (let i = 0; i < wb.length; i++) wb[i]! += rb[i]!;
        slots[dirSlot(d, 'bias')] = { dims: [G * u], values: wb };
      }
    } else if (resetAfter) {
      slots[dirSlot(d, 'bias')] = { dims: [2, G * u], values: new Float32Array(2 * G * u) };
    }
    // initial_h / initial_c: [dirs, batch, u] (layout 0) or [batch, dirs, u] (layout 1) -> [batch, u] per direction
    const state = (s: HostArray | undefined): HostArray | undefined =>
      s && {
        dims: [batch, u],
        values: Float32Array.from({ length: batch * u }, (_, i) => {
          const b = Math.floor(i / u);
          return s.values[(layout === 0 ? d * batch + b : b * dirs + d) * u + (i % u)]!;
        }),
      };
    slots[dirSlot(d, 'initialH')] = state(h0);
    if (op === 'LSTM') {
      slots[dirSlot(d, 'initialC')] = state(c0);
      if (P) {
        // ONNX i, o, f -> ours i, f, o
        const pv = new Float32Array(3 * u);
        for (let j = 0; j < u; j++) {
          pv[j] = P.values[d * 3 * u + j]!;
          pv[u + j] = P.values[d * 3 * u + 2 * u + j]!;
          pv[2 * u + j] = P.values[d * 3 * u + u + j]!;
        }
        slots[dirSlot(d, 'peephole')] = { dims: [3, u], values: pv };
      }
    }
  }

  const returnState = wants.Y_h || !!wants.Y_c;
  const ra: RecurrentAttrs = {
    units: u,
    returnSequences: wants.Y,
    returnState,
    timeMajor: layout === 0,
    activation: acts[1] ?? acts[0]!,
    // ONNX pads Y with zeros past each sequence's length.
    zeroOutputForMask: true,
  };
  if (op !== 'RNN') ra.recurrentActivation = acts[0]!;
  if (op === 'GRU') ra.resetAfter = resetAfter;
  if (op === 'RNN') ra.activation = acts[0]!;
  if (dirAttr === 'reverse') {
    ra.goBackwards = true;
    ra.alignBackwards = true;
  }
  if (dirs === 2) ra.bidirectional = 'concat';

  const outputs = (ours: readonly HostArray[]): HostArray[] => {
    const res: HostArray[] = [];
    let k = 0;
    if (wants.Y) {
      // ours: [T, B, dirs*u] (layout 0) or [B, T, dirs*u] (layout 1) = [B, T, dirs, u] already.
      const y = ours[k++]!;
      if (layout === 1) res.push({ dims: [batch, T, dirs, u], values: y.values });
      else {
        const v = new Float32Array(T * dirs * batch * u);
        for (let t = 0; t < T; t++)
          for (let b = 0; b < batch; b++)
            for (let d = 0; d < dirs; d++)
              for (let j = 0; j < u; j++) v[((t * dirs + d) * batch + b) * u + j] = y.values[((t * batch + b) * dirs + d) * u + j]!;
        res.push({ dims: [T, dirs, batch, u], values: v });
      }
    } else {
      k++; // the op's last output, unused
      res.push({ dims: [0], values: [] });
    }
    if (returnState) {
      const perDir = op === 'LSTM' ? 2 : 1;
      const stack = (which: number): HostArray => {
        const v = new Float32Array(dirs * batch * u);
        for (let d = 0; d < dirs; d++) {
          const s = ours[k + d * perDir + which]!.values;
          for (let b = 0; b < batch; b++)
            for (let j = 0; j < u; j++) v[(layout === 0 ? (d * batch + b) : (b * dirs + d)) * u + j] = s[b * u + j]!;
        }
        return { dims: layout === 0 ? [dirs, batch, u] : [batch, dirs, u], values: v };
      };
      res.push(stack(0));
      if (op === 'LSTM') res.push(stack(1));
    }
    return res;
  };
  return { op: CELL[op], attrs: ra, inputs: slots, outputs };
}
