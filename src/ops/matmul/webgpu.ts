import type { GpuStorage, WebGpuBackend } from '../../runtime/backends/webgpu.js';
import { UnsupportedError } from '../../runtime/errors.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { MatmulNorm } from './spec.js';

const MAX_WG = 65535;
const GEMV_WG = 64;

function pow2ceil(x: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, x)));
}

/** Params block of shaders/matmul.wgsl. */
function params(attrs: MatmulNorm, zBase: number): ArrayBuffer {
  const u = new ArrayBuffer(80);
  const w = new Uint32Array(u);
  w.set([attrs.m, attrs.n, attrs.k, 0, attrs.batchDims.length, zBase]);
  new Float32Array(u, 12, 1)[0] = attrs.alpha;
  attrs.batchDims.forEach((d, i) => {
    w[8 + i] = d;
    w[12 + i] = attrs.aStrides[i]!;
    w[16 + i] = attrs.bStrides[i]!;
  });
  return u;
}

/**
 * Picks the entry point: gemv for m == 1 when B rows (or, transposed, k) take vec4 loads; main_vec4 when B is
 * not transposed and n % 4 == 0; main_nt for a transposed B with k % 4 == 0 (A not transposed); main otherwise.
 * Workgroups are 64 invocations shaped to the output.
 */
export function matmulWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, MatmulNorm>): void {
  const [a, b, bias, prelu] = inputs;
  const { m, n, k, transposeA: TA, transposeB: TB } = attrs;
  if (attrs.batchDims.length > 4) {
    throw new UnsupportedError(`matmul: ${attrs.batchDims.length} batch dims that do not merge (webgpu takes 4)`);
  }
  const common = { ACT: attrs.code, TA, TB, HAS_BIAS: !!bias, PRELU: attrs.activation === 'prelu' };
  const bindings = [a!, b!, bias ?? a!, prelu ?? a!, outputs[0]!];
  let entryPoint: string;
  let constants: Record<string, number | boolean>;
  let groups: [number, number];
  if (m === 1 && (TB ? k % 4 === 0 : n % 4 === 0)) {
    const units = TB ? n : n / 4;
    const steps = TB ? k / 4 : k;
    // Split k while there are few output units, keeping at least 16 steps per invocation.
    let split = 1;
    while (split < GEMV_WG && units * split < 512 && steps / (split * 2) >= 16) split *= 2;
    entryPoint = 'gemv';
    constants = { ...common, WG: GEMV_WG, SPLITK: split };
    groups = [Math.ceil(units / (GEMV_WG / split)), 1];
  } else {
    const vec = !TB && n % 4 === 0;
    const nt = TB && !TA && k % 4 === 0;
    const cols = Math.ceil(n / 4);
    // 8 x 8 invocations (a 32 x 32 output block) unless n is narrow: a square block reads the fewest A and B
    // values per output.
    const wgx = Math.min(8, pow2ceil(cols));
    const wgy = 64 / wgx;
    entryPoint = vec ? 'main_vec4' : nt ? 'main_nt' : 'main';
    constants = { ...common, WGX: wgx, WGY: wgy };
    groups = [Math.ceil(cols / wgx), Math.ceil(Math.ceil(m / 4) / wgy)];
  }
  if (groups[0] > MAX_WG || groups[1] > MAX_WG) {
    throw new UnsupportedError(`matmul: output ${m} x ${n} needs more than ${MAX_WG} workgroups along one dimension`);
  }
  for (let z0 = 0; z0 < attrs.batch; z0 += MAX_WG) {
    be.dispatch({
      shader: 'matmul',
      entryPoint,
      constants,
      bindings,
      uniforms: params(attrs, z0),
      workgroups: [groups[0], groups[1], Math.min(MAX_WG, attrs.batch - z0)],
    });
  }
}
