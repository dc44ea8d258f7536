// loadWeightsFromUrl: a manifest and its shards over fetch (browsers, and Node >= 18 which has fetch too).
import { InvalidModelFileError } from '../../runtime/errors.js';
import { parseManifestJson, validateManifest } from './manifest.js';
import type { NamedWeights } from './named.js';
import { manifestLabel, parseWeights, type ParseWeightsOptions } from './parse.js';

export interface LoadWeightsUrlOptions extends ParseWeightsOptions {
  /** The fetch to use (default: globalThis.fetch). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** Passed to every request (headers, credentials, signal...). */
  requestInit?: RequestInit;
  /** Where the shards are, when not next to the manifest (as tfjs's weightPathPrefix). */
  weightPathPrefix?: string;
}

/** A shard's URL: relative to the manifest's URL (or to `prefix`), as tfjs resolves them. */
export function resolveShardUrl(manifestUrl: string, path: string, prefix?: string): string {
  if (prefix) return prefix.endsWith('/') ? prefix + path : `${prefix}/${path}`;
  try {
    const base = (globalThis as { location?: { href?: string } }).location?.href;
    return new URL(path, new URL(manifestUrl, base)).href;
  } catch {
    // A relative manifest URL with no page to resolve it against (Node): resolve by hand, keep it relative.
    const i = manifestUrl.lastIndexOf('/');
    return (i >= 0 ? manifestUrl.slice(0, i + 1) : '') + path;
  }
}

async function get(doFetch: NonNullable<LoadWeightsUrlOptions['fetch']>, url: string, init: RequestInit | undefined, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await doFetch(url, init);
  } catch (e) {
    // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND...) is in `cause`.
    const cause = (e as { cause?: { message?: string; code?: string } })?.cause;
    const why = cause ? ` (${cause.code ?? cause.message})` : '';
    throw new InvalidModelFileError(`could not fetch ${what} from "${url}": ${(e as Error)?.message ?? String(e)}${why}`);
  }
  if (!res.ok) throw new InvalidModelFileError(`could not fetch ${what} from "${url}": HTTP ${res.status} ${res.statusText}`.trimEnd());
  return res;
}

/**
 * Fetches a tfjs weights manifest (or a model.json holding one) and the shards its groups list, and decodes them
 * with `parseWeights`. Failed requests, HTML pages served in place of a file and every manifest or shard problem
 * are InvalidModelFileErrors naming the file.
 */
export async function loadWeightsFromUrl(url: string | URL, options: LoadWeightsUrlOptions = {}): Promise<NamedWeights> {
  const href = String(url);
  const doFetch = options.fetch ?? (globalThis.fetch as LoadWeightsUrlOptions['fetch']);
  if (!doFetch) throw new InvalidModelFileError(`cannot load "${href}": no fetch in this runtime; pass { fetch }`);
  const source = options.source ?? href;
  const label = manifestLabel(source);
  const res = await get(doFetch, href, options.requestInit, label);
  const manifest = validateManifest(parseManifestJson(await res.text(), label), label);
  const shards = await Promise.all(
    manifest
      .flatMap((g) => g.paths)
      .map(async (p) => {
        const shardUrl = resolveShardUrl(href, p, options.weightPathPrefix);
        const what = `shard "${p}" of ${label}`;
        const r = await get(doFetch, shardUrl, options.requestInit, what);
        if (/text\/html/i.test(r.headers?.get?.('content-type') ?? '')) {
          throw new InvalidModelFileError(`${what}: "${shardUrl}" is an HTML page, not binary weights (a server fallback for a missing file?)`);
        }
        return r.arrayBuffer();
      }),
  );
  return parseWeights(manifest, shards, { ...options, source });
}
