/// <reference types="@webgpu/types" preserve="true" />
import { embeddedShaders, embeddedWasm } from './platform-common.js';
import type { Platform, WorkerLike } from './platform.js';

export const browserPlatform: Platform = {
  name: 'browser',
  async gpu() {
    return typeof navigator !== 'undefined' && 'gpu' in navigator ? (navigator.gpu as GPU) : undefined;
  },
  async wasmModules() {
    return embeddedWasm();
  },
  shaders: embeddedShaders,
  cores() {
    return typeof navigator !== 'undefined' && navigator.hardwareConcurrency ? navigator.hardwareConcurrency : 1;
  },
  threadsAvailable() {
    if (typeof SharedArrayBuffer === 'undefined' || typeof Worker === 'undefined') return 'SharedArrayBuffer or Worker unavailable';
    if (typeof crossOriginIsolated !== 'undefined' && !crossOriginIsolated) {
      return 'page is not crossOriginIsolated (serve it with COOP: same-origin and COEP: require-corp)';
    }
    return true;
  },
  async spawnWorker(code: string): Promise<WorkerLike> {
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const w = new Worker(url);
    URL.revokeObjectURL(url);
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (cb) => w.addEventListener('message', (e) => cb((e as MessageEvent).data)),
      onError: (cb) => w.addEventListener('error', (e) => cb(e)),
      terminate: () => w.terminate(),
    };
  },
};
