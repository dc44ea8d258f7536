// The demo page's Vite config (`npm run demo`, or `vite --config demo/vite.config.ts`): the page imports the
// library from src/ (TypeScript, transformed by Vite), is served on 127.0.0.1 with COOP/COEP (so the wasm backend
// can use threads), and the pretrained weights are served from where they already lie, never copied:
//   /models/*        -> node_modules/@vladmandic/face-api/model/ (TinyFaceDetector, 68 landmarks, recognition)
//   /models/mtcnn/*  -> ../shared/data/weights/mtcnn/ (face-api.js's MTCNN; override with FACEGPU_MTCNN_DIR)
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Connect, type Plugin } from 'vite';

const demoDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(demoDir, '..');

/** Where /models/ and /models/mtcnn/ come from. */
export function modelDirs(): { faceApi: string; mtcnn: string } {
  const faceApiPkg = createRequire(join(repoRoot, 'package.json')).resolve('@vladmandic/face-api/package.json');
  return {
    faceApi: join(dirname(faceApiPkg), 'model'),
    mtcnn: process.env.FACEGPU_MTCNN_DIR ?? resolve(repoRoot, '../shared/data/weights/mtcnn'),
  };
}

export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MIME: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream' };

/** Serves `dir`'s files (no listing, no escaping it) for one URL prefix. */
function serveDir(dir: string): (req: IncomingMessage, res: ServerResponse, next: Connect.NextFunction) => void {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let rel: string;
    try {
      rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return next();
    }
    const file = normalize(join(dir, rel));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/plain; charset=utf-8');
      res.end(`not found: ${rel} (weights folder ${dir})`);
      return;
    }
    res.statusCode = 200;
    res.setHeader('content-type', MIME[extname(file)] ?? 'application/octet-stream');
    res.setHeader('content-length', String(statSync(file).size));
    res.setHeader('cache-control', 'max-age=3600');
    res.setHeader('cross-origin-resource-policy', 'same-origin');
    for (const [k, v] of Object.entries(isolationHeaders)) res.setHeader(k, v);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };
}

/** The /models/ middleware, for the dev and the preview server alike. */
export function modelsPlugin(): Plugin {
  const dirs = modelDirs();
  const install = (middlewares: Connect.Server): void => {
    // Connect strips the mount prefix; the longer prefix goes first.
    middlewares.use('/models/mtcnn', serveDir(dirs.mtcnn));
    middlewares.use('/models', serveDir(dirs.faceApi));
  };
  return {
    name: 'facegpu-demo-models',
    configureServer(server) {
      if (!existsSync(join(repoRoot, 'src/generated/wasm.ts')) || !existsSync(join(repoRoot, 'src/generated/shaders.ts'))) {
        throw new Error('demo: src/generated/ is missing; run `npm run build:wasm && npm run build:embed` (npm run demo does it)');
      }
      install(server.middlewares);
    },
    configurePreviewServer(server) {
      install(server.middlewares);
    },
  };
}

export default defineConfig({
  root: demoDir,
  publicDir: false,
  cacheDir: join(repoRoot, 'node_modules/.vite-demo'),
  plugins: [modelsPlugin()],
  server: {
    host: '127.0.0.1',
    port: 5180,
    headers: isolationHeaders,
    // The page imports ../src; allow the repository (the default workspace root) and nothing above it.
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1', port: 5181, headers: isolationHeaders },
  // wgpu-matrix is the one npm dependency in the browser graph: pre-bundle it up front, so the page never reloads
  // because of a dependency discovered late.
  optimizeDeps: { include: ['wgpu-matrix'], noDiscovery: true },
  build: { outDir: join(repoRoot, 'build/demo'), emptyOutDir: true, target: 'es2022' },
});
