// Keras / tfjs-layers model.json -> Sequential: the topology (Sequential, or a Functional model that is a plain
// chain) and its weights (tfjs manifest, decoded by src/nn/weights). Layers: InputLayer, LSTM, GRU (reset_after
// both ways), SimpleRNN, Bidirectional(LSTM / GRU / SimpleRNN), Dense, TimeDistributed(Dense), Dropout, Masking. Anything else, or a config these
// layers cannot honour, is an InvalidModelFileError naming the layer and the setting.
import type { Engine } from '../runtime/engine.js';
import { InvalidArgumentError, InvalidModelFileError } from '../runtime/errors.js';
import { loadWeightsFromUrl, type LoadWeightsUrlOptions } from './weights/url.js';
import { parseWeights } from './weights/parse.js';
import type { NamedWeights } from './weights/named.js';
import type { WeightsManifest } from './weights/manifest.js';
import { DENSE_ACTIVATIONS, Dense, type DenseActivation } from './layers/dense.js';
import type { Layer, LayerShape } from './layers/layer.js';
import { Dropout, Masking, TimeDistributed } from './layers/misc.js';
import { Recurrent } from './layers/recurrent.js';
import { Bidirectional } from './layers/bidirectional.js';
import { Sequential } from './sequential.js';
import { MERGE_MODES, RNN_ACTIVATIONS, type MergeMode, type RnnActivation, type RnnCell } from '../ops/recurrent/spec.js';

export interface LoadModelOptions {
  engine: Engine;
  /** Seed for layers' initialisers before the weights arrive (irrelevant to predictions). */
  seed?: number;
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown;
}

function bad(msg: string): never {
  throw new InvalidModelFileError(`model.json: ${msg}`);
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad(`${what} must be an object, got ${JSON.stringify(v)?.slice(0, 80)}`);
  return v as Record<string, unknown>;
}

/** The layer list of a Sequential (or linear Functional) topology, plus the model name. */
function layerList(topology: unknown): { name: string | undefined; layers: LayerJson[] } {
  let t = obj(topology, 'the topology');
  if (t.modelTopology !== undefined) t = obj(t.modelTopology, 'modelTopology');
  if (t.model_config !== undefined) t = obj(t.model_config, 'model_config');
  const cls = t.class_name;
  if (cls === 'Sequential') {
    const c = t.config;
    // Keras 1 / early 2: config is the layer list itself.
    if (Array.isArray(c)) return { name: undefined, layers: c as LayerJson[] };
    const co = obj(c, 'Sequential config');
    if (!Array.isArray(co.layers)) bad('Sequential config has no layers list');
    return { name: co.name as string | undefined, layers: co.layers as LayerJson[] };
  }
  if (cls === 'Model' || cls === 'Functional') {
    const co = obj(t.config, `${cls} config`);
    const ls = co.layers;
    if (!Array.isArray(ls) || ls.length === 0) bad(`${cls} config has no layers`);
    // Accept a plain chain: every layer fed by exactly the previous one.
    (ls as LayerJson[]).forEach((l, i) => {
      if (i === 0) return;
      const prev = (ls as LayerJson[])[i - 1]!.config?.name;
      const nodes = JSON.stringify(l.inbound_nodes ?? []);
      const names = [...nodes.matchAll(/"([^"]+)"/g)].map((m) => m[1]).filter((n) => (ls as LayerJson[]).some((x) => x.config?.name === n));
      if (names.length !== 1 || names[0] !== prev) {
        bad(`${cls} model is not a plain chain of layers (layer '${String(l.config?.name)}' is fed by ${names.length ? names.join(', ') : 'nothing'}); only sequential topologies are supported`);
      }
    });
    return { name: co.name as string | undefined, layers: ls as LayerJson[] };
  }
  return bad(`unsupported model class ${JSON.stringify(cls)} (supported: Sequential, and Functional models that are a plain chain)`);
}

function inputShapeOf(c: Record<string, unknown>): LayerShape | undefined {
  const s = (c.batch_input_shape ?? c.batch_shape) as unknown;
  if (s === undefined || s === null) {
    if (Array.isArray(c.input_shape)) return c.input_shape as LayerShape;
    return undefined;
  }
  if (!Array.isArray(s) || s.length < 2) bad(`layer '${String(c.name)}' has a bad batch_input_shape ${JSON.stringify(s)}`);
  return (s as (number | null)[]).slice(1);
}

