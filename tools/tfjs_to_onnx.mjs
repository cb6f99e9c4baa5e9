#!/usr/bin/env node
// Filigrane's TensorFlow.js-to-ONNX converter for Keras layers models
// (issue 6). Reads the topology and weights the way TensorFlow.js does
// (nsfwjs bundles: model.min.js + group1-shard*.min.js with base64 weights;
// or a plain model.json + .bin shards), translates each layer to ONNX nodes
// and writes the ModelProto itself (tools/onnx-writer.mjs).
//
// Layout: the ONNX model takes NHWC float32 [batch,H,W,C] like the Keras
// model (so the same tensor feeds both), transposes once to NCHW and runs the
// network in NCHW, which is what ONNX Conv expects.
//
// Layers: InputLayer, Conv2D, DepthwiseConv2D, BatchNormalization (folded into
// the convolution before it when that is its only consumer), ReLU (Relu or
// Clip for ReLU6), Activation, ZeroPadding2D (folded into the pads of the
// convolution that consumes it; TF 'same' padding is computed per layer,
// asymmetric when the total is odd), Add, AveragePooling2D /
// GlobalAveragePooling2D, Flatten (NHWC element order), Dense (Gemm),
// Dropout (dropped), Softmax. Anything else is an error, never a guess.
//
// Usage:
//   node tools/tfjs_to_onnx.mjs --nsfwjs mobilenet_v2 --out build/models/nsfw-mobilenet-v2.onnx
//   node tools/tfjs_to_onnx.mjs --model-json path/model.json --out model.onnx
//   --check models/<name>/model.json  fail (exit 1, file removed) unless the
//                                     output has the sha256 and size pinned there
// Prints {"out", "bytes", "sha256"} as JSON.
import { readFileSync, writeFileSync, mkdirSync, readdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeModel, DataType } from './onnx-writer.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const ONNX_OPSET = 13;
export const ONNX_IR_VERSION = 7;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'probabilities';

// ---------- reading TensorFlow.js artifacts ----------

/**
 * Reads an nsfwjs model bundle (directory with model.min.js and
 * group1-shard<i>of<n>.min.js, each a CommonJS module exporting the model JSON
 * or a base64 string). Returns {modelJson, weightData: Uint8Array}.
 */
export function readNsfwjsBundle(dir) {
  const modelJson = require(path.join(dir, 'model.min.js'));
  const shards = readdirSync(dir)
    .map((f) => /^group1-shard(\d+)of(\d+)\.min\.js$/.exec(f))
    .filter(Boolean)
    .sort((a, b) => Number(a[1]) - Number(b[1]));
  const chunks = [];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) {
      const file = shards.find((m) => m[0] === `${p}.min.js`);
      if (!file) throw new Error(`tfjs_to_onnx: weight shard ${p}.min.js missing in ${dir}`);
      const base64 = require(path.join(dir, file[0]));
      if (typeof base64 !== 'string') throw new Error(`tfjs_to_onnx: ${file[0]} does not export a base64 string`);
      chunks.push(Buffer.from(base64, 'base64'));
    }
  }
  return { modelJson, weightData: new Uint8Array(Buffer.concat(chunks)) };
}

/** Reads a standard TensorFlow.js model.json with its binary shards beside it. */
export function readModelJson(file) {
  const modelJson = JSON.parse(readFileSync(file, 'utf8'));
  const chunks = [];
  for (const group of modelJson.weightsManifest) {
    for (const p of group.paths) chunks.push(readFileSync(path.join(path.dirname(file), p)));
  }
  return { modelJson, weightData: new Uint8Array(Buffer.concat(chunks)) };
}

const BYTES_PER = { float32: 4, int32: 4, uint8: 1, uint16: 2 };

/**
 * Decodes the weights exactly as TensorFlow.js's io.decodeWeights does
 * (dequantised value = q * scale + min, stored as float32).
 * Returns Map name -> {shape, values: Float32Array}.
 */
