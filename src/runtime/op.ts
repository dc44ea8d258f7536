import type { Backend, BackendName } from './backend.js';
import type { Shape } from './shape.js';

/** What a kernel gets: input storages (undefined for an absent optional input), output storages to fill. */
export interface KernelArgs<S, A> {
  inputs: readonly (S | undefined)[];
  inShapes: readonly (Shape | undefined)[];
  outputs: readonly S[];
  outShapes: readonly Shape[];
  attrs: A;
}

export type Kernel<B extends Backend, A> = (backend: B, args: KernelArgs<B extends Backend<infer S> ? S : never, A>) => void;

/**
 * One op: a spec (`prepare`: validate input shapes and raw attributes, normalise the attributes, infer output
 * shapes) and one kernel per backend. The runtime calls these and knows no op by name.
 */
export interface OpDef<Raw = unknown, Norm = unknown> {
  readonly name: string;
  /** Element type each input takes (default f32 for all). Outputs are always f32. */
  readonly inputDTypes?: readonly ('f32' | 'u8')[];
  /** Throws InvalidArgumentError naming the problem; returns normalised attributes and output shapes. */
  prepare(inShapes: readonly (Shape | undefined)[], attrs: Raw): { attrs: Norm; outShapes: Shape[] };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly kernels: Partial<Record<BackendName, (backend: any, args: KernelArgs<any, Norm>) => void>> & {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    reference: (backend: any, args: KernelArgs<Float64Array, Norm>) => void;
  };
}

/** Declares an op with its kernels typed against each backend. */
export function defineOp<Raw, Norm>(op: OpDef<Raw, Norm>): OpDef<Raw, Norm> {
  return op;
}
