// The egress guard itself must be able to fail: a page that tries to reach
// another host makes close() throw, and the request never leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openBrowser } from './support/browser.mjs';

test('a request to another host is blocked and fails the fixture', async () => {
  const b = await openBrowser();
  // A page without the site's CSP, so the browser really attempts the request.
  await b.page.setContent('<img src="http://203.0.113.7/pixel.png">');
  const outcome = await b.page.evaluate(() =>
    fetch('http://203.0.113.7/collect', { mode: 'no-cors' }).then(() => 'sent', () => 'blocked'));
  assert.equal(outcome, 'blocked');
  await assert.rejects(b.close(), /requests left 127\.0\.0\.1: .*http:\/\/203\.0\.113\.7\/(pixel\.png|collect)/);
});
