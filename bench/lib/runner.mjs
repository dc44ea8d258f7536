// What every library runner provides, and the shared "run N ops, read back once" loop.
//
// A runner: { id, label, kind: 'wasm' | 'webgpu', repeat, init(): Promise<string>, activate?(): Promise<void>
// (called before each shape), prepare(shape, data): Promise<Case>, close(): Promise<void> }.
// A Case: { run(): Promise<void> (one timed iteration: `repeat` ops, each output disposed, the last one read back),
// output(): Promise<Float32Array> (one op's result in our layout, for the cross-library check), dispose() }.

/** Thrown by prepare() when a runner cannot do a shape (op not registered yet, kernel missing): reported as n/a. */
export class Skip extends Error {}

/**
 * The timed iteration for libraries with lazily-completing tensors (ours, tfjs): `repeat` ops, disposing each
 * result but the last, then one readback so the iteration includes the work finishing (GPU queues drain on read).
 */
export function repeatThenRead(once, repeat) {
  return async () => {
    let y;
    for (let i = 0; i < repeat; i++) {
      y?.dispose();
      y = once();
    }
    await y.data();
    y.dispose();
  };
}

/** One op, read back and disposed: the output used for the cross-library check. */
export function readOnce(once) {
  return async () => {
    const y = once();
    try {
      return Float32Array.from(await y.data());
    } finally {
      y.dispose();
    }
  };
}
