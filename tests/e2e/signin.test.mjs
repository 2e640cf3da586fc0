// End to end: Settings › Mail server with a Microsoft 365 account in the real window, its
// endpoints pointed at the local authorization server of tests/system/oauth.mjs and its server at
// a private Dovecot submission server that checks XOAUTH2 by introspection (startOAuthSubmission:
// needs root, listens on 127.0.0.2). The thank-yous wait in the Outbox, which says "Sign in
// again" and links to the sign-in. Signing in asks the system browser to open the link from Rust:
// here the openers on PATH are stand-ins that note the link and fail, as xdg-open does on a bare
// Xvfb, so the window says so and shows the link; the test reads it there and plays the browser
// (completeBrowserStep). "Signed in as analyst@afterword.test"; the messages go out as that
// address; signing out revokes the sign-in at the server. Screenshots of the account section in
// each state (password, not signed in, waiting, signed in) go to tests/artifacts/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from './webdriver.mjs';
import { cli, setUpIncident, withApp, workspace } from './harness.mjs';
import { TEST_USER, startOAuthSubmission } from '../system/mailserver.mjs';
import { completeBrowserStep, startAuthServer } from '../system/oauth.mjs';

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

/** Sets a field's whole value as a paste does (long values typed key by key outlast WebDriver's timeout). */
async function paste(d, selector, value) {
  await d.click(selector);
  await d.execute(`const field = document.querySelector(arguments[0]);
    field.value = arguments[1];
    field.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    return true;`, [selector, value]);
}

/** The account section (from the account kind down) with no toast over it, saved as `name`. */
async function shoot(d, name) {
  await d.execute(`document.querySelector('[data-testid="toast"] button[aria-label]')?.click();
    document.activeElement?.blur();
    document.querySelector('[data-testid="smtp-account-kind"]').scrollIntoView({ block: 'start' });
    return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))));`);
  await d.screenshot(name);
}

/** How many messages of the Outbox are in `state`, as the CLI reads them. */
function count(ws, state) {
  return JSON.parse(cli(ws, '--json', 'outbox', 'status')).filter((entry) => entry.state === state).length;
}

