// Fused activation epilogue, shared by conv2d, matmul and the standalone activation op.
// ACT: 0 none, 1 relu, 2 relu6, 3 leaky-relu / prelu (slope passed as `alpha`), 4 sigmoid, 5 tanh.
override ACT: u32 = 0u;

fn sigmoid1(x: f32) -> f32 {
  return 1.0 / (1.0 + exp(-x));
}

// tanh via exp of a clamped argument: some drivers' tanh() returns NaN for large |x|.
fn tanh1(x: f32) -> f32 {
  let e = exp(2.0 * clamp(x, -15.0, 15.0));
  return (e - 1.0) / (e + 1.0);
}

fn activate(x: f32, alpha: f32) -> f32 {
  switch ACT {
    case 1u: { return max(x, 0.0); }
    case 2u: { return clamp(x, 0.0, 6.0); }
    case 3u: { return select(alpha * x, x, x >= 0.0); }
    case 4u: { return sigmoid1(x); }
    case 5u: { return tanh1(x); }
    default: { return x; }
  }
}

fn activate4(x: vec4<f32>, alpha: vec4<f32>) -> vec4<f32> {
  switch ACT {
    case 1u: { return max(x, vec4<f32>(0.0)); }
    case 2u: { return clamp(x, vec4<f32>(0.0), vec4<f32>(6.0)); }
    case 3u: { return select(alpha * x, x, x >= vec4<f32>(0.0)); }
    case 4u: { return 1.0 / (1.0 + exp(-x)); }
    case 5u: {
      let e = exp(2.0 * clamp(x, vec4<f32>(-15.0), vec4<f32>(15.0)));
      return (e - 1.0) / (e + 1.0);
    }
    default: { return x; }
  }
}
