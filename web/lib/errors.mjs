// The one error class of the Filigrane JS library. `code` is a stable string
// ("corrupt_data", ...), `status` the core's numeric code.

/** Core status names by numeric code (core/status.h; never renumbered). */
export const STATUS_NAMES = Object.freeze([
  'ok', 'invalid_argument', 'unsupported_format', 'corrupt_data', 'too_large', 'not_found', 'internal',
]);

/** Plain-language explanations for people, by code. */
const USER_TEXT = {
  invalid_argument: 'Filigrane could not use this input',
  unsupported_format: 'Filigrane cannot read this file',
  corrupt_data: 'This image file is damaged or incomplete',
  too_large: 'This image is too large to open safely',
  not_found: 'Nothing was found',
  unreadable: 'This file could not be read',
  unwritable: 'The result could not be saved',
  internal: 'Something went wrong inside Filigrane',
  unsupported_feature: 'This version of Filigrane cannot do that yet',
  worker_failed: 'The image engine stopped unexpectedly',
  disposed: 'Filigrane was closed',
  cancelled: 'The operation was cancelled',
  model_integrity: 'A model file failed its integrity check and was not used',
  model_unavailable: 'A model Filigrane needs could not be loaded',
  // The message is the whole sentence ("This needs a one-time download of 31 MB; ...").
  needs_download: null,
  invalid_key_file: 'This key file cannot be used',
  insecure_key_file: 'This key file is not kept secret',
};

export class FiligraneError extends Error {
  /**
   * @param {string} code stable machine code
   * @param {string} message technical detail from the core
   * @param {number} [status] numeric core status, when the core produced it
   */
  constructor(code, message, status) {
    super(message);
    this.name = 'FiligraneError';
    this.code = code;
    this.status = status ?? -1;
  }

  /**
   * A sentence for a person: what happened, with the core's detail. A core
   * message that is already a sentence for people ("This TIFF uses JPEG
   * compression, which ...") stands alone rather than after a summary.
   */
  get userMessage() {
    if (USER_TEXT[this.code] === null) return `${this.message}.`;
    if (/^This /.test(this.message)) return this.message.endsWith('.') ? this.message : `${this.message}.`;
    const summary = USER_TEXT[this.code] ?? 'Something went wrong';
    return this.message ? `${summary}: ${this.message}.` : `${summary}.`;
  }

  /** Structured-clone friendly form (for postMessage). */
  toJSON() {
    return { code: this.code, message: this.message, status: this.status };
  }

  static fromJSON(obj) {
    return new FiligraneError(String(obj?.code ?? 'internal'), String(obj?.message ?? ''), obj?.status);
  }

  /** Converts a binding status object {code, name, message}; returns null when ok. */
  static fromStatus(status) {
    if (!status || status.code === 0) return null;
    return new FiligraneError(status.name ?? STATUS_NAMES[status.code] ?? 'internal', status.message, status.code);
  }
}
