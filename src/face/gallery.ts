// A face gallery: named identities, each with one or more embeddings (FaceRecognitionNet's 128-d descriptors or
// any fixed-size vectors), searched by distance. Runtime-agnostic: no file system here (Node persistence is in
// gallery-node.ts); serialisation is to and from bytes, for files, IndexedDB or the network.
//
// Search: one row per identity (its mean, matching 'mean', the default) or per enrolled vector ('sample': an
// identity's distance is its nearest sample's). Below `gemmMinRows` rows, or without an engine, a host loop
// computes every distance in f64. Above it, the rows live on the engine and one matmul kernel gives every probe's
// dot product with every row (probes x rows^T); from those, candidates within the f32 error bound of the k-th best
// are re-scored by the same f64 code as the host loop, so the two paths return identical results.
//
// File format (version 1), little-endian:
//   bytes 0-7     magic "FGGALLRY"
//   bytes 8-11    u32 header length H
//   bytes 12..    H bytes of UTF-8 JSON: { format: 'facegpu-gallery', version: 1, dim, metric, matching, threshold,
//                 names: string[], counts: number[] (vectors per name), payloadBytes, crc32 (of the payload) }
//   then          zero padding to a multiple of 4 bytes, then the payload: sum(counts) * dim f32, the vectors of
//                 names[0] first, each identity's in enrolment order. Nothing after it.
// Loading checks all of it (magic, version, sizes, counts, checksum, finite values) and throws
// InvalidModelFileError naming the source and the problem.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError, InvalidModelFileError } from '../runtime/errors.js';
import type { Tensor } from '../runtime/tensor.js';
import { matmul } from '../ops/matmul/index.js';

export type GalleryMetric = 'euclidean' | 'cosine';
export type GalleryMatching = 'mean' | 'sample';
export const GALLERY_METRICS: readonly GalleryMetric[] = ['euclidean', 'cosine'];
export const GALLERY_MATCHINGS: readonly GalleryMatching[] = ['mean', 'sample'];

/** dlib's threshold for its descriptors (Euclidean); the cosine default is the same for unit vectors (0.6^2 / 2). */
export const DEFAULT_THRESHOLDS: Readonly<Record<GalleryMetric, number>> = { euclidean: 0.6, cosine: 0.18 };

export interface GalleryOptions {
  /** Distance: 'euclidean' (default) or 'cosine' (1 - cos). */
  metric?: GalleryMetric;
  /** An identity's distance: to its mean vector ('mean', default) or its nearest sample ('sample'). */
  matching?: GalleryMatching;
  /** Distances below it are a match (default DEFAULT_THRESHOLDS[metric]); calibrate it with calibrate.ts. */
  threshold?: number;
  /** Vector length; default: the first enrolled vector's. */
  dim?: number;
  /** Engine for the GEMM search of large galleries (none: always the host loop). */
  engine?: Engine;
  /** Rows from which the GEMM path is used when an engine is given (default 256). */
  gemmMinRows?: number;
}

export interface GalleryMatch {
  name: string;
  distance: number;
}

export interface IdentifyOptions {
  /** Best identities to return (default 1). */
  k?: number;
  /** Overrides the gallery's threshold for this call. */
  threshold?: number;
}

export interface IdentifyResult {
  /** True when no identity is within the threshold. */
  unknown: boolean;
  /** Up to k identities within the threshold, nearest first. */
  matches: GalleryMatch[];
  /** The nearest identity whatever its distance (null for an empty gallery). */
  nearest: GalleryMatch | null;
}

export interface VerifyOptions {
  metric?: GalleryMetric;
  threshold?: number;
}

export interface VerifyResult {
  distance: number;
  /** distance < threshold. */
  same: boolean;
}

/** What `enroll` takes: vectors, or anything `embed` turns into one (images, face crops). */
export type Embedding = Float32Array | readonly number[];
export type EmbedFn<T> = (item: T) => Float32Array | Promise<Float32Array>;

