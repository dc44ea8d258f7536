import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import { prepareMatmul } from '../matmul/spec.js';
import { matmulWebGpu } from '../matmul/webgpu.js';
import { recurrentLayout, type RecurrentLayout } from './layout.js';
import { dirSlot, direction, IN, type RecurrentNorm } from './spec.js';

const UTIL_WG = 256;
const STEP_WG = 64;
const CELL_CODE = { simpleRnn: 0, lstm: 1, gru: 2 } as const;
const MERGE_CODE = { sum: 1, mul: 2, ave: 3 } as const;

/** How the recurrence runs: 'auto' picks per shape; the others force a variant (tests, benchmarks). */
export const recurrentGpuTuning: { mode: 'auto' | 'persist' | 'steps'; rows: number } = { mode: 'auto', rows: 0 };

interface Plan {
  persist: boolean;
  /** Batch rows per invocation (register block). */
  BR: number;
  /** Persistent: the recurrent kernel in workgroup memory; workgroup size; vec4 of h slots and of the kernel. */
  shared: boolean;
  wg: number;
  hs: number;
  rs: number;
}

/**
 * Persistent (one dispatch for all T steps, one workgroup per direction and block of BR batch rows) when the
 * per-step dispatches would each do little work: with few rows x unit blocks a dispatch costs more than its
 * arithmetic. Otherwise T step dispatches over every (direction, row block, unit block), which spread over more
 * invocations. On CPU adapters (lavapipe, SwiftShader) a dispatch is cheaper relative to the arithmetic: the
 * persistent kernel wins only for small batches (b1 T10 128->64 LSTM: 0.51 ms against 0.78 ms for steps; b32:
 * 5.5 against 5.1 ms). Four rows per invocation where there are enough: each weight load then feeds 4 FMAs (b32:
 * 5.1 ms with 4, 6.3 with 2, 10 with 1). The recurrent kernel goes into workgroup memory when it fits next to h.
 */
function plan(be: WebGpuBackend, a: RecurrentNorm, L: RecurrentLayout): Plan {
  const { nq } = L;
  const wgBytes = be.device.limits.maxComputeWorkgroupStorageSize;
  const forced = recurrentGpuTuning.mode;
  const cpuAdapter = /llvmpipe|lavapipe|swiftshader|software/i.test(be.adapterInfo);
  const work = a.batch * a.dirs * nq; // invocations of one step with BR = 1
  let persist = forced === 'persist' || (forced === 'auto' && work <= (cpuAdapter ? 256 : 4096));
  let BR = recurrentGpuTuning.rows || (persist || a.batch >= 16 ? Math.min(4, a.batch) : Math.min(a.batch, 2));
  BR = Math.max(1, Math.min(4, BR));
  // h ping-pong and r*h of BR rows must fit in workgroup memory: fewer rows, else (units beyond ~680) steps.
  while (persist && BR > 1 && 48 * BR * nq > wgBytes) BR--;
  if (persist && 48 * BR * nq > wgBytes) persist = false;
  const hs = 3 * BR * nq;
  const rs = (L.up * a.G * L.up) / 4;
  const shared = persist && 16 * (hs + rs) <= wgBytes;
  let wg = 1;
  while (wg < nq && wg < 64) wg *= 2;
  return { persist, BR, shared, wg, hs, rs: shared ? rs : 1 };
}

/**
 * x W + b for every step by one GEMM (the matmul op's kernel), then the recurrence (shaders/rnn.wgsl), all
 * recorded into the one command encoder, no host round-trip. One direction with units a multiple of 4 reads the
 * Keras-layout weights in place; otherwise they are packed first (shaders/rnn_util.wgsl): units padded, gates
 * interleaved per block, both directions in one buffer and one GEMM.
 */
