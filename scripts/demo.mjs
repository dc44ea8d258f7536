// npm run demo [-- --port N]: serves the demo page (demo/) with Vite's dev server on 127.0.0.1, with COOP/COEP
// and the pretrained weights under /models/ (see demo/vite.config.ts). Builds the embedded wasm and shaders first
// when src/generated/ is missing (a fresh checkout).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(join(root, 'src/generated/wasm.ts')) || !existsSync(join(root, 'src/generated/shaders.ts'))) {
  console.log('demo: building the wasm kernels and embedding them and the shaders (src/generated/)…');
  execSync('npm run build:wasm && npm run build:embed', { cwd: root, stdio: 'inherit' });
}

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : process.env.PORT ? Number(process.env.PORT) : undefined;
if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
  console.error(`demo: --port must be an integer in [0, 65535], got ${args[portArg + 1] ?? process.env.PORT}`);
  process.exit(2);
}

const { createServer } = await import('vite');
const server = await createServer({
  configFile: join(root, 'demo/vite.config.ts'),
  ...(port !== undefined ? { server: { port } } : {}),
});
await server.listen();
server.printUrls();
console.log('  weights: /models/ (@vladmandic/face-api/model), /models/mtcnn/ (../shared/data/weights/mtcnn); Ctrl+C stops');
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
