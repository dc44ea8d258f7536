// parseWeights: a validated manifest plus its shard bytes -> NamedWeights. Byte counts are checked per group
// before anything is decoded, so a truncated or mismatched shard is reported as such, naming the first tensor that
// does not fit, the shard it falls in and the offset there.
import { InvalidArgumentError, InvalidModelFileError } from '../../runtime/errors.js';
import { dequantize, dequantizeInt, decodeHalf, readF32, readI32, readU16 } from './decode.js';
import {
  dims,
  parseManifestJson,
  STORED_BYTES,
  storedAs,
  validateManifest,
  type WeightsManifest,
  type WeightsManifestEntry,
} from './manifest.js';
import { NamedWeights, type NamedWeight, type StoredDtype } from './named.js';

export type ShardData = ArrayBuffer | ArrayBufferView;
/** Shard bytes: in manifest order (all groups' paths, flattened), or by the path the manifest gives. */
export type Shards = readonly ShardData[] | Readonly<Record<string, ShardData>> | ReadonlyMap<string, ShardData>;

export interface ParseWeightsOptions {
  /** What to call the manifest in messages (its path or URL). */
  source?: string;
  /** Load NaN / +-Inf in float tensors instead of reporting them (default false: InvalidModelFileError). */
  allowNonFinite?: boolean;
}

/** Formats the manifest's name for messages: `weights manifest "x.json"`. */
export function manifestLabel(source: string | undefined): string {
  return source ? `weights manifest "${source}"` : 'weights manifest';
}

function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i >= 0 ? p.slice(i + 1) : p;
}

function toBytes(d: unknown, what: string): Uint8Array {
  if (d instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && d instanceof SharedArrayBuffer)) {
    return new Uint8Array(d as ArrayBuffer);
  }
  if (ArrayBuffer.isView(d)) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  throw new InvalidArgumentError(`parseWeights: ${what} must be an ArrayBuffer or a typed array, got ${d === null ? 'null' : typeof d}`);
}

/** Finds each group's shard bytes in `shards`; a missing one is an InvalidModelFileError naming the file. */
function matchShards(manifest: WeightsManifest, shards: Shards | ShardData, label: string): Uint8Array[][] {
  const allPaths = manifest.flatMap((g) => g.paths);
  // One buffer for a one-shard manifest.
  if (shards instanceof ArrayBuffer || ArrayBuffer.isView(shards)) shards = [shards];
  if (Array.isArray(shards)) {
    if (shards.length !== allPaths.length) {
      const missing = allPaths.slice(shards.length);
      throw new InvalidModelFileError(
        `${label} lists ${allPaths.length} shard file(s) (${allPaths.map((p) => `"${p}"`).join(', ')}) but ${shards.length} ` +
          `buffer(s) were given` +
          (missing.length ? `: missing ${missing.map((p) => `"${p}"`).join(', ')}` : ''),
      );
    }
    let k = 0;
    return manifest.map((g) => g.paths.map((p) => toBytes(shards[k++], `shard "${p}"`)));
  }
  if (shards === null || typeof shards !== 'object') {
    throw new InvalidArgumentError('parseWeights: shards must be an array of buffers, a Map or a record by path');
  }
  const byPath = shards as ReadonlyMap<string, ShardData> | Readonly<Record<string, ShardData>>;
  const lookup = (p: string): ShardData | undefined =>
    byPath instanceof Map ? byPath.get(p) : Object.hasOwn(byPath, p) ? (byPath as Record<string, ShardData>)[p] : undefined;
  const get = (p: string): ShardData | undefined => lookup(p) ?? lookup(baseName(p));
  return manifest.map((g, gi) =>
    g.paths.map((p) => {
      const d = get(p);
      if (d === undefined) throw new InvalidModelFileError(`${label}: shard "${p}" (group ${gi}) is missing`);
      return toBytes(d, `shard "${p}"`);
    }),
  );
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Multi-index of flat element `i` in `shape` (for messages). */
function indexOf(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let a = shape.length - 1; a >= 0; a--) {
    idx[a] = i % shape[a];
    i = Math.floor(i / shape[a]);
  }
  return idx;
}

interface GroupLayout {
  paths: string[];
  bufs: Uint8Array[];
  starts: number[]; // group offset of each shard
  total: number;
}

