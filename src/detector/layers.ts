// The head's layers, each with its forward (fused bias + leaky ReLU) and its backward from the device gradient
// kernels: conv (3x3 'same' or 1x1) and the stride-2 transposed conv of the multi-scale decoder. A layer keeps no
// activations: the model passes the forward input and output back in, and owns every tensor it gets back.
import type { Engine } from '../runtime/engine.js';
import type { Tensor } from '../runtime/tensor.js';
import { conv2d } from '../ops/conv2d/index.js';
import { activationGrad, biasGrad, conv2dBackpropFilter, conv2dBackpropInput } from '../ops/conv2d-grad/index.js';
import { convTranspose2d, convTranspose2dBackpropFilter } from '../ops/conv-transpose/index.js';

/** Leaky ReLU slope of every hidden layer (YOLOv2's 0.1). */
export const LEAKY = 0.1;

export interface LayerSpec {
  name: string;
  kind: 'conv' | 'deconv';
  /** Square kernel side: 3 or 1. */
  k: number;
  cin: number;
  cout: number;
  leaky: boolean;
  /** deconv: stride 2 and the padding cut from each side of its (h - 1) * 2 + k output. */
  pad?: number;
}

/** Filter shape: HWIO for a conv, [k, k, cout, cin] for a transposed conv (the HWIO of the conv it inverts). */
export const filterShape = (s: LayerSpec): number[] => (s.kind === 'conv' ? [s.k, s.k, s.cin, s.cout] : [s.k, s.k, s.cout, s.cin]);

export interface LayerGrads {
  dw: Tensor;
  db: Tensor;
  dx?: Tensor;
}

export class Layer {
  constructor(
    readonly spec: LayerSpec,
    public w: Tensor,
    public b: Tensor,
  ) {}

  private convPadding(): 'same' | 'valid' {
    return this.spec.k === 1 ? 'valid' : 'same';
  }

  private deconvPads(): [number, number, number, number] {
    const p = this.spec.pad ?? 0;
    return [p, p, p, p];
  }

  forward(e: Engine, x: Tensor): Tensor {
    const act = this.spec.leaky ? { activation: 'leakyRelu' as const, alpha: LEAKY } : {};
    if (this.spec.kind === 'conv') return conv2d(e, x, this.w, { padding: this.convPadding(), ...act }, { bias: this.b });
    return convTranspose2d(e, x, this.w, this.b, { strides: 2, padding: this.deconvPads(), ...act });
  }

  /** Gradients from dy (the gradient of y = forward(x)); dx only when asked. dy stays the caller's. */
  backward(e: Engine, x: Tensor, y: Tensor, dy: Tensor, wantDx: boolean): LayerGrads {
    const dz = this.spec.leaky ? activationGrad(e, dy, y, { activation: 'leakyRelu', alpha: LEAKY }) : dy;
    try {
      const fs = filterShape(this.spec);
      if (this.spec.kind === 'conv') {
        const padding = this.convPadding();
        return {
          dw: conv2dBackpropFilter(e, x, dz, { padding, filterShape: fs }),
          db: biasGrad(e, dz),
          dx: wantDx ? conv2dBackpropInput(e, dz, this.w, { padding, inputShape: [...x.shape] }) : undefined,
        };
      }
      const padding = this.deconvPads();
      return {
        dw: convTranspose2dBackpropFilter(e, x, dz, { strides: 2, padding, filterShape: fs }),
        db: biasGrad(e, dz),
        // The transposed conv's input gradient is the forward conv with the same filter.
        dx: wantDx ? conv2d(e, dz, this.w, { strides: 2, padding }) : undefined,
      };
    } finally {
      if (dz !== dy) dz.dispose();
    }
  }

  dispose(): void {
    this.w.dispose();
    this.b.dispose();
  }
}
