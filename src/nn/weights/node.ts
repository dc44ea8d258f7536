// Node only: loads a weights manifest and its shards from the file system. The browser graph never imports this
// module (it is reached from the Node entry only), so bundles carry no `fs`.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InvalidArgumentError, InvalidModelFileError } from '../../runtime/errors.js';
import { parseManifestJson, validateManifest } from './manifest.js';
import type { NamedWeights } from './named.js';
import { manifestLabel, parseWeights, type ParseWeightsOptions } from './parse.js';

function fsProblem(e: unknown, file: string): string {
  const code = (e as { code?: string })?.code;
  if (code === 'ENOENT') return `${file} does not exist`;
  if (code === 'EISDIR') return `${file} is a directory`;
  if (code === 'EACCES' || code === 'EPERM') return `${file} cannot be read (permission denied)`;
  return `${file} cannot be read: ${(e as Error)?.message ?? String(e)}`;
}

/**
 * Reads `manifestPath` (a tfjs `*-weights_manifest.json`, or a model.json holding `weightsManifest`) and the shard
 * files its groups list, resolved next to it, and decodes them with `parseWeights`. A missing or unreadable file and
 * every manifest or shard problem are InvalidModelFileErrors naming the file.
 */
export async function loadWeightsFromFile(manifestPath: string, options: ParseWeightsOptions = {}): Promise<NamedWeights> {
  if (typeof manifestPath !== 'string' || manifestPath === '') {
    throw new InvalidArgumentError(`loadWeightsFromFile: the manifest path must be a non-empty string, got ${JSON.stringify(manifestPath)}`);
  }
  const source = options.source ?? manifestPath;
  const label = manifestLabel(source);
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch (e) {
    throw new InvalidModelFileError(`${label} cannot be loaded: ${fsProblem(e, resolve(manifestPath))}`);
  }
  const manifest = validateManifest(parseManifestJson(text, label), label);
  const dir = dirname(resolve(manifestPath));
  const shards = await Promise.all(
    manifest.flatMap((g, gi) =>
      g.paths.map(async (p) => {
        const file = resolve(dir, p);
        try {
          return await readFile(file);
        } catch (e) {
          throw new InvalidModelFileError(`${label}: shard "${p}" (group ${gi}) is missing: ${fsProblem(e, file)}`);
        }
      }),
    ),
  );
  return parseWeights(manifest, shards, { ...options, source });
}
