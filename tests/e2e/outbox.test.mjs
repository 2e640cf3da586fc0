// End to end: delivery in the real window through a real mail server. A private Postfix (STARTTLS
// with a CA made for the test, AUTH against Dovecot) delivering into a Maildir, and a throwaway
// gnome-keyring as the OS secret store. Settings › Mail server is filled in by typing, the server
// test must pass every step, the approved messages are queued from the compose screen, the Outbox
// shows the batch finish with every row sent, the person page says "Thanked on … for …", the
// Maildir holds each message under the Message-ID the outbox reports, and the password is nowhere
// in Afterword's files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from './webdriver.mjs';
import { cli, setUpIncident, withApp, workspace } from './harness.mjs';
import { TEST_PASSWORD, TEST_USER, startKeyring, startRelay } from '../system/mailserver.mjs';

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const info = statSync(file, { throwIfNoEntry: false });
    if (!info) continue;
    if (info.isDirectory()) found.push(...filesUnder(file));
    else if (info.isFile()) found.push(file);
  }
  return found;
}

/** The Message-ID of a raw message, without the angle brackets. */
function messageIdOf(raw) {
  const match = /^Message-ID:\s*<([^>]+)>/im.exec(raw);
  return match ? match[1] : null;
}

/** Picks `value` in a <select> as a person does: the option, then `change`. */
async function choose(d, selector, value) {
  await d.find(selector);
  await d.execute(
    `const select = document.querySelector(arguments[0]);
     select.value = arguments[1];
     select.dispatchEvent(new Event('change', { bubbles: true }));
     return select.value;`,
    [selector, value],
  );
}

/** The attributes of the Outbox's progress bar, or null when it is not shown. */
function progressOf(d) {
  return d.execute(`const bar = document.querySelector('[data-testid="outbox-progress"]');
    return bar && { now: Number(bar.getAttribute('aria-valuenow')), max: Number(bar.getAttribute('aria-valuemax')) };`);
}

