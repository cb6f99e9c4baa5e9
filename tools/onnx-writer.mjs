// Minimal ONNX ModelProto serialiser (protobuf wire format, written by hand).
// Only the fields Filigrane's converters need. Output depends only on the
// arguments (no clocks, no paths, fixed field order), so the same model gives
// the same bytes on every run and machine.
//
// onnx.proto is proto2: repeated scalars (dims, ints) are written unpacked,
// one tag per element, as the reference serialiser does.

const WIRE_VARINT = 0;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;

/** ONNX TensorProto.DataType values used here. */
export const DataType = Object.freeze({ FLOAT: 1, INT64: 7 });
/** ONNX AttributeProto.AttributeType values used here. */
const AttributeType = Object.freeze({ FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 });

const utf8 = new TextEncoder();

/** Protobuf varint of an int64 (negative values take ten bytes, two's complement). */
function varint(value) {
  let v = BigInt.asUintN(64, BigInt(value));
  const out = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/** Accumulates one message's fields in order. */
class Message {
  constructor() { this.parts = []; this.length = 0; }
  push(bytes) { this.parts.push(bytes); this.length += bytes.length; return this; }
  tag(field, wire) { return this.push(Uint8Array.from(varint((field << 3) | wire))); }
  int(field, value) { this.tag(field, WIRE_VARINT); return this.push(Uint8Array.from(varint(value))); }
  ints(field, values) { for (const v of values) this.int(field, v); return this; }
  float(field, value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.tag(field, WIRE_FIXED32);
    return this.push(b);
  }
  bytes(field, bytes) {
    this.tag(field, WIRE_LENGTH);
    this.push(Uint8Array.from(varint(bytes.length)));
    return this.push(bytes);
  }
  string(field, text) { return this.bytes(field, utf8.encode(text)); }
  message(field, msg) { return this.bytes(field, msg.finish()); }
  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

/** Little-endian raw bytes of a typed array, independent of host byte order. */
function rawData(dataType, values) {
  if (dataType === DataType.FLOAT) {
    const b = new Uint8Array(values.length * 4);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
    return b;
  }
  if (dataType === DataType.INT64) {
    const b = new Uint8Array(values.length * 8);
    const view = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) view.setBigInt64(i * 8, BigInt(values[i]), true);
    return b;
  }
  throw new Error(`onnx-writer: unsupported tensor data type ${dataType}`);
}

/** TensorProto: {name, dims, dataType, values}. */
function tensorProto({ name, dims, dataType, values }) {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`onnx-writer: tensor ${name} has ${values.length} values for dims [${dims}]`);
  return new Message().ints(1, dims).int(2, dataType).string(8, name).bytes(9, rawData(dataType, values));
}

/** AttributeProto from a name and {type, value}: type is 'int' | 'ints' | 'float' | 'floats' | 'string'. */
function attributeProto(name, { type, value }) {
  const m = new Message().string(1, name);
  switch (type) {
    case 'float': m.float(2, value).int(20, AttributeType.FLOAT); break;
    case 'int': m.int(3, value).int(20, AttributeType.INT); break;
    case 'string': m.string(4, value).int(20, AttributeType.STRING); break;
    case 'floats': for (const v of value) m.float(7, v); m.int(20, AttributeType.FLOATS); break;
    case 'ints': m.ints(8, value).int(20, AttributeType.INTS); break;
    default: throw new Error(`onnx-writer: attribute ${name} has unknown type ${type}`);
  }
  return m;
}

/** NodeProto: {name, opType, inputs, outputs, attributes: {name: {type, value}}}; attributes sorted by name. */
function nodeProto({ name, opType, inputs, outputs, attributes = {} }) {
  const m = new Message();
  for (const i of inputs) m.string(1, i);
  for (const o of outputs) m.string(2, o);
  m.string(3, name).string(4, opType);
  for (const key of Object.keys(attributes).sort()) m.message(5, attributeProto(key, attributes[key]));
  return m;
}

/** ValueInfoProto: {name, dataType, shape: [number | string]} (a string is a symbolic dimension). */
function valueInfoProto({ name, dataType, shape }) {
  const shapeMsg = new Message();
  for (const d of shape) {
    const dim = new Message();
    if (typeof d === 'string') dim.string(2, d); else dim.int(1, d);
    shapeMsg.message(1, dim);
  }
  const tensorType = new Message().int(1, dataType).message(2, shapeMsg);
  const type = new Message().message(1, tensorType);
  return new Message().string(1, name).message(2, type);
}

/**
 * Serialises a model. Returns the ModelProto bytes; throws Error on a value it
 * cannot represent. The caller owns the returned array.
 * @param {{irVersion: number, opsetVersion: number, producerName: string, producerVersion: string,
 *          docString?: string, metadata?: Record<string,string>,
 *          graph: {name: string, nodes: object[], initializers: object[], inputs: object[], outputs: object[]}}} model
 */
export function encodeModel(model) {
  const g = model.graph;
  const graph = new Message();
  for (const n of g.nodes) graph.message(1, nodeProto(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, tensorProto(t));
  for (const v of g.inputs) graph.message(11, valueInfoProto(v));
  for (const v of g.outputs) graph.message(12, valueInfoProto(v));

  const m = new Message().int(1, model.irVersion).string(2, model.producerName).string(3, model.producerVersion);
  if (model.docString) m.string(6, model.docString);
  m.message(7, graph);
  m.message(8, new Message().string(1, '').int(2, model.opsetVersion));
  for (const key of Object.keys(model.metadata ?? {}).sort()) {
    m.message(14, new Message().string(1, key).string(2, model.metadata[key]));
  }
  return m.finish();
}
