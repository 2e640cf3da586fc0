// Delivery through a real relay: the `afterword` CLI against a private Postfix + Dovecot
// (STARTTLS and implicit TLS, AUTH with a non-ASCII password), read back from the relay's Maildir;
// the refusals (wrong password, untrusted certificate, plaintext to another host, a rejected
// recipient); and the OS secret store (a throwaway gnome-keyring): the password round-trips and
// leaves no trace in the data folder or the output.
// Run as root: dbus-run-session --config-file=tests/e2e/session-bus.conf -- node --test tests/system/

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { afterword, messageIdOf, ok, outbox, parseMail, PEOPLE, said, setUpBatch, smtpSet } from './afterword.mjs';
import { makeCA, startKeyring, startRelay, TEST_PASSWORD, TEST_USER } from './mailserver.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-delivery-'));
const scratch = (name) => mkdtempSync(path.join(root, `${name}-`));
const GONE = 'gone@vendor.example';
const GONE_REPLY = '550 5.1.1 <gone@vendor.example>: Recipient address rejected: No such user here';

let relay;
let keyring;
before(async () => {
  relay = await startRelay({ dir: path.join(root, 'relay'), rejectRecipients: { [GONE]: GONE_REPLY } });
  keyring = await startKeyring({ dir: path.join(root, 'keyring') });
});
after(async () => {
  await relay?.stop();
  await keyring?.stop();
  rmSync(root, { recursive: true, force: true });
});

/** The relay's submission port with STARTTLS and the test CA trusted through --ca-file. */
const starttls = () => ({ host: 'localhost', port: relay.submissionPort, security: 'starttls', username: TEST_USER, caFile: relay.caFile });

/**
 * Waits until every Message-ID in `ids` is in the relay's Maildir and returns {id: raw}; fails
 * when any of them was delivered more than once.
 */
