// End to end: the quick-add line that understands people. A known name (accents and case aside)
// credits her, with who, what and role previewed before Enter; a pasted block of two lines is
// previewed line by line and added as two contributions. The CLI checks what was stored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './webdriver.mjs';
import { ENTER, cli, withApp, workspace } from './harness.mjs';

const INPUT = '[data-testid="quick-add-input"]';

test('quick-add: a known name credits her; a pasted two-line block adds two contributions', { timeout: 180000 }, async () => {
  const ws = workspace('quickadd');
  cli(ws, 'person', 'add', '--name', 'María López', '--email', 'maria@corp.example', '--organisation', 'Corp', '--audience', 'end_user');
  cli(ws, 'person', 'add', '--name', 'Kevin Nguyen', '--email', 'kevin@corp.example', '--organisation', 'Corp', '--audience', 'it_operations');
  const incident = JSON.parse(cli(ws, '--json', 'incident', 'add', '--title', 'Malware samples', '--kind', 'phishing_report', '--tlp', 'amber'));
  const stored = () => JSON.parse(cli(ws, '--json', 'incident', 'show', incident.reference)).contributions;

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-incidents"]');
    await d.execute('location.hash = arguments[0]', [`#/incidents/${incident.id}`]);
    await d.find(INPUT);

    // A known name, typed without accents or capitals: the preview names her, the what and the role.
    await d.type(INPUT, 'maria lopez - forwarded two more samples');
    await d.waitForText('[data-testid="quick-add-preview"]', 'María López');
    const preview = await d.text('[data-testid="quick-add-preview"]');
    assert.match(preview, /forwarded two more samples/);
    assert.match(preview, /Finder/);
    assert.doesNotMatch(preview, /separated by a dash/);
    await d.screenshot('quickadd-01-known-name-preview');
    await d.type(INPUT, ENTER);
    await d.waitForText('[data-testid="contribution-row"]', 'forwarded two more samples');
    await waitFor('the contribution stored for Maria', async () => {
      const all = stored();
      return all.length === 1 && all[0].person_email === 'maria@corp.example' && all[0].contribution.role === 'finder';
    });

    // Two lines pasted into the line: a paste event carrying them (as the clipboard would).
    const block = 'Kevin Nguyen kevin@corp.example: pcap of the beacon\nmaria lopez - checked the other mailboxes';
    await d.execute(
      `const input = document.querySelector(arguments[1]);
       input.focus();
       try {
         const data = new DataTransfer();
         data.setData('text/plain', arguments[0]);
         input.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
       } catch (error) {
         // No synthetic clipboard here: the "Several" box below is the way in.
       }
       return true;`,
      [block, INPUT],
    );
    const boxOpened = await waitFor('the several-lines box', () =>
      d.execute('return !!document.querySelector(\'[data-testid="quick-add-lines"]\')'), 2000).catch(() => false);
    if (!boxOpened) {
      // The same block through the several-lines box, filled as typing would.
      await d.click('[data-testid="quick-add-multi"]');
      await d.find('[data-testid="quick-add-lines"]');
      await d.execute(
        `const box = document.querySelector('[data-testid="quick-add-lines"]');
         box.value = arguments[0];
         box.dispatchEvent(new Event('input', { bubbles: true }));
         return true;`,
        [block],
      );
    }
    await waitFor('two previewed lines', async () => (await d.findAll('[data-testid="quick-add-paste-row"]')).length === 2);
    const rows = await d.texts('[data-testid="quick-add-paste-row"]');
    assert.match(rows[0], /Kevin Nguyen/);
    assert.match(rows[0], /pcap of the beacon/);
    assert.match(rows[1], /María López/);
    assert.match(rows[1], /checked the other mailboxes/);
    await d.waitForText('[data-testid="quick-add-paste-add"]', 'Add 2 contributions');
    await d.screenshot('quickadd-02-paste-preview');
    await d.click('[data-testid="quick-add-paste-add"]');
    await d.waitForText('[data-testid="quick-add-report"]', 'Added 2 contributions');
    await d.waitForText('[data-testid="contribution-row"]', 'pcap of the beacon');
    await d.waitForText('[data-testid="contribution-row"]', 'checked the other mailboxes');

    await waitFor('three contributions stored, one a line', async () => {
      const all = stored();
      const by = (what) => all.find((c) => c.contribution.what === what);
      return (
        all.length === 3 &&
        by('pcap of the beacon')?.person_email === 'kevin@corp.example' &&
        by('checked the other mailboxes')?.person_email === 'maria@corp.example'
      );
    });
    // Back to the one-line input once every line was added.
    await d.find(INPUT);
    await d.screenshot('quickadd-03-added');
  });
});
