// Two ways to draw the screen-mark tile over a page, giving the same pixels:
// WebGPU (shaders/screenmark_overlay.wgsl) and Canvas2D (a repeat pattern at
// identity transform). Both draw into a canvas whose backing store is in
// device pixels; the browser composites it (premultiplied) over the page.
import { gpuDevice, isSoftwareAdapter, loadShader } from '../lib/gpu.mjs';
import { straightFromPremultiplied } from '../lib/pixels.mjs';

export class Canvas2DRenderer {
  static backend = 'canvas2d';
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d', { alpha: true });
    this.pattern = null;
  }
  setTile({ width, height, rgba }) {
    const tileCanvas = new OffscreenCanvas(width, height);
    tileCanvas.getContext('2d').putImageData(new ImageData(straightFromPremultiplied(rgba), width, height), 0, 0);
    this.pattern = this.context.createPattern(tileCanvas, 'repeat');
  }
  draw() {
    const ctx = this.context;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.pattern) return;
    ctx.imageSmoothingEnabled = false;
    ctx.fillStyle = this.pattern;
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }
  destroy() {}
}

export class WebGpuRenderer {
  static backend = 'webgpu';
  /**
   * Resolves to a renderer, or null when WebGPU is unavailable, or when the
   * adapter is a software rasteriser and allowSoftware is false: there
   * Canvas2D is as fast, and headless Chromium's SwiftShader does not present
   * WebGPU canvases at all (and stops compositing the page's other canvases).
   */
  static async create(canvas, { allowSoftware = true } = {}) {
    const device = await gpuDevice();
    if (!device || (!allowSoftware && isSoftwareAdapter())) return null;
    const context = canvas.getContext('webgpu');
    if (!context) return null;
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format, alphaMode: 'premultiplied' });
    const module = device.createShaderModule({ code: await loadShader('screenmark_overlay') });
    const pipelineFor = (targetFormat) => device.createRenderPipelineAsync({
      layout: 'auto',
      vertex: { module, entryPoint: 'vertex_main' },
      fragment: { module, entryPoint: 'fragment_main', targets: [{ format: targetFormat }] },
      primitive: { topology: 'triangle-list' },
    });
    return new WebGpuRenderer(canvas, device, context, await pipelineFor(format), pipelineFor);
  }

  constructor(canvas, device, context, pipeline, pipelineFor) {
    Object.assign(this, { canvas, device, context, pipeline, pipelineFor, texture: null, tileSize: null });
  }

  setTile({ width, height, rgba }) {
    this.texture?.destroy();
    this.texture = this.device.createTexture({
      size: [width, height],
      format: 'rgba8unorm',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
    });
    this.device.queue.writeTexture({ texture: this.texture }, rgba, { bytesPerRow: width * 4 }, [width, height]);
    this.tileSize = [width, height];
  }

  #encodeDraw(encoder, pipeline, view) {
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [{ binding: 0, resource: this.texture.createView() }],
    });
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view, clearValue: { r: 0, g: 0, b: 0, a: 0 }, loadOp: 'clear', storeOp: 'store' }],
    });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
  }

  draw() {
    if (!this.texture) return;
    const encoder = this.device.createCommandEncoder();
    this.#encodeDraw(encoder, this.pipeline, this.context.getCurrentTexture().createView());
    this.device.queue.submit([encoder.finish()]);
  }

  /**
   * Runs the same shader into an offscreen width x height texture and reads it
   * back: the premultiplied RGBA the page would show (for tests and checks).
   */
  async renderPixels(width, height) {
    const pipeline = await this.pipelineFor('rgba8unorm');
    const target = this.device.createTexture({
      size: [width, height], format: 'rgba8unorm',
      usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC,
    });
    const bytesPerRow = Math.ceil((width * 4) / 256) * 256;
    const buffer = this.device.createBuffer({ size: bytesPerRow * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    const encoder = this.device.createCommandEncoder();
    this.#encodeDraw(encoder, pipeline, target.createView());
    encoder.copyTextureToBuffer({ texture: target }, { buffer, bytesPerRow }, [width, height]);
    this.device.queue.submit([encoder.finish()]);
    await buffer.mapAsync(GPUMapMode.READ);
    const padded = new Uint8Array(buffer.getMappedRange());
    const out = new Uint8Array(width * height * 4);
    for (let y = 0; y < height; y++) out.set(padded.subarray(y * bytesPerRow, y * bytesPerRow + width * 4), y * width * 4);
    buffer.unmap();
    buffer.destroy();
    target.destroy();
    return out;
  }

  /**
   * True when the canvas really shows what was drawn. Some configurations
   * (headless Chromium on SwiftShader among them) accept WebGPU draws to a
   * canvas but never present them; the caller then falls back to Canvas2D.
   */
  presentsCorrectly() {
    if (!this.texture || this.canvas.width === 0 || this.canvas.height === 0) return false;
    this.draw();
    const [w, h] = [Math.min(this.canvas.width, this.tileSize[0]), Math.min(this.canvas.height, this.tileSize[1])];
    const probe = new OffscreenCanvas(w, h).getContext('2d');
    probe.drawImage(this.canvas, 0, 0);
    const data = probe.getImageData(0, 0, w, h).data;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  }

  destroy() {
    this.texture?.destroy();
    this.context.unconfigure();
  }
}