async function delivered(ids, timeoutMs = 20000) {
  const wanted = new Set(ids);
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = new Map();
    for (const raw of await relay.messages()) {
      const id = messageIdOf(raw);
      if (!wanted.has(id)) continue;
      assert.ok(!found.has(id), `<${id}> was delivered twice`);
      found.set(id, raw);
    }
    if (found.size === wanted.size) return Object.fromEntries(found);
    if (Date.now() > until) {
      assert.fail(`after ${timeoutMs} ms only ${found.size} of ${wanted.size} messages reached the Maildir; missing: ${[...wanted].filter((i) => !found.has(i)).join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** How many Maildir messages carry one of `ids` (no waiting). */
async function deliveredCount(ids) {
  const wanted = new Set(ids);
  return (await relay.messages()).filter((raw) => wanted.has(messageIdOf(raw))).length;
}

function assertAll(entries, state, why) {
  assert.deepEqual(entries.map((e) => e.state), entries.map(() => state), `${why}: ${JSON.stringify(entries, null, 1)}`);
}

/** Checks three thank-yous delivered through the relay against the outbox and the people. */
async function checkDelivered(entries, how) {
  const byId = await delivered(entries.map((e) => e.message_id));
  const ids = entries.map((e) => e.message_id);
  const parsed = await parseMail(ids.map((id) => byId[id]));
  for (const [i, entry] of entries.entries()) {
    const mail = parsed[i];
    const person = PEOPLE.find((p) => p.email === entry.recipient);
    assert.ok(person, `unexpected recipient ${entry.recipient}`);
    assert.equal(mail.messageId, `<${entry.message_id}>`, 'the Message-ID delivered is the one the outbox keeps');
    assert.deepEqual(mail.fromAddresses, [['Søren Analyst', 'sam@corp.example']], 'From, display name decoded');
    assert.deepEqual(mail.toAddresses, [[person.name, person.email]], 'To, UTF-8 display name decoded');
    assert.ok(mail.subject && !mail.subject.includes('=?'), `a decoded Subject: ${mail.subject}`);
    const date = Date.parse(mail.date);
    assert.ok(Math.abs(Date.now() - date) < 3600e3, `a Date header close to now: ${mail.date}`);
    assert.deepEqual(mail.defects, [], 'no defects found by Python\'s parser');
    assert.equal(mail.type, 'multipart/alternative');
    assert.deepEqual(mail.parts.map((p) => [p.type, p.charset]), [['text/plain', 'utf-8'], ['text/html', 'utf-8']], 'both MIME parts');
    const [text, html] = mail.parts.map((p) => p.content);
    const firstName = person.name.split(' ')[0];
    assert.ok(text.split('\n')[0].includes(`${firstName},`), `the plain text greets ${firstName}: ${text}`);
    assert.ok(text.includes(person.what), `the plain text says what ${firstName} did`);
    assert.ok(html.includes(firstName) && html.includes(person.what), 'the HTML part says the same');
    assert.match(html, /<html/i);
    assert.ok(text.includes('Søren Analyst'), 'the signature, in UTF-8');
    // The relay's own Received header: ESMTPSA = submitted over TLS and authenticated.
    assert.match(byId[entry.message_id], new RegExp(`with ${how} id`), 'the relay took it over TLS, signed in');
  }
  const zoe = parsed[entries.findIndex((e) => e.recipient === 'zoe@corp.example')];
  assert.match(zoe.subject, /Zoë/u, 'a UTF-8 subject decoded right');
  return byId;
}

async function batch(name, people) {
  return setUpBatch(scratch(name), people);
}

describe('delivery through a real relay (Postfix + Dovecot)', () => {
  test('smtp test: every step ok over STARTTLS with the extra CA and a non-ASCII password on stdin', async () => {
    const { data } = await batch('smtp-test');
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const result = await afterword(data, ['smtp', 'test', '--to', 'vera@vendor.example', '--password-stdin'], { json: true, input: `${TEST_PASSWORD}\n` });
    assert.equal(result.code, 0, said(result));
    assert.equal(result.json.ok, true);
    assert.deepEqual(result.json.steps.map((s) => [s.step, s.status]),
      [['lookup', 'ok'], ['connect', 'ok'], ['tls', 'ok'], ['authenticate', 'ok'], ['accepted', 'ok']], JSON.stringify(result.json));
    assert.match(result.json.steps[2].detail, /STARTTLS, certificate verified/);
    assert.match(result.json.steps[4].detail, /^vera@vendor\.example: 250 /);
    // The test message arrives.
    const queuedAs = /queued as (\w+)/.exec(result.json.steps[4].detail)[1];
    await relay.waitForMessages(1);
    const deadline = Date.now() + 15000;
    while (!(await relay.messages()).some((m) => m.includes(` id ${queuedAs}`) && m.includes('Subject: Afterword test message'))) {
      assert.ok(Date.now() < deadline, `the test message ${queuedAs} did not reach the Maildir`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Text output names each step.
    const text = await afterword(data, ['smtp', 'test', '--password-stdin'], { input: TEST_PASSWORD });
    assert.equal(text.code, 0, said(text));
    for (const label of ['Name lookup', 'Connect', 'TLS', 'Authentication', 'Message accepted']) assert.match(text.stdout, new RegExp(`ok +${label}`));
  });

  test('STARTTLS: a batch of three (UTF-8 name, colleague, external) delivered once each, headers and both parts right', async () => {
    const { data, reference } = await batch('starttls');
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const sent = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(sent.code, 0, said(sent));
    assert.deepEqual(sent.json.run.progress, { total: 3, done: 3, sent: 3, deferred: 0, failed: 0, uncertain: 0, current: null });
    assert.deepEqual(sent.json.run.end, { kind: 'finished' });
    assert.equal(sent.json.outbox.sent, 3);
    const entries = await outbox(data).then((all) => all.filter((e) => e.incident_reference === reference));
    assertAll(entries, 'sent', 'outbox status after the run');
    for (const e of entries) {
      assert.equal(e.attempts, 1);
      assert.match(e.last_reply, /^250 /, 'the server\'s reply is kept');
      assert.ok(e.sent_at, 'sent_at is set');
      assert.match(e.transport, new RegExp(`localhost:${relay.submissionPort}`));
    }
    await checkDelivered(entries, 'ESMTPSA');
    // Sending again sends nothing more.
    const again = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(again.code, 0, said(again));
    assert.equal(again.json.run.progress.total, 0);
    assert.equal(await deliveredCount(entries.map((e) => e.message_id)), 3);
  });

  test('implicit TLS on the smtps port', async () => {
    const { data } = await batch('implicit');
    const set = await smtpSet(data, { ...starttls(), port: relay.smtpsPort, security: 'tls' });
    assert.equal(set.code, 0, said(set));
    const test = await afterword(data, ['smtp', 'test', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(test.code, 0, said(test));
    assert.match(test.json.steps[2].detail, /TLS from the first byte, certificate verified/);
    const sent = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(sent.code, 0, said(sent));
    const entries = await outbox(data);
    assertAll(entries, 'sent', 'after sending over implicit TLS');
    await checkDelivered(entries, 'ESMTPSA');
  });

  test('secret store: smtp set --password-stdin saves to the keyring, outbox send uses it, and no trace is left anywhere else', async () => {
    const { data } = await batch('keyring');
    const outputs = [];
    const run = async (args, options = {}) => {
      const result = await afterword(data, args, { env: keyring.env, ...options });
      outputs.push(result.stdout, result.stderr);
      return result;
    };
    // 127.0.0.1, not localhost: the keyring entry is per user and host, so no other test's entry is used.
    const set = await run(['smtp', 'set', '--host', '127.0.0.1', '--port', String(relay.submissionPort), '--security', 'starttls',
      '--username', TEST_USER, '--ca-file', relay.caFile, '--password-stdin'], { json: true, input: `${TEST_PASSWORD}\n` });
    assert.equal(set.code, 0, said(set));
    assert.equal(set.json.password, 'saved in the system\'s secret store');
    assert.equal(set.json.username, TEST_USER);
    assert.equal(Object.values(set.json).filter((v) => typeof v === 'string' && v.includes(TEST_PASSWORD)).length, 0);
    const shown = await run(['smtp', 'show']);
    assert.match(shown.stdout, /password +saved in the system's secret store/);

    // The Secret Service has it, under the service "Afterword".
    const found = await new Promise((resolve, reject) => execFile('secret-tool', ['search', '--all', '--unlock', 'service', 'Afterword'],
      { encoding: 'utf8', env: { ...process.env, ...keyring.env } }, (error, stdout, stderr) => (error ? reject(error) : resolve(stdout + stderr))));
    assert.ok(found.includes(`secret = ${TEST_PASSWORD}`), `secret-tool finds the password:\n${found}`);
    assert.ok(found.includes(`smtp:${TEST_USER}@127.0.0.1`), `filed under the user and host:\n${found}`);

    // No stdin: the password comes from the keyring.
    const test = await run(['smtp', 'test'], { json: true });
    assert.equal(test.code, 0, said(test));
    const sent = await run(['outbox', 'send'], { json: true });
    assert.equal(sent.code, 0, said(sent));
    assert.equal(sent.json.outbox.sent, 3);
    const entries = await outbox(data);
    assertAll(entries, 'sent', 'after sending with the password from the keyring');
    await delivered(entries.map((e) => e.message_id));
    outputs.push(JSON.stringify(await outbox(data)), (await run(['outbox', 'status'])).stdout);

    // No trace of the password in the data folder (database, WAL, lock, outbox folder) or output.
    const forms = {
      'UTF-8': Buffer.from(TEST_PASSWORD, 'utf8'),
      'UTF-16': Buffer.from(TEST_PASSWORD, 'utf16le'),
      base64: Buffer.from(Buffer.from(TEST_PASSWORD).toString('base64')),
      'AUTH PLAIN': Buffer.from(Buffer.from(`\0${TEST_USER}\0${TEST_PASSWORD}`).toString('base64')),
      'AUTH LOGIN': Buffer.from(Buffer.from(TEST_PASSWORD).toString('base64').replace(/=+$/, '')),
    };
    const files = [];
    const walk = (dir) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else files.push(file);
      }
    };
    walk(data);
    assert.ok(files.some((f) => f.endsWith('afterword.db')), `the database is among ${files}`);
    let userSeen = false;
    for (const file of files) {
      const bytes = readFileSync(file);
      if (bytes.includes(TEST_USER)) userSeen = true;
      for (const [form, needle] of Object.entries(forms)) {
        assert.ok(!bytes.includes(needle), `the password (${form}) is in ${file}`);
      }
    }
    assert.ok(userSeen, 'the search works: the user name is found in the data folder');
    const printed = Buffer.from(outputs.join('\n'));
    for (const [form, needle] of Object.entries(forms)) assert.ok(!printed.includes(needle), `the password (${form}) was printed`);
  });

  test('no Secret Service: smtp set --password-stdin fails with secret_store and changes nothing', async () => {
    const { data } = await batch('no-keyring');
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const before = (await ok(data, ['smtp', 'show'], { json: true })).json;
    const nowhere = { DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(root, 'no-such-bus')}` };
    const result = await smtpSet(data, { host: 'smtp.corp.example', port: 465, security: 'tls', username: 'someone@corp.example' },
      { input: TEST_PASSWORD, env: nowhere });
    assert.equal(result.code, 1, said(result));
    const error = JSON.parse(result.stderr);
    assert.equal(error.code, 'secret_store', said(result));
    assert.match(error.message, /secret store cannot be used/);
    assert.match(error.message, /Secret Service/);
    assert.ok(!result.stderr.includes(TEST_PASSWORD) && !result.stdout.includes(TEST_PASSWORD));
    const text = await smtpSet(data, { host: 'smtp.corp.example', security: 'tls', username: 'x@corp.example' }, { input: TEST_PASSWORD, env: nowhere, json: false });
    assert.equal(text.code, 1);
    assert.match(text.stderr, /^error\[secret_store\]: /);
    const afterwards = (await ok(data, ['smtp', 'show'], { json: true })).json;
    assert.deepEqual({ ...afterwards, password: null }, { ...before, password: null }, 'the settings are as they were');
    // outbox send without stdin and without a secret store says how to pass the password.
    const send = await afterword(data, ['outbox', 'send'], { env: nowhere });
    assert.equal(send.code, 1, said(send));
    assert.match(send.stderr, /secret_store.*--password-stdin/s);
    assertAll(await outbox(data), 'queued', 'nothing left the outbox');
  });
});

