import type { KernelArgs } from '../../runtime/op.js';
import type { AxisMap } from '../resize/spec.js';
import type { ImageTextureNorm } from './spec.js';

/** Bilinear taps of output index o: source (o * a + b) / d, clamped to [0, len - 1]. */
function taps(o: number, len: number, m: AxisMap): [number, number, number] {
  const num = o * m.a + m.b;
  const q = Math.floor(num / m.d);
  const w = (num - q * m.d) / m.d;
  const c = (i: number) => Math.min(Math.max(i, 0), len - 1);
  return [c(q), c(q + 1), w];
}

/** The whole transform on the CPU from the image's bytes (wasm and reference backends: device-loss fallback). */
export function imageTextureCompute(a: ImageTextureNorm, out: Float32Array | Float64Array): void {
  const px = a.image.pixels();
  const { imgH, imgW, outH, outW, offY, offX } = a;
  const stride = a.image.width;
  const ch = a.channels;
  const at = (y: number, x: number, c: number) => (y < imgH && x < imgW ? px[((y + offY) * stride + x + offX) * 4 + c]! : 0);
  for (let oy = 0; oy < outH; oy++) {
    const [y0, y1, wy] = taps(oy, a.lenY, a.y);
    for (let ox = 0; ox < outW; ox++) {
      const [x0, x1, wx] = taps(ox, a.lenX, a.x);
      for (let j = 0; j < ch; j++) {
        const c = a.bgr && j < 3 ? 2 - j : j; // the source colour of output channel j
        const top = at(y0, x0, c) * (1 - wx) + at(y0, x1, c) * wx;
        const bottom = at(y1, x0, c) * (1 - wx) + at(y1, x1, c) * wx;
        out[(oy * outW + ox) * ch + j] = (top * (1 - wy) + bottom * wy) * a.k[c]! + a.b[c]!;
      }
    }
  }
}

export function imageTextureReference(_: unknown, { outputs, attrs }: KernelArgs<Float64Array, ImageTextureNorm>): void {
  imageTextureCompute(attrs, outputs[0]!);
}
