// MTCNN (Zhang et al. 2016) on our kernels, with face-api.js's pre- and post-processing (its parity tests are
// ours): P-Net over an image pyramid, R-Net on 24x24 crops, O-Net on 48x48 crops with 5 landmarks; box
// regression, square-ing and NMS between stages. Images, pyramid levels, crops and activations stay on the
// device; the reads are the stage outputs the host needs to pick boxes (P-Net maps, then k x 6 and k x 16 values).
import { cropAndResize } from '../../ops/crop-resize/index.js';
import { normalizeImage } from '../../ops/normalize-image/index.js';
import type { Engine } from '../../runtime/engine.js';
import { InvalidArgumentError } from '../../runtime/errors.js';
import type { Tensor } from '../../runtime/tensor.js';
import { checkImage, type RgbaImage } from '../image.js';
import { attachedTexture } from '../preprocess.js';
import { imageTexture } from '../../ops/image-texture/index.js';
import { loadModelWeights, type ModelSource } from '../nets/weights-source.js';
import { calibrate, CELL_SIZE, cellBox, cropRect, faceScore, height, nms, pyramidBox, pyramidScales, width, type Box } from './boxes.js';
import { onet, pnet, rnet } from './nets.js';
import { normalizeDetectOptions, type MtcnnDetectOptions } from './options.js';
import { buildMtcnnParams, paramTensors, type MtcnnParams } from './weights.js';

export type { MtcnnDetectOptions } from './options.js';
/** face-api.js's MTCNN weights: `mtcnn_model-weights_manifest.json` + 1 shard (not in @vladmandic/face-api). */
export const MTCNN_MODEL = 'mtcnn_model';

/**
 * Where the weights come from: `weights` (NamedWeights), or `modelPath`, the manifest
 * (mtcnn_model-weights_manifest.json) or its folder: a file path in Node, a URL (fetched with `fetch`).
 */
export type MtcnnLoadOptions = ModelSource;

export interface MtcnnPoint {
  x: number;
  y: number;
}

export interface MtcnnFace {
  /** Pixels of the input image (integers; may reach past the image border). */
  box: { x: number; y: number; width: number; height: number };
  /** O-Net's face probability. */
  score: number;
  /** Left eye, right eye, nose, left and right mouth corner (image pixels). */
  landmarks: MtcnnPoint[];
}

/** Per-stage times of the last detect() (ms) and candidate counts, for benchmarks and tuning. */
export interface MtcnnStats {
  scales: number[];
  stage1Ms: number;
  stage2Ms: number;
  stage3Ms: number;
  totalMs: number;
  stage1Boxes: number;
  stage2Boxes: number;
  faces: number;
}

/** Crops per R-Net / O-Net batch (bounds device memory: O-Net's first map is 46x46x32 floats a crop). */
const RNET_BATCH = 512;
const ONET_BATCH = 128;

/**
 * face-api's (v - 127.5) * 0.0078125 in BGR order (the nets are Caffe's). The 4th channel (alpha) only pads the
 * image to 4 channels for the vec4 kernels: the first convs give it zero weights.
 */
const IMAGE_NORM = { mean: [127.5, 127.5, 127.5, 127.5], std: [128, 128, 128, 128], channels: 4 as const, bgr: true };

const now = () => (globalThis.performance ?? Date).now();

export class Mtcnn {
  private disposed = false;
  /** Timings and counts of the most recent detect(). */
  lastStats: MtcnnStats | null = null;

  private constructor(
    readonly engine: Engine,
    private params: MtcnnParams,
  ) {}

  /**
   * Loads the weights (face-api.js's mtcnn_model: 50 float32 tensors), checks every shape and uploads them once.
   * Bad files are InvalidModelFileErrors naming the tensor and file.
   */
  static async load(engine: Engine, options: MtcnnLoadOptions = {}): Promise<Mtcnn> {
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError('Mtcnn.load: options must be an object');
    for (const k of Object.keys(options)) {
      if (!['weights', 'modelPath', 'fetch'].includes(k)) throw new InvalidArgumentError(`Mtcnn.load: unknown option '${k}' (known: weights, modelPath, fetch)`);
    }
    if (options.weights === undefined && options.modelPath === undefined) {
      // Unlike the other nets, @vladmandic/face-api does not ship MTCNN: there is no default location.
      throw new InvalidArgumentError(
        `Mtcnn.load: pass { modelPath } (face-api.js's ${MTCNN_MODEL}-weights_manifest.json or its folder) or { weights }`,
      );
    }
    const w = await loadModelWeights('Mtcnn.load', MTCNN_MODEL, options);
    return new Mtcnn(engine, buildMtcnnParams(engine, w));
  }

