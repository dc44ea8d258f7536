// The kernel module: one build, every AS kernel. Each op's kernels live in their own file, named by what they do
// and how (XNNPACK style); add an `export *` line per file.
export * from './memory';
export * from './binary';
export * from './activation';
export * from './conv2d';
export * from './pool';
export * from './pad';
export * from './concat';
export * from './gemm';
export * from './softmax';
export * from './l2normalize';
export * from './resize';
export * from './normalize_image';
