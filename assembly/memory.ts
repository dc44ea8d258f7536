// Allocator exports for the JS side: tensors and scratch live in linear memory, owned by the WasmBackend.
// heap.alloc returns 16-byte aligned blocks (TLSF), so v128 loads of tensor rows are aligned.

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}