export function decodeWeights(weightsManifest, weightData) {
  const view = new DataView(weightData.buffer, weightData.byteOffset, weightData.byteLength);
  const out = new Map();
  let offset = 0;
  for (const spec of weightsManifest.flatMap((g) => g.weights)) {
    if (spec.dtype !== 'float32') throw new Error(`tfjs_to_onnx: weight ${spec.name} has dtype ${spec.dtype}`);
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const stored = q ? q.dtype : spec.dtype;
    const size = BYTES_PER[stored];
    if (!size) throw new Error(`tfjs_to_onnx: weight ${spec.name} stored as ${stored} is not supported`);
    if (offset + count * size > weightData.byteLength) throw new Error(`tfjs_to_onnx: weight data too short at ${spec.name}`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const at = offset + i * size;
      if (stored === 'float32') values[i] = view.getFloat32(at, true);
      else {
        const v = stored === 'uint8' ? view.getUint8(at) : view.getUint16(at, true);
        values[i] = v * q.scale + q.min;
      }
    }
    offset += count * size;
    out.set(spec.name, { shape: spec.shape, values });
  }
  if (offset !== weightData.byteLength) throw new Error(`tfjs_to_onnx: ${weightData.byteLength - offset} unread weight bytes`);
  return out;
}

// ---------- layer translation ----------

function pair(v) { return Array.isArray(v) ? v : [v, v]; }

/** ZeroPadding2D padding as [top, left, bottom, right]. */
function zeroPadding(config) {
  const p = config.padding;
  if (typeof p === 'number') return [p, p, p, p];
  const [h, w] = p.map((x) => (Array.isArray(x) ? x : [x, x]));
  return [h[0], w[0], h[1], w[1]];
}

