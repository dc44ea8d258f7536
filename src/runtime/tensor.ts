import type { Backend } from './backend.js';
import type { OpDef } from './op.js';
import type { Shape } from './shape.js';
import { sizeOf, shapeStr } from './shape.js';

/** How a tensor came to be: enough to recompute it on another backend if its device is lost. */
export type Lineage =
  | { kind: 'host'; data: Float32Array }
  | { kind: 'op'; op: OpDef; attrs: unknown; inputs: readonly (Tensor | undefined)[]; outputs: Tensor[]; index: number };

/** Implemented by the engine; tensors call back into it. */
export interface TensorOwner {
  readTensor(t: Tensor): Promise<Float32Array>;
  releaseTensor(t: Tensor): void;
}

/**
 * An f32 tensor with a shape (NHWC for images). Its storage lives on the engine's current backend; `data()` reads
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
  ) {
    this.size = sizeOf(shape);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Reads the values back (one readback; flushes pending GPU work). */
  data(): Promise<Float32Array> {
    return this.owner.readTensor(this);
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
