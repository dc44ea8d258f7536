import type { Backend } from './backend.js';
import type { OpDef } from './op.js';
import type { Shape } from './shape.js';
import { sizeOf, shapeStr } from './shape.js';

/** How a tensor came to be: enough to recompute it on another backend if its device is lost. */
export type Lineage =
  | { kind: 'host'; data: Float32Array | Uint8Array }
  | { kind: 'op'; op: OpDef; attrs: unknown; inputs: readonly (Tensor | undefined)[]; outputs: Tensor[]; index: number };

/** Implemented by the engine; tensors call back into it. */
export type DType = 'f32' | 'u8';

export interface TensorOwner {
  readTensor(t: Tensor): Promise<Float32Array>;
  readTensorU8(t: Tensor): Promise<Uint8Array>;
  releaseTensor(t: Tensor): void;
}

/**
 * A tensor with a shape (NHWC for images), f32 or u8 (pixels, packed 4 per word on devices; ops declare which
 * inputs take u8; every op output is f32). Its storage lives on the engine's current backend; `data()` reads
 * it back asynchronously. `dispose()` gives the storage back to the pool.
 */
export class Tensor {
  readonly size: number;
  /** @internal backend storage, owned by the engine */
  storage: unknown = undefined;
  /** @internal the backend that holds `storage` */
  backend: Backend | undefined = undefined;
  disposed = false;

  constructor(
    private owner: TensorOwner,
    readonly shape: Shape,
    /** @internal */ readonly lineage: Lineage,
    readonly dtype: DType = 'f32',
  ) {
    this.size = sizeOf(shape);
  }

  /** Storage words the tensor occupies on a device (u8 packs 4 per word). */
  get words(): number {
    return this.dtype === 'u8' ? Math.ceil(this.size / 4) : this.size;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Reads the values back (one readback; flushes pending GPU work). */
  data(): Promise<Float32Array> {
    return this.dtype === 'u8' ? this.owner.readTensorU8(this).then((b) => Float32Array.from(b)) : this.owner.readTensor(this);
  }

  /** Reads a u8 tensor's bytes back. */
  bytes(): Promise<Uint8Array> {
    return this.owner.readTensorU8(this);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.owner.releaseTensor(this);
  }

  toString(): string {
    return `Tensor${shapeStr(this.shape)}`;
  }
}
