// End to end: importing people in the real window. An Outlook export in Windows-1252 is typed in
// as a path: the window says what it detected (Outlook CSV, windows-1252), shows the column
// mapping and previews 4 new people and 1 duplicate; the import adds them and People lists
// Renée Dubois (accents intact, job title kept). A vCard file from macOS Contacts adds 5 more.
// The Outlook file once more: every row a duplicate, so there is nothing to import.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { repoRoot, waitFor } from './webdriver.mjs';
import { ENTER, cli, withApp, workspace } from './harness.mjs';

const FIXTURES = path.join(repoRoot, 'src-tauri', 'core', 'tests', 'fixtures', 'import');
const OUTLOOK = path.join(FIXTURES, 'outlook_cp1252.csv');
const APPLE = path.join(FIXTURES, 'apple.vcf');

const PATH = '[data-testid="import-path"]';
const RUN = '[data-testid="import-run-button"]';

/** The preview's counts by class, as the chips show them: { all, new, updated, duplicate, invalid }. */
function countsOf(d) {
  return d.execute(`return Object.fromEntries([...document.querySelectorAll('[data-testid="import-count"]')]
    .map((chip) => [chip.dataset.class, Number(chip.querySelector('strong').innerText.replace(/[^0-9]/g, ''))]))`);
}

/** Each column of the mapping table with the field it is imported as ('' for not imported). */
function mappingOf(d) {
  return d.execute(`return Object.fromEntries([...document.querySelectorAll('[data-testid="import-mapping-row"]')]
    .map((row) => [row.dataset.column, row.querySelector('select').value]))`);
}

/** The import screen, empty: from the sidebar, and past the result of an earlier import if shown. */
async function openImport(d) {
  await d.click('[data-testid="nav-import"]');
  await d.find('[data-testid="import-screen"]');
  if ((await d.findAll('[data-testid="import-again"]')).length) await d.click('[data-testid="import-again"]');
  await waitFor('an empty path field', () =>
    d.execute(`const input = document.querySelector(arguments[0]); return !!input && !input.disabled && input.value === ''`, [PATH]),
  );
}

/** Types `file` into the path field and presses Enter; waits for the detection and the preview. */
async function chooseFile(d, file) {
  await d.type(PATH, file + ENTER);
  await d.find('[data-testid="import-detected"]', { timeout: 20000 });
  // The preview is done when its counts are shown and no newer run is under way.
  await waitFor(`the preview of ${path.basename(file)}`, async () =>
    d.execute(`return !!document.querySelector('[data-testid="import-counts"]')
      && !document.querySelector('[data-testid="import-preview-updating"]')
      && !document.querySelector('[data-testid="import-preview-progress"]')`), 30000);
}

/** Presses Import and waits for the result panel; returns its heading. */
async function runImport(d) {
  await waitFor('the Import button to be enabled', () => d.execute(`return !document.querySelector(arguments[0]).disabled`, [RUN]));
  await d.click(RUN);
  await d.find('[data-testid="import-result"]', { timeout: 30000 });
  return d.text('[data-testid="import-result-title"]');
}

