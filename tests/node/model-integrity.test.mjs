// A model file that does not match its pinned sha256 is refused with a clear
// error (code model_integrity) and never reaches ONNX Runtime; a missing file
// is model_unavailable; the cues then report the cue as not checked.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configureModels, modelBytes, modelSession, sha256Hex } from '../../web/lib/models.mjs';
import { configureNodeModels } from '../../web/lib/node.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const real = new Uint8Array(readFileSync(path.join(root, 'models', 'ai-detector', 'ai_detector.onnx')));
after(() => configureNodeModels());

function configureWith(bytes, sha256) {
  configureModels({
    registry: async () => ({ 'ai-detector': { sha256, bytes: bytes?.length ?? 0, url: 'ai-detector.onnx' } }),
    loadBytes: async () => {
      if (!bytes) {
        const { FiligraneError } = await import('../../web/lib/errors.mjs');
        throw new FiligraneError('model_unavailable', 'gone');
      }
      return bytes;
    },
    loadOrt: async () => import('onnxruntime-web'),
  });
}

test('a damaged model file is refused before it is run', async () => {
  const damaged = real.slice();
  damaged[damaged.length >> 1] ^= 0xff;
  configureWith(damaged, await sha256Hex(real));
  await assert.rejects(modelSession('ai-detector'), (err) => err.code === 'model_integrity' && /damaged or not the pinned version/.test(err.message));
  await assert.rejects(modelBytes('ai-detector'), { code: 'model_integrity' });
});

test('the pinned file passes, a missing one says so, an unknown name is not_found', async () => {
  configureWith(real, await sha256Hex(real));
  assert.equal((await modelBytes('ai-detector')).length, real.length);
  configureWith(null, await sha256Hex(real));
  await assert.rejects(modelBytes('ai-detector'), { code: 'model_unavailable' });
  await assert.rejects(modelBytes('no-such-model'), { code: 'not_found' });
});
