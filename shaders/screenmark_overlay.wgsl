// Screen-content watermark overlay (core/screenmark/screenmark.h).
// Draws the premultiplied tile repeated from the canvas's top-left corner,
// texel-exact: overlay(x, y) = tile[y mod T][x mod T] in device pixels.
// The canvas is configured with alphaMode "premultiplied", so the browser
// composites it source-over onto the page exactly like the core's compositor.

@group(0) @binding(0) var tile: texture_2d<f32>;

struct VertexOutput {
  @builtin(position) position: vec4<f32>,
};

// One triangle that covers the whole viewport.
@vertex
fn vertex_main(@builtin(vertex_index) index: u32) -> VertexOutput {
  var corners = array<vec2<f32>, 3>(vec2<f32>(-1.0, -3.0), vec2<f32>(-1.0, 1.0), vec2<f32>(3.0, 1.0));
  var out: VertexOutput;
  out.position = vec4<f32>(corners[index], 0.0, 1.0);
  return out;
}

@fragment
fn fragment_main(@builtin(position) position: vec4<f32>) -> @location(0) vec4<f32> {
  let side = textureDimensions(tile);
  let texel = vec2<u32>(position.xy) % side;
  return textureLoad(tile, texel, 0);
}