/** TF padding for one spatial axis: [before, after] ('same' puts the odd pixel after). */
function tfPadding(mode, inSize, kernel, stride, dilation) {
  if (mode === 'valid') return [0, 0];
  if (mode !== 'same') throw new Error(`tfjs_to_onnx: padding ${mode}`);
  const effective = (kernel - 1) * dilation + 1;
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + effective - inSize, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function convOutSize(inSize, kernel, stride, dilation, before, after) {
  return Math.floor((inSize + before + after - ((kernel - 1) * dilation + 1)) / stride) + 1;
}

/** Builds the ONNX graph of a Keras functional/sequential model. */
class GraphBuilder {
  constructor(weights) {
    this.weights = weights;
    this.nodes = [];
    this.initializers = [];
    this.initializerNames = new Set();
    this.values = new Map(); // layer name -> {tensor, shape (no batch; [C,H,W] or [F]), pad}
    this.used = new Set(); // weight names consumed, to refuse models with weights left over
  }

  weight(layer, name, required = true) {
    const w = this.weights.get(`${layer}/${name}`);
    if (!w && required) throw new Error(`tfjs_to_onnx: weight ${layer}/${name} missing`);
    if (w) this.used.add(`${layer}/${name}`);
    return w;
  }

  initializer(name, dims, values, dataType = DataType.FLOAT) {
    if (!this.initializerNames.has(name)) {
      this.initializerNames.add(name);
      this.initializers.push({ name, dims, dataType, values });
    }
    return name;
  }

  node(opType, name, inputs, attributes = {}) {
    const output = name;
    this.nodes.push({ name, opType, inputs, outputs: [output], attributes });
    return output;
  }

  /** A value with any pending zero padding applied as an ONNX Pad. */
  materialise(value, consumer) {
    if (!value.pad) return value;
    const [t, l, b, r] = value.pad;
    const pads = this.initializer(`${consumer}/pads`, [8], [0, 0, t, l, 0, 0, b, r], DataType.INT64);
    const tensor = this.node('Pad', `${consumer}/Pad`, [value.tensor, pads], { mode: { type: 'string', value: 'constant' } });
    const [c, h, w] = value.shape;
    return { tensor, shape: [c, h + t + b, w + l + r], pad: null };
  }

  activation(kind, tensor, layer) {
    switch (kind) {
      case undefined: case null: case 'linear': return tensor;
      case 'relu': return this.node('Relu', `${layer}/Relu`, [tensor]);
      case 'relu6': return this.clip(tensor, layer, 0, 6);
      case 'sigmoid': return this.node('Sigmoid', `${layer}/Sigmoid`, [tensor]);
      case 'tanh': return this.node('Tanh', `${layer}/Tanh`, [tensor]);
      case 'softmax': return this.node('Softmax', `${layer}/Softmax`, [tensor], { axis: { type: 'int', value: -1 } });
      default: throw new Error(`tfjs_to_onnx: activation ${kind} in ${layer}`);
    }
  }

  clip(tensor, layer, min, max) {
    const lo = this.initializer(`clip_min_${min}`, [], [min]);
    const hi = this.initializer(`clip_max_${max}`, [], [max]);
    return this.node('Clip', `${layer}/Clip`, [tensor, lo, hi]);
  }

  /** Conv2D / DepthwiseConv2D, with a following BatchNormalization folded in when given. */
  conv(layer, input, foldedBn) {
    const c = layer.config;
    const depthwise = layer.class_name === 'DepthwiseConv2D';
    if (c.data_format && c.data_format !== 'channels_last') throw new Error(`tfjs_to_onnx: ${layer.name} data_format ${c.data_format}`);
    const kernel = this.weight(layer.name, depthwise ? 'depthwise_kernel' : 'kernel');
    const [kh, kw, inC, k3] = kernel.shape;
    const [C, H, W] = input.shape;
    if (inC !== C) throw new Error(`tfjs_to_onnx: ${layer.name} expects ${inC} channels, gets ${C}`);
    const [sh, sw] = pair(c.strides);
    const [dh, dw] = pair(c.dilation_rate ?? 1);
    const ph = tfPadding(c.padding, H + (input.pad ? input.pad[0] + input.pad[2] : 0), kh, sh, dh);
    const pw = tfPadding(c.padding, W + (input.pad ? input.pad[1] + input.pad[3] : 0), kw, sw, dw);
    const pre = input.pad ?? [0, 0, 0, 0];
    // Zero padding before a convolution is the same as the convolution's own padding.
    const pads = [pre[0] + ph[0], pre[1] + pw[0], pre[2] + ph[1], pre[3] + pw[1]];
    const outC = depthwise ? inC * k3 : k3;

    // ONNX weight layout [outC, inC/group, kh, kw]; TF: [kh, kw, inC, outC] or depthwise [kh, kw, inC, mult]
    // (depthwise output channel = c * mult + m).
    const w = new Float64Array(outC * (depthwise ? 1 : inC) * kh * kw);
    const kv = kernel.values;
    for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < inC; i++) for (let o = 0; o < k3; o++) {
      const src = ((y * kw + x) * inC + i) * k3 + o;
      const dst = depthwise ? (((i * k3 + o) * kh + y) * kw + x) : (((o * inC + i) * kh + y) * kw + x);
      w[dst] = kv[src];
    }
    const bias = new Float64Array(outC);
    if (c.use_bias) this.weight(layer.name, 'bias').values.forEach((v, i) => { bias[i] = v; });
    let hasBias = !!c.use_bias;
    if (foldedBn) {
      const { scale, shift } = this.bnAffine(foldedBn, outC);
      const per = w.length / outC;
      for (let o = 0; o < outC; o++) {
        for (let j = 0; j < per; j++) w[o * per + j] *= scale[o];
        bias[o] = bias[o] * scale[o] + shift[o];
      }
      hasBias = true;
    }
    const inputs = [input.tensor, this.initializer(`${layer.name}/W`, [outC, depthwise ? 1 : inC, kh, kw], Float32Array.from(w))];
    if (hasBias) inputs.push(this.initializer(`${layer.name}/B`, [outC], Float32Array.from(bias)));
    const attributes = {
      dilations: { type: 'ints', value: [dh, dw] },
      group: { type: 'int', value: depthwise ? inC : 1 },
      kernel_shape: { type: 'ints', value: [kh, kw] },
      pads: { type: 'ints', value: pads },
      strides: { type: 'ints', value: [sh, sw] },
    };
    let tensor = this.node('Conv', `${layer.name}/Conv`, inputs, attributes);
    tensor = this.activation(c.activation, tensor, layer.name);
    const oh = convOutSize(H, kh, sh, dh, pads[0], pads[2]);
    const ow = convOutSize(W, kw, sw, dw, pads[1], pads[3]);
    return { tensor, shape: [outC, oh, ow], pad: null };
  }

  /** y = x * scale + shift for a Keras BatchNormalization layer (float64). */
  bnAffine(layer, channels) {
    const c = layer.config;
    if (c.axis !== -1 && c.axis !== 3 && !(Array.isArray(c.axis) && c.axis.length === 1 && (c.axis[0] === -1 || c.axis[0] === 3))) {
      throw new Error(`tfjs_to_onnx: ${layer.name} normalises axis ${c.axis}`);
    }
    const gamma = c.scale === false ? null : this.weight(layer.name, 'gamma').values;
    const beta = c.center === false ? null : this.weight(layer.name, 'beta').values;
    const mean = this.weight(layer.name, 'moving_mean').values;
    const variance = this.weight(layer.name, 'moving_variance').values;
    if (mean.length !== channels) throw new Error(`tfjs_to_onnx: ${layer.name} has ${mean.length} channels, expects ${channels}`);
    const scale = new Float64Array(channels);
    const shift = new Float64Array(channels);
    for (let i = 0; i < channels; i++) {
      scale[i] = (gamma ? gamma[i] : 1) / Math.sqrt(variance[i] + c.epsilon);
      shift[i] = (beta ? beta[i] : 0) - mean[i] * scale[i];
    }
    return { scale, shift };
  }
}

