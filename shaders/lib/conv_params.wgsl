// Sizes every conv2d kernel takes in its uniform (the rest is specialised with override constants).
struct Params {
  h: i32,
  w: i32,
  oh: u32,
  ow: u32,
  padT: i32,
  padL: i32,
  m: u32,
  rowStride: u32,
  alpha: f32,
}