describe('refusals: a clear message, exit 1, nothing marked sent, everything still queued', () => {
  // No extra CA (a fresh data folder has none), then a CA that did not sign the relay's certificate.
  const untrustedCases = (other) => [
    { caFile: undefined, security: 'starttls', port: relay.submissionPort },
    { caFile: other.untrustedCertFile, security: 'starttls', port: relay.submissionPort },
    { caFile: other.untrustedCertFile, security: 'tls', port: relay.smtpsPort },
    { caFile: undefined, security: 'tls', port: relay.smtpsPort }, // for a fresh data folder only: no CA
  ];

  test('an untrusted certificate is refused (no extra CA, or the wrong one; STARTTLS and implicit TLS): nothing sent, nothing lost', async () => {
    const { data } = await batch('untrusted');
    const ids = (await outbox(data)).map((e) => e.message_id);
    // One data folder: a CA once set cannot be removed (`--ca-file ''` is refused by clap), so no fourth case.
    for (const c of untrustedCases(await makeCA(path.join(root, 'other-ca'))).slice(0, 3)) {
      const set = await smtpSet(data, { ...starttls(), ...c });
      assert.equal(set.code, 0, said(set));
      assert.equal(set.json.ca_pem === '', c.caFile === undefined, 'the extra CA as asked');
      const refused = await afterword(data, ['outbox', 'send', '--now', '--password-stdin'], { json: true, input: TEST_PASSWORD });
      assert.equal(refused.code, 1, said(refused));
      assert.match(refused.stderr, /certificate/, said(refused));
      assert.equal(refused.json.run.progress.sent, 0);
      const entries = await outbox(data);
      assert.ok(entries.every((e) => e.state === 'queued' || e.state === 'deferred'), `still waiting: ${JSON.stringify(entries)}`);
      const test = await afterword(data, ['smtp', 'test', '--password-stdin'], { json: true, input: TEST_PASSWORD });
      assert.equal(test.code, 1, said(test));
      assert.deepEqual(test.json.steps.slice(3).map((s) => s.status), ['skipped', 'skipped'], 'no sign-in over an untrusted connection');
    }
    // With the right CA, everything goes, once: none went over the untrusted connections.
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const sent = await afterword(data, ['outbox', 'send', '--now', '--password-stdin'], { input: TEST_PASSWORD });
    assert.equal(sent.code, 0, said(sent));
    await delivered(ids);
  });

  // lettre reports rustls's certificate errors as I/O errors: they must still read as TLS
  // problems that need attention, not as a server that is down.
  test('an untrusted certificate is named as such: "not trusted", the TLS step, the run needs attention, all still queued', async () => {
      for (const c of untrustedCases(await makeCA(path.join(root, 'other-ca')))) {
        const { data } = await batch('untrusted-words');
        assert.equal((await smtpSet(data, { ...starttls(), ...c })).code, 0);
        const refused = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
        assert.equal(refused.code, 1, said(refused));
        assert.match(refused.stderr, /certificate is not trusted: it was issued by an authority this computer does not trust/, said(refused));
        assert.match(refused.stderr, /add its CA certificate/);
        assert.equal(refused.json.run.end.kind, 'needs_attention', said(refused));
        assertAll(await outbox(data), 'queued', `after the refused certificate (${JSON.stringify(c)})`);
        const test = await afterword(data, ['smtp', 'test', '--password-stdin'], { json: true, input: TEST_PASSWORD });
        assert.deepEqual(test.json.steps.map((s) => s.status), ['ok', 'ok', 'failed', 'skipped', 'skipped'], JSON.stringify(test.json));
        assert.match(test.json.steps[2].detail, /not trusted/);
      }
    });

  test('--security none to a host that is not this machine is refused at smtp set', async () => {
    const { data } = await batch('plaintext');
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const before = (await ok(data, ['smtp', 'show'], { json: true })).json;
    for (const host of ['smtp.corp.example', '192.0.2.10']) {
      const refused = await smtpSet(data, { host, port: 25, security: 'none' });
      assert.equal(refused.code, 1, said(refused));
      const error = JSON.parse(refused.stderr);
      assert.equal(error.code, 'invalid');
      assert.match(error.message, new RegExp(`only allowed to a relay on this machine \\(localhost\\), not to ${host.replace(/\./g, '\\.')}`));
      assert.match(error.message, /Choose STARTTLS or TLS/);
    }
    assert.deepEqual((await ok(data, ['smtp', 'show'], { json: true })).json, before, 'nothing changed');
    // Loopback is allowed when chosen explicitly.
    assert.equal((await smtpSet(data, { host: '127.0.0.1', port: 2525, security: 'none', username: '' })).code, 0);
  });

  test('a recipient the relay rejects (550): that message failed with the server\'s reason, the others sent', async () => {
    const people = [...PEOPLE.slice(0, 2), { ...PEOPLE[2], name: 'Gone Vendor', email: GONE }];
    const { data } = await batch('rejected', people);
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const result = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(result.code, 1, said(result));
    assert.equal(result.json.run.progress.sent, 2);
    assert.equal(result.json.run.progress.failed, 1);
    assert.equal(result.json.run.end.kind, 'finished', 'a rejected recipient does not stop the batch');
    const entries = await outbox(data);
    const gone = entries.find((e) => e.recipient === GONE);
    assert.equal(gone.state, 'failed');
    assert.match(gone.last_reply, /The server refused the recipient gone@vendor\.example: 550 5\.1\.1 .*No such user here/);
    assert.equal(gone.attempts, 1);
    const others = entries.filter((e) => e.recipient !== GONE);
    assertAll(others, 'sent', 'the others');
    await delivered(others.map((e) => e.message_id));
    assert.equal(await deliveredCount([gone.message_id]), 0);
    // The text output counts it.
    const text = await afterword(data, ['outbox', 'status']);
    assert.match(text.stdout, /Failed .*gone@vendor\.example .*550 5\.1\.1/);
  });

  // Last: Dovecot delays sign-ins from an address after a failure (2 s, then 4 s), until one succeeds.
  test('a wrong password: "refused the user name or password"; then the right one sends each message once', async () => {
    const { data } = await batch('wrong-password');
    assert.equal((await smtpSet(data, starttls())).code, 0);
    const refused = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: 'wrong-pä55wörd' });
    assert.equal(refused.code, 1, said(refused));
    assert.match(refused.stderr, /refused the user name or password for analyst@afterword\.test \(535 /, said(refused));
    assert.match(refused.stderr, /Check them in Settings/);
    assert.equal(refused.json.run.progress.sent, 0);
    assert.equal(refused.json.run.end.kind, 'needs_attention');
    const entries = await outbox(data);
    assertAll(entries, 'queued', 'after the refused password');
    assert.deepEqual(entries.map((e) => e.attempts), [0, 0, 0], 'a refused sign-in is not an attempt of any message');
    const test = await afterword(data, ['smtp', 'test', '--password-stdin'], { json: true, input: 'wrong' });
    assert.equal(test.code, 1, said(test));
    assert.deepEqual(test.json.steps.map((s) => s.status), ['ok', 'ok', 'ok', 'failed', 'skipped']);
    assert.match(test.json.steps[3].detail, /refused the user name or password/);
    // The right password: all three go, each exactly once (none went with the wrong one).
    const sent = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(sent.code, 0, said(sent));
    await delivered(entries.map((e) => e.message_id));
  });
});
