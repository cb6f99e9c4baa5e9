// Model loading shared by the browser worker and Node: every ONNX file is
// fetched (or read) once, checked against the sha256 pinned in its
// models/<name>/model.json, and turned into one cached ONNX Runtime session.
// The host (worker or Node) configures where bytes come from and which
// onnxruntime-web module to use; features only ask for a session by name.
import { FiligraneError } from './errors.mjs';

let host = null;
const sessions = new Map();
const pools = new Map();
const verifiedBytes = new Map();

/**
 * @param {{
 *   registry: () => Promise<Record<string, {sha256: string, bytes: number}>>,
 *   loadBytes: (name: string, entry: object, onProgress?: (loaded: number, total: number) => void) => Promise<Uint8Array>,
 *   loadOrt: () => Promise<object>,
 *   sessionOptions?: object | (() => Promise<object>),
 *   sessionPool?: (name: string, bytes: Uint8Array) => Promise<object|null>,
 * }} config
 * sessionPool, where the host has one, makes several single-threaded sessions
 * of a model that run at once (session-pool.mjs), or null where it would not help.
 */
export function configureModels(config) {
  host = { ...config, registryPromise: null, ortPromise: null };
  sessions.clear();
  pools.clear();
  verifiedBytes.clear();
}

function requireHost() {
  if (!host) throw new FiligraneError('unsupported_feature', 'no model source is configured in this environment');
  return host;
}

/** The registry entry for `name`; FiligraneError not_found when the build has no such model. */
export async function modelEntry(name) {
  const h = requireHost();
  h.registryPromise ??= h.registry();
  const registry = await h.registryPromise;
  const entry = registry[name];
  if (!entry) throw new FiligraneError('not_found', `this build has no model named ${name}`);
  return entry;
}

export async function sha256Hex(bytes) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The model's bytes after the sha256 check. A mismatch is refused with code
 * model_integrity (a damaged download or a swapped file is never run).
 */
export async function modelBytes(name, { onProgress } = {}) {
  if (verifiedBytes.has(name)) return verifiedBytes.get(name);
  const entry = await modelEntry(name);
  const pending = (async () => {
    const bytes = await requireHost().loadBytes(name, entry, onProgress);
    const digest = await sha256Hex(bytes);
    if (digest !== entry.sha256) {
      throw new FiligraneError('model_integrity',
        `the ${name} model file is damaged or not the pinned version (sha256 ${digest.slice(0, 12)}…, expected ${entry.sha256.slice(0, 12)}…)`);
    }
    return bytes;
  })();
  verifiedBytes.set(name, pending);
  try {
    return await pending;
  } catch (err) {
    verifiedBytes.delete(name);
    throw err;
  }
}

/** The onnxruntime-web module, loaded on first use (its WebAssembly is large). */
export async function ortRuntime() {
  const h = requireHost();
  h.ortPromise ??= h.loadOrt();
  return h.ortPromise;
}

/** One InferenceSession per model, created on first use and then shared. */
export async function modelSession(name, { onProgress } = {}) {
  if (!sessions.has(name)) {
    const pending = (async () => {
      const [ort, bytes] = await Promise.all([ortRuntime(), modelBytes(name, { onProgress })]);
      try {
        // Level 3 = errors only: ONNX Runtime's graph-optimisation notices are not for users.
        const options = requireHost().sessionOptions;
        return await ort.InferenceSession.create(bytes, (typeof options === 'function' ? await options() : options) ?? { logSeverityLevel: 3 });
      } catch (err) {
        throw new FiligraneError('internal', `the ${name} model could not be loaded: ${err?.message ?? err}`);
      }
    })();
    sessions.set(name, pending);
    pending.catch(() => sessions.delete(name));
  }
  return sessions.get(name);
}

/**
 * Several sessions of the model that run at once (the host's sessionPool),
 * created on first use and shared; null where the host has none or it could
 * not start (the caller then uses modelSession).
 */
export async function modelSessionPool(name, { onProgress } = {}) {
  const h = requireHost();
  if (!h.sessionPool) return null;
  if (!pools.has(name)) {
    const pending = modelBytes(name, { onProgress }).then((bytes) => h.sessionPool(name, bytes)).catch(() => null);
    pools.set(name, pending);
  }
  return pools.get(name);
}

/**
 * Releases every ONNX Runtime session (and forgets it): a command-line
 * process calls this once its output is written, so no runtime thread or
 * worker keeps the process alive.
 */
export async function releaseModelSessions() {
  const pending = [...sessions.values(), ...pools.values()];
  sessions.clear();
  pools.clear();
  const helpers = [...releaseHooks];
  releaseHooks.clear();
  await Promise.allSettled([...pending.map(async (p) => (await p).release?.()), ...helpers.map(async (fn) => fn())]);
}

const releaseHooks = new Set();

/**
 * fn() runs once at the next releaseModelSessions (helper threads holding
 * sessions of their own). Returns a function that takes it back (a helper
 * that ended by itself).
 */
export function onModelsRelease(fn) {
  releaseHooks.add(fn);
  return () => releaseHooks.delete(fn);
}
