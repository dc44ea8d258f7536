// Reads ONNX node-test folders (model.onnx + test_data_set_N/{input,output}_K.pb) with the generated protobufjs
// classes from `onnx-proto`. Tensor values come back as f64 host arrays whatever the ONNX dtype; the mapping
// decides what it can upload.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';

/** TensorProto.DataType codes we can decode, by name. */
const DTYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
};

export const FLOAT_DTYPES = new Set(['float32']);
export const INT_DTYPES = new Set(['uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'uint32', 'uint64', 'bool']);

/** A decoded TensorProto. `values` holds every element as a JS number (exact for every dtype we accept). */
export interface HostTensor {
  name: string;
  dtype: string;
  dims: number[];
  values: Float64Array;
}

export type AttrValue = number | string | number[] | string[] | HostTensor;

export interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, AttrValue>;
}

export interface OnnxModel {
  /** ai.onnx opset version the model imports */
  opset: number;
  nodes: OnnxNode[];
  /** graph inputs that are fed by input_K.pb (initializers excluded), in order */
  inputs: string[];
  outputs: string[];
  initializers: Map<string, HostTensor>;
}

export interface TestDataSet {
  name: string;
  inputs: HostTensor[];
  outputs: HostTensor[];
}

export class OnnxLoadError extends Error {}

/** int64 fields decode to number or Long depending on whether `long` is installed; both become a number. */
function toNum(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return checkSafe(Number(v), v);
  if (v && typeof (v as { toNumber?: unknown }).toNumber === 'function') {
    const n = (v as { toNumber(): number }).toNumber();
    return checkSafe(n, v);
  }
  throw new OnnxLoadError(`not an integer field: ${String(v)}`);
}

function checkSafe(n: number, raw: unknown): number {
  if (!Number.isSafeInteger(n)) throw new OnnxLoadError(`int64 value ${String(raw)} is not exact as a JS number`);
  return n;
}

function f16ToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/** Decodes a TensorProto: raw_data (little-endian) or the typed repeated fields. */
export function decodeTensor(t: onnx.ITensorProto): HostTensor {
  const dtype = DTYPES[t.dataType ?? 0];
  const name = t.name ?? '';
  if (!dtype) throw new OnnxLoadError(`tensor '${name}': unsupported TensorProto data type ${t.dataType}`);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) throw new OnnxLoadError(`tensor '${name}': external data`);
  const dims = (t.dims ?? []).map(toNum);
  const n = dims.reduce((a, b) => a * b, 1);
  const values = new Float64Array(n);
  const raw = t.rawData;
  if (raw && raw.length) {
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width: Record<string, number> = {
      float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1, float16: 2, float64: 8, uint32: 4, uint64: 8,
    };
    if (raw.length !== n * width[dtype]!) {
      throw new OnnxLoadError(`tensor '${name}': raw_data has ${raw.length} bytes, dims ${JSON.stringify(dims)} of ${dtype} need ${n * width[dtype]!}`);
    }
    for (let i = 0; i < n; i++) {
      switch (dtype) {
        case 'float32': values[i] = dv.getFloat32(i * 4, true); break;
        case 'float64': values[i] = dv.getFloat64(i * 8, true); break;
        case 'float16': values[i] = f16ToNumber(dv.getUint16(i * 2, true)); break;
        case 'uint8': case 'bool': values[i] = dv.getUint8(i); break;
        case 'int8': values[i] = dv.getInt8(i); break;
        case 'uint16': values[i] = dv.getUint16(i * 2, true); break;
        case 'int16': values[i] = dv.getInt16(i * 2, true); break;
        case 'int32': values[i] = dv.getInt32(i * 4, true); break;
        case 'uint32': values[i] = dv.getUint32(i * 4, true); break;
        case 'int64': values[i] = toNum(dv.getBigInt64(i * 8, true)); break;
        case 'uint64': values[i] = toNum(dv.getBigUint64(i * 8, true)); break;
      }
    }
  } else {
    // Typed fields (onnx.proto3): float_data for float; int32_data for (u)int8/16, int32, bool and f16 bits;
    // int64_data for int64; uint64_data for uint32/uint64; double_data for double.
    let src: ArrayLike<unknown>;
    if (dtype === 'float32') src = t.floatData ?? [];
    else if (dtype === 'float64') src = t.doubleData ?? [];
    else if (dtype === 'int64') src = t.int64Data ?? [];
    else if (dtype === 'uint32' || dtype === 'uint64') src = t.uint64Data ?? [];
    else src = t.int32Data ?? [];
    if (src.length !== n) throw new OnnxLoadError(`tensor '${name}': ${src.length} values for dims ${JSON.stringify(dims)}`);
    for (let i = 0; i < n; i++) {
      const v = src[i];
      values[i] = dtype === 'float16' ? f16ToNumber(toNum(v)) : typeof v === 'number' ? v : toNum(v);
    }
  }
  return { name, dtype, dims, values };
}