/**
 * Translates a Keras layers model (TensorFlow.js modelTopology) into ONNX.
 * Returns the ModelProto bytes; throws Error on any layer or option it does
 * not translate exactly. `weights` comes from decodeWeights().
 */
export function convertKerasModel({ modelTopology, weights, docString = '', metadata = {}, batch = 'batch' }) {
  const config = modelTopology.model_config ?? modelTopology;
  if (config.class_name !== 'Model' && config.class_name !== 'Functional') {
    throw new Error(`tfjs_to_onnx: model class ${config.class_name} (only functional models)`);
  }
  const layers = config.config.layers;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const inboundOf = (l) => {
    if (l.inbound_nodes.length > 1) throw new Error(`tfjs_to_onnx: layer ${l.name} is shared`);
    return (l.inbound_nodes[0] ?? []).map((n) => n[0]);
  };
  const consumers = new Map(layers.map((l) => [l.name, []]));
  for (const l of layers) for (const src of inboundOf(l)) consumers.get(src).push(l.name);
  if (config.config.input_layers.length !== 1 || config.config.output_layers.length !== 1) {
    throw new Error('tfjs_to_onnx: only single-input single-output models');
  }
  const outputLayer = config.config.output_layers[0][0];

  // A BatchNormalization whose input is a linear convolution used only by it folds into that convolution.
  const foldInto = new Map(); // conv name -> bn layer
  for (const l of layers) {
    if (l.class_name !== 'BatchNormalization') continue;
    const [src] = inboundOf(l);
    const s = byName.get(src);
    if ((s.class_name === 'Conv2D' || s.class_name === 'DepthwiseConv2D')
        && (s.config.activation ?? 'linear') === 'linear' && consumers.get(src).length === 1 && src !== outputLayer) {
      foldInto.set(src, l);
    }
  }
  const foldedBn = new Set([...foldInto.values()].map((l) => l.name));

  const g = new GraphBuilder(weights);
  let inputShape = null;
  for (const layer of layers) {
    const c = layer.config;
    const ins = inboundOf(layer).map((n) => g.values.get(n));
    const name = layer.name;
    let value;
    switch (layer.class_name) {
      case 'InputLayer': {
        const s = c.batch_input_shape;
        if (s.length !== 4 || s.slice(1).some((d) => !(d > 0))) throw new Error(`tfjs_to_onnx: input shape ${s}`);
        inputShape = s.slice(1);
        const tensor = g.node('Transpose', `${name}/to_nchw`, [INPUT_NAME], { perm: { type: 'ints', value: [0, 3, 1, 2] } });
        value = { tensor, shape: [s[3], s[1], s[2]], pad: null };
        break;
      }
      case 'ZeroPadding2D': {
        const [t, l, b, r] = zeroPadding(c);
        const prev = ins[0].pad ?? [0, 0, 0, 0];
        value = { ...ins[0], pad: [prev[0] + t, prev[1] + l, prev[2] + b, prev[3] + r] };
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D':
        value = g.conv(layer, ins[0], foldInto.get(name));
        break;
      case 'BatchNormalization': {
        if (foldedBn.has(name)) { value = ins[0]; break; }
        const x = g.materialise(ins[0], name);
        const { scale, shift } = g.bnAffine(layer, x.shape[0]);
        const bshape = x.shape.length === 3 ? [x.shape[0], 1, 1] : [x.shape[0]];
        if (x.shape.length !== 3 && x.shape.length !== 1) throw new Error(`tfjs_to_onnx: ${name} on rank ${x.shape.length + 1}`);
        const mul = g.node('Mul', `${name}/Mul`, [x.tensor, g.initializer(`${name}/scale`, bshape, Float32Array.from(scale))]);
        value = { tensor: g.node('Add', `${name}/Add`, [mul, g.initializer(`${name}/shift`, bshape, Float32Array.from(shift))]), shape: x.shape, pad: null };
        break;
      }
      case 'ReLU': {
        const x = g.materialise(ins[0], name);
        if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) throw new Error(`tfjs_to_onnx: ${name} leaky/threshold ReLU`);
        const tensor = c.max_value == null ? g.node('Relu', `${name}/Relu`, [x.tensor]) : g.clip(x.tensor, name, 0, c.max_value);
        value = { tensor, shape: x.shape, pad: null };
        break;
      }
      case 'Activation': {
        const x = g.materialise(ins[0], name);
        if (c.activation === 'softmax' && x.shape.length !== 1) throw new Error(`tfjs_to_onnx: ${name} softmax on rank ${x.shape.length + 1}`);
        value = { tensor: g.activation(c.activation, x.tensor, name), shape: x.shape, pad: null };
        break;
      }
      case 'Softmax': {
        const x = g.materialise(ins[0], name);
        if (x.shape.length !== 1 || (c.axis ?? -1) !== -1) throw new Error(`tfjs_to_onnx: ${name} softmax layout`);
        value = { tensor: g.activation('softmax', x.tensor, name), shape: x.shape, pad: null };
        break;
      }
      case 'Add': {
        const xs = ins.map((v, i) => g.materialise(v, `${name}/in${i}`));
        if (xs.some((x) => x.shape.join() !== xs[0].shape.join())) throw new Error(`tfjs_to_onnx: ${name} adds different shapes`);
        const op = xs.length === 2 ? 'Add' : 'Sum';
        value = { tensor: g.node(op, `${name}/${op}`, xs.map((x) => x.tensor)), shape: xs[0].shape, pad: null };
        break;
      }
      case 'AveragePooling2D':
      case 'GlobalAveragePooling2D': {
        const x = g.materialise(ins[0], name);
        const [C, H, W] = x.shape;
        const global = layer.class_name === 'GlobalAveragePooling2D';
        const [kh, kw] = global ? [H, W] : pair(c.pool_size);
        const [sh, sw] = global ? [H, W] : pair(c.strides ?? c.pool_size);
        const padding = global ? 'valid' : c.padding;
        if (padding === 'valid' && kh === H && kw === W) {
          // One window over the whole map: the plain mean.
          let tensor = g.node('GlobalAveragePool', `${name}/GlobalAveragePool`, [x.tensor]);
          let shape = [C, 1, 1];
          if (global) { tensor = g.node('Flatten', `${name}/Flatten`, [tensor], { axis: { type: 'int', value: 1 } }); shape = [C]; }
          value = { tensor, shape, pad: null };
        } else {
          if (global) throw new Error('unreachable');
          const ph = tfPadding(padding, H, kh, sh, 1);
          const pw = tfPadding(padding, W, kw, sw, 1);
          // TF excludes padded cells from the average, as ONNX does with count_include_pad=0.
          const tensor = g.node('AveragePool', `${name}/AveragePool`, [x.tensor], {
            count_include_pad: { type: 'int', value: 0 },
            kernel_shape: { type: 'ints', value: [kh, kw] },
            pads: { type: 'ints', value: [ph[0], pw[0], ph[1], pw[1]] },
            strides: { type: 'ints', value: [sh, sw] },
          });
          value = { tensor, shape: [C, convOutSize(H, kh, sh, 1, ph[0], ph[1]), convOutSize(W, kw, sw, 1, pw[0], pw[1])], pad: null };
        }
        break;
      }
      case 'Flatten': {
        let x = g.materialise(ins[0], name);
        if (x.shape.length === 3 && (x.shape[1] !== 1 || x.shape[2] !== 1)) {
          // Keras flattens in NHWC order.
          x = { tensor: g.node('Transpose', `${name}/to_nhwc`, [x.tensor], { perm: { type: 'ints', value: [0, 2, 3, 1] } }), shape: x.shape };
        }
        const tensor = g.node('Flatten', `${name}/Flatten`, [x.tensor], { axis: { type: 'int', value: 1 } });
        value = { tensor, shape: [x.shape.reduce((a, b) => a * b, 1)], pad: null };
        break;
      }
      case 'Dense': {
        const x = ins[0];
        if (x.shape.length !== 1) throw new Error(`tfjs_to_onnx: ${name} on rank ${x.shape.length + 1}`);
        const kernel = g.weight(name, 'kernel');
        const [inF, outF] = kernel.shape;
        if (inF !== x.shape[0]) throw new Error(`tfjs_to_onnx: ${name} expects ${inF} features, gets ${x.shape[0]}`);
        const inputs = [x.tensor, g.initializer(`${name}/W`, [inF, outF], kernel.values)];
        if (c.use_bias) inputs.push(g.initializer(`${name}/B`, [outF], g.weight(name, 'bias').values));
        const gemm = g.node('Gemm', `${name}/Gemm`, inputs);
        value = { tensor: g.activation(c.activation, gemm, name), shape: [outF], pad: null };
        break;
      }
      case 'Dropout':
        value = ins[0]; // inference: identity
        break;
      default:
        throw new Error(`tfjs_to_onnx: layer ${layer.class_name} (${name}) is not supported`);
    }
    g.values.set(name, value);
  }

  const unused = [...weights.keys()].filter((k) => !g.used.has(k));
  if (unused.length) throw new Error(`tfjs_to_onnx: weights not used: ${unused.join(', ')}`);
  const out = g.materialise(g.values.get(outputLayer), 'output');
  const last = g.nodes.find((n) => n.outputs[0] === out.tensor);
  if (!last) throw new Error('tfjs_to_onnx: the output is not computed by any node');
  last.outputs = [OUTPUT_NAME];
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === out.tensor ? OUTPUT_NAME : i));

  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'filigrane-tfjs-to-onnx',
    producerVersion: '1',
    docString,
    metadata,
    graph: {
      name: config.config.name ?? 'model',
      nodes: g.nodes,
      initializers: g.initializers,
      inputs: [{ name: INPUT_NAME, dataType: DataType.FLOAT, shape: [batch, ...inputShape] }],
      outputs: [{ name: OUTPUT_NAME, dataType: DataType.FLOAT, shape: [batch, ...out.shape] }],
    },
  });
}

