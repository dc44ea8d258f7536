// Constant-velocity Kalman filter on a box's centre and size (cx, cy, w, h), one frame per step, as in SORT /
// DeepSORT. The motion model, the process noise and the measurement noise are all diagonal per coordinate, so the
// 8-state filter splits exactly into four independent 2-state filters (position, velocity): the same estimates as
// the full 8x8 matrices with none of the matrix code. Noise scales with the box size (DeepSORT's weights), so a
// large close face may move more pixels per frame than a small distant one.
import type { FaceBox } from '../face/nets/face-input.js';

/** Noise standard deviations as fractions of the box size (DeepSORT's 1/20 and 1/160). */
export interface KalmanNoise {
  /** Position process noise per frame. Default 1/20. */
  position: number;
  /** Velocity process noise per frame. Default 1/160. */
  velocity: number;
  /** Measurement noise of a detected box. Default 1/20. */
  measurement: number;
}

export const DEFAULT_KALMAN_NOISE: Readonly<KalmanNoise> = { position: 1 / 20, velocity: 1 / 160, measurement: 1 / 20 };

/** Four 2-state filters: x = [p, v] per coordinate, covariance [[a, b], [b, c]]. */
export class BoxKalman {
  private readonly p = new Float64Array(4);
  private readonly v = new Float64Array(4);
  private readonly a = new Float64Array(4);
  private readonly b = new Float64Array(4);
  private readonly c = new Float64Array(4);

  constructor(
    box: FaceBox,
    private readonly noise: Readonly<KalmanNoise> = DEFAULT_KALMAN_NOISE,
  ) {
    this.reset(box);
  }

  /** Restarts at `box` with zero velocity and a wide velocity prior (a track coming back after a loss). */
  reset(box: FaceBox): void {
    const z = measure(box);
    const s = scale(box);
    for (let k = 0; k < 4; k++) {
      this.p[k] = z[k]!;
      this.v[k] = 0;
      this.a[k] = (2 * this.noise.position * s) ** 2;
      this.b[k] = 0;
      this.c[k] = (10 * this.noise.velocity * s) ** 2;
    }
  }

  /** Advances one frame: p += v; P = F P F^T + Q. */
  predict(): void {
    const s = this.size();
    const qp = (this.noise.position * s) ** 2;
    const qv = (this.noise.velocity * s) ** 2;
    for (let k = 0; k < 4; k++) {
      this.p[k] += this.v[k]!;
      const a = this.a[k]!;
      const b = this.b[k]!;
      const c = this.c[k]!;
      this.a[k] = a + 2 * b + c + qp;
      this.b[k] = b + c;
      this.c[k] = c + qv;
    }
    // A shrinking box must not invert.
    for (const k of [2, 3]) {
      if (this.p[k]! < 1) {
        this.p[k] = 1;
        if (this.v[k]! < 0) this.v[k] = 0;
      }
    }
  }

  /** Folds in a detected box (H = [1, 0] per coordinate). */
  update(box: FaceBox): void {
    const z = measure(box);
    const r = (this.noise.measurement * scale(box)) ** 2;
    for (let k = 0; k < 4; k++) {
      const a = this.a[k]!;
      const b = this.b[k]!;
      const c = this.c[k]!;
      const sInv = 1 / (a + r);
      const k0 = a * sInv;
      const k1 = b * sInv;
      const y = z[k]! - this.p[k]!;
      this.p[k] += k0 * y;
      this.v[k] += k1 * y;
      // P = (I - K H) P
      this.a[k] = (1 - k0) * a;
      this.b[k] = (1 - k0) * b;
      this.c[k] = c - k1 * b;
    }
  }

  /** The current box estimate. */
  box(): FaceBox {
    const [cx, cy, w, h] = this.p;
    return { x: cx! - w! / 2, y: cy! - h! / 2, width: w!, height: h! };
  }

  /** The current velocity of the centre, pixels per frame. */
  velocity(): { x: number; y: number } {
    return { x: this.v[0]!, y: this.v[1]! };
  }

  private size(): number {
    return Math.max(1, (this.p[2]! + this.p[3]!) / 2);
  }
}

const measure = (b: FaceBox): [number, number, number, number] => [b.x + b.width / 2, b.y + b.height / 2, b.width, b.height];
const scale = (b: FaceBox): number => Math.max(1, (b.width + b.height) / 2);

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: FaceBox, b: FaceBox): number {
  const ix = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const iy = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}