function decodeAttr(a: onnx.IAttributeProto): AttrValue {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.type) {
    case T.FLOAT: return a.f ?? 0;
    case T.INT: return toNum(a.i ?? 0);
    case T.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case T.FLOATS: return [...(a.floats ?? [])];
    case T.INTS: return (a.ints ?? []).map(toNum);
    case T.STRINGS: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case T.TENSOR: return decodeTensor(a.t!);
    default: throw new OnnxLoadError(`attribute '${a.name}': unsupported attribute type ${a.type}`);
  }
}

export function loadModel(path: string): OnnxModel {
  const m = onnx.ModelProto.decode(readFileSync(path));
  const g = m.graph;
  if (!g) throw new OnnxLoadError(`${path}: no graph`);
  const opsetEntry = (m.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const initializers = new Map((g.initializer ?? []).map((t) => [t.name ?? '', decodeTensor(t)] as const));
  return {
    opset: opsetEntry ? toNum(opsetEntry.version ?? 0) : 0,
    nodes: (g.node ?? []).map((n) => ({
      opType: n.opType ?? '',
      domain: n.domain ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attrs: new Map((n.attribute ?? []).map((a) => [a.name ?? '', decodeAttr(a)] as const)),
    })),
    inputs: (g.input ?? []).map((v) => v.name ?? '').filter((n) => !initializers.has(n)),
    outputs: (g.output ?? []).map((v) => v.name ?? ''),
    initializers,
  };
}

function loadPb(path: string): HostTensor {
  return decodeTensor(onnx.TensorProto.decode(readFileSync(path)));
}

/** Every test_data_set_N folder of a case, with its input_K.pb / output_K.pb in K order. */
export function loadTestData(caseDir: string): TestDataSet[] {
  const sets = readdirSync(caseDir)
    .filter((d) => /^test_data_set_\d+$/.test(d) && statSync(join(caseDir, d)).isDirectory())
    .sort((a, b) => Number(a.split('_').pop()) - Number(b.split('_').pop()));
  return sets.map((s) => {
    const dir = join(caseDir, s);
    const read = (kind: string): HostTensor[] => {
      const out: HostTensor[] = [];
      for (let k = 0; existsSync(join(dir, `${kind}_${k}.pb`)); k++) out.push(loadPb(join(dir, `${kind}_${k}.pb`)));
      return out;
    };
    return { name: s, inputs: read('input'), outputs: read('output') };
  });
}

export interface CaseFolder {
  name: string;
  dir: string;
  /** The ONNX op under test: the node's op type for single-node graphs, else INDEX.csv's target_op. */
  op: string;
  /** op types of every node in the graph, in order */
  nodeOps: string[];
  model: OnnxModel;
}

/** INDEX.csv's folder -> target_op column (it names the op an `_expanded` graph was expanded from). */
function readIndex(root: string): Map<string, string> {
  const path = join(root, 'INDEX.csv');
  const map = new Map<string, string>();
  if (!existsSync(path)) return map;
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const head = lines[0]!.split(',');
  const fi = head.indexOf('folder');
  const oi = head.indexOf('target_op');
  for (const line of lines.slice(1)) {
    const cols = line.split(',');
    if (cols[fi]) map.set(cols[fi]!, cols[oi] ?? '');
  }
  return map;
}

/**
 * Every case folder under `root` (a folder holding model.onnx). A folder whose model fails to parse is returned
 * in `unreadable` with the reason, so the runner can fail on it instead of skipping it.
 */
export function discoverCases(root: string): { cases: CaseFolder[]; unreadable: { name: string; reason: string }[] } {
  const index = readIndex(root);
  const cases: CaseFolder[] = [];
  const unreadable: { name: string; reason: string }[] = [];
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    if (!statSync(dir).isDirectory()) continue;
    try {
      if (!existsSync(join(dir, 'model.onnx'))) throw new OnnxLoadError('no model.onnx');
      const model = loadModel(join(dir, 'model.onnx'));
      const nodeOps = model.nodes.map((n) => n.opType);
      const op = nodeOps.length === 1 ? nodeOps[0]! : index.get(name) || nodeOps.join('|');
      cases.push({ name, dir, op, nodeOps, model });
    } catch (e) {
      unreadable.push({ name, reason: (e as Error).message });
    }
  }
  return { cases, unreadable };
}