test('import: an Outlook CSV in windows-1252, a macOS vCard, and the same CSV again (all duplicates)', { timeout: 300000 }, async () => {
  const ws = workspace('import');

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-import"]');

    // 1. The Outlook export: detected, mapped, previewed.
    await openImport(d);
    // Arriving on the screen puts focus on its heading.
    await waitFor('the heading to have focus', () => d.execute(`return document.activeElement?.tagName === 'H1'
      && document.activeElement.textContent.includes('Import people')`));
    await chooseFile(d, OUTLOOK);
    assert.equal((await d.text('[data-testid="import-source-label"]')).trim(), 'Outlook CSV');
    assert.equal((await d.text('[data-testid="import-encoding"]')).trim(), 'windows-1252');
    assert.match(await d.text('[data-testid="import-detected"]'), /92 columns/);

    const mapping = await mappingOf(d);
    assert.equal(mapping['E-mail Address'], 'email');
    assert.equal(mapping['First Name'], 'first_name');
    assert.equal(mapping['Last Name'], 'last_name');
    assert.equal(mapping['Company'], 'organisation');
    assert.equal(mapping['Department'], 'team');
    assert.equal(mapping['Job Title'], 'job_title');
    // The first values are shown beside each column, decoded from Windows-1252.
    const company = await d.execute(`return [...document.querySelectorAll('[data-testid="import-mapping-row"]')]
      .find((row) => row.dataset.column === 'Company').innerText`);
    assert.match(company, /Société Générale/);
    assert.match(company, /Müller & Söhne/);

    const counts = await countsOf(d);
    assert.deepEqual(counts, { all: 5, new: 4, updated: 0, duplicate: 1, invalid: 0 });
    const rows = await d.execute(`return [...document.querySelectorAll('[data-testid="import-row"]')]
      .map((row) => ({ row: row.dataset.row, class: row.dataset.class, text: row.innerText }))`);
    assert.equal(rows.length, 5);
    assert.deepEqual(rows.map((r) => r.class), ['new', 'new', 'new', 'new', 'duplicate']);
    assert.match(rows[0].text, /Row 2/);
    assert.match(rows[0].text, /Renée Dubois/);
    assert.match(rows[4].text, /The same email as row 2 of this file/);
    // The duplicate chip filters the table down to that row.
    await d.click('[data-testid="import-count"][data-class="duplicate"]');
    await waitFor('only the duplicate row', async () => (await d.findAll('[data-testid="import-row"]')).length === 1);
    assert.match(await d.text('[data-testid="import-row"]'), /Renee\.Dubois@SGS\.example/i);
    await d.click('[data-testid="import-count"][data-class="all"]');
    await waitFor('every row again', async () => (await d.findAll('[data-testid="import-row"]')).length === 5);

    assert.match(await d.text(RUN), /Import 4 people/);
    await d.execute(`document.querySelector('[data-testid="import-preview"]').scrollIntoView({ block: 'start' }); return true;`);
    await d.screenshot('import-01-outlook-mapping-and-preview');
    await d.execute(`document.querySelector('[data-testid="import-columns"]').scrollIntoView({ block: 'start' }); return true;`);
    await d.screenshot('import-02-outlook-columns');

    const title = await runImport(d);
    assert.match(title, /Imported 4 new people/);
    await d.waitForText('[data-testid="toast"]', 'Imported 4 new people');
    // Focus goes to the result.
    assert.equal(await d.execute(`return document.activeElement?.dataset.testid ?? null`), 'import-result-title');
    await d.screenshot('import-03-outlook-result');

    // People: Renée, accents intact.
    await d.click('[data-testid="import-result-people"]');
    await d.waitForText('[data-testid="person-row"]', 'Renée Dubois');
    await d.waitForText('[data-testid="nav-people"]', '4');
    const renee = JSON.parse(cli(ws, '--json', 'person', 'show', 'renee.dubois@sgs.example')).person;
    assert.equal(renee.name, 'Renée Dubois');
    assert.equal(renee.organisation, 'Société Générale de Sécurité');
    assert.equal(renee.team, 'SOC');
    assert.equal(renee.job_title, 'Analyste N2');
    await d.screenshot('import-04-people');

    // 2. The macOS Contacts vCard: no columns to map, 5 new people.
    await openImport(d);
    await chooseFile(d, APPLE);
    assert.equal((await d.text('[data-testid="import-source-label"]')).trim(), 'vCard');
    assert.equal((await d.findAll('[data-testid="import-mapping"]')).length, 0, 'a vCard has no columns to map');
    assert.deepEqual(await countsOf(d), { all: 5, new: 5, updated: 0, duplicate: 0, invalid: 0 });
    assert.match(await d.text('[data-testid="import-row"]'), /Card 1/);
    await d.screenshot('import-05-vcard-preview');
    assert.match(await runImport(d), /Imported 5 new people/);
    await d.screenshot('import-06-vcard-result');

    // 3. The Outlook file again: everyone is known, nothing new, so Import cannot be pressed.
    await openImport(d);
    await chooseFile(d, OUTLOOK);
    const again = await countsOf(d);
    assert.equal(again.new, 0);
    assert.equal(again.updated, 0);
    assert.equal(again.duplicate, 5);
    const classes = await d.execute(`return [...document.querySelectorAll('[data-testid="import-row"]')].map((row) => row.dataset.class)`);
    assert.deepEqual(classes, ['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    assert.equal(await d.execute(`return document.querySelector(arguments[0]).disabled`, [RUN]), true);
    assert.equal((await d.text('[data-testid="import-run-reason"]')).trim(), 'Nothing new to import');
    await d.execute(`document.querySelector('[data-testid="import-preview"]').scrollIntoView({ block: 'start' }); return true;`);
    await d.screenshot('import-07-outlook-again-all-duplicate');
  });

  // What is stored: the four from Outlook and the five from the vCard, nobody twice.
  const people = JSON.parse(cli(ws, '--json', 'person', 'list'));
  assert.equal(people.length, 9, JSON.stringify(people.map((p) => p.email)));
  assert.equal(people.filter((p) => p.email.toLowerCase() === 'renee.dubois@sgs.example').length, 1);
});