  /** Finds faces: boxes, scores and 5 landmarks, highest score first. */
  async detect(image: RgbaImage, options?: MtcnnDetectOptions): Promise<MtcnnFace[]> {
    if (this.disposed) throw new InvalidArgumentError('Mtcnn.detect: used after dispose()');
    const img = checkImage(image, 'Mtcnn.detect: image');
    const opts = normalizeDetectOptions(options);
    const { engine } = this;
    const t0 = now();
    const { width: W, height: H } = img;
    const scales = opts.scaleSteps
      ? opts.scaleSteps.filter((s) => Math.min(Math.floor(H * s), Math.floor(W * s)) > CELL_SIZE).slice(0, opts.maxNumScales)
      : pyramidScales(opts.minFaceSize, opts.scaleFactor, H, W, opts.maxNumScales);
    const stats: MtcnnStats = { scales, stage1Ms: 0, stage2Ms: 0, stage3Ms: 0, totalMs: 0, stage1Boxes: 0, stage2Boxes: 0, faces: 0 };
    this.lastStats = stats;
    if (scales.length === 0) return [];

    // A browser image's attached texture (webgpu) gives the same normalised input without its bytes in JS.
    const tex = attachedTexture(engine, img);
    let x: Tensor;
    if (tex) {
      x = imageTexture(engine, { image: tex, size: [H, W], pad: 'none', ...IMAGE_NORM });
    } else {
      const rgba = engine.tensor(img.data, [1, H, W, 4], 'u8');
      try {
        x = normalizeImage(engine, rgba, IMAGE_NORM);
      } finally {
        rgba.dispose();
      }
    }
    try {
      const s1 = await this.stage1(x, scales, opts.scoreThresholds[0]);
      stats.stage1Boxes = s1.length;
      const t1 = now();
      stats.stage1Ms = t1 - t0;
      if (!s1.length) return [];
      const s2 = await this.stage2(x, s1, opts.scoreThresholds[1]);
      stats.stage2Boxes = s2.length;
      const t2 = now();
      stats.stage2Ms = t2 - t1;
      if (!s2.length) return [];
      const faces = await this.stage3(x, s2, opts.scoreThresholds[2]);
      stats.stage3Ms = now() - t2;
      stats.faces = faces.length;
      return faces;
    } finally {
      x.dispose();
      stats.totalMs = now() - t0;
    }
  }

  /** P-Net over the pyramid: candidate boxes, regressed, squared and rounded. */
  private async stage1(x: Tensor, scales: number[], threshold: number): Promise<Box[]> {
    const { engine } = this;
    const [, H, W] = x.shape as [number, number, number, number];
    // Record every scale, then read the maps back together (one readback).
    const maps = scales.map((s) => {
      // Rescaled as tfjs resizeBilinear without half-pixel centres (resize's 'asymmetric'), through cropAndResize:
      // its sizes are uniforms, so images of any size share one pipeline (resize specialises on sizes).
      const [oh, ow] = [Math.floor(H * s), Math.floor(W * s)];
      const box = engine.tensor(pyramidBox(W, H, ow, oh), [1, 4]);
      let level: Tensor;
      try {
        level = cropAndResize(engine, x, box, { size: [oh, ow] });
      } finally {
        box.dispose();
      }
      try {
        return pnet(engine, this.params.pnet, level);
      } finally {
        level.dispose();
      }
    });
    let data: Float32Array[];
    try {
      data = await Promise.all(maps.map((m) => m.data()));
    } finally {
      maps.forEach((m) => m.dispose());
    }
    const all: { cell: Box; score: number; reg: Float32Array }[] = [];
    scales.forEach((scale, si) => {
      const [, mh, mw, c] = maps[si]!.shape as [number, number, number, number];
      const d = data[si]!;
      const cands: { cell: Box; score: number; reg: Float32Array }[] = [];
      // x-major, the order face-api visits its transposed map in (NMS breaks score ties by position).
      for (let xx = 0; xx < mw; xx++) {
        for (let yy = 0; yy < mh; yy++) {
          const o = (yy * mw + xx) * c;
          const score = faceScore(d[o]!, d[o + 1]!);
          if (score >= threshold) cands.push({ cell: cellBox(xx, yy, scale), score, reg: d.subarray(o + 2, o + 6) });
        }
      }
      const keep = nms(
        cands.map((b) => b.cell),
        cands.map((b) => b.score),
        0.5,
      );
      for (const i of keep) all.push(cands[i]!);
    });
    const keep = nms(
      all.map((b) => b.cell),
      all.map((b) => b.score),
      0.7,
    );
    return keep.map((i) => calibrate(all[i]!.cell, all[i]!.reg));
  }