export function recurrentWebGpu(be: WebGpuBackend, { inputs, outputs, attrs: a }: KernelArgs<GpuStorage, RecurrentNorm>): void {
  const { batch: B, steps: T, features: F, units: u, G, dirs } = a;
  const L = recurrentLayout(a, 4);
  const { up, nq, N } = L;
  const inPlace = dirs === 1 && u % 4 === 0;
  const rwDir = up * G * up; // packed floats per direction: padded rows too, so a step's k loop needs no tail
  const stateDir = 5 * B * up;
  const x = inputs[IN.x]!;
  const temps: GpuStorage[] = [];
  const tmp = (n: number) => {
    const s = be.alloc(Math.max(1, n));
    temps.push(s);
    return s;
  };
  const xp = tmp(L.rows * N);
  const state = tmp(dirs * stateDir);
  const ms = L.mergeScratch ? tmp(dirs * L.outSize) : null;

  const util = (entryPoint: string, src: GpuStorage | undefined, dst: GpuStorage, n: number, f: Partial<Record<'u' | 'up' | 'G' | 'rows' | 'srcOff' | 'dstOff' | 'dstStride', number>>, extra: Record<string, number | boolean> = {}) => {
    if (n <= 0) return;
    const groups = grid(Math.ceil(n / UTIL_WG));
    const prm = new Uint32Array(12);
    prm.set([n, groups[0] * UTIL_WG, f.u ?? u, f.up ?? up, f.G ?? G, f.rows ?? 1, f.srcOff ?? 0, f.dstOff ?? 0, f.dstStride ?? 0]);
    be.dispatch({
      shader: 'rnn_util',
      entryPoint,
      constants: { WG: UTIL_WG, HAS_SRC: !!src, ...extra },
      // Without a source, bind x (read-only, never read) in its slot.
      bindings: [src ?? x, dst],
      uniforms: prm,
      workgroups: groups,
    });
  };
  const gemm = (w: GpuStorage, bias: GpuStorage | undefined, n: number) =>
    matmulWebGpu(be, {
      inputs: [x, w, bias, undefined],
      inShapes: [[L.rows, F], [F, n], bias ? [n] : undefined, undefined],
      outputs: [xp],
      outShapes: [[L.rows, n]],
      attrs: prepareMatmul([[L.rows, F], [F, n], bias ? [n] : undefined], {}).attrs,
    });

  const gateBias = a.cell === 'gru' && a.resetAfter;
  let flags = 0;
  let rw: GpuStorage;
  let aux: GpuStorage;
  // Strides in vec4 (see Params in shaders/rnn.wgsl).
  let layout: { wq: number; ws: number; wgs: number; xq: number; xgs: number; xpDir: number; aq: number; ags: number; auxDir: number; auxOff: number };
  if (inPlace) {
    const bias = inputs[dirSlot(0, 'bias')];
    const peep = inputs[dirSlot(0, 'peephole')];
    // XP [rows, G*u] = x W + b (GRU resetAfter: the bias's first row, its first 3u values)
    gemm(inputs[dirSlot(0, 'kernel')]!, bias, G * u);
    rw = inputs[dirSlot(0, 'recurrentKernel')]!;
    aux = peep ?? (gateBias && bias ? bias : x);
    if (peep || (gateBias && bias)) flags |= 4;
    layout = { wq: 1, ws: G * nq, wgs: nq, xq: 1, xgs: nq, xpDir: 0, aq: 1, ags: nq, auxDir: 0, auxOff: peep ? 0 : 3 * nq };
  } else {
    const wp = tmp(F * N);
    const bp = tmp(N);
    rw = tmp(dirs * rwDir);
    aux = tmp(dirs * 3 * up);
    for (let d = 0; d < dirs; d++) {
      const bias = inputs[dirSlot(d, 'bias')];
      const peep = inputs[dirSlot(d, 'peephole')];
      util('pack_rows', inputs[dirSlot(d, 'kernel')], wp, F * G * up, { rows: F, dstOff: d * G * up, dstStride: N });
      util('pack_rows', bias, bp, G * up, { dstOff: d * G * up });
      util('pack_panels', inputs[dirSlot(d, 'recurrentKernel')], rw, rwDir, { rows: up, dstOff: d * rwDir });
      if (peep) util('pack_rows', peep, aux, 3 * up, { G: 3, dstOff: d * 3 * up });
      if (gateBias && bias) util('pack_rows', bias, aux, 3 * up, { G: 3, srcOff: 3 * u, dstOff: d * 3 * up });
      if (peep || (gateBias && bias)) flags |= 4 << (4 * d);
    }
    // XP [rows, N] = x W' + b': every step of both directions in one GEMM.
    gemm(wp, bp, N);
    layout = { wq: up * G, ws: G, wgs: 1, xq: G, xgs: 1, xpDir: G * nq, aq: 3, ags: 1, auxDir: 3 * nq, auxOff: 0 };
  }
  for (let d = 0; d < dirs; d++) {
    util('pad_rows', inputs[dirSlot(d, 'initialH')], state, B * up, { dstOff: d * stateDir });
    if (a.cell === 'lstm') util('pad_rows', inputs[dirSlot(d, 'initialC')], state, B * up, { dstOff: d * stateDir + 2 * B * up });
    const { reversed, flipOut } = direction(a, d);
    flags |= ((reversed ? 1 : 0) | (flipOut ? 2 : 0)) << (4 * d);
  }

  const P = plan(be, a, L);
  const out = ms ?? outputs[0]!;
  const cellCode = a.cell === 'gru' && !a.resetAfter ? 3 : CELL_CODE[a.cell];
  const constants = {
    CELL: cellCode,
    G,
    BR: P.BR,
    WG: P.persist ? P.wg : STEP_WG,
    ACT: a.act,
    RACT: a.ract,
    MASK: a.maskMode,
    ZERO: a.zeroOutputForMask,
    SEQ: a.returnSequences,
    PERSIST: P.persist,
    HS: P.persist ? P.hs : 1,
    RS_SHARED: P.shared,
    RS: P.rs,
  };
  const nrb = Math.ceil(B / P.BR);
  const invocations = nq * nrb * dirs;
  const groups = grid(Math.ceil(invocations / STEP_WG));
  const xn = inPlace ? G * nq : N / 4; // xp vec4 per row
  const l = layout;
  const params = (s0: number, s1: number) =>
    new Uint32Array([
      B, u, nq, T, s0, s1, a.timeMajor ? xn : T * xn, a.timeMajor ? B * xn : xn, L.osb, L.ost, L.outDirOffset, flags,
      stateDir / 4, rwDir / 4, dirs, groups[0] * STEP_WG, l.wq, l.ws, l.wgs, l.xq, l.xgs, l.xpDir, l.aq, l.ags, l.auxDir, l.auxOff, 0, 0,
    ]);
  const bindings = [xp, rw, aux, inputs[IN.mask] ?? x, state, out];
  if (P.persist) {
    be.dispatch({ shader: 'rnn', entryPoint: 'persist', constants, bindings, uniforms: params(0, T), workgroups: [nrb * dirs] });
  } else {
    for (let s = 0; s < T; s++) {
      const uniforms = params(s, s + 1);
      if (cellCode === 3) be.dispatch({ shader: 'rnn', entryPoint: 'step_zr', constants, bindings, uniforms, workgroups: groups });
      be.dispatch({ shader: 'rnn', entryPoint: 'step', constants, bindings, uniforms, workgroups: groups });
    }
  }

  if (ms) util('merge', ms, outputs[0]!, L.outSize, { srcOff: L.outSize }, { MERGE: MERGE_CODE[a.merge as 'sum'] });
  if (a.returnState) {
    let o = 1;
    for (let d = 0; d < dirs; d++) {
      util('unpad_rows', state, outputs[o++]!, B * u, { srcOff: d * stateDir + (T % 2) * B * up });
      if (a.cell === 'lstm') util('unpad_rows', state, outputs[o++]!, B * u, { srcOff: d * stateDir + 2 * B * up });
    }
  }
  // Released now, returned to the pool after the submit that runs this work.
  for (const s of temps) be.release(s);
}