const MAGIC = 'FGGALLRY';
export const GALLERY_FORMAT = 'facegpu-gallery';
export const GALLERY_VERSION = 1;
const OPTION_KEYS = ['metric', 'matching', 'threshold', 'dim', 'engine', 'gemmMinRows'];
/** Unit roundoff of f32: bounds the GEMM's dot products (see shortlist). */
const F32_EPS = 2 ** -24;

// ---- distances (f64; the one definition both search paths use) ------------------------------------------------

function sqDist(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return s;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** The unit vector of v (f32 storage, computed in f64); zero stays zero. */
function unit(v: ArrayLike<number>): Float32Array {
  const n = Math.sqrt(dot(v, v));
  return Float32Array.from(v, (x) => (n > 0 ? x / n : 0));
}

/** Distance between a probe row and a gallery row as stored (cosine rows are unit vectors already). */
function rowDistance(metric: GalleryMetric, p: Float32Array, g: Float32Array): number {
  return metric === 'euclidean' ? Math.sqrt(sqDist(p, g)) : 1 - dot(p, g);
}

/** Euclidean or cosine distance between two vectors. */
export function faceDistance(a: ArrayLike<number>, b: ArrayLike<number>, metric: GalleryMetric = 'euclidean'): number {
  const where = 'faceDistance';
  checkVector(where, 'a', a, undefined);
  checkVector(where, 'b', b, a.length);
  if (!GALLERY_METRICS.includes(metric)) throw new InvalidArgumentError(`${where}: metric must be one of ${GALLERY_METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
  return metric === 'euclidean' ? Math.sqrt(sqDist(a, b)) : 1 - dot(unit(a), unit(b));
}

/** Same person or not: distance < threshold (default: DEFAULT_THRESHOLDS[metric]). */
export function verifyFaces(a: ArrayLike<number>, b: ArrayLike<number>, options: VerifyOptions = {}): VerifyResult {
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('verifyFaces: options must be an object');
  for (const k of Object.keys(options)) {
    if (k !== 'metric' && k !== 'threshold') throw new InvalidArgumentError(`verifyFaces: unknown option '${k}' (known: metric, threshold)`);
  }
  const metric = options.metric ?? 'euclidean';
  const distance = faceDistance(a, b, metric);
  const threshold = checkThreshold('verifyFaces', options.threshold ?? DEFAULT_THRESHOLDS[metric]);
  return { distance, same: distance < threshold };
}

// ---- validation -------------------------------------------------------------------------------------------------

function checkVector(where: string, what: string, v: unknown, dim: number | undefined): Float32Array {
  if (!(v instanceof Float32Array || v instanceof Float64Array || Array.isArray(v))) {
    throw new InvalidArgumentError(`${where}: ${what} must be a Float32Array or an array of numbers, got ${v === null ? 'null' : typeof v}`);
  }
  const a = v as ArrayLike<number>;
  if (a.length === 0) throw new InvalidArgumentError(`${where}: ${what} is empty`);
  if (dim !== undefined && a.length !== dim) throw new InvalidArgumentError(`${where}: ${what} has ${a.length} values, the gallery's vectors have ${dim}`);
  for (let i = 0; i < a.length; i++) {
    if (typeof a[i] !== 'number' || !Number.isFinite(a[i])) throw new InvalidArgumentError(`${where}: ${what}[${i}] is ${String(a[i])}; values must be finite numbers`);
  }
  const f = Float32Array.from(a);
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i]!)) throw new InvalidArgumentError(`${where}: ${what}[${i}] = ${a[i]} overflows f32`);
  }
  return f;
}

function checkThreshold(where: string, t: unknown): number {
  if (typeof t !== 'number' || Number.isNaN(t)) throw new InvalidArgumentError(`${where}: threshold must be a number, got ${String(t)}`);
  return t;
}

