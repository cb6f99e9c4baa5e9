// Types of Filigrane's JS library (web/lib/filigrane.mjs).

export type ErrorCode =
  | 'invalid_argument' | 'unsupported_format' | 'corrupt_data' | 'too_large' | 'not_found' | 'internal'
  | 'unreadable' | 'unsupported_feature' | 'worker_failed' | 'disposed' | 'cancelled';

export class FiligraneError extends Error {
  readonly name: 'FiligraneError';
  /** Stable machine-readable code. */
  readonly code: ErrorCode | string;
  /** Numeric core status (core/status.h), or -1 when the error did not come from the core. */
  readonly status: number;
  /** A sentence for people, with the core's detail. */
  readonly userMessage: string;
  constructor(code: string, message: string, status?: number);
  toJSON(): { code: string; message: string; status: number };
  static fromJSON(obj: { code?: string; message?: string; status?: number }): FiligraneError;
}

export interface ImageInfo {
  format: 'jpeg' | 'png' | 'bmp' | 'gif';
  /** Displayed size, after EXIF orientation. */
  width: number;
  height: number;
  storedWidth: number;
  storedHeight: number;
  /** EXIF orientation 1..8. */
  orientation: number;
  channels: number;
  hasAlpha: boolean;
  /** True when some pixel is not fully opaque. */
  transparent: boolean;
  fileBytes: number;
  megapixels: number;
  metadata: { exif: boolean; iccProfile: boolean; xmp: boolean };
}

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA8, row-major, tightly packed, straight alpha. */
  rgba: Uint8Array;
}

export interface DecodeOptions {
  /** Refuse images above this many pixels (default 100,000,000). */
  maxPixels?: number;
}

export interface RegionMap {
  columns: number;
  rows: number;
  /** Image pixels per cell. */
  cellWidth: number;
  cellHeight: number;
  /** Row-major local detection scores (z): >= ~3 the mark is clearly there. */
  scores: number[];
}

export interface ScreenMarkOptions {
  key: string;
  /** 1..16 hex digits (64 bits); by convention viewer id (32) then minute since 1970 (32). */
  payload: string;
  /** Overlay alpha 0..0.25; 0 means the default (PSNR >= 40 dB on any content). */
  strength?: number;
  /** Device-pixel ratio the tile is rendered for. */
  dpr?: number;
}

export interface ScreenDecodeReport {
  found: boolean;
  payload: string | null;
  /** 0..1: 1 pristine, ~0.1 barely readable; 0 when not found. */
  confidence: number;
  syncScore: number;
  scale: number;
  period: number;
  originX: number;
  originY: number;
  imageWidth: number;
  imageHeight: number;
  map: RegionMap;
  viewerId?: number;
  minute?: number;
  /** ISO 8601 time of the minute in the payload. */
  time?: string;
}

export interface SdMarkReport {
  found: boolean;
  kind: 'sd1' | 'sd2' | 'sdxl' | null;
  bitAgreement: number;
  agreeingBits: number;
  bits: number;
  thresholdBits: number;
  falseAlarmBound: number;
  tooSmall: boolean;
}

export interface ImageMarkReport {
  found: boolean;
  payload: string | null;
  /** Layout of the found mark: 64, or 32 (compact, for values below 2^32); 0 when not found. */
  payloadBits: 0 | 32 | 64;
  confidence: number;
  z: number;
  falsePositiveBound: number;
  synchronized: boolean;
  tooSmall: boolean;
  scale: number;
  rotationDegrees: number;
  map: RegionMap;
}

export interface CallOptions {
  /** Aborting restarts the worker and rejects with code "cancelled". */
  signal?: AbortSignal;
}

