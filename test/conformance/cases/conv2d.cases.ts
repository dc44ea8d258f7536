import type { BadCase, InputSpec, OpCase } from '../types.js';

type Extras = { bias?: boolean; scale?: boolean; shift?: boolean; prelu?: boolean; residual?: number[] };

let seed = 7000;
/** A seeded random input of `shape`; weights in [-0.5, 0.5] keep sums of hundreds of products O(1). */
const rnd = (shape: number[], range: [number, number] = [-1, 1]): InputSpec => ({ shape, seed: seed++, range });

/** A seeded case: x [n,h,w,cin], filter [kh,kw,cin/groups,cout], optional per-channel extras. */
function conv(name: string, x: number[], f: number[], attrs: object = {}, extras: Extras = {}): OpCase {
  const cout = f[3]!;
  const ch = (on?: boolean, range: [number, number] = [-1, 1]) => (on ? rnd([cout], range) : null);
  return {
    op: 'conv2d',
    name,
    inputs: [
      rnd(x),
      rnd(f, [-0.5, 0.5]),
      ch(extras.bias),
      ch(extras.scale, [0.5, 1.5]),
      ch(extras.shift),
      ch(extras.prelu, [0, 0.5]),
      ...(extras.residual ? [rnd(extras.residual)] : []),
    ],
    attrs,
  };
}

const x = (shape: number[], data: number[]): InputSpec => ({ shape, data });
const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

