// Redaction fill (core/redact/redact.h): every pixel of the clipped box
// becomes the fill colour (packed R | G << 8 | B << 16 | A << 24).

struct Params {  // web/lib/redact-gpu.mjs writes one per dispatch (dynamic offset)
  width: u32, height: u32, x0: u32, y0: u32, x1: u32, y1: u32, radius: u32, frame_x: u32,
  frame_y: u32, frame_w: u32, add: u32, div: u32, cell: u32, anchor_x: u32, anchor_y: u32, fill: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> image: array<u32>;

@compute @workgroup_size(16, 16)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = params.x0 + id.x;
  let y = params.y0 + id.y;
  if (x >= params.x1 || y >= params.y1) { return; }
  image[y * params.width + x] = params.fill;
}