export class Filigrane {
  /** Starts the worker and resolves once the WebAssembly module is ready. */
  /** provider forces ONNX Runtime's execution provider (default: WebGPU with a hardware adapter, else WebAssembly). */
  static create(options?: { workerUrl?: string | URL; provider?: 'wasm' | 'webgpu' | null }): Promise<Filigrane>;
  info(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions, call?: CallOptions): Promise<ImageInfo>;
  decodeRgba(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions & { maxSide?: number }, call?: CallOptions): Promise<RgbaImage>;
  encode(image: RgbaImage, options?: { format?: 'png' | 'jpeg'; quality?: number }, call?: CallOptions): Promise<Uint8Array>;
  /** One premultiplied RGBA period of the screen-mark overlay. */
  screenTile(options: ScreenMarkOptions, call?: CallOptions): Promise<RgbaImage>;
  /** The premultiplied overlay for width x height device pixels. */
  screenOverlay(options: ScreenMarkOptions & { width: number; height: number }, call?: CallOptions): Promise<RgbaImage>;
  /** Composites the screen mark onto an image file; resolves to PNG bytes. */
  screenApply(bytes: Uint8Array | ArrayBuffer, options: ScreenMarkOptions, call?: CallOptions): Promise<Uint8Array>;
  screenDecode(bytes: Uint8Array | ArrayBuffer, options: { key: string; maxPixels?: number }, call?: CallOptions): Promise<ScreenDecodeReport>;
  /** payloadBits "auto" (default) uses the compact 32-bit layout when the payload is below 2^32: it survives on smaller copies. */
  markImage(bytes: Uint8Array | ArrayBuffer, options: { key: string; payload: string; psnr?: number; payloadBits?: 'auto' | 32 | 64; format?: 'png' | 'jpeg'; quality?: number }, call?: CallOptions): Promise<{ bytes: Uint8Array; psnr: number; payloadBits: 32 | 64 }>;
  detectImageMark(bytes: Uint8Array | ArrayBuffer, options: { key: string }, call?: CallOptions): Promise<ImageMarkReport>;
  detectSdMark(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions, call?: CallOptions): Promise<SdMarkReport>;
  /** C2PA, XMP, IPTC, EXIF and generator metadata (schema: core/provenance/provenance.h). */
  provenance(bytes: Uint8Array | ArrayBuffer, call?: CallOptions): Promise<Record<string, unknown>>;
  /** Redacts regions and re-encodes with no metadata. */
  redact(bytes: Uint8Array | ArrayBuffer, options: {
    regions: Array<{ x: number; y: number; width: number; height: number }>;
    style?: 'blur' | 'pixelate' | 'fill'; format?: 'png' | 'jpeg'; quality?: number;
  }, call?: CallOptions): Promise<{ bytes: Uint8Array; width: number; height: number; mime: string }>;
  /** Sensitive-content cues: faces, nudity, personal data in text, metadata. */
  cues(bytes: Uint8Array | ArrayBuffer, options?: CallOptions & {
    faces?: boolean; nsfw?: boolean; text?: boolean; /** QR codes and barcodes; default: as text */ codes?: boolean;
    /** Scan for faces down to 24 px at full resolution and read doubtful text lines again at full size
     *  (slow on large photos); redactCues always does. */
    thorough?: boolean;
    onProgress?: (progress: Progress) => void;
  }): Promise<Cues>;
  /** Finds the chosen cues and redacts them (output without metadata). */
  /** Personal text, codes and `regions` are always covered with a solid fill; `style` (default 'fill')
   *  applies to faces and nudity, at strengths a face detector finds nothing in afterwards. */
  redactCues(bytes: Uint8Array | ArrayBuffer, options: CallOptions & {
    faces?: boolean; pii?: boolean; nsfw?: boolean; style?: 'blur' | 'pixelate' | 'fill'; format?: 'png' | 'jpeg';
    regions?: RedactBox[];
    onProgress?: (progress: Progress) => void;
  }): Promise<{ bytes: Uint8Array; width: number; height: number; mime: string; regions: number; boxes: RedactBox[]; cues: Cues }>;
  /** Covers exactly these boxes (what the Protect editor shows at confirm); output without metadata. */
  redactBoxes(bytes: Uint8Array | ArrayBuffer, boxes: RedactBox[], options?: CallOptions & {
    style?: 'blur' | 'pixelate' | 'fill'; format?: 'png' | 'jpeg'; quality?: number;
  }): Promise<{ bytes: Uint8Array; width: number; height: number; mime: string; regions: number }>;
  /** provenance() plus `c2pa.validation` from the official C2PA validator and the contract keys. */
  provenanceReport(bytes: Uint8Array | ArrayBuffer, options?: CallOptions & { thumbnails?: boolean }): Promise<Record<string, unknown>>;
  /** The AI verdict with its reasons (weights: web/lib/verdict.mjs). */
  aiVerdict(bytes: Uint8Array | ArrayBuffer, options?: CallOptions & {
    detector?: boolean;
    provenance?: boolean;
    thumbnails?: boolean;
    /** false: metadata only, no full decode (no generator-mark check, no detector) */
    pixels?: boolean;
    onProgress?: (progress: Progress) => void;
  }): Promise<AiVerdict>;
  /** Where the models run, chosen once per session (WebGPU only with a hardware adapter). */
  runtime(): Promise<{ provider: 'wasm' | 'webgpu'; reason: string }>;
  /** Cues in one camera frame (RGBA pixels); boxes are in the frame's pixels. */
  frameCues(frame: { width: number; height: number; rgba: Uint8Array }, options?: {
    faces?: boolean; nsfw?: boolean; text?: boolean;
  }): Promise<FrameCues>;
  heapStats(): Promise<{ allocatedBytes: number; decodes: number }>;
  /** Frees the file the worker keeps decoded (calls for the same bytes share one decode). */
  closeFiles(): Promise<null>;
  /** How often the worker's open file was decoded, and decodes in the module overall. */
  fileStats(): Promise<{ open: boolean; decodes: number; moduleDecodes: number }>;
  dispose(): void;
}

