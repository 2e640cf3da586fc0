// Signing in with OAuth 2.0 (the Microsoft 365 account kind, its endpoints pointed at oauth.mjs's
// local authorization server) and sending through a private Dovecot submission server that checks
// XOAUTH2 by introspection: the `afterword` CLI end to end. `smtp sign-in` prints the URL (a JSON
// line) and waits; completeBrowserStep plays the browser. Then: a batch delivered as the signed-in
// address; an expired access token refreshed; a token refused by the server refreshed and tried
// once more; a revoked refresh token asks to sign in again with every message still queued; a
// token of another account gets the "does not fit the mailbox" message; a foreign state, a
// declined sign-in and a token endpoint answering HTML are refused and keep the previous sign-in;
// sign-out revokes; and no token is left in the data folder, the keyring or the output.
// Run as root: cargo build -p afterword-cli &&
//   dbus-run-session --config-file=tests/e2e/session-bus.conf -- node --test --test-concurrency=1 tests/system/signin.test.mjs

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { afterword, cliBinary, outbox, said, setUpBatch } from './afterword.mjs';
import { startKeyring, startOAuthSubmission, TEST_USER } from './mailserver.mjs';
import { completeBrowserStep, startAuthServer } from './oauth.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-signin-'));
const scratch = (name) => mkdtempSync(path.join(root, `${name}-`));
const OTHER_USER = 'someone.else@afterword.test';
const SCOPE = 'https://mail.afterword.test/smtp offline_access openid email';

let auth;
let submission;
let keyring;
/** Every stdout and stderr of the CLI, searched for tokens at the end. */
const outputs = [];
/** Every data folder the tests used. */
const folders = [];

