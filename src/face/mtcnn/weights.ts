// MTCNN weights (face-api.js's mtcnn_model manifest: 50 float32 tensors) turned into what our kernels run.
// The Caffe-born nets expect transposed (x <-> y), BGR images. Instead of transposing every image and crop we
// transpose the model once: conv filters swap their two spatial axes and the first dense layer's rows are
// re-ordered for our (y, x, c) flattening; a network run on the untransposed image then gives the transposed
// outputs, which are the same per-position values. BGR comes from normalizeImage. Channels are zero-padded to
// multiples of 4 (the image's 4th channel, P-Net's 10 filters, the heads) so every layer takes the vec4 kernels;
// padded weights are 0, so padded channels are 0 and contribute nothing.
import type { Engine } from '../../runtime/engine.js';
import type { Tensor } from '../../runtime/tensor.js';
import { expectAllTaken, takeWeight } from '../../nn/weights/take.js';
import type { NamedWeights } from '../../nn/weights/named.js';

export interface ConvLayer {
  filter: Tensor;
  bias: Tensor;
  /** PReLU slopes; absent for the heads. */
  alpha?: Tensor;
}

export interface DenseLayer {
  kernel: Tensor;
  bias: Tensor;
}

export interface PNetParams {
  conv1: ConvLayer;
  conv2: ConvLayer;
  conv3: ConvLayer;
  /** conv4_1 (2 logits) and conv4_2 (4 box offsets) as one 1x1 conv, 8 outputs (2 padding). */
  head: ConvLayer;
}

export interface RNetParams {
  conv1: ConvLayer;
  conv2: ConvLayer;
  conv3: ConvLayer;
  /** fc1 as a 3x3 valid conv over the 3x3x64 map (a dense layer over its flattening). */
  fc1: ConvLayer;
  /** fc2_1 (2 logits) and fc2_2 (4 offsets): [128, 6]. */
  head: DenseLayer;
}

export interface ONetParams {
  conv1: ConvLayer;
  conv2: ConvLayer;
  conv3: ConvLayer;
  conv4: ConvLayer;
  /** fc1 as a 3x3 valid conv over the 3x3x128 map. */
  fc1: ConvLayer;
  /** fc2_1 (2 logits), fc2_2 (4 offsets), fc2_3 (10 landmark coordinates: 5 x then 5 y): [256, 16]. */
  head: DenseLayer;
}

export interface MtcnnParams {
  pnet: PNetParams;
  rnet: RNetParams;
  onet: ONetParams;
}

const up4 = (n: number) => Math.ceil(n / 4) * 4;

/** HWIO filter with the spatial axes swapped and in / out channels zero-padded to `ci` / `co`. */
function transposedFilter(data: Float32Array, [kh, kw, cin, cout]: readonly number[], ci: number, co: number): Float32Array {
  const out = new Float32Array(kw * kh * ci * co);
  for (let u = 0; u < kh; u++) {
    for (let v = 0; v < kw; v++) {
      for (let i = 0; i < cin!; i++) {
        const src = ((u * kw! + v) * cin! + i) * cout!;
        const dst = ((v * kh! + u) * ci + i) * co;
        out.set(data.subarray(src, src + cout!), dst);
      }
    }
  }
  return out;
}

/** A vector zero-padded to n. */
function padded(data: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n);
  out.set(data);
  return out;
}

/**
 * The first dense layer of R-Net / O-Net as a side x side conv filter for our layout. face-api flattens the
 * transposed map, row (a * side + b) * c + ch for x = a, y = b; our filter tap is [y][x][ch].
 */
function denseAsConv(data: Float32Array, side: number, c: number, n: number): Float32Array {
  const out = new Float32Array(side * side * c * n);
  for (let a = 0; a < side; a++) {
    for (let b = 0; b < side; b++) {
      for (let ch = 0; ch < c; ch++) {
        const src = ((a * side + b) * c + ch) * n;
        const dst = ((b * side + a) * c + ch) * n;
        out.set(data.subarray(src, src + n), dst);
      }
    }
  }
  return out;
}

/** Dense heads side by side: [k, n1 + n2 + ...] and their biases. */
function concatHeads(parts: { w: Float32Array; b: Float32Array; n: number }[], k: number): { kernel: Float32Array; bias: Float32Array; n: number } {
  const n = parts.reduce((s, p) => s + p.n, 0);
  const kernel = new Float32Array(k * n);
  const bias = new Float32Array(n);
  let off = 0;
  for (const p of parts) {
    for (let r = 0; r < k; r++) kernel.set(p.w.subarray(r * p.n, (r + 1) * p.n), r * n + off);
    bias.set(p.b, off);
    off += p.n;
  }
  return { kernel, bias, n };
}

/**
 * Checks every tensor's shape against the MTCNN architecture, builds the kernel-ready layers and uploads them.
 * Throws InvalidModelFileError (naming the tensor and file) for a wrong or incomplete manifest.
 */
