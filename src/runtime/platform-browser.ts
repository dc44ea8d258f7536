/// <reference types="@webgpu/types" />
import { embeddedShaders, embeddedWasm } from './platform-common.js';
import type { Platform } from './platform.js';

export const browserPlatform: Platform = {
  name: 'browser',
  async gpu() {
    return typeof navigator !== 'undefined' && 'gpu' in navigator ? (navigator.gpu as GPU) : undefined;
  },
  async wasmModules() {
    return embeddedWasm();
  },
  shaders: embeddedShaders,
};
