// The result of loading a weights manifest: tensors by name, decoded to float32.

/** How a tensor was stored in its shard. */
export type StoredDtype = 'float32' | 'int32' | 'bool' | 'float16' | 'uint8' | 'uint16';

export interface NamedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  /** The tensor's logical type (float16 and quantised float tensors decode to float32). */
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly storedAs: StoredDtype;
  /**
   * The values as float32 (int32 as numbers, bool as 0/1). For unquantised float32 tensors this is a view over the
   * shard buffer when it is 4-byte aligned (no copy): mind `data.byteOffset` if you hand `data.buffer` on.
   */
  readonly data: Float32Array;
  /** int32 tensors only: the exact integers (float32 holds integers exactly only up to 2^24). */
  readonly int32?: Int32Array;
  /** The shard file the tensor starts in, and its byte offset there (for messages). */
  readonly file: string;
  readonly byteOffset: number;
}

/**
 * Tensors by name, in manifest order. `source` names the manifest (path or URL) in messages; `takeWeight` records
 * which tensors model code used, so `unused()` can tell a model built from the wrong file.
 */
export class NamedWeights extends Map<string, NamedWeight> {
  readonly source: string;
  readonly taken = new Set<string>();

  constructor(source: string, entries?: Iterable<readonly [string, NamedWeight]>) {
    super(entries);
    this.source = source;
  }

  /** Names no `takeWeight` call has asked for, in manifest order. */
  unused(): string[] {
    return [...this.keys()].filter((k) => !this.taken.has(k));
  }
}