function checkName(where: string, name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError(`${where}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  return name;
}

const isVector = (x: unknown): boolean => x instanceof Float32Array || x instanceof Float64Array || (Array.isArray(x) && x.every((v) => typeof v === 'number'));

// ---- the gallery -----------------------------------------------------------------------------------------------

interface SearchRows {
  /** Row r's vector (the identity's mean or one sample; unit vectors for cosine). */
  rows: Float32Array[];
  /** Row r's identity index. */
  owner: number[];
  /** The rows on the engine, [rows, dim] (GEMM path only), made on first use. */
  tensor: Tensor | null;
}

export class FaceGallery {
  readonly metric: GalleryMetric;
  readonly matching: GalleryMatching;
  private threshold_: number;
  private dim_: number | undefined;
  private readonly engine: Engine | undefined;
  private readonly gemmMinRows: number;
  /** Identities in enrolment order, with their vectors. */
  private readonly ids = new Map<string, Float32Array[]>();
  private search: SearchRows | null = null;

  constructor(options: GalleryOptions = {}) {
    const where = 'FaceGallery';
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${where}: options must be an object`);
    for (const k of Object.keys(options)) {
      if (!OPTION_KEYS.includes(k)) throw new InvalidArgumentError(`${where}: unknown option '${k}' (known: ${OPTION_KEYS.join(', ')})`);
    }
    const metric = options.metric ?? 'euclidean';
    if (!GALLERY_METRICS.includes(metric)) throw new InvalidArgumentError(`${where}: metric must be one of ${GALLERY_METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
    const matching = options.matching ?? 'mean';
    if (!GALLERY_MATCHINGS.includes(matching)) {
      throw new InvalidArgumentError(`${where}: matching must be one of ${GALLERY_MATCHINGS.join(', ')}, got ${JSON.stringify(matching)}`);
    }
    const dim = options.dim;
    if (dim !== undefined && (!Number.isInteger(dim) || dim < 1 || dim > 65536)) {
      throw new InvalidArgumentError(`${where}: dim must be an integer in [1, 65536], got ${String(dim)}`);
    }
    const g = options.gemmMinRows ?? 256;
    if (!Number.isInteger(g) || g < 0) throw new InvalidArgumentError(`${where}: gemmMinRows must be an integer >= 0, got ${String(g)}`);
    if (options.engine !== undefined && (options.engine === null || typeof (options.engine as Engine).tensor !== 'function')) {
      throw new InvalidArgumentError(`${where}: engine must be an Engine (createEngine())`);
    }
    this.metric = metric;
    this.matching = matching;
    this.threshold_ = checkThreshold(where, options.threshold ?? DEFAULT_THRESHOLDS[metric]);
    this.dim_ = dim;
    this.engine = options.engine;
    this.gemmMinRows = g;
  }

  /** Vector length (undefined until the first enrolment unless given). */
  get dim(): number | undefined {
    return this.dim_;
  }

  get threshold(): number {
    return this.threshold_;
  }

  set threshold(t: number) {
    this.threshold_ = checkThreshold('FaceGallery.threshold', t);
  }

  /** Identity names in enrolment order. */
  get names(): string[] {
    return [...this.ids.keys()];
  }

  /** Number of identities. */
  get size(): number {
    return this.ids.size;
  }

  /** Number of enrolled vectors. */
  get count(): number {
    let n = 0;
    for (const v of this.ids.values()) n += v.length;
    return n;
  }

  has(name: string): boolean {
    return this.ids.has(name);
  }

  /** Copies of an identity's vectors (empty if unknown). */
  embeddings(name: string): Float32Array[] {
    return (this.ids.get(name) ?? []).map((v) => v.slice());
  }

  /** Adds vectors to `name` (creating it): all or nothing. */
  add(name: string, vectors: Embedding | readonly Embedding[]): void {
    const where = 'FaceGallery.add';
    checkName(where, name);
    const list = isVector(vectors) ? [vectors as Embedding] : (vectors as readonly Embedding[]);
    if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(`${where}: no vectors given for '${name}'`);
    let dim = this.dim_;
    const checked = list.map((v, i) => {
      const f = checkVector(where, `'${name}' vector ${i}`, v, dim);
      dim = f.length;
      return f;
    });
    this.dim_ = dim;
    const have = this.ids.get(name);
    if (have) have.push(...checked);
    else this.ids.set(name, checked);
    this.invalidate();
  }

  /**
   * Enrols `name` from vectors, or from images (anything) through `embed` (FaceRecognitionNet's embed, or a
   * detect-align-embed pipeline). Every item is embedded before any is added: a failure adds nothing.
   */
  async enroll<T = never>(name: string, items: readonly (Embedding | T)[] | Embedding, embed?: EmbedFn<T>): Promise<void> {
    const where = 'FaceGallery.enroll';
    checkName(where, name);
    const list = isVector(items) ? [items as Embedding] : (items as readonly (Embedding | T)[]);
    if (!Array.isArray(list) || list.length === 0) throw new InvalidArgumentError(`${where}: nothing to enrol for '${name}'`);
    if (embed !== undefined && typeof embed !== 'function') throw new InvalidArgumentError(`${where}: embed must be a function (item) => Float32Array`);
    const vectors: Embedding[] = [];
    for (const [i, it] of list.entries()) {
      if (isVector(it)) vectors.push(it as Embedding);
      else if (embed) vectors.push(await embed(it as T));
      else throw new InvalidArgumentError(`${where}: item ${i} of '${name}' is not a vector; pass an embed function to enrol images`);
    }
    this.add(name, vectors);
  }

  /** Removes an identity; returns whether it was there. */
  remove(name: string): boolean {
    const had = this.ids.delete(name);
    if (had) this.invalidate();
    return had;
  }

  clear(): void {
    this.ids.clear();
    this.invalidate();
  }

  /** Frees the engine copy of the rows (the gallery stays usable; it re-uploads on the next GEMM search). */
  dispose(): void {
    this.invalidate();
  }

  private invalidate(): void {
    this.search?.tensor?.dispose();
    this.search = null;
  }

  private rows(): SearchRows {
    if (this.search) return this.search;
    const rows: Float32Array[] = [];
    const owner: number[] = [];
    let id = 0;
    for (const vecs of this.ids.values()) {
      if (this.matching === 'sample') {
        for (const v of vecs) {
          rows.push(this.metric === 'cosine' ? unit(v) : v);
          owner.push(id);
        }
      } else {
        // Mean of the samples (of their unit vectors for cosine), accumulated in f64.
        const m = new Float64Array(vecs[0]!.length);
        for (const v of vecs) {
          const u = this.metric === 'cosine' ? unit(v) : v;
          for (let i = 0; i < m.length; i++) m[i]! += u[i]! / vecs.length;
        }
        rows.push(this.metric === 'cosine' ? unit(m) : Float32Array.from(m));
        owner.push(id);
      }
      id++;
    }
    return (this.search = { rows, owner, tensor: null });
  }

  /** The probe as a search row (unit vector for cosine). */
  private probeRow(where: string, p: unknown, i: number): Float32Array {
    const f = checkVector(where, `probe ${i}`, p, this.dim_);
    return this.metric === 'cosine' ? unit(f) : f;
  }

  /** Same person or not, with this gallery's metric and threshold. */
  verify(a: Embedding, b: Embedding, options: { threshold?: number } = {}): VerifyResult {
    return verifyFaces(a, b, { metric: this.metric, threshold: options.threshold ?? this.threshold_ });
  }

  /** The k nearest identities to `probe` within the threshold, or unknown. */
  async identify(probe: Embedding, options?: IdentifyOptions): Promise<IdentifyResult> {
    return (await this.identifyBatch([probe], options))[0]!;
  }

  /** identify() for many probes: one GEMM for all of them on a large gallery. */
  async identifyBatch(probes: readonly Embedding[], options: IdentifyOptions = {}): Promise<IdentifyResult[]> {
    const where = 'FaceGallery.identify';
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${where}: options must be an object`);
    for (const key of Object.keys(options)) {
      if (key !== 'k' && key !== 'threshold') throw new InvalidArgumentError(`${where}: unknown option '${key}' (known: k, threshold)`);
    }
    const k = options.k ?? 1;
    if (!Number.isInteger(k) || k < 1) throw new InvalidArgumentError(`${where}: k must be an integer >= 1, got ${String(k)}`);
    const threshold = checkThreshold(where, options.threshold ?? this.threshold_);
    if (!Array.isArray(probes)) throw new InvalidArgumentError(`${where}: probes must be an array of vectors`);
    const ps = probes.map((p, i) => this.probeRow(where, p, i));
    if (this.ids.size === 0) return ps.map(() => ({ unknown: true, matches: [], nearest: null }));
    const s = this.rows();
    const useGemm = this.engine !== undefined && s.rows.length >= this.gemmMinRows && ps.length > 0;
    const names = this.names;
    const ranked = useGemm ? await this.rankGemm(s, ps, k) : ps.map((p) => this.rankHost(s, p, k));
    return ranked.map((r) => {
      const all = r.map(([id, d]) => ({ name: names[id]!, distance: d }));
      const matches = all.filter((m) => m.distance < threshold);
      return { unknown: matches.length === 0, matches, nearest: all[0] ?? null };
    });
  }

  /** Host loop: every row's f64 distance, an identity's best row, the k best identities. */
  private rankHost(s: SearchRows, p: Float32Array, k: number): [number, number][] {
    return this.bestIdentities(s, p, s.rows.map((_, r) => r), k);
  }

  /** Exact (f64) distances of `rows` to p, reduced per identity, k best (ties: enrolment order). */
  private bestIdentities(s: SearchRows, p: Float32Array, rows: readonly number[], k: number): [number, number][] {
    const best = new Map<number, number>();
    for (const r of rows) {
      const d = rowDistance(this.metric, p, s.rows[r]!);
      const id = s.owner[r]!;
      const have = best.get(id);
      if (have === undefined || d < have) best.set(id, d);
    }
    return [...best.entries()].sort((a, b) => a[1] - b[1] || a[0] - b[0]).slice(0, k);
  }

  /**
   * GEMM path: dots = probes x rows^T on the engine (one readback), an f32 estimate of every distance, then the
   * rows of every identity whose estimate is within twice the f32 error bound of the k-th best identity's are
   * re-scored exactly. An identity in the exact top k always passes that test, so the result is the host loop's.
   */
  private async rankGemm(s: SearchRows, ps: Float32Array[], k: number): Promise<[number, number][][]> {
    const engine = this.engine!;
    const dim = this.dim_!;
    const n = s.rows.length;
    if (!s.tensor) {
      const flat = new Float32Array(n * dim);
      s.rows.forEach((r, i) => flat.set(r, i * dim));
      s.tensor = engine.tensor(flat, [n, dim]);
    }
    const flat = new Float32Array(ps.length * dim);
    ps.forEach((p, i) => flat.set(p, i * dim));
    const pt = engine.tensor(flat, [ps.length, dim]);
    let dots: Float32Array;
    try {
      const y = matmul(engine, pt, s.tensor, { transposeB: true });
      try {
        dots = await y.data();
      } finally {
        y.dispose();
      }
    } finally {
      pt.dispose();
    }
    const rowSq = s.rows.map((r) => dot(r, r));
    const maxRowNorm = Math.sqrt(Math.max(...rowSq));
    const ids = s.owner.length ? s.owner[s.owner.length - 1]! + 1 : 0;
    return ps.map((p, pi) => {
      const pSq = dot(p, p);
      // |f32 dot - exact dot| <= dim * u * sum |p_i g_i| <= dim * u * |p| |g| for any summation order (fused or
      // not); 4x margin. Estimates compare in squared distance (euclidean) or 1 - cos (cosine): both move by at
      // most 2 (resp. 1) such errors.
      const err = 4 * dim * F32_EPS * Math.sqrt(pSq) * maxRowNorm + 1e-30;
      const slack = 2 * (this.metric === 'euclidean' ? 2 * err : err);
      const est = new Float64Array(ids).fill(Infinity);
      for (let r = 0; r < n; r++) {
        const d = dots[pi * n + r]!;
        const e = this.metric === 'euclidean' ? pSq + rowSq[r]! - 2 * d : 1 - d;
        const id = s.owner[r]!;
        if (e < est[id]!) est[id] = e;
      }
      const kth = [...est].sort((a, b) => a - b)[Math.min(k, ids) - 1]!;
      const rows: number[] = [];
      for (let r = 0; r < n; r++) if (est[s.owner[r]!]! <= kth + slack) rows.push(r);
      return this.bestIdentities(s, p, rows, k);
    });
  }

  // ---- serialisation -------------------------------------------------------------------------------------------

  /** The gallery as one versioned file's bytes (format in the file comment). */
  toBytes(): Uint8Array {
    const names = this.names;
    const counts = names.map((n) => this.ids.get(n)!.length);
    const dim = this.dim_ ?? 0;
    const total = counts.reduce((a, b) => a + b, 0);
    const payload = new Float32Array(total * dim);
    let o = 0;
    for (const n of names) for (const v of this.ids.get(n)!) payload.set(v, (o++) * dim);
    const payloadBytes = new Uint8Array(payload.buffer);
    const header = {
      format: GALLERY_FORMAT,
      version: GALLERY_VERSION,
      dim,
      metric: this.metric,
      matching: this.matching,
      threshold: this.threshold_,
      names,
      counts,
      payloadBytes: payloadBytes.length,
      crc32: crc32(payloadBytes),
    };
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = align4(12 + json.length);
    const out = new Uint8Array(start + payloadBytes.length);
    out.set(new TextEncoder().encode(MAGIC), 0);
    new DataView(out.buffer).setUint32(8, json.length, true);
    out.set(json, 12);
    out.set(payloadBytes, start);
    return out;
  }

  /**
   * A gallery from toBytes()'s bytes, checked throughout; `source` names the file in errors. Options other than
   * metric / matching / dim (fixed by the file) apply: engine, gemmMinRows, and threshold (overrides the file's).
   */
  static fromBytes(bytes: ArrayBuffer | ArrayBufferView, options: Omit<GalleryOptions, 'metric' | 'matching' | 'dim'> = {}, source = 'gallery'): FaceGallery {
    const u8 =
      bytes instanceof ArrayBuffer
        ? new Uint8Array(bytes)
        : ArrayBuffer.isView(bytes)
          ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
          : null;
    if (!u8) throw new InvalidArgumentError(`FaceGallery.fromBytes: expected an ArrayBuffer or a typed array, got ${typeof bytes}`);
    const bad = (what: string): never => {
      throw new InvalidModelFileError(`${source}: ${what}`);
    };
    if (u8.length < 12) bad(`too short for a gallery file (${u8.length} bytes; the header alone takes at least 12)`);
    if (new TextDecoder().decode(u8.subarray(0, 8)) !== MAGIC) bad(`not a facegpu gallery file (no "${MAGIC}" magic at the start)`);
    const hlen = new DataView(u8.buffer, u8.byteOffset, u8.byteLength).getUint32(8, true);
    if (12 + hlen > u8.length) bad(`truncated: the header says ${hlen} bytes of JSON but the file has ${u8.length - 12} after the magic`);
    let h: Record<string, unknown>;
    try {
      h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(u8.subarray(12, 12 + hlen)));
    } catch (e) {
      return bad(`header is not valid JSON (${(e as Error).message})`);
    }
    if (!h || typeof h !== 'object' || Array.isArray(h)) bad('header is not a JSON object');
    if (h.format !== GALLERY_FORMAT) bad(`header format is ${JSON.stringify(h.format)}, expected '${GALLERY_FORMAT}'`);
    if (h.version !== GALLERY_VERSION) bad(`unsupported version ${JSON.stringify(h.version)} (this build reads version ${GALLERY_VERSION})`);
    const { dim, metric, matching, threshold, names, counts, payloadBytes, crc32: crc } = h;
    if (!Number.isInteger(dim) || (dim as number) < 0 || (dim as number) > 65536) bad(`dim must be an integer in [0, 65536], got ${JSON.stringify(dim)}`);
    if (!GALLERY_METRICS.includes(metric as GalleryMetric)) bad(`metric must be one of ${GALLERY_METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
    if (!GALLERY_MATCHINGS.includes(matching as GalleryMatching)) bad(`matching must be one of ${GALLERY_MATCHINGS.join(', ')}, got ${JSON.stringify(matching)}`);
    if (typeof threshold !== 'number' || !Number.isFinite(threshold)) bad(`threshold must be a finite number, got ${JSON.stringify(threshold)}`);
    if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && n.length > 0)) bad('names must be an array of non-empty strings');
    const nameList = names as string[];
    if (new Set(nameList).size !== nameList.length) bad(`names repeat (${nameList.find((n, i) => nameList.indexOf(n) !== i)})`);
    if (!Array.isArray(counts) || counts.length !== nameList.length || !counts.every((c) => Number.isInteger(c) && c >= 1)) {
      bad(`counts must hold one integer >= 1 per name (${nameList.length} names), got ${JSON.stringify(counts)?.slice(0, 80)}`);
    }
    if (dim === 0 && nameList.length > 0) bad('dim is 0 but the gallery has identities');
    const total = (counts as number[]).reduce((a, b) => a + b, 0);
    const want = total * (dim as number) * 4;
    if (payloadBytes !== want) bad(`payloadBytes is ${JSON.stringify(payloadBytes)}, but ${total} vectors of ${dim} f32 take ${want}`);
    const start = align4(12 + hlen);
    if (u8.length !== start + want) {
      bad(
        u8.length < start + want
          ? `truncated: ${u8.length - start} payload bytes, expected ${want} (${total} vectors x ${dim} x 4)`
          : `${u8.length - start - want} unexpected bytes after the payload`,
      );
    }
    for (let i = 12 + hlen; i < start; i++) if (u8[i] !== 0) bad('padding after the header is not zero');
    const payload = u8.slice(start, start + want); // copy: aligned, and independent of the caller's buffer
    if (crc32(payload) !== crc) bad(`checksum mismatch (crc32 ${crc32(payload)} != header ${JSON.stringify(crc)}): the payload is corrupt`);
    const values = new Float32Array(payload.buffer);
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) bad(`vector ${Math.floor(i / (dim as number))} holds ${values[i]} at ${i % (dim as number)}; values must be finite`);
    }
    const g = new FaceGallery({ ...options, metric: metric as GalleryMetric, matching: matching as GalleryMatching, dim: dim ? (dim as number) : undefined, threshold: options.threshold ?? (threshold as number) });
    let o = 0;
    nameList.forEach((n, i) => {
      const c = (counts as number[])[i]!;
      const vs: Float32Array[] = [];
      for (let j = 0; j < c; j++, o++) vs.push(values.slice(o * (dim as number), (o + 1) * (dim as number)));
      g.ids.set(n, vs);
    });
    return g;
  }
}

const align4 = (n: number): number => (n + 3) & ~3;

let CRC_TABLE: Uint32Array | null = null;

/** CRC-32 (IEEE, as zlib / PNG). */
export function crc32(bytes: Uint8Array): number {
  if (!CRC_TABLE) {
    CRC_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
