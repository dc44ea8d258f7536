// The package as a user gets it: `npm pack`, installed into a temp app, resolved by name through package.json
// `exports`. Vite bundles a tiny app (test/package/app) for the browser with no plugin; the bundle must not pull
// in Node built-ins or the `webgpu` package, and in Debian's Chromium it must compute the right numbers on WebGPU
// (SwiftShader) and on WASM. Node must get the node entry (Dawn), and the type declarations must resolve.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import type { Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs } from '../../vitest.browser.config.js';
import { ensureDist, graphRecorder, nodeOnlyImports, nodeOnlyModules, packInto, repoRoot, serveStatic } from './helpers.js';

const run = promisify(execFile);

// The app's inputs (test/package/app/main.ts): a is [2, 3, 4, 8], b is [8], broadcast over the last axis. All
// values are multiples of 1/8 and small, so f32 results are exact.
const a = Array.from({ length: 2 * 3 * 4 * 8 }, (_, i) => (i % 17) * 0.25 - 2);
const b = Array.from({ length: 8 }, (_, j) => j * 0.5 - 1);
const expectedSum = a.map((x, i) => x + b[i % 8]);
const expectedProduct = a.map((x, i) => x * b[i % 8]);

interface BackendResult {
  requested: string;
  backend?: string;
  chosen?: string;
  sum?: number[];
  product?: number[];
  error?: string;
}

type PageWindow = Window & { __facegpu?: { results: BackendResult[]; done: boolean } };

