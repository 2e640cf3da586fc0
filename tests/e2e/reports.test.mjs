// End to end: a contributor report in the real window. The example incident is loaded; its page
// leads to the Reports view with the incident chosen ("Export report…") and shows its history. In
// the Reports view the incident is chosen again through the search box, the preview shows its
// totals and contributors, and Save… (PDF) opens the native GTK save dialog, driven with xdotool:
// the full path typed into the name field, then Return. The toast names the file; the file is a
// PDF whose text (pdftotext) holds the incident's reference.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './webdriver.mjs';
import { chooseInDialog, withApp, workspace } from './harness.mjs';

const REFERENCE = 'INC-EXAMPLE-0042';

/** Picks a radio of a segmented control: the radio itself is transparent over its label, which
 *  WebDriver may refuse to click, so the click goes through the page. */
function choose(d, testid) {
  return d.execute(`const radio = document.querySelector(arguments[0]); radio.scrollIntoView({ block: 'center' });
    radio.click(); return radio.checked;`, [`[data-testid="${testid}"]`]);
}

test('reports: the example incident’s contributor report previewed, then saved as PDF through the native dialog', { timeout: 300000 }, async () => {
  const ws = workspace('reports');
  const out = path.join(ws.root, 'reports');
  mkdirSync(out);
  const pdf = path.join(out, 'example-report.pdf');

  await withApp(ws, async (d) => {
    await d.click('[data-testid="load-example"]');
    await d.waitForText('[data-testid="incident-heading"]', REFERENCE);

    // The incident page: its history (closed at first) and the way to its report.
    await d.click('[data-testid="incident-history-toggle"]');
    await d.find('[data-testid="incident-history-entry"]', { timeout: 15000 });
    assert.match(await d.text('[data-testid="incident-history-count"]'), /\d+ changes?/);
    await d.click('[data-testid="export-incident-report"]');
    await d.find('[data-testid="reports-screen"]');
    assert.equal(await d.execute('return location.hash'), `#/reports?incident=${REFERENCE}`);
    await d.waitForText('[data-testid="report-incident-chosen"]', REFERENCE);
    await d.find('[data-testid="report-incident-block"]', { timeout: 20000 });

    // From the sidebar, a period first, then the same incident chosen through the search box.
    await d.click('[data-testid="nav-reports"]');
    await choose(d, 'report-scope-period');
    await d.click('[data-testid="report-preset-all_time"]');
    await d.find('[data-testid="contributor-report"]', { timeout: 20000 });
    await choose(d, 'report-scope-incident');
    if ((await d.findAll('[data-testid="report-incident-change"]')).length) await d.click('[data-testid="report-incident-change"]');
    await d.type('[data-testid="report-incident-input"]', 'EXAMPLE');
    await d.click('[data-testid="report-incident-option"]');
    await d.waitForText('[data-testid="report-incident-chosen"]', REFERENCE);

    // The preview: the incident's totals and one row per contribution.
    await waitFor('the preview of the example incident', () =>
      d.execute(`const block = document.querySelector('[data-testid="report-incident-block"]');
        return !!block && block.dataset.reference === arguments[0]
          && !document.querySelector('[data-testid="report-preview"][aria-busy="true"]')`, [REFERENCE]), 20000);
    assert.equal((await d.text('[data-testid="report-total-incidents"]')).trim(), '1');
    const contributions = Number((await d.text('[data-testid="report-total-contributions"]')).replace(/[^0-9]/g, ''));
    assert.ok(contributions > 0, 'the example incident has contributions');
    const rows = await d.findAll('[data-testid="report-contribution"]');
    assert.equal(rows.length, Math.min(contributions, 50));
    assert.match(await d.text('[data-testid="report-subtitle"]'), new RegExp(REFERENCE));
    await d.screenshot('reports-01-example-preview');

    // Save as PDF: the native dialog, then the toast.
    await d.execute(`const select = document.querySelector('[data-testid="report-format"]');
      select.value = 'pdf'; select.dispatchEvent(new Event('change', { bubbles: true })); return true;`);
    await d.click('[data-testid="report-save"]');
    await chooseInDialog('Save the report', pdf);
    await d.waitForText('[data-testid="toast"]', 'Saved example-report.pdf', 60000);
    assert.match(await d.text('[data-testid="toast"]'), /Saved example-report\.pdf \(\d[\d.,]* (bytes|KB|MB)\)/);
    assert.equal((await d.findAll('[data-testid="toast-show-folder"]')).length, 1);
    await d.screenshot('reports-02-saved');
    // Saving is over: the button is back.
    assert.match(await d.text('[data-testid="report-save"]'), /Save…/);
  });

  assert.ok(existsSync(pdf), `${pdf} was written`);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString('latin1'), '%PDF-');
  const text = execFileSync('pdftotext', [pdf, '-'], { encoding: 'utf8' });
  assert.match(text, new RegExp(REFERENCE));
});