/** A box to cover, in displayed pixels. kind 'face' and 'nudity' follow the chosen style; others are filled. */
export interface RedactBox {
  x: number; y: number; width: number; height: number;
  kind?: string; id?: string; why?: string; source?: 'detected' | 'user';
}

export interface Progress { what: string; loaded: number; total: number }

export interface VerdictReason { kind: string; detail: string; weight: number; strength: 'decisive' | 'strong' | 'weak' | 'none' }

export interface AiVerdict {
  verdict: 'ai' | 'likely-ai' | 'unknown' | 'likely-real';
  /** The verdict in one sentence ("Camera photo — signed by the camera (Truepic)"). */
  headline: string;
  /** Said once when the pixel detector is no better than chance (it is then not a reason). */
  pixels_note: string | null;
  /** false when called with `pixels: false` (no generator-mark check, no detector). */
  pixels_checked: boolean;
  /** With `provenance: true`: the provenance report the verdict was drawn from. */
  provenance?: Record<string, unknown>;
  probability: number;
  log_odds: number;
  reasons: VerdictReason[];
  evidence: {
    c2pa: { present: boolean; claim_generator: string | null; digital_source_type: string | null; validation: string | null };
    xmp_digital_source_type: string | null;
    generator: string | null;
    sd_watermark: { found: boolean; kind: string | null } | null;
    detector: { probability: number; band: string; auc: number | null; quality: string } | { error: { code: string; message: string } } | null;
    camera: string | null;
  };
}

export interface Box { x: number; y: number; width: number; height: number }

export interface Cues {
  width: number;
  height: number;
  faces: Array<{ box: Box; score: number }>;
  /** How deep the face scan went: faces smaller than min_face pixels were not looked for. */
  face_scan?: { mode: 'quick' | 'thorough'; min_face: number; tiles: number; /** tiles with no detail, not run */ skipped: number };
  nsfw: { classes: Record<'Drawing' | 'Hentai' | 'Neutral' | 'Porn' | 'Sexy', number>; verdict: 'nudity' | 'suggestive' | 'none'; score: number } | null;
  /** pii kinds: email, phone, card, iban, ipv4, date_of_birth (core matchers), email_obfuscated,
   *  url_token, labelled_name, postal_address (word matchers; these carry `why`). */
  text: Array<{ box: Box; text: string; score: number; pii: Array<{ kind: string; value: string; why?: string }> }>;
  /** QR codes and barcodes (ZXing-C++): what each carries and where it is. */
  codes: Array<{ kind: 'qr' | 'barcode'; format: string; text: string; box: Box }>;
  metadata: Array<{ kind: string; detail: string }>;
  unavailable: Array<{ cue: string; code: string; message: string }>;
  /** Milliseconds per stage: decode (header, provenance, pixels), faces, nsfw, text. */
  timings_ms: Record<string, number>;
}

export interface FrameCues {
  width: number;
  height: number;
  faces: { box: Box; score: number }[];
  nsfw: { verdict: string; score: number } | null;
  text: { box: Box; text: string; pii: { kind: string }[] }[];
  timings_ms: Record<string, number>;
}
