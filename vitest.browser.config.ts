import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// The browser runs: Debian's Chromium (never a downloaded browser) with WebGPU on SwiftShader, driven by
// playwright-core through Vitest browser mode.
export const chromiumArgs = [
  '--enable-unsafe-webgpu',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export default defineConfig({
  // COOP/COEP make the test page crossOriginIsolated, so the wasm backend can use SharedArrayBuffer threads.
  server: {
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
    // The project plus the shared test data beside it (images, video) for browser tests to read.
    fs: { allow: ['.', '../shared/data'] },
  },
  test: {
    include: ['test/browser/**/*.test.ts'],
    // Makes the WebM clip of test/browser/video-sources.test.ts with the system ffmpeg (once, into .cache/).
    globalSetup: ['test/browser/video-fixture.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({
        launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
