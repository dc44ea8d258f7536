import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { ImageTextureNorm } from './spec.js';

const WG = 64;

/** One invocation per output pixel, reading the image texture (see shaders/image_texture.wgsl). */
export function imageTextureWebGpu(be: WebGpuBackend, { outputs, attrs: a }: KernelArgs<GpuStorage, ImageTextureNorm>): void {
  // Re-run after the texture was freed (a recompute): upload the bytes once more, for this dispatch only.
  const { width, height } = a.image;
  const texture = a.image.texture ?? be.uploadImage({ width, height, data: a.image.pixels() }, width, height);
  try {
    const pixels = a.outH * a.outW;
    const groups = grid(Math.ceil(pixels / WG));
    const u = new ArrayBuffer(96);
    const f = new Float32Array(u);
    f.set([...a.k, ...a.b, a.y.a, a.y.b, a.y.d, a.x.a, a.x.b, a.x.d]);
    new Uint32Array(u, 56, 10).set([a.outH, a.outW, a.imgH, a.imgW, a.lenY, a.lenX, pixels, groups[0] * WG, a.offY, a.offX]);
    be.dispatch({ shader: 'image_texture', constants: { WG, CH: a.channels, BGR: a.bgr }, bindings: [outputs[0]!], textures: [texture], uniforms: u, workgroups: groups });
  } finally {
    if (texture !== a.image.texture) be.releaseTexture(texture);
  }
}