before(async () => {
  auth = await startAuthServer({ dir: path.join(root, 'auth') });
  submission = await startOAuthSubmission({ dir: path.join(root, 'submission'), introspectionUrl: auth.introspectionUrl,
    introspectionTimeoutMs: 2000 });
  keyring = await startKeyring({ dir: path.join(root, 'keyring') });
});
after(async () => {
  await submission?.stop();
  await auth?.stop();
  await keyring?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The CLI with the test keyring; its output is kept for the final search. */
async function run(data, args, options = {}) {
  const result = await afterword(data, args, { env: keyring.env, ...options });
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** A batch of three queued thank-yous, the server set to the Microsoft 365 kind on the test servers. */
async function account(name) {
  const { data } = await setUpBatch(scratch(name));
  folders.push(data);
  const set = await run(data, ['smtp', 'set', '--account', 'microsoft365', '--client-id', auth.clientId,
    '--auth-url', auth.authorizationUrl, '--token-url', auth.tokenUrl, '--revoke-url', auth.revocationUrl,
    '--scope', SCOPE, '--redirect-host', '127.0.0.1',
    '--host', submission.host, '--port', String(submission.submissionPort), '--security', 'starttls',
    '--ca-file', submission.caFile], { json: true });
  assert.equal(set.code, 0, said(set));
  assert.equal(set.json.account, 'microsoft365');
  assert.equal(set.json.sign_in.signed_in_as, null);
  return data;
}

/**
 * `smtp sign-in --json`: waits for its first line (the prompt), plays the browser with
 * `browser` (completeBrowserStep's options), then waits for the command to end.
 * Returns {prompt, page, code, stdout, stderr, lines}.
 */
async function signIn(data, browser = {}, args = []) {
  const child = spawn(cliBinary, ['--data-dir', data, '--json', 'smtp', 'sign-in', ...args],
    { env: { ...process.env, ...keyring.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
  const closed = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  const prompt = await new Promise((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d) => {
      stdout += d;
      const end = stdout.indexOf('\n');
      if (end >= 0) resolve(JSON.parse(stdout.slice(0, end)));
    });
    closed.then(() => reject(new Error(`smtp sign-in ended before printing the URL:\n${stderr}${stdout}`)));
  });
  const page = await completeBrowserStep(prompt.url, browser);
  const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
  const code = await closed;
  clearTimeout(timer);
  outputs.push(stdout, stderr);
  const lines = stdout.trim().split('\n').map((l) => JSON.parse(l));
  return { prompt, page, code, stdout, stderr, lines, command: 'afterword smtp sign-in', signal: null };
}

/** The error a failed command printed (`{code, message, field}` on stderr). */
const errorOf = (result) => JSON.parse(result.stderr.trim().split('\n').pop());

async function signedInAs(data) {
  return (await run(data, ['smtp', 'show'], { json: true })).json.sign_in.signed_in_as;
}

async function send(data) {
  const sent = await run(data, ['outbox', 'send'], { json: true });
  assert.ok(sent.json, said(sent));
  return sent;
}

const grants = () => auth.requestsTo('token').map((r) => r.body.grant_type);

describe('smtp sign-in and outbox send with XOAUTH2 (Microsoft 365 kind, local servers)', () => {
  let data;
  before(async () => {
    data = await account('main');
  });

  test('sign-in prints the URL, checks the browser\'s answer, keeps the sign-in; the batch goes out as the signed-in address', async () => {
    const result = await signIn(data);
    assert.equal(result.code, 0, said(result));
    assert.equal(result.prompt.kind, 'open_browser');
    const redirect = new URL(result.prompt.redirect_uri);
    assert.equal(redirect.hostname, '127.0.0.1');
    const asked = auth.authorizations().at(-1);
    assert.equal(asked.redirect_uri, result.prompt.redirect_uri);
    assert.equal(asked.code_challenge_method, 'S256');
    assert.equal(asked.client_id, auth.clientId);
    assert.equal(asked.scope, SCOPE);
    assert.ok(asked.state.length >= 16, asked.state);
    assert.equal(result.page.stage, 'callback');
    assert.equal(result.page.status, 200);
    assert.match(result.page.text, /You can close this tab and return to Afterword/);
    assert.equal(result.page.headers['cache-control'], 'no-store');
    const done = result.lines.at(-1);
    assert.deepEqual([done.kind, done.email, done.account], ['signed_in', TEST_USER, 'microsoft365']);
    // One request, then the listener is closed.
    await assert.rejects(new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: Number(redirect.port) }, () => { socket.destroy(); resolve(); });
      socket.once('error', reject);
    }));
    assert.equal(await signedInAs(data), TEST_USER);
    const shown = await run(data, ['smtp', 'show']);
    assert.match(shown.stdout, /signed in as {2}analyst@afterword\.test/);

    const before = grants().length;
    const sent = await send(data);
    assert.equal(sent.code, 0, said(sent));
    assert.equal(sent.json.outbox.sent, 3);
    assert.equal(sent.json.run.sign_in_required, false);
    assert.deepEqual(grants().slice(before), ['refresh_token'], 'refreshed before the batch');
    const relayed = await submission.sink.waitForMessages(3);
    assert.ok(relayed.every((m) => /with ESMTPSA/.test(m)), 'sent authenticated');
    assert.match(submission.log(), /analyst@afterword\.test/);
  });

  test('a foreign or missing state, a declined sign-in and a token endpoint answering HTML are refused; the sign-in is kept', async () => {
    const cases = [
      [{ state: 'forged-state' }, 'oauth_state'],
      [{ state: null }, 'oauth_state'],
      [{ error: 'access_denied', errorDescription: 'The user declined.' }, 'oauth_denied'],
    ];
    const exchanges = auth.requestsTo('token').length;
    for (const [browser, code] of cases) {
      const result = await signIn(data, browser);
      assert.equal(result.code, 1, said(result));
      assert.equal(errorOf(result).code, code, result.stderr);
      assert.equal(result.page.status, 400);
      assert.match(result.page.text, /return to Afterword/);
    }
    assert.equal(auth.requestsTo('token').length, exchanges, 'no code was exchanged');
    auth.fail('token', 'html', { times: 1 });
    const html = await signIn(data);
    assert.equal(html.code, 1, said(html));
    assert.equal(errorOf(html).code, 'oauth_server');
    assert.match(errorOf(html).message, /web page instead of an OAuth answer/);
    assert.equal(await signedInAs(data), TEST_USER, 'the previous sign-in is kept');
  });

  test('an expired access token is refreshed; a token the server refuses is refreshed and tried once more', async () => {
    const more = await account('expiry');
    assert.equal((await signIn(more)).code, 0);
    for (const t of auth.tokens()) auth.expire(t.accessToken);
    const before = grants().length;
    let refused = null;
    auth.setIntrospection((token, answer) => {
      if (refused === null) {
        refused = token;
        return { active: false };
      }
      return answer;
    });
    try {
      const sent = await send(more);
      assert.equal(sent.code, 0, said(sent));
      assert.equal(sent.json.outbox.sent, 3);
    } finally {
      auth.setIntrospection(null);
    }
    assert.deepEqual(grants().slice(before), ['refresh_token', 'refresh_token'], 'before the batch, and after the refusal');
    const used = auth.tokens().filter((t) => t.grantType === 'refresh_token').slice(-2).map((t) => t.accessToken);
    assert.equal(used[0], refused, 'the first fresh token was the one refused');
    assert.match(submission.log(), /Provided token is not valid|inactive|not valid/i);
  });

  test('a revoked refresh token: "sign in again", every message stays queued; signing in again sends them', async () => {
    const revoked = await account('revoked');
    assert.equal((await signIn(revoked)).code, 0);
    auth.revokeAll();
    const sent = await send(revoked);
    assert.equal(sent.code, 1, said(sent));
    assert.equal(sent.json.run.sign_in_required, true);
    assert.equal(sent.json.run.end.kind, 'needs_attention');
    assert.match(sent.json.run.end.reason, /Sign in with Microsoft 365 again/);
    assert.match(sent.stderr, /sign-in has expired or was revoked/);
    const entries = await outbox(revoked, { env: keyring.env });
    assert.deepEqual(entries.map((e) => [e.state, e.attempts]), [['queued', 0], ['queued', 0], ['queued', 0]]);

    assert.equal((await signIn(revoked)).code, 0);
    const again = await send(revoked);
    assert.equal(again.code, 0, said(again));
    assert.equal(again.json.outbox.sent, 3);
  });

  test('a token of another account: refused even fresh, "another account or resource", messages stay queued', async () => {
    const other = await account('other');
    assert.equal((await signIn(other)).code, 0);
    auth.setIntrospection((token, answer) => (answer.active ? { ...answer, username: OTHER_USER, email: OTHER_USER } : answer));
    let sent;
    try {
      sent = await send(other);
    } finally {
      auth.setIntrospection(null);
    }
    assert.equal(sent.code, 1, said(sent));
    assert.equal(sent.json.run.sign_in_required, false);
    assert.match(sent.json.run.end.reason, /535 5\.7\.8/);
    assert.match(sent.json.run.end.reason, /another account or another resource/);
    assert.match(submission.log(), /did not match 'someone\.else@afterword\.test'/);
    const entries = await outbox(other, { env: keyring.env });
    assert.ok(entries.every((e) => e.state === 'queued'), JSON.stringify(entries));
  });

  test('sign-out revokes and deletes; then the server test says to sign in', async () => {
    const leaving = await account('sign-out');
    assert.equal((await signIn(leaving)).code, 0);
    const refreshToken = auth.refreshTokens().at(-1).refreshToken;
    const out = await run(leaving, ['smtp', 'sign-out'], { json: true });
    assert.equal(out.code, 0, said(out));
    assert.deepEqual([out.json.email, out.json.revoked], [TEST_USER, true]);
    assert.ok(auth.requestsTo('revoke').some((r) => r.body.token === refreshToken), 'the refresh token went to the revocation endpoint');
    assert.equal(auth.refreshTokens().find((g) => g.refreshToken === refreshToken).revoked, true);
    assert.equal(await signedInAs(leaving), null);
    const tested = await run(leaving, ['smtp', 'test'], { json: true });
    assert.equal(tested.code, 1, said(tested));
    const step = tested.json.steps.find((s) => s.step === 'authenticate');
    assert.equal(step.status, 'failed');
    assert.match(step.detail, /Not signed in/);
    const entries = await outbox(leaving, { env: keyring.env });
    assert.ok(entries.every((e) => e.state === 'queued'), JSON.stringify(entries));
  });

  test('no token in the data folders, the keyring (after sign-out) or the output', async () => {
    for (const folder of folders) assert.equal((await run(folder, ['smtp', 'sign-out'])).code, 0);
    const tokens = [...auth.tokens().map((t) => t.accessToken), ...auth.refreshTokens().map((g) => g.refreshToken)];
    assert.ok(tokens.length > 10, `tokens were issued: ${tokens.length}`);
    const files = [];
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else files.push(file);
      }
    };
    for (const folder of folders) walk(folder);
    assert.ok(files.some((f) => f.endsWith('afterword.db')));
    let addressSeen = false;
    for (const file of files) {
      const text = readFileSync(file).toString('latin1');
      if (text.includes(TEST_USER)) addressSeen = true;
      for (const token of tokens) assert.ok(!text.includes(token), `a token is in ${file}`);
    }
    assert.ok(addressSeen, 'the search works: the signed-in address is in the database');
    const printed = outputs.join('\n');
    for (const token of tokens) assert.ok(!printed.includes(token), 'a token was printed');
    const stored = await new Promise((resolve) => execFile('secret-tool', ['search', '--all', '--unlock', 'service', 'Afterword'],
      { encoding: 'utf8', env: { ...process.env, ...keyring.env } }, (error, stdout, stderr) => resolve(stdout + stderr)));
    for (const token of tokens) assert.ok(!stored.includes(token), `a token is still in the keyring:\n${stored}`);
    assert.doesNotMatch(stored, /oauth:microsoft365/);
  });
});
