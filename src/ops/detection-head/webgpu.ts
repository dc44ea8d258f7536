import { grid, type GpuStorage, type WebGpuBackend } from '../../runtime/backends/webgpu.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { DetectionHeadNorm } from './spec.js';

const WG = 64;

/** One invocation per box row; anchors go in a small storage buffer (any count), K and the class activation specialise. */
export function detectionHeadWebGpu(be: WebGpuBackend, { inputs, outputs, attrs }: KernelArgs<GpuStorage, DetectionHeadNorm>): void {
  const anchors = be.upload(Float32Array.from(attrs.anchors));
  const groups = grid(Math.ceil(attrs.rows / WG));
  const u = new Uint32Array([attrs.rows, attrs.a, attrs.h, attrs.w, groups[0] * WG, 0, 0, 0]);
  be.dispatch({
    shader: 'detection_head',
    constants: { WG, K: attrs.k, CLASS_ACT: attrs.classCode },
    bindings: [inputs[0]!, anchors, outputs[0]!],
    uniforms: u,
    workgroups: groups,
  });
  // Safe while the dispatch is queued: the pool hands it out again only after the submit.
  be.release(anchors);
}
