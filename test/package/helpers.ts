// Helpers for the package tests: make sure dist/ is current, `npm pack` the package and install the tarball into a
// temp app (so `facegpu` resolves through package.json `exports` exactly as for a user), bundle that app with
// Vite, and serve the result on 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const f of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (f.endsWith(ext)) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  }
  return newest;
}

/**
 * dist/ is what `npm pack` ships. `npm test` builds it first; a plain `npx vitest run` after editing src/ would
 * test a stale build, so recompile (tsc emits even when someone's work in progress has type errors; type checking
 * is `tsc --noEmit`'s job, not this test's).
 */
export function ensureDist(): void {
  const entry = join(repoRoot, 'dist/src/index.js');
  const generated = join(repoRoot, 'src/generated/wasm.ts');
  if (!existsSync(generated)) throw new Error('src/generated is missing: run `npm run build:wasm && npm run build:embed`');
  if (existsSync(entry) && statSync(entry).mtimeMs >= newestMtime(join(repoRoot, 'src'), '.ts')) return;
  try {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
  } catch (e) {
    if (!existsSync(entry)) throw e;
    console.warn('package test: tsc reported type errors; testing what it emitted');
  }
}

/** `npm pack`s the repo into `dir` and unpacks it as dir/node_modules/facegpu. Returns the packed file list. */
export function packInto(dir: string): string[] {
  const out = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [info] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  const pkgDir = join(dir, 'node_modules/facegpu');
  execFileSync('mkdir', ['-p', pkgDir]);
  execFileSync('tar', ['-xzf', join(dir, info.filename), '-C', pkgDir, '--strip-components=1']);
  // What `npm install <tarball>` would add beside it: the package's runtime dependencies (linked from this repo's
  // node_modules, offline).
  const deps = Object.keys((JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { dependencies?: object }).dependencies ?? {});
  for (const d of deps) {
    const target = join(dir, 'node_modules', d);
    mkdirSync(dirname(target), { recursive: true });
    try {
      symlinkSync(join(repoRoot, 'node_modules', d), target, 'dir');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return info.files.map((f) => f.path);
}

/** What a bundle pulled in that has no place in a browser: Node built-ins, Vite's stand-in for them, `webgpu`. */
export function nodeOnlyModules(moduleIds: readonly string[]): string[] {
  const builtins = new Set(builtinModules);
  return moduleIds.filter(
    (id) =>
      id.startsWith('node:') ||
      builtins.has(id) ||
      id.includes('__vite-browser-external') ||
      /[\\/]node_modules[\\/]webgpu[\\/]/.test(id) ||
      id === 'webgpu',
  );
}

/** Imports of Node built-ins or the `webgpu` package left in emitted code (as externals). */
export function nodeOnlyImports(code: string): string[] {
  const re = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'`]([^"'`]+)["'`]/g;
  const builtins = new Set(builtinModules);
  const hits: string[] = [];
  for (const m of code.matchAll(re)) {
    const spec = m[1];
    if (spec.startsWith('node:') || builtins.has(spec) || spec === 'webgpu' || spec.startsWith('webgpu/')) hits.push(spec);
  }
  return hits;
}

/** A Vite plugin that records every module id in the graph. */
export function graphRecorder(into: string[]): Plugin {
  return {
    name: 'facegpu-graph-recorder',
    generateBundle() {
      into.push(...this.getModuleIds());
    },
  };
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/** A static file server on 127.0.0.1 and an ephemeral port. */
export async function serveStatic(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    if (relative(root, file).startsWith('..' + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
