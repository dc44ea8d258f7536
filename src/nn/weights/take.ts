// takeWeight: how model code asks for a tensor. A missing name or a wrong shape is an InvalidModelFileError that
// says what the file has instead (near names, the actual shape), which is what a user holding the wrong model
// file needs to read.
import { InvalidModelFileError } from '../../runtime/errors.js';
import { dims } from './manifest.js';
import type { NamedWeight, NamedWeights } from './named.js';
import { manifestLabel } from './parse.js';

/** Edit distance (insert, delete, substitute), for "did you mean" lists. */
function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Up to `max` names of `weights` close to `name`: small edit distance, or one name a suffix of the other. */
export function nearNames(weights: ReadonlyMap<string, NamedWeight>, name: string, max = 4): string[] {
  const scored: [string, number][] = [];
  for (const k of weights.keys()) {
    let d = levenshtein(k, name);
    // "conv0/filters" vs "tinyYolo/conv0/filters": a different prefix is one mistake, not 9.
    if (k.endsWith(`/${name}`) || name.endsWith(`/${k}`)) d = Math.min(d, 1);
    if (d <= Math.max(3, Math.floor(name.length / 3))) scored.push([k, d]);
  }
  scored.sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
  return scored.slice(0, max).map(([k]) => k);
}

function count(shape: readonly number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/**
 * The tensor `name`, checked against `shape` (a -1 dim matches any size; omit `shape` to skip the check). Records
 * the name as used (see `NamedWeights.unused`). Throws InvalidModelFileError when the tensor is missing (listing
 * near names) or has another shape.
 */
export function takeWeight(weights: NamedWeights, name: string, shape?: readonly number[]): NamedWeight {
  const label = manifestLabel(weights.source);
  const w = weights.get(name);
  if (!w) {
    const near = nearNames(weights, name);
    const list = near.length
      ? `; near names: ${near.map((k) => `"${k}" ${dims(weights.get(k)!.shape)}`).join(', ')}`
      : `; it has ${weights.size} tensor(s)${weights.size ? `, e.g. ${[...weights.keys()].slice(0, 3).map((k) => `"${k}"`).join(', ')}` : ''}`;
    throw new InvalidModelFileError(`${label}: tensor "${name}" is missing${list} (is this the right model file?)`);
  }
  if (shape) {
    const ok = shape.length === w.shape.length && shape.every((d, i) => d === -1 || d === w.shape[i]);
    if (!ok) {
      const same = !shape.includes(-1) && count(shape) === count(w.shape) ? ' (same number of values: a different layout?)' : '';
      throw new InvalidModelFileError(
        `${label}: tensor "${name}" in shard "${w.file}" has shape ${dims(w.shape)} (${count(w.shape)} values) but the ` +
          `model needs ${dims(shape)}${shape.includes(-1) ? '' : ` (${count(shape)} values)`}${same}: the file is for another ` +
          `model or another version of it`,
      );
    }
  }
  weights.taken.add(name);
  return w;
}

/**
 * After a model has taken its tensors: throws InvalidModelFileError if the file holds tensors the model never
 * asked for (a sign of the wrong file, e.g. the full FaceLandmark68Net weights given to the tiny variant).
 */
export function expectAllTaken(weights: NamedWeights, model: string): void {
  const left = weights.unused();
  if (left.length === 0) return;
  const shown = left.slice(0, 5).map((k) => `"${k}" ${dims(weights.get(k)!.shape)}`).join(', ');
  throw new InvalidModelFileError(
    `${manifestLabel(weights.source)}: ${model} does not use ${left.length} of its ${weights.size} tensors (${shown}` +
      `${left.length > 5 ? ', ...' : ''}): the file is for another model`,
  );
}