function rnnActivation(layer: string, key: string, v: unknown, dflt: RnnActivation): RnnActivation {
  if (v === undefined || v === null) return dflt;
  const name = v === 'hardSigmoid' ? 'hard_sigmoid' : v;
  if (!(RNN_ACTIVATIONS as readonly unknown[]).includes(name)) bad(`layer '${layer}': ${key} ${JSON.stringify(v)} is not supported (supported: ${RNN_ACTIVATIONS.join(', ')})`);
  return name as RnnActivation;
}

function denseActivation(layer: string, v: unknown): DenseActivation {
  if (v === undefined || v === null) return 'linear';
  if (!(DENSE_ACTIVATIONS as readonly unknown[]).includes(v)) bad(`layer '${layer}': activation ${JSON.stringify(v)} is not supported for Dense (supported: ${DENSE_ACTIVATIONS.join(', ')})`);
  return v as DenseActivation;
}

const CELLS: Record<string, RnnCell> = { LSTM: 'lstm', GRU: 'gru', SimpleRNN: 'simpleRnn' };

/** Reads a Keras Dense config into a Dense. */
function denseFrom(c: Record<string, unknown>, name: string): Dense {
  if (typeof c.units !== 'number') bad(`layer '${name}': Dense needs units`);
  return new Dense({ units: c.units, activation: denseActivation(name, c.activation), useBias: c.use_bias !== false, name });
}

/** Builds one layer (null for InputLayer, which only carries the input shape). */
function toLayer(j: LayerJson, index: number, resetAfterHint: (name: string) => boolean | undefined): Layer | null {
  if (!j || typeof j !== 'object' || typeof j.class_name !== 'string') bad(`layer ${index} has no class_name`);
  const c = obj(j.config ?? {}, `layer ${index} config`);
  const name = typeof c.name === 'string' ? c.name : `${j.class_name.toLowerCase()}_${index}`;
  try {
    switch (j.class_name) {
      case 'InputLayer':
        return null;
      case 'LSTM':
      case 'GRU':
      case 'SimpleRNN': {
        const cell = CELLS[j.class_name]!;
        if (c.return_state === true) bad(`layer '${name}': return_state is not supported in a Sequential model`);
        if (c.stateful === true) bad(`layer '${name}': stateful RNNs are not supported`);
        if (c.time_major === true) bad(`layer '${name}': time_major is not supported`);
        if (typeof c.units !== 'number') bad(`layer '${name}': ${j.class_name} needs units`);
        let resetAfter: boolean | undefined;
        if (cell === 'gru') resetAfter = typeof c.reset_after === 'boolean' ? c.reset_after : (resetAfterHint(name) ?? false);
        return new Recurrent(cell, {
          units: c.units,
          returnSequences: c.return_sequences === true,
          goBackwards: c.go_backwards === true,
          activation: rnnActivation(name, 'activation', c.activation, 'tanh'),
          ...(cell !== 'simpleRnn' ? { recurrentActivation: rnnActivation(name, 'recurrent_activation', c.recurrent_activation, cell === 'lstm' || cell === 'gru' ? 'hard_sigmoid' : 'sigmoid') } : {}),
          ...(cell === 'gru' ? { resetAfter } : {}),
          useBias: c.use_bias !== false,
          dropout: typeof c.dropout === 'number' ? c.dropout : 0,
          recurrentDropout: typeof c.recurrent_dropout === 'number' ? c.recurrent_dropout : 0,
          name,
        });
      }
      case 'Bidirectional': {
        const inner = obj(c.layer, `layer '${name}' inner layer`) as unknown as LayerJson;
        if (!CELLS[inner.class_name]) bad(`layer '${name}': Bidirectional(${String(inner.class_name)}) is not supported (LSTM, GRU and SimpleRNN are)`);
        const merge = c.merge_mode === undefined ? 'concat' : c.merge_mode;
        if (!(MERGE_MODES as readonly unknown[]).includes(merge)) bad(`layer '${name}': merge_mode ${JSON.stringify(merge)} is not supported (supported: ${MERGE_MODES.join(', ')})`);
        const back = c.backward_layer as LayerJson | undefined;
        if (back && back.class_name !== inner.class_name) bad(`layer '${name}': a backward_layer of another class (${String(back.class_name)}) is not supported`);
        const innerName = typeof inner.config?.name === 'string' ? inner.config.name : `${inner.class_name.toLowerCase()}_${index}`;
        // Its weights are named <name>/forward_<inner>/...: the GRU reset_after hint looks there.
        const layer = toLayer(inner, index, (n) => resetAfterHint(`${name}/forward_${n}`)) as Recurrent;
        layer.name = innerName;
        return new Bidirectional({ layer, mergeMode: merge as MergeMode, name });
      }
      case 'Dense':
        return denseFrom(c, name);
      case 'TimeDistributed': {
        const inner = obj(c.layer, `layer '${name}' inner layer`) as unknown as LayerJson;
        if (inner.class_name !== 'Dense') bad(`layer '${name}': TimeDistributed(${String(inner.class_name)}) is not supported (TimeDistributed(Dense) is)`);
        return new TimeDistributed(denseFrom(obj(inner.config ?? {}, 'inner config'), name), { name });
      }
      case 'Dropout':
        if (c.noise_shape !== undefined && c.noise_shape !== null) bad(`layer '${name}': Dropout noise_shape is not supported`);
        return new Dropout({ rate: typeof c.rate === 'number' ? c.rate : 0, name });
      case 'Masking':
        return new Masking({ maskValue: typeof c.mask_value === 'number' ? c.mask_value : 0, name });
      default:
        return bad(`layer '${name}' is a ${j.class_name}, which is not supported (supported: InputLayer, LSTM, GRU, SimpleRNN, Bidirectional, Dense, TimeDistributed(Dense), Dropout, Masking)`);
    }
  } catch (e) {
    // Our own layer validation on file contents: the file is what is wrong.
    if (e instanceof InvalidArgumentError) bad(`layer '${name}': ${e.message}`);
    throw e;
  }
}

