// Max / average pooling over NHWC. Channels are contiguous, so each output pixel runs over its channels in
// blocks of 16 (four v128 accumulators held in registers across all taps), then 4, then a scalar tail. Tap loops
// cover the clipped (real) tap range only: padded taps never enter a max and need no per-tap checks.
//
// params (i32[17]): n, h, w, c, oh, ow, kh, kw, sh, sw, dh, dw, padTop, padLeft, padH, padW, countIncludePad.

// @ts-ignore: decorator
@inline
function p(params: usize, i: i32): i32 {
  return load<i32>(params + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline
function comb4(isMax: bool, a: v128, b: v128): v128 {
  return isMax ? f32x4.max(a, b) : f32x4.add(a, b);
}

// @ts-ignore: decorator
@inline
function comb1(isMax: bool, a: f32, b: f32): f32 {
  return isMax ? max(a, b) : a + b;
}

/** First tap index t with start + t * d >= 0. */
// @ts-ignore: decorator
@inline
function tapLo(start: i32, d: i32): i32 {
  return start >= 0 ? 0 : (-start + d - 1) / d;
}

/** One past the last tap index with start + t * d < size (at most k). */
// @ts-ignore: decorator
@inline
function tapHi(start: i32, k: i32, d: i32, size: i32): i32 {
  return min(k, max((size - start + d - 1) / d, 0));
}

// @ts-ignore: decorator
@inline
function pool(isMax: bool, x: usize, out: usize, params: usize): void {
  const n = p(params, 0), h = p(params, 1), w = p(params, 2), c = p(params, 3);
  const oh = p(params, 4), ow = p(params, 5), kh = p(params, 6), kw = p(params, 7);
  const sh = p(params, 8), sw = p(params, 9), dh = p(params, 10), dw = p(params, 11);
  const padTop = p(params, 12), padLeft = p(params, 13), padH = p(params, 14), padW = p(params, 15);
  const countPad = p(params, 16) != 0;
  const pixel = <usize>c << 2; // bytes per pixel
  const tapStepX = <usize>(dw * c) << 2;
  let po = out;
  for (let b = 0; b < n; b++) {
    const img = x + <usize>(b * h * w) * pixel;
    for (let oy = 0; oy < oh; oy++) {
      const y0 = oy * sh - padTop;
      const ylo = tapLo(y0, dh);
      const yhi = tapHi(y0, kh, dh, h);
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - padLeft;
        const xlo = tapLo(x0, dw);
        const xhi = tapHi(x0, kw, dw, w);
        const nx = xhi - xlo;
        // Address of the first real tap; rows step by dh input rows, taps within a row by dw pixels.
        const first = img + <usize>((y0 + ylo * dh) * w + x0 + xlo * dw) * pixel;
        const rowStep = <usize>(dh * w) * pixel;
        let scale: f32 = 1;
        if (!isMax) {
          const cnt = countPad ? min(kh, (padH - y0 + dh - 1) / dh) * min(kw, (padW - x0 + dw - 1) / dw) : (yhi - ylo) * nx;
          scale = <f32>1 / <f32>cnt;
        }
        const vscale = f32x4.splat(scale);
        let ch = 0;
        for (; ch + 16 <= c; ch += 16) {
          const off = <usize>ch << 2;
          let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
          if (isMax) {
            a0 = v128.load(first + off);
            a1 = v128.load(first + off, 16);
            a2 = v128.load(first + off, 32);
            a3 = v128.load(first + off, 48);
          }
          let row = first + off;
          for (let ky = ylo; ky < yhi; ky++) {
            let q = row;
            for (let t = 0; t < nx; t++) {
              a0 = comb4(isMax, a0, v128.load(q));
              a1 = comb4(isMax, a1, v128.load(q, 16));
              a2 = comb4(isMax, a2, v128.load(q, 32));
              a3 = comb4(isMax, a3, v128.load(q, 48));
              q += tapStepX;
            }
            row += rowStep;
          }
          if (!isMax) {
            a0 = f32x4.mul(a0, vscale);
            a1 = f32x4.mul(a1, vscale);
            a2 = f32x4.mul(a2, vscale);
            a3 = f32x4.mul(a3, vscale);
          }
          v128.store(po + off, a0);
          v128.store(po + off, a1, 16);
          v128.store(po + off, a2, 32);
          v128.store(po + off, a3, 48);
        }
        for (; ch + 4 <= c; ch += 4) {
          const off = <usize>ch << 2;
          let a0 = isMax ? v128.load(first + off) : f32x4.splat(0);
          let row = first + off;
          for (let ky = ylo; ky < yhi; ky++) {
            let q = row;
            for (let t = 0; t < nx; t++) {
              a0 = comb4(isMax, a0, v128.load(q));
              q += tapStepX;
            }
            row += rowStep;
          }
          v128.store(po + off, isMax ? a0 : f32x4.mul(a0, vscale));
        }
        for (; ch < c; ch++) {
          const off = <usize>ch << 2;
          let a: f32 = isMax ? load<f32>(first + off) : 0;
          let row = first + off;
          for (let ky = ylo; ky < yhi; ky++) {
            let q = row;
            for (let t = 0; t < nx; t++) {
              a = comb1(isMax, a, load<f32>(q));
              q += tapStepX;
            }
            row += rowStep;
          }
          store<f32>(po + off, isMax ? a : a * scale);
        }
        po += pixel;
      }
    }
  }
}

export function maxpool_f32_nhwc_c16_simd(x: usize, out: usize, params: usize): void {
  pool(true, x, out, params);
}

export function avgpool_f32_nhwc_c16_simd(x: usize, out: usize, params: usize): void {
  pool(false, x, out, params);
}