let tmp: string;
let appDir: string;
let outDir: string;
let packed: string[];
const moduleIds: string[] = [];
let chunks: Rolldown.OutputChunk[] = [];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'facegpu-package-'));
  appDir = join(tmp, 'app');
  outDir = join(appDir, 'dist');
  ensureDist();
  cpSync(join(repoRoot, 'test/package/app'), appDir, { recursive: true });
  writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'facegpu-vite-app', private: true, type: 'module' }));
  // Unpacks the tarball and links its runtime dependencies (Dawn, sharp, wgpu-matrix...) as npm would, offline.
  packed = packInto(appDir);

  const { build } = await import('vite');
  const result = await build({
    root: appDir,
    configFile: false,
    envDir: false,
    publicDir: false,
    logLevel: 'warn',
    base: './',
    cacheDir: join(tmp, 'vite-cache'),
    plugins: [graphRecorder(moduleIds)],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  chunks = outputs.flatMap((o) => o.output).filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('package: npm pack', () => {
  it('ships both entries, their declarations and the embedded kernels, and no tests or scratch files', () => {
    for (const f of ['package.json', 'dist/src/index.js', 'dist/src/index.node.js', 'dist/src/index.d.ts', 'dist/src/generated/wasm.js', 'dist/src/generated/shaders.js']) {
      expect(packed).toContain(f);
    }
    expect(packed.filter((f) => /^(test|scratch|reports|node_modules|bench)\//.test(f))).toEqual([]);
  });

  it('declares node/browser/types conditions and keeps only the entries as side effects', () => {
    const pkg = JSON.parse(readFileSync(join(appDir, 'node_modules/facegpu/package.json'), 'utf8'));
    const dot = pkg.exports['.'];
    // `types` first (TypeScript takes the first match), `browser` before `node` (a tool that sets both is
    // bundling for a browser-like target; the browser entry also works in Node, the node one not in browsers).
    const keys = Object.keys(dot);
    expect(keys[0]).toBe('types');
    expect(keys.indexOf('browser')).toBeLessThan(keys.indexOf('node'));
    expect(keys.at(-1)).toBe('default');
    expect(dot.browser).toBe('./dist/src/index.js');
    expect(dot.node).toBe('./dist/src/index.node.js');
    expect(dot.default).toBe('./dist/src/index.js');
    // The entries install the platform at import (setPlatform); with `"sideEffects": false` a bundler drops that
    // statement and the app fails with "no platform installed". Everything else is side-effect free.
    expect(pkg.sideEffects).toEqual(expect.arrayContaining(['./dist/src/index.js', './dist/src/index.node.js']));
  });
});

describe('package: Vite bundle for the browser', () => {
  it('resolves the browser entry and has no Node built-ins or `webgpu` in its graph', () => {
    expect(moduleIds.some((id) => id.endsWith('node_modules/facegpu/dist/src/index.js'))).toBe(true);
    expect(moduleIds.some((id) => id.endsWith('index.node.js'))).toBe(false);
    expect(nodeOnlyModules(moduleIds)).toEqual([]);
    for (const c of chunks) {
      expect(nodeOnlyImports(c.code), c.fileName).toEqual([]);
      expect([...c.imports, ...c.dynamicImports].filter((i) => !chunks.some((o) => o.fileName === i))).toEqual([]);
    }
  });

  it('keeps the platform install and the embedded kernels, under 1 MB gzipped', () => {
    const code = chunks.map((c) => c.code).join('\n');
    expect(code).toContain('AGFzbQ'); // base64 of the wasm magic: the embedded modules survived tree-shaking
    expect(code).toContain('@compute'); // WGSL
    expect(gzipSync(code).length).toBeLessThan(1 << 20);
  });

  it('computes add and mul on WebGPU and WASM in Chromium', async () => {
    const server = await serveStatic(outDir);
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs, timeout: 30_000 });
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
      await page.goto(server.url, { waitUntil: 'load', timeout: 30_000 });
      await page.waitForFunction(() => (window as PageWindow).__facegpu?.done === true, undefined, { timeout: 45_000 }).catch(() => {
        throw new Error(`the page did not finish: ${problems.join('; ') || 'no errors reported'}`);
      });
      const results = (await page.evaluate(() => (window as PageWindow).__facegpu!.results)) as BackendResult[];
      const text = await page.textContent('#results');
      expect(JSON.parse(text ?? 'null')).toEqual(JSON.parse(JSON.stringify(results))); // the page shows what it computed
      expect(results.map((r) => r.error ?? 'ok')).toEqual(['ok', 'ok']);
      const [gpu, wasm] = results;
      expect(gpu.backend).toBe('webgpu');
      expect(gpu.chosen).toMatch(/^webgpu /);
      expect(wasm.backend).toBe('wasm');
      expect(wasm.chosen).toMatch(/^wasm \((simd|relaxed-simd), \d+ threads?\)$/);
      for (const r of results) {
        expect(r.sum).toHaveLength(expectedSum.length);
        r.sum!.forEach((v, i) => expect(Math.abs(v - expectedSum[i]), `${r.backend} sum[${i}]`).toBeLessThanOrEqual(1e-6));
        r.product!.forEach((v, i) => expect(Math.abs(v - expectedProduct[i]), `${r.backend} product[${i}]`).toBeLessThanOrEqual(1e-6));
      }
      expect(problems).toEqual([]);
    } finally {
      await browser?.close();
      await server.close();
    }
  }, 90_000);
});

describe('package: Node and TypeScript consumers', () => {
  it('Node resolves the node entry and computes on WASM and on WebGPU (Dawn)', async () => {
    const script = `
      import { add, createEngine } from 'facegpu';
      const out = { resolved: import.meta.resolve('facegpu'), results: [] };
      for (const backend of ['wasm', 'webgpu']) {
        const engine = await createEngine({ backend, log: null });
        const t = add(engine, engine.tensor([1, 2, 3, 4], [2, 2]), engine.tensor([0.5, -1], [2]));
        out.results.push({ backend: engine.backendName, data: Array.from(await t.data()) });
        engine.dispose();
      }
      console.log(JSON.stringify(out));
      process.exit(0);
    `;
    writeFileSync(join(appDir, 'node-consumer.mjs'), script);
    const { stdout } = await run(process.execPath, ['node-consumer.mjs'], {
      cwd: appDir,
      timeout: 60_000,
      env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(out.resolved).toMatch(/node_modules\/facegpu\/dist\/src\/index\.node\.js$/);
    expect(out.results).toEqual([
      { backend: 'wasm', data: [1.5, 1, 3.5, 3] },
      { backend: 'webgpu', data: [1.5, 1, 3.5, 3] },
    ]);
  }, 90_000);

  it('type declarations resolve for bundler and nodenext consumers', async () => {
    writeFileSync(
      join(appDir, 'consumer.ts'),
      `import { add, createEngine, Tensor, type Engine, type EngineOptions } from 'facegpu';
      const options: EngineOptions = { backend: 'wasm', log: null };
      export async function sum(): Promise<Float32Array> {
        const engine: Engine = await createEngine(options);
        const t: Tensor = add(engine, engine.tensor([1], [1]), engine.tensor([2], [1]));
        return t.data();
      }
      // @ts-expect-error not a backend
      void createEngine({ backend: 'cuda' });
      `,
    );
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const configs = [
      ['esnext', 'bundler'],
      ['nodenext', 'nodenext'],
    ].map(([module, moduleResolution]) => {
      const config = `tsconfig.${moduleResolution}.json`;
      const compilerOptions = { module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], types: [], strict: true, noEmit: true };
      writeFileSync(join(appDir, config), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
      return config;
    });
    const outputs = await Promise.all(
      configs.map((config) =>
        run(process.execPath, [tsc, '-p', config], { cwd: appDir, timeout: 60_000 }).then(
          () => '',
          (e: { stdout?: string; message: string }) => `${config}: ${e.stdout || e.message}`,
        ),
      ),
    );
    expect(outputs).toEqual(['', '']);
  }, 90_000);
});
