// Types of Filigrane's JS library (web/lib/filigrane.mjs).

export type ErrorCode =
  | 'invalid_argument' | 'unsupported_format' | 'corrupt_data' | 'too_large' | 'not_found' | 'internal'
  | 'unreadable' | 'worker_failed' | 'disposed' | 'cancelled';

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

export interface CallOptions {
  /** Aborting restarts the worker and rejects with code "cancelled". */
  signal?: AbortSignal;
}

export class Filigrane {
  /** Starts the worker and resolves once the WebAssembly module is ready. */
  static create(options?: { workerUrl?: string | URL }): Promise<Filigrane>;
  info(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions, call?: CallOptions): Promise<ImageInfo>;
  decodeRgba(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions & { maxSide?: number }, call?: CallOptions): Promise<RgbaImage>;
  encode(image: RgbaImage, options?: { format?: 'png' | 'jpeg'; quality?: number }, call?: CallOptions): Promise<Uint8Array>;
  heapStats(): Promise<{ allocatedBytes: number }>;
  dispose(): void;
}
