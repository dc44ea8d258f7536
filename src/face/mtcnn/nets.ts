// P-Net, R-Net and O-Net forward passes on our ops (see weights.ts for the layout). Each consumes its input
// tensor's successors as it goes: every intermediate is disposed as soon as the next layer has been recorded.
import { conv2d } from '../../ops/conv2d/index.js';
import { matmul } from '../../ops/matmul/index.js';
import { maxPool } from '../../ops/pool/index.js';
import type { Engine } from '../../runtime/engine.js';
import type { Tensor } from '../../runtime/tensor.js';
import type { ConvLayer, DenseLayer, ONetParams, PNetParams, RNetParams } from './weights.js';

/** Runs `f` on `x`, then disposes `x` (never the caller's input: `own` says whether x is ours). */
function step(x: Tensor, own: boolean, f: (x: Tensor) => Tensor): Tensor {
  try {
    return f(x);
  } finally {
    if (own) x.dispose();
  }
}

function convPrelu(engine: Engine, l: ConvLayer) {
  return (x: Tensor) =>
    conv2d(engine, x, l.filter, l.alpha ? { activation: 'prelu' } : {}, { bias: l.bias, ...(l.alpha ? { preluAlpha: l.alpha } : {}) });
}

function pool(engine: Engine, windowSize: number, padding: 'same' | 'valid') {
  return (x: Tensor) => maxPool(engine, x, { windowSize, strides: 2, padding });
}

function dense(engine: Engine, l: DenseLayer) {
  return (x: Tensor) => matmul(engine, x, l.kernel, {}, { bias: l.bias });
}

/** Chains layers over `x` (not disposed), disposing each intermediate. */
function chain(x: Tensor, layers: ((x: Tensor) => Tensor)[]): Tensor {
  let cur = x;
  layers.forEach((f, i) => {
    cur = step(cur, i > 0, f);
  });
  return cur;
}

/** P-Net on a normalised image [1, h, w, 4] -> [1, h', w', 8]: logits (2), box offsets (4), padding (2). */
export function pnet(engine: Engine, p: PNetParams, x: Tensor): Tensor {
  return chain(x, [convPrelu(engine, p.conv1), pool(engine, 2, 'same'), convPrelu(engine, p.conv2), convPrelu(engine, p.conv3), convPrelu(engine, p.head)]);
}

/** R-Net on crops [k, 24, 24, 4] -> [k, 1, 1, 6]: logits (2), box offsets (4). */
export function rnet(engine: Engine, p: RNetParams, x: Tensor): Tensor {
  return chain(x, [
    convPrelu(engine, p.conv1),
    pool(engine, 3, 'same'),
    convPrelu(engine, p.conv2),
    pool(engine, 3, 'valid'),
    convPrelu(engine, p.conv3),
    convPrelu(engine, p.fc1),
    dense(engine, p.head),
  ]);
}

/** O-Net on crops [k, 48, 48, 4] -> [k, 1, 1, 16]: logits (2), box offsets (4), landmarks (5 x, 5 y). */
export function onet(engine: Engine, p: ONetParams, x: Tensor): Tensor {
  return chain(x, [
    convPrelu(engine, p.conv1),
    pool(engine, 3, 'same'),
    convPrelu(engine, p.conv2),
    pool(engine, 3, 'valid'),
    convPrelu(engine, p.conv3),
    pool(engine, 2, 'same'),
    convPrelu(engine, p.conv4),
    convPrelu(engine, p.fc1),
    dense(engine, p.head),
  ]);
}
