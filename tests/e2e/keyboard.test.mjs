// End to end: the window driven from the keyboard alone. Keys go through WebDriver's actions
// (to whatever has focus, as a person's keyboard would) rather than "element send keys", which
// focuses its element first and so would hide where the app really put focus. Also: Esc on a form
// with changes, and deletions undone from the Recently deleted view and with Ctrl+Z.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from './webdriver.mjs';
import { cli, withApp, workspace } from './harness.mjs';

/** WebDriver's codes for the keys that are not characters. */
const KEY = {
  ctrl: '\uE009',
  shift: '\uE008',
  enter: '\uE007',
  escape: '\uE00C',
  tab: '\uE004',
  down: '\uE015',
  up: '\uE013',
};

/** Presses `keys` in order, each down then up, to the focused element. */
async function press(d, ...keys) {
  const actions = keys.flatMap((key) => [
    { type: 'keyDown', value: key },
    { type: 'keyUp', value: key },
  ]);
  await d.request('POST', d.s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions }] });
}

/** Types `text` character by character into whatever has focus. */
async function typeText(d, text) {
  await press(d, ...Array.from(text));
}

/** Presses `key` while holding `modifier` (Ctrl+N, Shift+Tab). */
async function chord(d, modifier, key) {
  await d.request('POST', d.s('/actions'), {
    actions: [
      {
        type: 'key',
        id: 'keyboard',
        actions: [
          { type: 'keyDown', value: modifier },
          { type: 'keyDown', value: key },
          { type: 'keyUp', value: key },
          { type: 'keyUp', value: modifier },
        ],
      },
    ],
  });
}

/** The data-testid (or tag) of the focused element. */
function focused(d) {
  return d.execute(
    'const e = document.activeElement; return e ? (e.getAttribute("data-testid") || e.tagName.toLowerCase()) : null',
  );
}

async function waitForFocus(d, testid, ms = 10000) {
  await waitFor(`focus on ${testid}`, async () => (await focused(d)) === testid, ms).catch(async (error) => {
    error.message += ` (focus is on ${await focused(d)})`;
    throw error;
  });
}

function incidents(ws) {
  return JSON.parse(cli(ws, '--json', 'incident', 'list')).incidents;
}

test('keyboard only: a new incident and three contributors, one known, one new by email, one new by name', { timeout: 180000 }, async () => {
  const ws = workspace('keyboard-create');
  cli(ws, 'person', 'add', '--name', 'Tom Ortega', '--email', 'tom@corp.example', '--organisation', 'Corp');

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-incidents"]');
    // Nothing but keys from here on.
    await chord(d, KEY.ctrl, 'n');
    await waitForFocus(d, 'incident-title');
    await typeText(d, 'Fake invoice wave');
    await chord(d, KEY.ctrl, 's');

    // A new incident: focus goes to its quick-add line.
    await d.waitForText('[data-testid="incident-heading"]', 'Fake invoice wave');
    await waitForFocus(d, 'quick-add-input');

    // A known person, by name.
    await typeText(d, 'Tom Ortega - pulled the mail gateway logs');
    await d.waitForText('[data-testid="quick-add-preview"]', 'Tom Ortega');
    await press(d, KEY.enter);
    await d.waitForText('[data-testid="contribution-row"]', 'pulled the mail gateway logs');
    await waitForFocus(d, 'quick-add-input');

    // Someone new, by email: the inline form asks their name (focused), Ctrl+S saves.
    await typeText(d, 'vera@vendor.example: sent the firewall exports');
    await press(d, KEY.enter);
    await waitForFocus(d, 'new-person-name');
    // The name may come suggested from the email: replace it.
    await chord(d, KEY.ctrl, 'a');
    await typeText(d, 'Vera Vendor');
    await chord(d, KEY.ctrl, 's');
    await d.waitForText('[data-testid="contribution-row"]', 'sent the firewall exports');
    await waitForFocus(d, 'quick-add-input');

    // Someone new, by name: the form asks their email.
    await typeText(d, 'Sam Reporter - reported the first fake invoice');
    await press(d, KEY.enter);
    await waitForFocus(d, 'new-person-email');
    await typeText(d, 'sam@corp.example');
    await chord(d, KEY.ctrl, 's');
    await d.waitForText('[data-testid="contribution-row"]', 'reported the first fake invoice');
    await waitForFocus(d, 'quick-add-input');

    const groups = await d.texts('[data-testid="contributor"]');
    assert.equal(groups.length, 3, `three contributors, got ${JSON.stringify(groups)}`);
    await d.screenshot('keyboard-01-three-contributors');
  });

  const [incident] = incidents(ws);
  assert.equal(incident.title, 'Fake invoice wave');
  const stored = JSON.parse(cli(ws, '--json', 'incident', 'show', incident.reference)).contributions;
  const by = Object.fromEntries(stored.map((c) => [c.person_email, c.contribution.what]));
  assert.deepEqual(by, {
    'tom@corp.example': 'pulled the mail gateway logs',
    'vera@vendor.example': 'sent the firewall exports',
    'sam@corp.example': 'reported the first fake invoice',
  });
});

