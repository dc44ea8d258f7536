// Box overlap for the NMS kernels, as tfjs computes it: corners put in order (x0 <= x1, y0 <= y1) first, and the
// IoU is 0 when either box is empty (area <= 0), so degenerate boxes suppress only at iouThreshold 0. Branch-free:
// neighbouring invocations run in lock-step SIMD lanes on CPU drivers and GPUs alike.

/** (min x, min y, max x, max y) of a box given as two corners in either order. */
fn orderedBox(b: vec4<f32>) -> vec4<f32> {
  return vec4<f32>(min(b.xy, b.zw), max(b.xy, b.zw));
}

fn boxArea(b: vec4<f32>) -> f32 {
  let d = b.zw - b.xy;
  return d.x * d.y;
}

/** IoU of two ordered boxes with their areas. */
fn boxIou(a: vec4<f32>, areaA: f32, b: vec4<f32>, areaB: f32) -> f32 {
  let d = max(min(a.zw, b.zw) - max(a.xy, b.xy), vec2<f32>(0.0));
  let inter = d.x * d.y;
  return select(inter / (areaA + areaB - inter), 0.0, areaA <= 0.0 || areaB <= 0.0);
}