/** Keras weight suffixes per layer kind, in set_weights order; `scope`: a path part the name must have. */
function suffixes(l: Layer): { suffix: string; scope?: string }[] {
  const rnn = (r: Recurrent, scope?: string) => (r.useBias ? ['kernel', 'recurrent_kernel', 'bias'] : ['kernel', 'recurrent_kernel']).map((suffix) => ({ suffix, scope }));
  if (l instanceof Recurrent) return rnn(l);
  if (l instanceof Bidirectional) return [...rnn(l.forwardLayer, '/forward_'), ...rnn(l.backwardLayer, '/backward_')];
  const d = l instanceof TimeDistributed ? l.layer : l;
  if (d instanceof Dense) return (d.useBias ? ['kernel', 'bias'] : ['kernel']).map((suffix) => ({ suffix }));
  return [];
}

const IGNORED = /(^|\/)(optimizer|training|Adam|SGD|RMSprop|iter|learning_rate|beta_\d|decay)(\/|$)/;

/** Weights per layer: by the layer's name prefix and Keras suffix, else in manifest order. */
function assignWeights(model: Sequential, named: NamedWeights | Map<string, { shape: readonly number[]; data: Float32Array }>): void {
  const entries = [...named.entries()].filter(([n]) => !IGNORED.test(n));
  const used = new Set<string>();
  const values: Float32Array[] = [];
  let cursor = 0;
  const nextUnused = () => {
    while (cursor < entries.length && used.has(entries[cursor]![0])) cursor++;
    return entries[cursor];
  };
  for (const l of model.layers) {
    const want = suffixes(l);
    if (want.length === 0) continue;
    const prefix = `${l.name}/`;
    const mine = entries.filter(([n]) => n.startsWith(prefix) && !used.has(n));
    want.forEach(({ suffix, scope }, k) => {
      const w = l.weights[k]!;
      let hit = mine.find(([n]) => !used.has(n) && n.replace(/:\d+$/, '').split('/').pop() === suffix && (!scope || n.includes(scope)));
      if (!hit) hit = nextUnused();
      if (!hit) bad(`no weights for layer '${l.name}' (${suffix}): the manifest has ${entries.length} tensors, all used`);
      const [n, v] = hit;
      const shape = [...v.shape];
      if (shape.length !== w.shape.length || shape.some((d, i) => d !== w.shape[i])) {
        bad(`weight '${n}' for layer '${l.name}' (${suffix}) has shape [${shape.join(', ')}], the layer needs [${w.shape.join(', ')}]`);
      }
      used.add(n);
      values.push(v.data);
    });
  }
  const extra = entries.filter(([n]) => !used.has(n)).map(([n]) => n);
  if (extra.length) bad(`${extra.length} weight(s) in the manifest belong to no layer: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', ...' : ''}`);
  model.setWeights(values);
}