test('Esc on a form with changes asks first, and "Keep editing" keeps what was typed', { timeout: 120000 }, async () => {
  const ws = workspace('keyboard-esc');
  cli(ws, 'incident', 'add', '--title', 'Existing incident');

  await withApp(ws, async (d) => {
    await d.find('[data-testid="incident-row"]');
    await chord(d, KEY.ctrl, 'n');
    await waitForFocus(d, 'incident-title');
    await typeText(d, 'Half-written incident');
    await press(d, KEY.escape);

    const dialog = await d.text('[data-testid="confirm-dialog"]');
    assert.match(dialog, /Discard changes\?/);
    assert.equal(await d.text('[data-testid="confirm-cancel"]'), 'Keep editing');
    // The dangerous choice has focus; Shift+Tab reaches "Keep editing".
    await waitForFocus(d, 'confirm-ok');
    await d.screenshot('keyboard-02-discard-question');
    await chord(d, KEY.shift, KEY.tab);
    await waitForFocus(d, 'confirm-cancel');
    await press(d, KEY.enter);

    // The question is gone, the form stays with its text, and focus is back in the field.
    await waitFor('the question to close', async () => (await d.findAll('[data-testid="confirm-dialog"]')).length === 0);
    await waitForFocus(d, 'incident-title');
    assert.equal(
      await d.execute('return document.querySelector(\'[data-testid="incident-title"]\').value'),
      'Half-written incident',
    );

    // Esc again, and this time discard: nothing is saved.
    await press(d, KEY.escape);
    await waitForFocus(d, 'confirm-ok');
    await press(d, KEY.enter);
    await waitFor('the form to close', async () => (await d.findAll('[data-testid="incident-title"]')).length === 0);
  });
  assert.deepEqual(incidents(ws).map((i) => i.title), ['Existing incident']);
});

test('a deleted incident comes back from the Recently deleted view', { timeout: 120000 }, async () => {
  const ws = workspace('keyboard-trash');
  const keep = JSON.parse(cli(ws, '--json', 'incident', 'add', '--title', 'Stays put'));
  const gone = JSON.parse(cli(ws, '--json', 'incident', 'add', '--title', 'Deleted by mistake'));

  await withApp(ws, async (d) => {
    await d.execute('location.hash = arguments[0]', [`#/incidents/${gone.id}`]);
    await d.waitForText('[data-testid="incident-heading"]', 'Deleted by mistake');
    await d.click('[data-testid="delete-incident"]');
    // Back on the list, focus on its search box.
    await waitForFocus(d, 'incident-search');
    await waitFor('one incident left', async () => (await d.findAll('[data-testid="incident-row"]')).length === 1);
    assert.deepEqual(incidents(ws).map((i) => i.id), [keep.id]);

    await d.click('[data-testid="nav-deleted"]');
    await d.waitForText('[data-testid="deleted-row"]', 'Deleted by mistake');
    const rows = await d.texts('[data-testid="deleted-row"]');
    assert.equal(rows.length, 1);
    assert.match(rows[0], new RegExp(`Incident[\\s\\S]*${gone.reference} · Deleted by mistake`));
    await d.screenshot('keyboard-03-recently-deleted');

    await d.click('[data-testid="deleted-restore"]');
    await d.waitForText('[data-testid="toast"]', `Restored ${gone.reference}`);
    await d.find('[data-testid="empty-state"][data-variant="no-deleted"]');
    await d.screenshot('keyboard-04-recently-deleted-empty');
  });
  assert.deepEqual(incidents(ws).map((i) => i.id).sort(), [keep.id, gone.id].sort());
});

test('Ctrl+Z undoes the last deletion, but not while typing in a text field', { timeout: 120000 }, async () => {
  const ws = workspace('keyboard-undo');
  cli(ws, 'incident', 'add', '--title', 'Stays put');
  const gone = JSON.parse(cli(ws, '--json', 'incident', 'add', '--title', 'Deleted by mistake'));

  await withApp(ws, async (d) => {
    await d.execute('location.hash = arguments[0]', [`#/incidents/${gone.id}`]);
    await d.waitForText('[data-testid="incident-heading"]', 'Deleted by mistake');
    await d.click('[data-testid="delete-incident"]');
    await waitForFocus(d, 'incident-search');
    await waitFor('one incident left', async () => (await d.findAll('[data-testid="incident-row"]')).length === 1);

    // In the search box Ctrl+Z belongs to the box: nothing is restored.
    await chord(d, KEY.ctrl, 'z');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(incidents(ws).length, 1);

    // ↓ moves from the search box into the results; there Ctrl+Z undoes the deletion.
    await press(d, KEY.down);
    await waitForFocus(d, 'incident-row');
    await chord(d, KEY.ctrl, 'z');
    await d.waitForText('[data-testid="incident-heading"]', 'Deleted by mistake');
    await d.waitForText('[data-testid="toast"]', `Restored ${gone.reference}`);
  });
  assert.equal(incidents(ws).length, 2);
});
