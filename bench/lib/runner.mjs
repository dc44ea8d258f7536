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

/** An error's first line, for one-line reports. */
export const firstLine = (e) => String(e?.message ?? e).split('\n')[0];

/**
 * Initialises every runner (sets runner.info) and returns those that started; a runner that fails is recorded
 * for every item (n/a when it threw Skip, else error) so the report names it instead of leaving a gap.
 */
export async function initRunners(runners, items, record) {
  for (const runner of runners) {
    try {
      runner.info = await runner.init();
    } catch (e) {
      runner.info = `init failed: ${firstLine(e)}`;
      for (const it of items) record(it, runner, { status: e instanceof Skip ? 'n/a' : 'error', reason: runner.info });
    }
    console.log(`${runner.id}: ${runner.info}`);
  }
  return runners.filter((r) => !r.info.startsWith('init failed'));
}