/** Converts one of nsfwjs's bundled models (default MobileNetV2). Returns the ONNX bytes. */
export function convertNsfwjs(model = 'mobilenet_v2', root = repoRoot) {
  const pkgDir = path.join(root, 'node_modules', 'nsfwjs');
  const version = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  const { modelJson, weightData } = readNsfwjsBundle(path.join(pkgDir, 'dist', 'models', model));
  const weights = decodeWeights(modelJson.weightsManifest, weightData);
  return convertKerasModel({
    modelTopology: modelJson.modelTopology,
    weights,
    docString: `nsfwjs ${version} ${model} (MIT), converted by Filigrane tools/tfjs_to_onnx.mjs. `
      + 'Input NHWC float32 RGB pixel/255, 224x224 (stretched, bilinear align_corners); '
      + 'output softmax over [Drawing, Hentai, Neutral, Porn, Sexy].',
    metadata: { source_package: `nsfwjs@${version}`, source_model: model, classes: 'Drawing,Hentai,Neutral,Porn,Sexy', layout: 'NHWC' },
  });
}

function main(argv) {
  const args = { nsfwjs: null, modelJson: null, out: null, check: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--nsfwjs') args.nsfwjs = argv[++i];
    else if (a === '--model-json') args.modelJson = argv[++i];
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--check') args.check = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.out || !!args.nsfwjs === !!args.modelJson) {
    throw new Error('usage: node tools/tfjs_to_onnx.mjs (--nsfwjs MODEL | --model-json FILE) --out FILE.onnx');
  }
  let bytes;
  if (args.nsfwjs) bytes = convertNsfwjs(args.nsfwjs);
  else {
    const { modelJson, weightData } = readModelJson(args.modelJson);
    bytes = convertKerasModel({ modelTopology: modelJson.modelTopology, weights: decodeWeights(modelJson.weightsManifest, weightData) });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  console.log(JSON.stringify({ out: args.out, bytes: bytes.length, sha256 }));
  if (args.check) {
    const pinned = JSON.parse(readFileSync(args.check, 'utf8'));
    if (pinned.sha256 !== sha256 || pinned.bytes !== bytes.length) {
      throw new Error(`tfjs_to_onnx: output differs from ${args.check} (pinned ${pinned.sha256}, ${pinned.bytes} bytes); `
        + 'the converter or the source package changed: check fidelity (make eval-nsfw), then update model.json and CARD.md');
    }
  }
  mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
  // Write then rename, so an interrupted run never leaves a truncated model behind.
  writeFileSync(`${args.out}.tmp`, bytes);
  renameSync(`${args.out}.tmp`, args.out);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try { main(process.argv.slice(2)); } catch (e) { console.error(e.message); process.exit(1); }
}