/** A Sequential from a Keras topology (weights initialised, not loaded). */
export function modelFromTopology(topology: unknown, options: LoadModelOptions, hints: Map<string, readonly number[]> = new Map()): Sequential {
  const { name, layers: list } = layerList(topology);
  if (list.length === 0) bad('the model has no layers');
  let inputShape: LayerShape | undefined;
  const made: Layer[] = [];
  // GRU reset_after when the config omits it (Keras 1 / tfjs): a [2, 3u] bias means true.
  const resetHint = (n: string): boolean | undefined => {
    for (const [k, s] of hints) if (k.startsWith(`${n}/`) && /bias(:\d+)?$/.test(k)) return s.length === 2;
    return undefined;
  };
  list.forEach((j, i) => {
    const c = (j?.config ?? {}) as Record<string, unknown>;
    if (made.length === 0 && !inputShape) inputShape = inputShapeOf(c);
    const l = toLayer(j, i, resetHint);
    if (l) made.push(l);
  });
  if (made.length === 0) bad('the model has no layers besides its input');
  if (!inputShape) {
    // No declared input shape: take the feature count from the first kernel in the manifest.
    const first = made[0]!;
    const k = [...hints].find(([n]) => n.startsWith(`${first.name}/`) && /kernel(:\d+)?$/.test(n) && !/recurrent_kernel/.test(n));
    if (!k) bad('no input shape: give the first layer batch_input_shape (or an InputLayer)');
    inputShape = first instanceof Recurrent || first instanceof Bidirectional || first instanceof TimeDistributed || first instanceof Masking ? [null, k[1][0]!] : [k[1][0]!];
  }
  try {
    return new Sequential(made, { engine: options.engine, inputShape, seed: options.seed ?? 0, name });
  } catch (e) {
    if (e instanceof InvalidArgumentError) bad(e.message);
    throw e;
  }
}

export interface ArtifactsLike {
  modelTopology: unknown;
  /** Decoded weights (loadWeightsFromFile / loadWeightsFromUrl / parseWeights), or... */
  weights?: NamedWeights;
  /** ...tfjs-style specs plus one buffer (what model.save() and tfjs IOHandlers produce). */
  weightSpecs?: { name: string; shape: number[]; dtype?: string }[];
  weightData?: ArrayBuffer;
}

/** A Sequential with its weights from model.json contents and weights (already in memory). */
export function loadModelFromArtifacts(artifacts: ArtifactsLike, options: LoadModelOptions): Sequential {
  if (!artifacts || typeof artifacts !== 'object') throw new InvalidArgumentError('loadModelFromArtifacts: expects { modelTopology, weights | weightSpecs + weightData }');
  let named: NamedWeights;
  if (artifacts.weights) named = artifacts.weights;
  else {
    if (!Array.isArray(artifacts.weightSpecs) || !(artifacts.weightData instanceof ArrayBuffer)) bad('no weights: expects weightSpecs + weightData (or decoded weights)');
    const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] as unknown as WeightsManifest;
    named = parseWeights(manifest, [artifacts.weightData], { source: 'model artifacts' });
  }
  const hints = new Map([...named.entries()].map(([n, v]) => [n, v.shape] as const));
  const model = modelFromTopology(artifacts.modelTopology, options, hints);
  try {
    assignWeights(model, named);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}

/** Fetches model.json and its weight shards (browsers; Node has loadModelFromFile too). */
export async function loadModel(url: string | URL, options: LoadModelOptions & LoadWeightsUrlOptions): Promise<Sequential> {
  const { engine, seed, ...fetchOptions } = options;
  const href = String(url);
  const doFetch = fetchOptions.fetch ?? (globalThis.fetch as LoadWeightsUrlOptions['fetch']);
  if (!doFetch) throw new InvalidModelFileError(`cannot load "${href}": no fetch in this runtime; pass { fetch }`);
  let json: unknown;
  try {
    const res = await doFetch(href, fetchOptions.requestInit);
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    json = JSON.parse(await res.text());
  } catch (e) {
    throw new InvalidModelFileError(`could not load model.json from "${href}": ${(e as Error).message}`);
  }
  const weights = await loadWeightsFromUrl(href, fetchOptions);
  return loadModelFromArtifacts({ modelTopology: json, weights }, { engine, seed });
}
