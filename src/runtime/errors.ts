/**
 * Typed errors. One class per kind, so callers can branch with `instanceof` and messages say what was wrong and
 * where (op, input, attribute).
 */
export class FaceGpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A caller passed a bad value: wrong rank or shape, NaN attribute, unknown option, disposed tensor... */
export class InvalidArgumentError extends FaceGpuError {}

/** A model or weights file is malformed (manifest, shard sizes, dtypes). */
export class InvalidModelFileError extends FaceGpuError {}

/** The request is valid but this build, backend or runtime does not support it. */
export class UnsupportedError extends FaceGpuError {}

/** The GPU device was lost and the work could not be recovered. */
export class DeviceLostError extends FaceGpuError {}

/** A kernel failed to compile or run (a bug in facegpu, never the caller's fault). */
export class KernelError extends FaceGpuError {}

/** Throws an InvalidArgumentError prefixed with `where` (for example `conv2d: input`). */
export function fail(where: string, what: string): never {
  throw new InvalidArgumentError(`${where}: ${what}`);
}