export const conv2dCases: OpCase[] = [
  {
    op: 'conv2d',
    name: 'hand-computed 2x2 diagonal filter, valid',
    inputs: [x([1, 3, 3, 1], range(9, 1)), x([2, 2, 1, 1], [1, 0, 0, 1])],
    attrs: {},
    expected: [[6, 8, 12, 14]],
  },
  {
    // 'same' on 2x2 with a 3x3 window pads 1 all round: channel 0 (all-ones) sums the whole image at every
    // pixel, channel 1 (centre tap only) copies x; bias [1, -1] then relu.
    op: 'conv2d',
    name: 'hand-computed same padding, bias + relu',
    inputs: [
      x([1, 2, 2, 1], [1, 2, 3, 4]),
      x([3, 3, 1, 2], range(9).flatMap((t) => [1, t === 4 ? 1 : 0])),
      x([2], [1, -1]),
    ],
    attrs: { padding: 'same', activation: 'relu' },
    expected: [[11, 0, 11, 1, 11, 2, 11, 3]],
  },
  {
    // 1x1 stride 2 picks x(0,0)=0, x(0,2)=2, x(2,0)=8, x(2,2)=10; times 2, +1, *0.5, +1.
    op: 'conv2d',
    name: 'hand-computed stride 2, bias + batch-norm',
    inputs: [x([1, 4, 4, 1], range(16)), x([1, 1, 1, 1], [2]), x([1], [1]), x([1], [0.5]), x([1], [1])],
    attrs: { strides: 2 },
    expected: [[1.5, 3.5, 9.5, 11.5]],
  },
  {
    // Depthwise 1x2 window over a 1x3 image, two channels: ch0 = x0 - x1, ch1 = 0.5 x0 + 2 x1.
    op: 'conv2d',
    name: 'hand-computed depthwise',
    inputs: [x([1, 1, 3, 2], [1, 10, 2, 20, 3, 30]), x([1, 2, 1, 2], [1, 0.5, -1, 2])],
    attrs: { groups: 2 },
    expected: [[-1, 45, -1, 70]],
  },
  {
    // 1x1 window with 2 pixels of padding: the padded border rows/columns are bias alone.
    op: 'conv2d',
    name: 'hand-computed all-padding border is the bias',
    inputs: [x([1, 1, 1, 1], [3]), x([1, 1, 1, 1], [2]), x([1], [0.5])],
    attrs: { padding: [1, 0, 0, 1] },
    expected: [[0.5, 0.5, 6.5, 0.5]],
  },

  // 1x1 (pointwise): GEMM fast paths, general fallback, strided.
  conv('1x1 64->32 on 7x7 (GEMM path)', [1, 7, 7, 64], [1, 1, 64, 32]),
  conv('1x1 16->10 (cout % 4 != 0)', [1, 5, 6, 16], [1, 1, 16, 10], {}, { bias: true }),
  conv('1x1 8->16 stride 2', [1, 9, 9, 8], [1, 1, 8, 16], { strides: 2 }),
  conv('1x1 32->4 batch 2', [2, 3, 5, 32], [1, 1, 32, 4], {}, { bias: true }),
  // 3x3 window variants.
  conv('3x3 valid 8->8', [1, 9, 9, 8], [3, 3, 8, 8]),
  conv('3x3 same 8->16 odd width', [1, 10, 11, 8], [3, 3, 8, 16], { padding: 'same' }),
  conv('3x3 explicit asymmetric pads [0,2,1,0]', [1, 8, 9, 4], [3, 3, 4, 8], { padding: [0, 2, 1, 0] }),
  conv('3x3 pads [2,1,3,0] wider than the window half', [1, 6, 7, 8], [3, 3, 8, 8], { padding: [2, 1, 3, 0] }),
  conv('3x3 stride 2 same 16->16 on 13x13', [1, 13, 13, 16], [3, 3, 16, 16], { strides: 2, padding: 'same' }),
  conv('3x3 stride 2 same on even 12x12 (pad 0/1)', [1, 12, 12, 8], [3, 3, 8, 8], { strides: 2, padding: 'same' }),
  conv('3x3 stride 2 valid 8->12', [1, 12, 12, 8], [3, 3, 8, 12], { strides: 2 }),
  conv('strides [1, 2]', [1, 9, 10, 4], [3, 3, 4, 8], { strides: [1, 2], padding: 'same' }),
  conv('3x3 dilation 2 same', [1, 12, 12, 8], [3, 3, 8, 8], { dilations: 2, padding: 'same' }),
  conv('dilations [2, 1] stride 2 valid', [1, 13, 11, 4], [3, 3, 4, 4], { dilations: [2, 1], strides: 2 }),
  conv('5x5 same on 3x3 (every window clipped)', [1, 3, 3, 4], [5, 5, 4, 8], { padding: 'same' }),
  conv('1x3 and 3x1 windows: 1x3 same', [1, 6, 20, 8], [1, 3, 8, 8], { padding: 'same' }),
  conv('3x1 valid, cin 5', [1, 7, 6, 5], [3, 1, 5, 8]),
  conv('single output pixel', [1, 3, 3, 8], [3, 3, 8, 8]),
  conv('wide row 3x3 same 4->8 on 5x40', [1, 5, 40, 4], [3, 3, 4, 8], { padding: 'same' }),
  // Channel counts.
  conv('cout 10 (not a multiple of 4)', [1, 8, 8, 8], [3, 3, 8, 10], { padding: 'same' }),
  conv('cout 5, cin 16', [1, 6, 6, 16], [3, 3, 16, 5], { padding: 'same' }),
  conv('cout 1', [1, 7, 7, 8], [3, 3, 8, 1]),
  conv('cout 3, cin 10 (MTCNN-like)', [1, 9, 9, 10], [3, 3, 10, 3]),
  conv('cin 3 image input 3->16 same', [1, 12, 12, 3], [3, 3, 3, 16], { padding: 'same' }),
  // webgpu: conv2d.wgsl `stem` (4 pixels x all channels, unrolled): 8 and 5 channel blocks, a partial pixel block.
  conv('stem 3x3 stride 2 same 3->32 batch 2 on 9x13, bias + prelu', [2, 9, 13, 3], [3, 3, 3, 32], { strides: 2, padding: 'same', activation: 'prelu' }, { bias: true, prelu: true }),
  conv('stem 3x3 valid 3->20 on 6x7, bn scale + shift, relu', [1, 6, 7, 3], [3, 3, 3, 20], { activation: 'relu' }, { scale: true, shift: true }),
  conv('cin 3 -> 10 valid, prelu (MTCNN PNet conv1)', [1, 12, 12, 3], [3, 3, 3, 10], { activation: 'prelu' }, { bias: true, prelu: true }),
  conv('batch 2 3x3 same 4->8', [2, 6, 7, 4], [3, 3, 4, 8], { padding: 'same' }, { bias: true }),
  conv('batch 3 general path cout 6', [3, 5, 5, 3], [3, 3, 3, 6], { padding: 'same' }),
  // Groups and depthwise.
  conv('groups 2 8->8 (4 channels per group)', [1, 7, 7, 8], [3, 3, 4, 8], { groups: 2, padding: 'same' }, { bias: true }),
  conv('groups 2 6->6 (3 per group)', [1, 7, 7, 6], [3, 3, 3, 6], { groups: 2, padding: 'same' }),
  conv('groups 4 8->8 (2 out per group)', [1, 6, 6, 8], [3, 3, 2, 8], { groups: 4 }),
  conv('groups 2 6->8 (3 in, 4 out per group)', [1, 7, 6, 6], [3, 3, 3, 8], { groups: 2, padding: 'same' }, { bias: true }),
  conv('groups 2 16->24 stride 2', [1, 9, 9, 16], [3, 3, 8, 24], { groups: 2, strides: 2, padding: 'same' }),
  conv('depthwise 3x3 C=32 same', [1, 9, 9, 32], [3, 3, 1, 32], { groups: 32, padding: 'same' }),
  conv('depthwise 3x3 C=20 stride 2 valid', [1, 11, 10, 20], [3, 3, 1, 20], { groups: 20, strides: 2 }),
  conv('depthwise C=6 (not a multiple of 4)', [1, 7, 8, 6], [3, 3, 1, 6], { groups: 6, padding: 'same' }, { bias: true }),
  conv('depthwise C=19 (16 + scalar tail)', [1, 5, 6, 19], [3, 3, 1, 19], { groups: 19, padding: 'same' }),
  conv('depthwise multiplier 2 C=5', [1, 7, 7, 5], [3, 3, 1, 10], { groups: 5, padding: 'same' }, { bias: true }),
  conv('depthwise multiplier 4 C=4', [1, 6, 6, 4], [3, 3, 1, 16], { groups: 4 }),
  conv('depthwise dilation 2 pads [1,2,2,1]', [1, 9, 9, 8], [3, 3, 1, 8], { groups: 8, dilations: 2, padding: [1, 2, 2, 1] }),
  conv('depthwise 5x5 batch 2', [2, 6, 7, 12], [5, 5, 1, 12], { groups: 12, padding: 'same' }),
  // Epilogues.
  conv('bias only', [1, 6, 6, 8], [3, 3, 8, 8], { padding: 'same' }, { bias: true }),
  conv('bias + batch-norm', [1, 6, 6, 8], [3, 3, 8, 8], { padding: 'same' }, { bias: true, scale: true, shift: true }),
  conv('batch-norm scale only', [1, 6, 6, 8], [1, 1, 8, 8], {}, { scale: true }),
  conv('batch-norm shift only, cout 6', [1, 6, 6, 8], [1, 1, 8, 6], {}, { shift: true }),
  ...(['relu', 'relu6', 'sigmoid', 'tanh'] as const).map((act) =>
    conv(`activation ${act}`, [1, 6, 6, 8], [3, 3, 8, 8], { padding: 'same', activation: act }, { bias: true }),
  ),
  conv('activation relu6 with large values', [1, 5, 5, 16], [3, 3, 16, 8], { padding: 'same', activation: 'relu6' }, { bias: true, scale: true }),
  conv('activation leakyRelu default alpha', [1, 6, 6, 8], [3, 3, 8, 8], { padding: 'same', activation: 'leakyRelu' }),
  conv('activation leakyRelu alpha 0.1, cout 7', [1, 6, 6, 8], [3, 3, 8, 7], { padding: 'same', activation: 'leakyRelu', alpha: 0.1 }, { bias: true }),
  conv('activation prelu', [1, 6, 6, 8], [3, 3, 8, 8], { padding: 'same', activation: 'prelu' }, { bias: true, prelu: true }),
  conv('activation prelu depthwise', [1, 6, 6, 8], [3, 3, 1, 8], { groups: 8, padding: 'same', activation: 'prelu' }, { prelu: true }),
  conv('activation sigmoid 1x1 cout 2 (MTCNN score head)', [1, 5, 5, 32], [1, 1, 32, 2], { activation: 'sigmoid' }, { bias: true }),
  // Small maps with a long K: split-K (partial sums + a reduce pass) on subgroup devices, lanes over output
  // channels (conv2d_splitk) without subgroups.
  conv('split-K 3x3 on 4x4x64 -> 64, bias + bn + relu', [1, 4, 4, 64], [3, 3, 64, 64], { padding: 'same', activation: 'relu' }, { bias: true, scale: true, shift: true }),
  conv('split-K slice ends inside a tap: 3x3 cin 36 on 3x3', [1, 3, 3, 36], [3, 3, 36, 16], { padding: 'same' }, { bias: true }),
  conv('split-K 1x1 on 2x2x256 -> 32 (GEMM entry)', [1, 2, 2, 256], [1, 1, 256, 32], {}, { bias: true }),
  conv('split-K batch 2, 2x2 maps, prelu', [2, 2, 2, 128], [3, 3, 128, 32], { padding: 'same', activation: 'prelu' }, { prelu: true }),
  conv('split-K leakyRelu alpha 0.2, 5x5 map', [1, 5, 5, 96], [3, 3, 96, 32], { padding: 'same', activation: 'leakyRelu', alpha: 0.2 }, { scale: true }),
  conv('split-K groups 2 on 4x4x64', [1, 4, 4, 64], [3, 3, 32, 64], { groups: 2, padding: 'same' }, { bias: true }),
  conv('small map stride 2 dilation 2 -> 3x3 out, cout 20', [1, 7, 7, 32], [3, 3, 32, 20], { strides: 2, dilations: 2, padding: 'same' }, { bias: true }),
  conv('small map cout 264 (lanes past one workgroup)', [1, 2, 3, 16], [3, 3, 16, 264], { padding: 'same' }, { shift: true }),
  conv('7x7 map 3x3 64 -> 64 (m 49, split-K)', [1, 7, 7, 64], [3, 3, 64, 64], { padding: 'same', activation: 'sigmoid' }, { bias: true }),
  conv('small map scalar path: 4x4x10 -> 12', [1, 4, 4, 10], [3, 3, 10, 12], { padding: 'same' }),
  // Network-shaped layers.
  conv('ResNet-ish 3x3 64->64 on 14x14, bn + relu', [1, 14, 14, 64], [3, 3, 64, 64], { padding: 'same', activation: 'relu' }, { bias: true, scale: true, shift: true }),
  conv('ResNet downsample 1x1 stride 2 32->64', [1, 14, 14, 32], [1, 1, 32, 64], { strides: 2 }, { scale: true, shift: true }),
  conv('depthwise 3x3 on 26x26x32, relu6', [1, 26, 26, 32], [3, 3, 1, 32], { groups: 32, padding: 'same', activation: 'relu6' }, { bias: true }),
  conv('ResNet stem 7x7 stride 2 pad 3 on 32x32x3', [1, 32, 32, 3], [7, 7, 3, 64], { strides: 2, padding: [3, 3, 3, 3], activation: 'relu' }, { scale: true, shift: true }),
  conv('Tiny-YOLO-ish 3x3 16->32 same, leakyRelu 0.1', [1, 26, 26, 16], [3, 3, 16, 32], { padding: 'same', activation: 'leakyRelu', alpha: 0.1 }, { scale: true, shift: true }),
  // Depthwise 3-wide windows at stride 1: runs of 4 interior pixels (wasm dw3_4x4) plus clipped borders and tails.
  conv('depthwise 3x3 C=16 same on 5x23 (4-pixel runs + tail)', [1, 5, 23, 16], [3, 3, 1, 16], { groups: 16, padding: 'same' }, { bias: true }),
  conv('depthwise 3x3 C=8 valid batch 2 on 4x14, pads [0,1,2,0]', [2, 4, 14, 8], [3, 3, 1, 8], { groups: 8, padding: [0, 1, 2, 0], activation: 'relu' }),
  // inputRelu (depthwise reads relu(x)): inputs in [-1, 1], so about half the taps are clamped.
  conv('inputRelu depthwise 3x3 C=16 same on 5x23', [1, 5, 23, 16], [3, 3, 1, 16], { groups: 16, padding: 'same', inputRelu: true }, { bias: true }),
  conv('inputRelu depthwise 3x3 stride 2 same C=8 on 9x10', [1, 9, 10, 8], [3, 3, 1, 8], { groups: 8, strides: 2, padding: 'same', inputRelu: true }),
  conv('inputRelu depthwise C=6 (not a multiple of 4), relu6', [1, 6, 7, 6], [3, 3, 1, 6], { groups: 6, padding: 'same', inputRelu: true, activation: 'relu6' }),
  conv('inputRelu depthwise multiplier 2 C=4', [1, 6, 6, 4], [3, 3, 1, 8], { groups: 4, padding: 'same', inputRelu: true }, { bias: true }),
  conv('inputRelu depthwise 5x5 dilation 2 batch 2, maxPool 2', [2, 9, 9, 12], [5, 5, 1, 12], { groups: 12, dilations: 2, padding: 'same', inputRelu: true, maxPool: { windowSize: 2 } }),
  // Residual input (added before the activation): native in conv2d_vec4_sg (and its split-K reduce), a reduce pass
  // after the conv elsewhere; wasm in the tile epilogue (dense) and the row epilogue (depthwise).
  conv('residual 1x1 32->32 on 9x9, bias', [1, 9, 9, 32], [1, 1, 32, 32], {}, { bias: true, residual: [1, 9, 9, 32] }),
  // conv2d_depthwise row8x4 (3x3 stride 1): bands of 4 rows x 8 pixels cut at the map's bottom and right edges,
  // batches (a band never crosses images), pads that skip whole input rows, every epilogue input.
  conv('depthwise row8x4 3x3 same C=8 batch 2 on 9x10, bn + prelu', [2, 9, 10, 8], [3, 3, 1, 8], { groups: 8, padding: 'same', activation: 'prelu' },
    { bias: true, scale: true, shift: true, prelu: true }),
  conv('depthwise row8x4 3x3 valid C=4 on 7x6, inputRelu', [1, 7, 6, 4], [3, 3, 1, 4], { groups: 4, inputRelu: true }),
  conv('depthwise row8x4 3x3 same C=32 batch 3 on 5x17, inputRelu + relu', [3, 5, 17, 32], [3, 3, 1, 32], { groups: 32, padding: 'same', inputRelu: true, activation: 'relu' }, { bias: true }),
  conv('depthwise row8x4 3x3 pads [2, 0, 0, 2] C=12 on 6x9', [1, 6, 9, 12], [3, 3, 1, 12], { groups: 12, padding: [2, 0, 0, 2] }, { bias: true }),
  conv('depthwise row8x4 3x3 same C=4 on 1x1', [1, 1, 1, 4], [3, 3, 1, 4], { groups: 4, padding: 'same' }, { shift: true }),
  // 1x1 GEMM entries (conv2d_vec4_sg / conv2d_vec4 `gemm`) at the landmark net's widths: a partial last pixel
  // block, several workgroups along pixels and channel blocks, split-K with a residual, every epilogue input.
  conv('gemm 1x1 32->64 on 17x19 (323 pixels: partial block, 2 workgroups)', [1, 17, 19, 32], [1, 1, 32, 64], {}, { bias: true }),
  conv('gemm 1x1 12->32 batch 3 on 3x5, bn + prelu', [3, 3, 5, 12], [1, 1, 12, 32], { activation: 'prelu' }, { bias: true, scale: true, shift: true, prelu: true }),
  conv('gemm 1x1 256->256 on 7x7, residual + relu (landmark net tail)', [1, 7, 7, 256], [1, 1, 256, 256], { activation: 'relu' }, { bias: true, residual: [1, 7, 7, 256] }),
  conv('gemm 1x1 4->96 batch 2 on 1x1, residual, sigmoid', [2, 1, 1, 4], [1, 1, 4, 96], { activation: 'sigmoid' }, { residual: [2, 1, 1, 96] }),
  conv('residual 3x3 same 16->16 + bn + relu (ResNet block tail)', [1, 8, 7, 16], [3, 3, 16, 16], { padding: 'same', activation: 'relu' },
    { bias: true, scale: true, shift: true, residual: [1, 8, 7, 16] }),
  conv('residual on a split-K small map 3x3 64->64 on 4x4, relu', [1, 4, 4, 64], [3, 3, 64, 64], { padding: 'same', activation: 'relu' }, { bias: true, residual: [1, 4, 4, 64] }),
  conv('residual 1x1 cout 10 (scalar paths), prelu, batch 2', [2, 5, 6, 8], [1, 1, 8, 10], { activation: 'prelu' }, { prelu: true, residual: [2, 5, 6, 10] }),
  conv('residual depthwise 3x3 C=16 with inputRelu', [1, 6, 13, 16], [3, 3, 1, 16], { groups: 16, padding: 'same', inputRelu: true }, { residual: [1, 6, 13, 16] }),
  conv('residual depthwise C=6, stride 2, sigmoid', [1, 7, 8, 6], [3, 3, 1, 6], { groups: 6, strides: 2, padding: 'same', activation: 'sigmoid' }, { bias: true, residual: [1, 4, 4, 6] }),
  // Winograd F(2x2, 3x3) on wasm (3x3 stride 1, cin and cout >= 16 in vectors of 4, output >= 4x4): odd maps
  // (clipped tiles), 'same', 'valid' and uneven pads (zero taps past the image), batches, channel counts that are
  // not multiples of the GEMM's 16-column panels, several blocks of tile rows, every epilogue input.
  conv('winograd 3x3 same 20->24 on 9x11 (odd map), bias', [1, 9, 11, 20], [3, 3, 20, 24], { padding: 'same' }, { bias: true }),
  conv('winograd 3x3 valid 16->20 batch 2 on 10x9, bn + relu', [2, 10, 9, 16], [3, 3, 16, 20], { activation: 'relu' }, { bias: true, scale: true, shift: true }),
  conv('winograd 3x3 same 32->32 batch 3 on 8x8, bn + residual + relu', [3, 8, 8, 32], [3, 3, 32, 32], { padding: 'same', activation: 'relu' },
    { bias: true, scale: true, shift: true, residual: [3, 8, 8, 32] }),
  conv('winograd 3x3 pads [0, 2, 1, 0] 16->36 on 7x6, residual + prelu', [1, 7, 6, 16], [3, 3, 16, 36], { padding: [0, 2, 1, 0], activation: 'prelu' },
    { prelu: true, residual: [1, 7, 5, 36] }),
  conv('winograd 3x3 same 28->16 batch 2 on 5x5, shift + leakyRelu', [2, 5, 5, 28], [3, 3, 28, 16], { padding: 'same', activation: 'leakyRelu', alpha: 0.2 }, { shift: true }),
  conv('winograd 3x3 valid 24->20 on 7x6, relu6', [1, 7, 6, 24], [3, 3, 24, 20], { activation: 'relu6' }, { bias: true }),
  conv('winograd 3x3 same 16->16 on 5x4, scale, sigmoid', [1, 5, 4, 16], [3, 3, 16, 16], { padding: 'same', activation: 'sigmoid' }, { scale: true }),
  conv('winograd 3x3 same 20->20 on 6x7, tanh', [1, 6, 7, 20], [3, 3, 20, 20], { padding: 'same', activation: 'tanh' }, { bias: true }),
  conv('winograd 3x3 same 32->32 batch 2 on 36x35 (several row blocks), residual + relu', [2, 36, 35, 32], [3, 3, 32, 32], { padding: 'same', activation: 'relu' },
    { bias: true, residual: [2, 36, 35, 32] }),
  conv('winograd 3x3 same 128->128 on 9x9 (FaceRecognitionNet block), bn + relu', [1, 9, 9, 128], [3, 3, 128, 128], { padding: 'same', activation: 'relu' },
    { bias: true, scale: true, shift: true }),
  // 1x1 stride-1 depthwise (wasm: one flat SIMD pass with per-lane tables, a period of 4 pixels when C % 4 != 0):
  // the landmark net's input normalisation, a tail shorter than a period, every epilogue input.
  conv('depthwise 1x1 C=3 on 7x9, bias + bn scale (input normalisation)', [1, 7, 9, 3], [1, 1, 1, 3], { groups: 3 }, { bias: true, scale: true }),
  // webgpu: conv2d.wgsl `rgb` (one pixel per invocation, constant channel indices) with every epilogue input.
  conv('depthwise 1x1 C=3 batch 2 on 5x7, bias + shift + prelu + residual', [2, 5, 7, 3], [1, 1, 1, 3], { groups: 3, activation: 'prelu' }, { bias: true, shift: true, prelu: true, residual: [2, 5, 7, 3] }),
  conv('depthwise 1x1 C=6 batch 2 on 5x3, inputRelu, shift, relu6', [2, 5, 3, 6], [1, 1, 1, 6], { groups: 6, inputRelu: true, activation: 'relu6' }, { shift: true }),
  conv('depthwise 1x1 C=8 on 3x5, residual + prelu', [1, 3, 5, 8], [1, 1, 1, 8], { groups: 8, activation: 'prelu' }, { bias: true, prelu: true, residual: [1, 3, 5, 8] }),
  // 3x3 stride 2 depthwise (wasm: 4-pixel runs from 9 input columns, then per-pixel at the right edge).
  conv('depthwise 3x3 stride 2 same C=16 batch 2 on 7x21, inputRelu', [2, 7, 21, 16], [3, 3, 1, 16], { groups: 16, strides: 2, padding: 'same', inputRelu: true }, { bias: true }),
  conv('depthwise 3x3 stride 2 valid C=8 on 5x19, residual', [1, 5, 19, 8], [3, 3, 1, 8], { groups: 8, strides: 2 }, { residual: [1, 2, 9, 8] }),
  // Fused max pool (maxPool attr): non-overlapping windows run fused on wasm; others pool a temporary.
  conv('maxPool 2/2 same fused: 3x3 valid 3->16 leakyRelu on 13x13 (TinyFaceDetector conv0, odd map)', [1, 13, 13, 3], [3, 3, 3, 16],
    { activation: 'leakyRelu', alpha: 0.1, maxPool: { windowSize: 2, strides: 2, padding: 'same' } }, { bias: true }),
  conv('maxPool 2/2 same fused: 1x1 8->10 (cout % 4 != 0) batch 2 on 5x7', [2, 5, 7, 8], [1, 1, 8, 10],
    { activation: 'leakyRelu', alpha: 0.1, maxPool: { windowSize: 2, strides: 2, padding: 'same' } }, { bias: true }),
  conv('maxPool 3/3 valid fused after 3x3 same 4->8', [1, 10, 11, 4], [3, 3, 4, 8], { padding: 'same', maxPool: { windowSize: 3, padding: 'valid' } }, { bias: true }),
  conv('maxPool 2/1 same (overlapping: pooled temporary) after 1x1 16->16', [1, 6, 6, 16], [1, 1, 16, 16], { maxPool: { windowSize: 2, strides: 1, padding: 'same' } }, { bias: true }),
  conv('maxPool 2/2 after depthwise (pooled temporary)', [1, 6, 8, 8], [3, 3, 1, 8], { groups: 8, padding: 'same', maxPool: { windowSize: 2 } }),
];

