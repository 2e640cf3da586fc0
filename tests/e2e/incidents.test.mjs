// End to end: a long incident list pages through every incident, with the total shown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './webdriver.mjs';
import { cli, withApp, workspace } from './harness.mjs';

test('the incident list shows the total and pages to the last incident', { timeout: 180000 }, async () => {
  const ws = workspace('paging');
  cli(ws, 'generate', '--incidents', '1234', '--people', '300', '--contributions', '2000', '--crowded', '50');
  const all = JSON.parse(cli(ws, '--json', 'incident', 'list', '--limit', '2000'));
  assert.equal(all.total, 1234);
  const last = all.incidents[all.incidents.length - 1].reference;

  await withApp(ws, async (d) => {
    await d.click('[data-testid="nav-incidents"]');
    await d.waitForText('[data-testid="incidents-count"]', 'of 1,234');
    await d.screenshot('incidents-01-first-page');
    await waitFor('every page', async () => {
      const more = await d.findAll('[data-testid="incidents-more"]');
      if (!more.length) return true;
      await d.click('[data-testid="incidents-more"]');
      return false;
    }, 60000);
    const rows = await d.findAll('[data-testid="incident-row"]');
    assert.equal(rows.length, 1234);
    const texts = await d.texts('[data-testid="incident-row"]');
    assert.match(texts[texts.length - 1], new RegExp(last));
    assert.equal(new Set(texts.map((t) => t.match(/GEN-\d+/)?.[0])).size, 1234, 'no incident twice');
    await d.screenshot('incidents-02-last-page');
  });
});