  /** Crops `boxes` (face-api's clipped rectangles) at size x size and runs `net` on them in batches. */
  private async refine(x: Tensor, boxes: Box[], size: number, batch: number, net: (t: Tensor) => Tensor): Promise<{ out: Float32Array; stride: number }> {
    const { engine } = this;
    const [, H, W] = x.shape as [number, number, number, number];
    const outs: Tensor[] = [];
    try {
      for (let i = 0; i < boxes.length; i += batch) {
        const part = boxes.slice(i, i + batch);
        const rects = engine.tensor(part.flatMap((b) => cropRect(b, W, H)), [part.length, 4]);
        let crops: Tensor;
        try {
          crops = cropAndResize(engine, x, rects, { size: [size, size] });
        } finally {
          rects.dispose();
        }
        try {
          outs.push(net(crops));
        } finally {
          crops.dispose();
        }
      }
      const parts = await Promise.all(outs.map((t) => t.data()));
      const stride = outs[0]!.shape[3]!;
      const out = new Float32Array(boxes.length * stride);
      let off = 0;
      for (const p of parts) {
        out.set(p, off);
        off += p.length;
      }
      return { out, stride };
    } finally {
      outs.forEach((t) => t.dispose());
    }
  }

  /** R-Net: keep boxes scoring > threshold, NMS (IoU 0.7) on the input boxes, then regress the kept ones. */
  private async stage2(x: Tensor, boxes: Box[], threshold: number): Promise<Box[]> {
    const { out, stride } = await this.refine(x, boxes, 24, RNET_BATCH, (t) => rnet(this.engine, this.params.rnet, t));
    const idx: number[] = [];
    const scores: number[] = [];
    boxes.forEach((_, i) => {
      const s = faceScore(out[i * stride]!, out[i * stride + 1]!);
      if (s > threshold) {
        idx.push(i);
        scores.push(s);
      }
    });
    const keep = nms(
      idx.map((i) => boxes[i]!),
      scores,
      0.7,
    );
    return keep.map((k) => calibrate(boxes[idx[k]!]!, out.subarray(idx[k]! * stride + 2, idx[k]! * stride + 6)));
  }

  /** O-Net: keep boxes scoring > threshold, regress them, NMS (overlap over the smaller box, 0.7), landmarks. */
  private async stage3(x: Tensor, boxes: Box[], threshold: number): Promise<MtcnnFace[]> {
    const { out, stride } = await this.refine(x, boxes, 48, ONET_BATCH, (t) => onet(this.engine, this.params.onet, t));
    const idx: number[] = [];
    const scores: number[] = [];
    const calibrated: Box[] = [];
    boxes.forEach((b, i) => {
      const o = i * stride;
      const s = faceScore(out[o]!, out[o + 1]!);
      if (s > threshold) {
        idx.push(i);
        scores.push(s);
        calibrated.push(calibrate(b, out.subarray(o + 2, o + 6)));
      }
    });
    const keep = nms(calibrated, scores, 0.7, 'min');
    return keep.map((k) => {
      const b = calibrated[k]!;
      const o = idx[k]! * stride + 6;
      // Landmarks relative to the regressed box, (size + 1) per unit, as face-api decodes them.
      const landmarks = Array.from({ length: 5 }, (_, j) => ({
        x: out[o + j]! * (width(b) + 1) + b.left,
        y: out[o + 5 + j]! * (height(b) + 1) + b.top,
      }));
      return { box: { x: b.left, y: b.top, width: width(b), height: height(b) }, score: scores[k]!, landmarks };
    });
  }

  /** Frees the weight tensors. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const t of paramTensors(this.params)) t.dispose();
  }
}
