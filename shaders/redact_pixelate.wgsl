// Redaction pixelation (core/redact/redact.h): one workgroup per cell. Cells of
// `cell` px are anchored at (anchor_x, anchor_y) and cut by the clipped box;
// each channel becomes (sum + n/2) / n over the cell's n pixels (exact in u32:
// n <= 1024^2).

struct Params {  // web/lib/redact-gpu.mjs writes one per dispatch (dynamic offset)
  width: u32, height: u32, x0: u32, y0: u32, x1: u32, y1: u32, radius: u32, frame_x: u32,
  frame_y: u32, frame_w: u32, add: u32, div: u32, cell: u32, anchor_x: u32, anchor_y: u32, fill: u32,
};

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> image: array<u32>;

var<workgroup> sums: array<atomic<u32>, 4>;

fn channels(v: u32) -> vec4<u32> {
  return (vec4<u32>(v) >> vec4<u32>(0u, 8u, 16u, 24u)) & vec4<u32>(255u);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) cell_id: vec3<u32>, @builtin(local_invocation_index) lane: u32) {
  let cell = params.cell;
  let start_x = params.anchor_x + (params.x0 - params.anchor_x) / cell * cell;
  let start_y = params.anchor_y + (params.y0 - params.anchor_y) / cell * cell;
  let cx = start_x + cell_id.x * cell;
  let cy = start_y + cell_id.y * cell;
  let x0 = max(cx, params.x0);
  let x1 = min(cx + cell, params.x1);
  let y0 = max(cy, params.y0);
  let y1 = min(cy + cell, params.y1);
  let cell_width = x1 - x0;
  let n = cell_width * (y1 - y0);  // > 0: the dispatch covers only cells that meet the box

  if (lane < 4u) { atomicStore(&sums[lane], 0u); }
  workgroupBarrier();
  var local_sum = vec4<u32>(0u);
  for (var i = lane; i < n; i += 64u) {
    local_sum += channels(image[(y0 + i / cell_width) * params.width + x0 + i % cell_width]);
  }
  atomicAdd(&sums[0], local_sum.x);
  atomicAdd(&sums[1], local_sum.y);
  atomicAdd(&sums[2], local_sum.z);
  atomicAdd(&sums[3], local_sum.w);
  workgroupBarrier();
  let total = vec4<u32>(atomicLoad(&sums[0]), atomicLoad(&sums[1]), atomicLoad(&sums[2]), atomicLoad(&sums[3]));
  let mean = (total + vec4<u32>(n / 2u)) / vec4<u32>(n);
  let packed = mean.x | (mean.y << 8u) | (mean.z << 16u) | (mean.w << 24u);
  for (var i = lane; i < n; i += 64u) {
    image[(y0 + i / cell_width) * params.width + x0 + i % cell_width] = packed;
  }
}