export function buildMtcnnParams(engine: Engine, weights: NamedWeights): MtcnnParams {
  const take = (name: string, shape: number[]) => takeWeight(weights, name, shape).data;
  // Host arrays first: a bad file throws before anything is uploaded.
  const staged: [Float32Array, number[]][] = [];
  const stage = (data: Float32Array, shape: number[]) => {
    staged.push([data, shape]);
    return staged.length - 1;
  };
  const conv = (net: string, name: string, k: [number, number], cin: number, cout: number, ci: number, prelu?: string) => {
    const co = up4(cout);
    const f = take(`${net}/${name}/weights`, [k[0], k[1], cin, cout]);
    const b = take(`${net}/${name}/bias`, [cout]);
    return {
      filter: stage(transposedFilter(f, [k[0], k[1], cin, cout], ci, co), [k[1], k[0], ci, co]),
      bias: stage(padded(b, co), [co]),
      alpha: prelu ? stage(padded(take(`${net}/${prelu}`, [cout]), co), [co]) : undefined,
    };
  };
  const fc1 = (net: string, side: number, c: number, n: number, prelu: string) => ({
    filter: stage(denseAsConv(take(`${net}/fc1/weights`, [side * side * c, n]), side, c, n), [side, side, c, n]),
    bias: stage(take(`${net}/fc1/bias`, [n]), [n]),
    alpha: stage(take(`${net}/${prelu}`, [n]), [n]),
  });
  const head = (net: string, k: number, outs: [string, number][]) => {
    const h = concatHeads(
      outs.map(([name, n]) => ({ w: take(`${net}/${name}/weights`, [k, n]), b: take(`${net}/${name}/bias`, [n]), n })),
      k,
    );
    return { kernel: stage(h.kernel, [k, h.n]), bias: stage(h.bias, [h.n]) };
  };
  const pnetHead = () => {
    // Two 1x1 convs [1, 1, 32, 2] and [1, 1, 32, 4] -> one [1, 1, 32, 8] (the last two outputs are padding).
    const h = concatHeads(
      [
        { w: take('pnet/conv4_1/weights', [1, 1, 32, 2]), b: take('pnet/conv4_1/bias', [2]), n: 2 },
        { w: take('pnet/conv4_2/weights', [1, 1, 32, 4]), b: take('pnet/conv4_2/bias', [4]), n: 4 },
        { w: new Float32Array(32 * 2), b: new Float32Array(2), n: 2 },
      ],
      32,
    );
    return { filter: stage(h.kernel, [1, 1, 32, 8]), bias: stage(h.bias, [8]), alpha: undefined };
  };
  const plan = {
    pnet: {
      conv1: conv('pnet', 'conv1', [3, 3], 3, 10, 4, 'prelu1_alpha'),
      conv2: conv('pnet', 'conv2', [3, 3], 10, 16, 12, 'prelu2_alpha'),
      conv3: conv('pnet', 'conv3', [3, 3], 16, 32, 16, 'prelu3_alpha'),
      head: pnetHead(),
    },
    rnet: {
      conv1: conv('rnet', 'conv1', [3, 3], 3, 28, 4, 'prelu1_alpha'),
      conv2: conv('rnet', 'conv2', [3, 3], 28, 48, 28, 'prelu2_alpha'),
      conv3: conv('rnet', 'conv3', [2, 2], 48, 64, 48, 'prelu3_alpha'),
      fc1: fc1('rnet', 3, 64, 128, 'prelu4_alpha'),
      head: head('rnet', 128, [['fc2_1', 2], ['fc2_2', 4]]),
    },
    onet: {
      conv1: conv('onet', 'conv1', [3, 3], 3, 32, 4, 'prelu1_alpha'),
      conv2: conv('onet', 'conv2', [3, 3], 32, 64, 32, 'prelu2_alpha'),
      conv3: conv('onet', 'conv3', [3, 3], 64, 64, 64, 'prelu3_alpha'),
      conv4: conv('onet', 'conv4', [2, 2], 64, 128, 64, 'prelu4_alpha'),
      fc1: fc1('onet', 3, 128, 256, 'prelu5_alpha'),
      head: head('onet', 256, [['fc2_1', 2], ['fc2_2', 4], ['fc2_3', 10]]),
    },
  };
  expectAllTaken(weights, 'MTCNN');
  const tensors = staged.map(([d, s]) => engine.tensor(d, s));
  const t = (i: number) => tensors[i]!;
  const convL = (l: { filter: number; bias: number; alpha?: number }): ConvLayer => ({
    filter: t(l.filter),
    bias: t(l.bias),
    ...(l.alpha !== undefined ? { alpha: t(l.alpha) } : {}),
  });
  const denseL = (l: { kernel: number; bias: number }): DenseLayer => ({ kernel: t(l.kernel), bias: t(l.bias) });
  const { pnet, rnet, onet } = plan;
  return {
    pnet: { conv1: convL(pnet.conv1), conv2: convL(pnet.conv2), conv3: convL(pnet.conv3), head: convL(pnet.head) },
    rnet: { conv1: convL(rnet.conv1), conv2: convL(rnet.conv2), conv3: convL(rnet.conv3), fc1: convL(rnet.fc1), head: denseL(rnet.head) },
    onet: {
      conv1: convL(onet.conv1),
      conv2: convL(onet.conv2),
      conv3: convL(onet.conv3),
      conv4: convL(onet.conv4),
      fc1: convL(onet.fc1),
      head: denseL(onet.head),
    },
  };
}

/** Every tensor of the params, for dispose(). */
export function paramTensors(p: MtcnnParams): Tensor[] {
  const out: Tensor[] = [];
  for (const net of [p.pnet, p.rnet, p.onet] as unknown as Record<string, ConvLayer | DenseLayer>[]) {
    for (const layer of Object.values(net)) for (const t of Object.values(layer)) if (t) out.push(t as Tensor);
  }
  return out;
}
