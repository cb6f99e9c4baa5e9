// Redaction by mask (core/redact/redact.h): after the style was applied to the
// mask's bounding box, blends each pixel of it with the original by the mask
// byte m: out = (orig * (255 - m) + redacted * m + 127) / 255.

struct Params {  // web/lib/redact-gpu.mjs writes one per dispatch (dynamic offset)
  width: u32, height: u32, x0: u32, y0: u32, x1: u32, y1: u32, radius: u32, frame_x: u32,
  frame_y: u32, frame_w: u32, add: u32, div: u32, cell: u32, anchor_x: u32, anchor_y: u32, fill: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> image: array<u32>;
@group(0) @binding(4) var<storage, read> original: array<u32>;
@group(0) @binding(5) var<storage, read> mask: array<u32>;   // one byte per pixel, four per u32

fn channels(v: u32) -> vec4<u32> {
  return (vec4<u32>(v) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
}

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = params.x0 + id.x;
  let y = params.y0 + id.y;
  if (x >= params.x1 || y >= params.y1) { return; }
  let p = y * params.width + x;
  let m = (mask[p / 4u] >> ((p % 4u) * 8u)) & 255u;
  let v = (channels(original[p]) * (255u - m) + channels(image[p]) * m + vec4<u32>(127u)) / vec4<u32>(255u);
  image[p] = v.x | (v.y << 8u) | (v.z << 16u) | (v.w << 24u);
}
