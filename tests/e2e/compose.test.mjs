// End to end: composing the thank-yous in the real window. Three contributors of different
// audiences; the vendor is shown what was withheld from them; a blaming sentence is flagged as it
// is typed and fixed; everything approved; a dry run writes one .eml per message.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './webdriver.mjs';
import { ENTER, cli, setUpIncident, withApp, workspace } from './harness.mjs';

/** Text for a textarea: WebDriver types a line break as the Enter key. */
const lines = (...parts) => parts.join(ENTER);


test('compose for three contributors: withheld note, a tone finding fixed, approve, dry run', { timeout: 240000 }, async () => {
  const ws = workspace('compose');
  const incident = setUpIncident(ws);
  const dryRun = path.join(ws.root, 'dry-run');

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-incidents"]');
    await d.execute('location.hash = arguments[0]', [`#/incidents/${incident.id}`]);
    await d.click('[data-testid="compose-button"]');
    await d.click('[data-testid="generate-messages"]');
    await waitFor('three messages', async () => (await d.findAll('[data-testid="message-row"]')).length === 3);

    // The vendor: the AMBER+STRICT section is withheld, and the preview says why.
    const open = (name) => d.execute(`const row = [...document.querySelectorAll('[data-testid="message-row"]')]
      .find((r) => r.innerText.includes(arguments[0])); row.click(); return true;`, [name]);
    await open('Vera Vendor');
    await d.waitForText('[data-testid="withheld-box"]', 'Inside only');
    await d.waitForText('[data-testid="preview-text"]', 'What happened');
    assert.ok(!(await d.text('[data-testid="preview-text"]')).includes('payroll'));
    // The HTML part is in a sandboxed frame served by the preview protocol.
    await d.switchToFrame('[data-testid="preview-frame"]');
    const html = await d.execute('return document.body.innerText');
    await d.switchToParent();
    assert.match(html, /Vera/);
    assert.doesNotMatch(html, /payroll/);
    await d.screenshot('compose-01-vendor-withheld');

    // Jane: a blaming sentence is flagged while typing; fixing it clears the finding.
    await open('Jane Doe');
    await d.waitForText('[data-testid="preview-text"]', 'Jane');
    await d.click('[data-testid="edit-message"]');
    await d.clear('[data-testid="message-body"]');
    await d.type('[data-testid="message-body"]', lines('Hi Jane,', '',
      'You clicked the link, but thank you for reporting it so fast. We removed every copy, so the matter is closed.', '', 'Sam'));
    await d.waitForText('[data-testid="tone-finding"]', 'clicked');
    await d.screenshot('compose-02-tone-finding');
    await d.clear('[data-testid="message-body"]');
    await d.type('[data-testid="message-body"]', lines('Hi Jane,', '',
      'Thank you for reporting the fake invoice so fast. We removed every copy, so the matter is closed.', '', 'Sam'));
    await waitFor('the finding to clear', async () => (await d.findAll('[data-testid="tone-finding"]')).length === 0);
    await d.click('[data-testid="save-message"]');
    await waitFor('the edit to be saved', async () => (await d.findAll('[data-testid="message-body"]')).length === 0);
    await d.waitForText('[data-testid="preview-text"]', 'so fast');
    await d.click('[data-testid="approve-message"]');
    await d.waitForText('[data-testid="message-state"]', 'Approved');

    // The rest in one go: the built-in templates raise no tone findings.
    await d.click('[data-testid="approve-all"]');
    await waitFor('all approved', async () => {
      const states = await d.texts('[data-testid="message-row"] [data-testid="message-state"]');
      return states.length === 3 && states.every((s) => s.includes('Approved'));
    });

    await d.clear('[data-testid="dryrun-folder"]');
    await d.type('[data-testid="dryrun-folder"]', dryRun);
    await d.click('[data-testid="dryrun-write"]');
    await d.waitForText('[data-testid="dryrun-result"]', '3');
    await d.screenshot('compose-03-approved-dry-run');

    // The incident page: the outcome and the close-out checklist, everyone thanked.
    await d.execute('location.hash = arguments[0]', [`#/incidents/${incident.id}`]);
    await d.waitForText('[data-testid="closeout-list"]', 'Vera Vendor');
    await waitFor('every contributor done', async () => {
      const items = await d.texts('[data-testid="closeout-item"]');
      return items.length === 3 && items.every((t) => /approved|thanked/i.test(t));
    });
    await d.screenshot('compose-04-incident-closeout');
    await d.click('[data-testid="nav-settings"]');
    await d.find('[data-testid="sender-name"]');
    await d.screenshot('compose-05-settings-sender');
  });

  const files = readdirSync(dryRun).filter((f) => f.endsWith('.eml'));
  assert.equal(files.length, 3);
  const jane = readFileSync(path.join(dryRun, files.find((f) => f.includes('jane'))), 'utf8');
  assert.match(jane, /^Content-Type: multipart\/alternative/m);
  assert.match(jane, /^Message-ID: <[^>]+@corp\.example>/m);
  const listed = JSON.parse(cli(ws, '--json', 'messages', 'list', '--incident', incident.reference));
  assert.deepEqual(listed.map((m) => m.state), ['approved', 'approved', 'approved']);
});

test('a template with an unknown variable shows its line and column and cannot be saved', { timeout: 180000 }, async () => {
  const ws = workspace('templates');
  setUpIncident(ws);
  await withApp(ws, async (d) => {
    await d.click('[data-testid="templates-nav"]');
    await waitFor('the built-in templates', async () => (await d.findAll('[data-testid="template-row"]')).length >= 7);
    await d.execute(`[...document.querySelectorAll('[data-testid="template-row"]')]
      .find((r) => r.innerText.includes('IT')).click(); return true;`);
    await d.find('[data-testid="template-body"]');
    await d.waitForText('[data-testid="template-trial-subject"]', 'Thank');
    await d.screenshot('templates-01-editor');

    await d.clear('[data-testid="template-subject"]');
    await d.type('[data-testid="template-subject"]', 'Thanks, {{ persn.first_name }}');
    await d.waitForText('[data-testid="template-error"]', 'column');
    const error = await d.text('[data-testid="template-error"]');
    assert.match(error, /Line 1, column 12/);
    assert.match(error, /person/);
    await d.screenshot('templates-02-error');
    await d.click('[data-testid="template-save"]');
    await d.waitForText('[data-testid="template-error"]', 'column');
  });
});
