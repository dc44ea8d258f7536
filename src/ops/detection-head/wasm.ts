import type { WasmBackend, WasmStorage } from '../../runtime/backends/wasm.js';
import type { KernelArgs } from '../../runtime/op.js';
import type { DetectionHeadNorm } from './spec.js';

export function detectionHeadWasm(be: WasmBackend, { inputs, outputs, attrs }: KernelArgs<WasmStorage, DetectionHeadNorm>): void {
  be.withScratch([attrs.anchors.length], (anchors) => {
    be.f32(anchors, attrs.anchors.length).set(attrs.anchors);
    be.call('detection_head_yolo2_f32_simd', inputs[0]!.ptr, anchors, outputs[0]!.ptr, attrs.rows, attrs.a, attrs.h, attrs.w, attrs.classes, attrs.classCode);
  });
}
