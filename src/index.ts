// Browser entry (and the default for bundlers): WebGPU through navigator.gpu, embedded wasm and shaders.
import { browserPlatform } from './runtime/platform-browser.js';
import { setPlatform } from './runtime/platform.js';

setPlatform(browserPlatform);

export * from './api.js';
export * from './detector/index.js';
export * from './video/index.js';
