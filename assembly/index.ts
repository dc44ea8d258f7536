// The kernel module: one build, every AS kernel. Each op's kernels live in their own file, named by what they do
// and how (XNNPACK style); add an `export *` line per file.
export * from './memory';
export * from './binary';
export * from './activation';
export * from './conv2d';
export * from './pool';
export * from './pad';
export * from './copy_rows';
export * from './gemm';
export * from './softmax';
export * from './l2normalize';
export * from './resize';
export * from './normalize_image';
export { rnn_pack_panels_f32, rnn_pack_rows_f32, rnn_pad_rows_f32, rnn_unpad_rows_f32, rnn_merge_f32, simple_rnn_step_f32_simd, simple_rnn_seq_f32_simd } from './rnn';
export * from './lstm';
export * from './gru';
export * from './crop_resize';
export * from './detection_head';
export * from './nms';
export * from './rnn_grad';
export * from './dense_grad';
export * from './loss_grad';
export * from './optimizer_grad';
export * from './sequence_mask';
export * from './warp_affine';
export * from './attention_pool';
export * from './conv2d_grad';
export * from './multibox_loss';
