// End to end: Settings › Your data in the real window. The example incident is loaded and backed
// up through the native GTK save dialog (driven with xdotool); an incident is added afterwards
// (through the CLI, on the same data). Restoring the backup through the GTK open dialog asks
// first, naming the backups folder; once agreed, the window shows the incident list as it was
// at the backup. A damaged backup is refused in the core's words and the data stays as it was.
// Screenshots of the section in the light and the dark theme go to tests/artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './webdriver.mjs';
import { chooseInDialog, cli, withApp, workspace } from './harness.mjs';

const REFERENCE = 'INC-EXAMPLE-0042';

function references(ws) {
  return JSON.parse(cli(ws, '--json', 'incident', 'list')).incidents.map((i) => i.reference);
}

async function openYourData(d) {
  await d.click('[data-testid="nav-settings"]');
  await d.find('[data-testid="data-settings"]');
}

/** The section on screen in `theme`, saved as `name`. */
async function shoot(d, theme, name) {
  await d.execute(
    `document.documentElement.dataset.theme = arguments[0];
     document.getElementById('your-data').scrollIntoView({ block: 'start' });
     return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))));`,
    [theme],
  );
  await d.screenshot(name);
}

test('backup: backed up and restored through the native dialogs; a damaged backup refused', { timeout: 300000 }, async () => {
  const ws = workspace('backup');
  const usb = path.join(ws.root, 'usb');
  mkdirSync(usb);
  const backup = path.join(usb, 'before-the-change.db');
  const damaged = path.join(usb, 'damaged.db');

  await withApp(ws, async (d) => {
    await d.click('[data-testid="load-example"]');
    await d.waitForText('[data-testid="incident-heading"]', REFERENCE);

    // Back up now: the save dialog, then what was written and where.
    await openYourData(d);
    await d.find('[data-testid="data-automatic-none"]');
    await d.click('[data-testid="data-backup"]');
    await chooseInDialog('Back up Afterword', backup);
    await d.waitForText('[data-testid="data-written"]', backup, 30000);
    assert.match(await d.text('[data-testid="data-written"]'), /Backed up 3 people, 1 incident and \d+ contributions \(\d[\d.]* KB\) to/);
    await shoot(d, 'light', 'backup-01-your-data-light');
    await shoot(d, 'dark', 'backup-02-your-data-dark');
    await d.execute(`delete document.documentElement.dataset.theme; return true;`);

    // The data changes after the backup.
    cli(ws, 'incident', 'add', '--title', 'Added after the backup');
    await d.click('[data-testid="nav-incidents"]');
    await waitFor('two incidents in the list', async () => (await d.findAll('[data-testid="incident-row"]')).length === 2, 15000);

    // Restore: the open dialog, the question naming the backups folder, then the list as it was.
    await openYourData(d);
    await d.click('[data-testid="data-restore"]');
    await chooseInDialog('Restore from a backup', backup, { open: true });
    await d.find('[data-testid="confirm-dialog"]', { timeout: 20000 });
    const question = await d.text('[data-testid="confirm-dialog"]');
    assert.match(question, /Replace everything with this backup\?/);
    assert.ok(question.includes(path.join(ws.data, 'backups')), question);
    await d.screenshot('backup-03-restore-question');
    await d.click('[data-testid="confirm-ok"]');
    await d.waitForText('[data-testid="toast"]', 'Restored 3 people, 1 incident', 30000);
    await waitFor('the incident list as it was at the backup', async () => {
      const rows = await d.execute(
        'return [...document.querySelectorAll(\'[data-testid="incident-row"]\')].map((r) => r.dataset.reference)',
      );
      return rows.length === 1 && rows[0] === REFERENCE;
    }, 15000);
    assert.equal(await d.execute('return location.hash'), '#/incidents');
    assert.equal((await d.findAll('[data-testid="toast-show-folder"]')).length, 1);
    assert.deepEqual(references(ws), [REFERENCE]);

    // A damaged backup: refused, said plainly, nothing changed.
    writeFileSync(damaged, readFileSync(backup).subarray(0, 3000));
    await openYourData(d);
    await d.waitForText('[data-testid="data-automatic-copy"]', 'Before a restore', 15000);
    await d.click('[data-testid="data-restore"]');
    await chooseInDialog('Restore from a backup', damaged, { open: true });
    await d.find('[data-testid="confirm-dialog"]', { timeout: 20000 });
    await d.click('[data-testid="confirm-ok"]');
    const error = await d.waitForText('[data-testid="data-error"]', 'Not restored.', 30000);
    assert.match(error, /damaged\.db is not an Afterword backup or is damaged/);
    assert.match(error, /left untouched/);
    await d.execute(`document.querySelector('[data-testid="data-automatic"]').scrollIntoView({ block: 'center' });
      document.querySelector('[data-testid="toast"] button[aria-label]')?.click(); return true;`);
    await d.screenshot('backup-04-damaged-refused');
    assert.equal(await d.execute('return location.hash'), '#/settings');
    assert.deepEqual(references(ws), [REFERENCE]);
  });
});