const bad = (name: string, inputs: (InputSpec | null)[], attrs: object, message: RegExp): BadCase => ({
  op: 'conv2d',
  name,
  inputs,
  attrs,
  error: 'InvalidArgumentError',
  message,
});
const X = { shape: [1, 5, 5, 4] };
const F = { shape: [3, 3, 4, 8] };

export const conv2dBadCases: BadCase[] = [
  bad('x rank 3', [{ shape: [5, 5, 4] }, F], {}, /conv2d: input x \(NHWC\): expected rank 4, got rank 3/),
  bad('filter rank 2', [X, { shape: [4, 8] }], {}, /conv2d: filter \(HWIO\): expected rank 4, got rank 2/),
  bad('input channels do not match the filter', [{ shape: [1, 5, 5, 3] }, F], {}, /conv2d: input x .* has 3 channels but filter .* expects 4/),
  bad('input channels do not match filter cin * groups', [X, F], { groups: 2 }, /has 4 channels but filter .* groups=2 expects 8/),
  bad('cout not divisible by groups', [{ shape: [1, 5, 5, 6] }, { shape: [3, 3, 2, 8] }], { groups: 3 }, /conv2d: filter cout 8 is not divisible by groups=3/),
  bad('negative padding', [X, F], { padding: [1, -1, 0, 0] }, /conv2d: padding bottom must be >= 0, got -1/),
  bad('unknown padding mode', [X, F], { padding: 'full' }, /conv2d: padding must be 'same', 'valid' or \[top, bottom, left, right\]/),
  bad('padding with 2 values', [X, F], { padding: [1, 1] }, /conv2d: padding must be/),
  bad('zero stride', [X, F], { strides: 0 }, /conv2d: strides must be >= 1, got 0/),
  bad('negative stride in a pair', [X, F], { strides: [1, -2] }, /conv2d: strides\[1\] must be >= 1, got -2/),
  bad('zero dilation', [X, F], { dilations: 0 }, /conv2d: dilations must be >= 1, got 0/),
  bad('NaN stride', [X, F], { strides: NaN }, /conv2d: strides must be a number, got NaN/),
  bad('NaN dilation', [X, F], { dilations: [1, NaN] }, /conv2d: dilations\[1\] must be a number, got NaN/),
  bad('NaN padding', [X, F], { padding: [0, 0, NaN, 0] }, /conv2d: padding left must be a number, got NaN/),
  bad('NaN groups', [X, F], { groups: NaN }, /conv2d: groups must be a number, got NaN/),
  bad('zero groups', [X, F], { groups: 0 }, /conv2d: groups must be >= 1, got 0/),
  bad('fractional stride', [X, F], { strides: 1.5 }, /conv2d: strides must be an integer, got 1.5/),
  bad('NaN alpha', [X, F], { activation: 'leakyRelu', alpha: NaN }, /conv2d: alpha must be a number, got NaN/),
  bad('unknown option', [X, F], { pad: 'same' }, /conv2d: unknown option 'pad'/),
  bad('unknown activation', [X, F], { activation: 'gelu' }, /conv2d: activation must be one of/),
  bad('output size zero (window larger than input)', [{ shape: [1, 2, 2, 4] }, F], {}, /conv2d: output size 0x0 is empty/),
  bad('output size zero with dilation', [X, F], { dilations: 3 }, /conv2d: output size -1x-1 is empty/),
  bad('empty filter', [X, { shape: [0, 3, 4, 8] }], {}, /conv2d: filter \[0, 3, 4, 8\] has an empty dimension/),
  bad('bias of the wrong length', [X, F, { shape: [5] }], {}, /conv2d: bias \[5\] must hold 8 values \(one per output channel\)/),
  bad('bnScale of the wrong length', [X, F, null, { shape: [4] }], {}, /conv2d: bnScale \[4\] must hold 8 values/),
  bad('bnShift of the wrong length', [X, F, null, null, { shape: [9] }], {}, /conv2d: bnShift \[9\] must hold 8 values/),
  bad('preluAlpha of the wrong length', [X, F, null, null, null, { shape: [3] }], { activation: 'prelu' }, /conv2d: preluAlpha \[3\] must hold 8 values/),
  bad('prelu without preluAlpha', [X, F], { activation: 'prelu' }, /conv2d: activation 'prelu' needs a preluAlpha input of 8 values/),
  bad('inputRelu on a dense conv', [X, F], { inputRelu: true }, /conv2d: inputRelu is supported for depthwise convs only \(groups = input channels\), got groups=1 with 4 input channels/),
  bad('inputRelu not a boolean', [X, { shape: [3, 3, 1, 4] }], { groups: 4, inputRelu: 1 }, /conv2d: inputRelu must be a boolean, got 1/),
  bad('residual of the wrong shape', [X, F, null, null, null, null, { shape: [1, 3, 3, 4] }], {}, /conv2d: residual \[1, 3, 3, 4\] must have the conv output's shape \[1, 3, 3, 8\]/),
  bad('residual with maxPool', [X, F, null, null, null, null, { shape: [1, 3, 3, 8] }], { maxPool: { windowSize: 2 } }, /conv2d: a residual input cannot be combined with maxPool/),
  bad('maxPool not an object', [X, F], { maxPool: 2 }, /conv2d: maxPool must be an object of maxPool attributes, got 2/),
  bad('maxPool unknown key', [X, F], { maxPool: { windowSize: 2, dilations: 2 } }, /conv2d maxPool: unknown option 'dilations'/),
  bad('maxPool without windowSize', [X, F], { maxPool: {} }, /maxPool: windowSize is required/),
  bad('preluAlpha without prelu activation', [X, F, null, null, null, { shape: [8] }], { activation: 'relu' }, /conv2d: preluAlpha given but activation is 'relu'/),
];
