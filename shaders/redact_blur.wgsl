// Redaction blur (core/redact/redact.h): three box filters per direction,
// integer-exact, one dispatch per pass over [x0, x1) x [y0, y1):
//   v' = (sum_{k=-radius..radius} v[clamp(i + k)] + add) / div
// Intermediate values are fixed point * 256, RGBA as two u32 (16 bits per
// channel) in a frame buffer indexed from (frame_x, frame_y), frame_w wide.
// The first pass reads the image (p * 256); the last writes bytes to it.
// Every sum fits in u32 (window <= 257, value <= 65280), so the pixels equal the core's.

struct Params {  // web/lib/redact-gpu.mjs writes one per dispatch (dynamic offset)
  width: u32, height: u32, x0: u32, y0: u32, x1: u32, y1: u32, radius: u32, frame_x: u32,
  frame_y: u32, frame_w: u32, add: u32, div: u32, cell: u32, anchor_x: u32, anchor_y: u32, fill: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> image: array<u32>;   // RGBA8, one pixel per u32 (R low byte)
@group(0) @binding(2) var<storage, read> src_rows: array<u32>;
@group(0) @binding(3) var<storage, read_write> dst_rows: array<u32>;

fn channels(v: u32) -> vec4<u32> {
  return (vec4<u32>(v) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
}

fn frame_index(x: u32, y: u32) -> u32 {
  return ((y - params.frame_y) * params.frame_w + (x - params.frame_x)) * 2u;
}

fn load(x: u32, y: u32) -> vec4<u32> {
  let o = frame_index(x, y);
  let a = src_rows[o];
  let b = src_rows[o + 1u];
  return vec4<u32>(a & 0xFFFFu, a >> 16u, b & 0xFFFFu, b >> 16u);
}

fn store(x: u32, y: u32, v: vec4<u32>) {
  let o = frame_index(x, y);
  dst_rows[o] = v.x | (v.y << 16u);
  dst_rows[o + 1u] = v.z | (v.w << 16u);
}

fn finish(sum: vec4<u32>) -> vec4<u32> {
  return (sum + vec4<u32>(params.add)) / vec4<u32>(params.div);
}

fn clamped(i: u32, k: i32, n: u32) -> u32 {
  return u32(clamp(i32(i) + k, 0, i32(n) - 1));
}

@compute @workgroup_size(16, 16)
fn horizontal_first(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = params.x0 + id.x;
  let y = params.y0 + id.y;
  if (x >= params.x1 || y >= params.y1) { return; }
  let r = i32(params.radius);
  var sum = vec4<u32>(0u);
  for (var k = -r; k <= r; k++) {
    sum += channels(image[y * params.width + clamped(x, k, params.width)]) * 256u;
  }
  store(x, y, finish(sum));
}

@compute @workgroup_size(16, 16)
fn horizontal(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = params.x0 + id.x;
  let y = params.y0 + id.y;
  if (x >= params.x1 || y >= params.y1) { return; }
  let r = i32(params.radius);
  var sum = vec4<u32>(0u);
  for (var k = -r; k <= r; k++) {
    sum += load(clamped(x, k, params.width), y);
  }
  store(x, y, finish(sum));
}

@compute @workgroup_size(16, 16)
fn vertical(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = params.x0 + id.x;
  let y = params.y0 + id.y;
  if (x >= params.x1 || y >= params.y1) { return; }
  let r = i32(params.radius);
  var sum = vec4<u32>(0u);
  for (var k = -r; k <= r; k++) {
    sum += load(x, clamped(y, k, params.height));
  }
  store(x, y, finish(sum));
}

@compute @workgroup_size(16, 16)
fn vertical_last(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = params.x0 + id.x;
  let y = params.y0 + id.y;
  if (x >= params.x1 || y >= params.y1) { return; }
  let r = i32(params.radius);
  var sum = vec4<u32>(0u);
  for (var k = -r; k <= r; k++) {
    sum += load(x, clamped(y, k, params.height));
  }
  let v = finish(sum);
  image[y * params.width + x] = v.x | (v.y << 8u) | (v.z << 16u) | (v.w << 24u);
}