/** The shard holding group offset `off`, and the offset inside it (the end of the group maps to the last shard). */
function locate(g: GroupLayout, off: number): { k: number; local: number } {
  let k = 0;
  while (k + 1 < g.bufs.length && off >= g.starts[k + 1]) k++;
  return { k, local: off - g.starts[k] };
}

function describeStore(e: WeightsManifestEntry): string {
  const s = storedAs(e);
  return e.quantization && s !== 'float16' ? `${s}-quantised ${e.dtype}` : s === e.dtype ? s : `${e.dtype} stored as ${s}`;
}

/** When every tensor of the group has the same element size and another size would fit the shards exactly. */
function dtypeHint(entries: readonly WeightsManifestEntry[], total: number): string {
  const sizes = new Set(entries.map((e) => STORED_BYTES[storedAs(e)]));
  if (sizes.size !== 1) return '';
  const [b] = sizes;
  const n = entries.reduce((a, e) => a + sizeOf(e.shape), 0);
  for (const alt of [1, 2, 4]) {
    if (alt !== b && n > 0 && n * alt === total) {
      return `; the shards would fit exactly with ${alt}-byte values instead of ${b}-byte ones: is the manifest's dtype or quantization wrong?`;
    }
  }
  return '';
}

/** Shards that are plainly not weights: a Git LFS pointer checked out instead of the file, or an HTML page. */
function contentHint(g: GroupLayout): string {
  for (let k = 0; k < g.bufs.length; k++) {
    const head = String.fromCharCode(...g.bufs[k].subarray(0, 64));
    if (head.startsWith('version https://git-lfs')) return `; shard "${g.paths[k]}" is a Git LFS pointer, not the weights (run git lfs pull)`;
    if (/^\s*<(!doctype|html)/i.test(head)) return `; shard "${g.paths[k]}" is an HTML page, not the weights`;
  }
  return '';
}

/** Checks the group's byte count against its tensors, naming the first tensor that runs past the end. */
function checkGroupBytes(label: string, gi: number, entries: readonly WeightsManifestEntry[], g: GroupLayout): void {
  let need = 0;
  for (const e of entries) need += sizeOf(e.shape) * STORED_BYTES[storedAs(e)];
  if (need === g.total) return;
  const summary = `group ${gi}: ${entries.length} tensor(s) need ${need} bytes, shard(s) ${g.paths.map((p) => `"${p}"`).join(' + ')} hold ${g.total}`;
  const hint = contentHint(g) || dtypeHint(entries, g.total);
  if (need > g.total) {
    let off = 0;
    for (const e of entries) {
      const bytes = sizeOf(e.shape) * STORED_BYTES[storedAs(e)];
      if (off + bytes > g.total) {
        const { k, local } = locate(g, off);
        const left = g.total - off;
        const where =
          k === g.bufs.length - 1
            ? `shard "${g.paths[k]}" has only ${left} bytes left at offset ${local}`
            : `shards "${g.paths[k]}" to "${g.paths[g.paths.length - 1]}" have only ${left} bytes left from offset ${local} of "${g.paths[k]}"`;
        throw new InvalidModelFileError(
          `${label}: tensor "${e.name}" ${dims(e.shape)} needs ${bytes} bytes (${describeStore(e)}) but ${where} ` +
            `(${summary}: the shard is truncated or belongs to another version of the model${hint})`,
        );
      }
      off += bytes;
    }
  }
  // need < total: bytes nobody reads. Name the last tensor and where it ends.
  const extra = g.total - need;
  const last = entries[entries.length - 1];
  if (!last) {
    throw new InvalidModelFileError(`${label}: group ${gi} lists no tensors but its shard(s) ${g.paths.map((p) => `"${p}"`).join(' + ')} hold ${extra} bytes`);
  }
  // Locate the last used byte, so a tensor ending exactly at a shard's end is placed in that shard.
  const { k, local } = need > 0 ? locate(g, need - 1) : { k: 0, local: -1 };
  const end = `after the last tensor "${last.name}" ${dims(last.shape)}, which ends at offset ${local + 1}`;
  const where =
    k === g.bufs.length - 1
      ? `shard "${g.paths[k]}" has ${extra} extra bytes ${end}`
      : `shards "${g.paths[k]}" to "${g.paths[g.paths.length - 1]}" have ${extra} extra bytes ${end} of "${g.paths[k]}"`;
  throw new InvalidModelFileError(`${label}: ${where} (${summary}: the manifest and the shards do not match${hint})`);
}