test('deliver: configure the mail server, test it, send an approved batch, see it sent and thanked', { timeout: 300000 }, async (t) => {
  // The relay's and the keyring's folders hold the password by design: keep them out of the
  // workspace, whose every file is searched for it at the end.
  const relayDir = mkdtempSync(path.join(os.tmpdir(), 'afterword-e2e-relay-'));
  const keyringDir = mkdtempSync(path.join(os.tmpdir(), 'afterword-e2e-keyring-'));
  const relay = await startRelay({ dir: relayDir, tls: 'starttls' });
  t.after(() => relay.stop());
  const keyring = await startKeyring({ dir: keyringDir });
  t.after(async () => {
    await keyring.stop();
    rmSync(keyringDir, { recursive: true, force: true });
  });

  const ws = workspace('outbox');
  // Before the app starts: its secret store must find this keyring.
  ws.env = { ...ws.env, ...keyring.env };
  const incident = setUpIncident(ws);
  cli(ws, 'messages', 'generate', '--incident', incident.reference);
  cli(ws, 'messages', 'approve', '--incident', incident.reference, '--acknowledge-findings');
  const caPem = readFileSync(relay.caFile, 'utf8').trim();

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-outbox"]');

    // Settings › Mail server, typed in as the analyst would.
    await d.execute('location.hash = arguments[0]', ['#/settings/mail-server']);
    await waitFor('the mail server form', () => d.execute(`const host = document.querySelector('[data-testid="smtp-host"]');
      return !!host && !host.disabled;`));
    // No server yet: messages would be written as .eml files.
    await d.waitForText('[data-testid="smtp-eml-note"]', '.eml');
    await d.type('[data-testid="smtp-host"]', '127.0.0.1');
    await d.clear('[data-testid="smtp-port"]');
    await d.type('[data-testid="smtp-port"]', String(relay.submissionPort));
    await choose(d, '[data-testid="smtp-security"]', 'starttls');
    await d.type('[data-testid="smtp-username"]', TEST_USER);
    await d.type('[data-testid="smtp-password"]', TEST_PASSWORD);
    // Pasted, as the analyst would (typing 700 characters key by key outlasts WebDriver's timeout).
    await d.click('[data-testid="smtp-ca"]');
    await d.execute(`const area = document.querySelector('[data-testid="smtp-ca"]');
      area.value = arguments[0];
      area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
      return true;`, [caPem]);
    await d.click('[data-testid="smtp-save"]');
    await d.find('[data-testid="smtp-password-saved"]');
    assert.equal(await d.execute(`return document.querySelector('[data-testid="smtp-password"]').value`), '',
      'the typed password is not kept in the form once saved');
    assert.equal((await d.findAll('[data-testid="smtp-eml-note"]')).length, 0);

    await d.click('[data-testid="smtp-test"]');
    await d.find('[data-testid="smtp-test-verdict"]', { timeout: 60000 });
    const steps = await d.execute(`return [...document.querySelectorAll('[data-testid="smtp-test-step"]')]
      .map((li) => ({ step: li.dataset.step, status: li.dataset.status, text: li.innerText }))`);
    assert.deepEqual(steps.map((s) => s.step), ['lookup', 'connect', 'tls', 'authenticate', 'accepted']);
    for (const step of steps) {
      // An IP address needs no name lookup: that step may be skipped; every other one must pass.
      const allowed = step.step === 'lookup' ? ['ok', 'skipped'] : ['ok'];
      assert.ok(allowed.includes(step.status), `step ${step.step}: ${step.status} (${step.text})`);
    }
    assert.match(await d.text('[data-testid="smtp-test-verdict"]'), /accepted the test message/);
    await d.execute(`document.querySelector('[data-testid="smtp-test-result"]').scrollIntoView({ block: 'center' }); return true;`);
    await d.screenshot('outbox-01-mail-server-tested');

    // Queue the approved messages from the compose screen.
    await d.execute('location.hash = arguments[0]', [`#/incidents/${incident.id}/compose`]);
    await d.click('[data-testid="queue-approved"]');
    await d.waitForText('[data-testid="queue-result"]', '3 messages handed to the Outbox');
    await d.click('[data-testid="queue-to-outbox"]');
    await d.find('[data-testid="outbox-view"]');

    // The batch finishes: the bar at its end, every row sent.
    const seen = new Set();
    await waitFor('the batch to finish with every message sent', async () => {
      const bar = await progressOf(d);
      if (bar) seen.add(`${bar.now}/${bar.max}`);
      const states = await d.execute(`return [...document.querySelectorAll('[data-testid="outbox-row"]')].map((r) => r.dataset.state)`);
      return bar && bar.max === 3 && bar.now === 3 && states.length === 3 && states.every((s) => s === 'sent');
    }, 60000);
    const chips = await d.texts('[data-testid="outbox-state"]');
    assert.deepEqual(chips.map((c) => c.trim()), ['Sent', 'Sent', 'Sent']);
    assert.match(await d.text('[data-testid="outbox-activity"]'), /Last batch done: 3 sent/);
    await d.screenshot('outbox-02-batch-sent');

    // The person page: thanked, for this incident.
    const status = JSON.parse(cli(ws, '--json', 'outbox', 'status'));
    const jane = status.find((row) => row.person_name === 'Jane Doe');
    assert.ok(jane, 'Jane is in the outbox');
    await d.execute('location.hash = arguments[0]', [`#/people/${jane.person_id}`]);
    const thanked = await d.waitForText('[data-testid="person-thanks"]', 'Thanked on');
    assert.match(thanked, new RegExp(`Thanked on \\d{1,2} \\w{3} \\d{4} for ${incident.reference} — Fake invoice mail`));
    await d.screenshot('outbox-03-person-thanked');

    // The close-out checklist counts the three as thanked now that they are sent.
    await d.execute('location.hash = arguments[0]', [`#/incidents/${incident.id}`]);
    await d.waitForText('[data-testid="closeout-count"]', '3 of 3 done');
  });

  // The Maildir: each message once, under the Message-ID the outbox reports (plus the test message).
  const status = JSON.parse(cli(ws, '--json', 'outbox', 'status'));
  assert.equal(status.length, 3);
  assert.ok(status.every((row) => row.state === 'sent'), JSON.stringify(status.map((r) => r.state)));
  const delivered = await relay.waitForMessages(4, 30000);
  const ids = delivered.map(messageIdOf);
  for (const row of status) {
    assert.equal(ids.filter((id) => id === row.message_id).length, 1, `${row.recipient}: Message-ID ${row.message_id} delivered once`);
    const raw = delivered[ids.indexOf(row.message_id)];
    assert.match(raw, new RegExp(`^To:.*${row.recipient.replace(/[.]/g, '\\.')}`, 'im'));
  }

  // The password: not in any file Afterword wrote (data folder, config, caches), in any encoding
  // a careless log might use.
  const secrets = [
    Buffer.from(TEST_PASSWORD, 'utf8'),
    Buffer.from(Buffer.from(TEST_PASSWORD, 'utf8').toString('base64')),
    Buffer.from(Buffer.from(`\0${TEST_USER}\0${TEST_PASSWORD}`, 'utf8').toString('base64')),
  ];
  const files = filesUnder(ws.root);
  assert.ok(files.some((f) => f.endsWith('afterword.db')), 'the data folder was searched');
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const secret of secrets) assert.ok(!bytes.includes(secret), `the password appears in ${file}`);
  }
});