/** Openers the `open` crate tries on Linux: each notes the link it was given and fails. */
function failingOpeners(dir) {
  mkdirSync(dir, { recursive: true });
  const log = path.join(dir, 'opened.log');
  for (const name of ['xdg-open', 'gio', 'gnome-open', 'kde-open', 'wslview']) {
    const file = path.join(dir, name);
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexit 3\n`);
    chmodSync(file, 0o755);
  }
  return log;
}

test('sign-in: Microsoft 365 from Settings, "Sign in again" from the Outbox, sent as the signed-in address, signed out', { timeout: 300000 }, async (t) => {
  const ws = workspace('signin');
  const auth = await startAuthServer({ dir: path.join(ws.root, 'auth') });
  t.after(() => auth.stop());
  const submission = await startOAuthSubmission({ dir: path.join(ws.root, 'submission'), introspectionUrl: auth.introspectionUrl });
  t.after(() => submission.stop());
  const opened = failingOpeners(path.join(ws.root, 'bin'));
  ws.env = { ...ws.env, PATH: `${path.dirname(opened)}:${ws.env.PATH}` };
  const incident = setUpIncident(ws);
  cli(ws, 'messages', 'generate', '--incident', incident.reference);
  cli(ws, 'messages', 'approve', '--incident', incident.reference, '--acknowledge-findings');
  const caPem = readFileSync(submission.caFile, 'utf8').trim();

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-outbox"]');
    await d.execute('location.hash = arguments[0]', ['#/settings/mail-server']);
    await waitFor('the mail server form', () => d.execute(`const host = document.querySelector('[data-testid="smtp-host"]');
      return !!host && !host.disabled;`));
    await shoot(d, 'signin-01-password');

    // Microsoft 365: its server is filled in; the registration and the admin guide appear.
    await d.click('[data-testid="smtp-account-microsoft365"]');
    assert.equal(await d.execute(`return document.querySelector('[data-testid="smtp-host"]').value`), 'smtp.office365.com');
    await d.find('[data-testid="smtp-admin-guide"]');
    assert.equal((await d.findAll('[data-testid="smtp-password"]')).length, 0);
    await d.type('[data-testid="smtp-client-id"]', auth.clientId);
    await d.click('[data-testid="smtp-oauth-advanced"] summary');
    await paste(d, '[data-testid="smtp-auth-url"]', auth.authorizationUrl);
    await paste(d, '[data-testid="smtp-token-url"]', auth.tokenUrl);
    await paste(d, '[data-testid="smtp-revoke-url"]', auth.revocationUrl);
    await choose(d, '[data-testid="smtp-redirect-host"]', '127.0.0.1');
    await d.clear('[data-testid="smtp-host"]');
    await d.type('[data-testid="smtp-host"]', submission.host);
    await d.clear('[data-testid="smtp-port"]');
    await d.type('[data-testid="smtp-port"]', String(submission.submissionPort));
    await paste(d, '[data-testid="smtp-ca"]', caPem);
    await d.click('[data-testid="smtp-save"]');
    await d.waitForText('[data-testid="toast"]', 'Saved the mail server.');
    await d.waitForText('[data-testid="sign-in-status"]', 'Not signed in');
    await d.click('[data-testid="smtp-oauth-advanced"] summary');
    await shoot(d, 'signin-02-microsoft-not-signed-in');
    await d.click('[data-testid="smtp-admin-guide"] summary');
    assert.match(await d.text('[data-testid="smtp-admin-guide-body"]'), /Set-CASMailbox -Identity/);
    await shoot(d, 'signin-02b-admin-guide');
    await d.click('[data-testid="smtp-admin-guide"] summary');

    // Queued only now (with no server, the sender would have written them as .eml files): the
    // Outbox's "Send now" finds no sign-in, keeps them queued and says "Sign in again".
    cli(ws, 'outbox', 'queue', '--incident', incident.reference);
    await d.click('[data-testid="nav-outbox"]');
    await d.click('[data-testid="outbox-send-now"]');
    await d.waitForText('[data-testid="outbox-activity"]', 'Needs attention', 30000);
    assert.match(await d.text('[data-testid="outbox-activity"]'), /Not signed in/);
    assert.equal(await d.text('[data-testid="outbox-sign-in"]'), 'Sign in again');
    assert.equal(count(ws, 'queued'), 3);
    await d.execute(`document.querySelector('[data-testid="toast"] button[aria-label]')?.click(); return true;`);
    await d.screenshot('signin-03-outbox-sign-in-again');
    await d.click('[data-testid="outbox-sign-in"]');
    await d.find('[data-testid="sign-in-start"]');
    assert.equal(await d.execute('return location.hash'), '#/settings/sign-in');

    // Sign in: the browser could not be opened here, so the window shows the link to copy.
    await d.click('[data-testid="sign-in-start"]');
    const problem = await d.waitForText('[data-testid="sign-in-browser-problem"]', 'could not open your browser', 30000);
    assert.match(problem, /Open this link in your browser/);
    const url = await d.execute(`return document.querySelector('[data-testid="sign-in-url"]').value`);
    assert.ok(url.startsWith(`${auth.authorizationUrl}?`), url);
    assert.ok(readFileSync(opened, 'utf8').includes(url), 'the app asked the system opener for exactly this link');
    await shoot(d, 'signin-04-waiting');
    const page = await completeBrowserStep(url);
    assert.equal(page.status, 200, page.text);
    assert.match(page.text, /return to Afterword/);
    await d.waitForText('[data-testid="sign-in-status"]', `Signed in as ${TEST_USER}`, 30000);
    await shoot(d, 'signin-05-signed-in');

    // Signing in woke the sender: the thank-yous leave through XOAUTH2 as the signed-in address.
    const relayed = await submission.sink.waitForMessages(3);
    assert.equal(relayed.length, 3);
    await waitFor('three sent', () => count(ws, 'sent') === 3, 30000);
    assert.ok(auth.requestsTo('introspect').length >= 1, 'the server checked the token');

    // Sign out: revoked at the server, removed here, said plainly.
    await d.click('[data-testid="sign-in-sign-out"]');
    const notice = await d.waitForText('[data-testid="sign-in-notice"]', 'Signed out', 30000);
    assert.match(notice, new RegExp(`Signed out ${TEST_USER.replace('.', '\\.')}: the sign-in was revoked`));
    await d.find('[data-testid="sign-in-start"]');
    assert.ok(auth.refreshTokens().every((grant) => grant.revoked), 'the refresh token is revoked');
  });
});