/** The tensor's bytes: a view when they lie in one shard, else a copy across the shard boundary. */
function bytesAt(g: GroupLayout, off: number, len: number): Uint8Array {
  const { k, local } = locate(g, off);
  if (local + len <= g.bufs[k].byteLength) return g.bufs[k].subarray(local, local + len);
  const out = new Uint8Array(len);
  let done = 0;
  for (let j = k, at = local; done < len; j++, at = 0) {
    const part = g.bufs[j].subarray(at, Math.min(g.bufs[j].byteLength, at + len - done));
    out.set(part, done);
    done += part.byteLength;
  }
  return out;
}

function decodeEntry(e: WeightsManifestEntry, bytes: Uint8Array): { data: Float32Array; int32?: Int32Array } {
  const q = e.quantization;
  switch (storedAs(e)) {
    case 'float32':
      return { data: readF32(bytes) };
    case 'float16':
      return { data: decodeHalf(readU16(bytes)) };
    case 'int32': {
      const int32 = readI32(bytes);
      return { data: Float32Array.from(int32), int32 };
    }
    case 'bool':
      return { data: Float32Array.from(bytes, (b) => (b !== 0 ? 1 : 0)) };
    case 'uint8':
    case 'uint16': {
      const raw = storedAs(e) === 'uint8' ? bytes : readU16(bytes);
      if (e.dtype === 'int32') {
        const int32 = dequantizeInt(raw, q!.scale!, q!.min!);
        return { data: Float32Array.from(int32), int32 };
      }
      return { data: dequantize(raw, q!.scale!, q!.min!) };
    }
  }
  throw new InvalidModelFileError(`tensor "${e.name}": cannot decode ${storedAs(e)}`); // unreachable: validated
}

function checkFinite(label: string, e: WeightsManifestEntry, w: NamedWeight, g: GroupLayout, off: number): void {
  const d = w.data;
  let first = -1;
  let count = 0;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (first < 0) return;
  const q = e.quantization;
  const at = locate(g, off + first * STORED_BYTES[storedAs(e)]); // the shard holding the bad element
  const what = q && q.dtype !== 'float16' ? ` (${q.dtype} quantisation with scale ${q.scale}, min ${q.min} overflows float32)` : '';
  throw new InvalidModelFileError(
    `${label}: tensor "${e.name}" ${dims(e.shape)} (${describeStore(e)}) has ${count} non-finite value(s)${what}: ` +
      `the first, ${d[first]}, at element ${first} ${dims(indexOf(first, e.shape))}, byte ${at.local} ` +
      `of shard "${g.paths[at.k]}"; the file is corrupt or was exported from a diverged model ` +
      `(pass { allowNonFinite: true } to load it anyway)`,
  );
}

/**
 * Decodes a tfjs weights manifest and its shards into float32 tensors by name. `manifest` is untrusted JSON (the
 * manifest array, a model.json holding `weightsManifest`, or its text) and is validated; `shards` are the files
 * its groups list, in manifest order or by path (or one buffer for a one-shard manifest). Every problem is an
 * InvalidModelFileError naming the tensor and the shard file.
 */
export function parseWeights(manifest: unknown, shards: Shards | ShardData, options: ParseWeightsOptions = {}): NamedWeights {
  const label = manifestLabel(options.source);
  const json = typeof manifest === 'string' ? parseManifestJson(manifest, label) : manifest;
  const groups = validateManifest(json, label);
  const bufs = matchShards(groups, shards, label);
  const out = new NamedWeights(options.source ?? '');
  groups.forEach((group, gi) => {
    const starts: number[] = [];
    let total = 0;
    for (const b of bufs[gi]) {
      starts.push(total);
      total += b.byteLength;
    }
    const g: GroupLayout = { paths: group.paths, bufs: bufs[gi], starts, total };
    checkGroupBytes(label, gi, group.weights, g);
    let off = 0;
    for (const e of group.weights) {
      const len = sizeOf(e.shape) * STORED_BYTES[storedAs(e)];
      const { k, local } = locate(g, off);
      const w: NamedWeight = {
        name: e.name,
        shape: e.shape,
        dtype: e.dtype === 'float16' ? 'float32' : e.dtype,
        storedAs: storedAs(e) as StoredDtype,
        ...decodeEntry(e, bytesAt(g, off, len)),
        file: group.paths[k],
        byteOffset: local,
      };
      if (!options.allowNonFinite && w.dtype === 'float32') checkFinite(label, e, w, g, off);
      out.set(e.name, w);
      off += len;
    }
  });
  return out;
}
