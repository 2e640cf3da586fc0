// Faults and bad input, with the `afterword` CLI against Postfix's smtp-sink (fault injection)
// and small servers of our own: a server without STARTTLS, soft rejects, a connection dropped
// after the body, a server that is down then comes up, slow replies; a host that does not
// resolve, a closed port, a server that speaks no SMTP, a CA file that is not PEM.
// Run as root: dbus-run-session --config-file=tests/e2e/session-bus.conf -- node --test tests/system/

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { afterword, messageIdOf, ok, outbox, PEOPLE, recordingProxy, said, setUpBatch, smtpSet } from './afterword.mjs';
import { freePort, makeCA, startSink, TEST_PASSWORD, TEST_USER } from './mailserver.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-faults-'));
after(() => rmSync(root, { recursive: true, force: true }));
const scratch = (name) => mkdtempSync(path.join(root, `${name}-`));

/** Plaintext to smtp-sink on loopback (it has no TLS), no sign-in. */
const plain = (port, extra = {}) => ({ host: '127.0.0.1', port, security: 'none', username: '', ...extra });

/** {Message-ID: how many times the sink received it}. */
function receivedIds(sink) {
  const counts = {};
  for (const raw of sink.messages()) {
    const id = messageIdOf(raw);
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

const byRecipient = (entries) => Object.fromEntries(entries.map((e) => [e.recipient, e]));

/** A sink that is stopped when the test ends, whatever happens. */
async function sinkFor(t, options) {
  const sink = await startSink(options);
  t.after(() => sink.stop());
  return sink;
}

describe('faults, against smtp-sink', () => {
  test('a server that does not offer STARTTLS is refused: no fall-back to plaintext, no sign-in and no message in clear', async (t) => {
    const { data } = await setUpBatch(scratch('no-starttls'));
    const sink = await sinkFor(t, { dir: scratch('sink') });
    const proxy = await recordingProxy(sink.port);
    t.after(() => proxy.stop());
    const set = await smtpSet(data, { host: '127.0.0.1', port: proxy.port, security: 'starttls', username: TEST_USER });
    assert.equal(set.code, 0, said(set));
    const refused = await afterword(data, ['outbox', 'send', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(refused.code, 1, said(refused));
    assert.match(refused.stderr, new RegExp(`The server at 127\\.0\\.0\\.1:${proxy.port} does not offer STARTTLS`), said(refused));
    assert.match(refused.stderr, /does not fall back/);
    assert.equal(refused.json.run.end.kind, 'needs_attention');
    const entries = await outbox(data);
    assert.deepEqual(entries.map((e) => [e.state, e.attempts]), [['queued', 0], ['queued', 0], ['queued', 0]]);
    const test = await afterword(data, ['smtp', 'test', '--password-stdin'], { json: true, input: TEST_PASSWORD });
    assert.equal(test.code, 1, said(test));
    assert.deepEqual(test.json.steps.map((s) => s.status), ['ok', 'ok', 'failed', 'skipped', 'skipped']);
    assert.match(test.json.steps[2].detail, /does not offer STARTTLS/);
    // What crossed the wire: a greeting exchange, then nothing more.
    assert.equal(proxy.connections(), 2);
    const wire = proxy.clientBytes();
    assert.match(wire, /^EHLO /m, 'the client did talk to it');
    for (const never of [/AUTH/i, /MAIL FROM/i, /RCPT TO/i, /^DATA/im, new RegExp(Buffer.from(`\0${TEST_USER}\0${TEST_PASSWORD}`).toString('base64'))]) {
      assert.doesNotMatch(wire, never, `sent in clear: ${wire}`);
    }
    assert.ok(!wire.includes(Buffer.from(TEST_PASSWORD).toString('latin1')), 'the password in clear');
    assert.equal(sink.received(), 0, 'no message reached the server');
  });

  test('soft reject (450 to every RCPT): deferred with the reply and a next attempt; sent once the fault clears', async (t) => {
    const { data } = await setUpBatch(scratch('soft'));
    const dir = scratch('sink');
    const faulty = await startSink({ dir, args: ['-r', 'RCPT'] });
    t.after(() => faulty.stop());
    assert.equal((await smtpSet(data, plain(faulty.port))).code, 0);
    const started = Date.now();
    const deferred = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(deferred.code, 1, said(deferred));
    assert.deepEqual(deferred.json.run.progress, { total: 3, done: 3, sent: 0, deferred: 3, failed: 0, uncertain: 0, current: null });
    assert.equal(deferred.json.run.end.kind, 'finished', 'a 4xx for one message does not stop the batch');
    for (const e of await outbox(data)) {
      assert.equal(e.state, 'deferred');
      assert.equal(e.attempts, 1);
      assert.match(e.last_reply, /^450 4\.3\.0 /, 'the server\'s reply is kept');
      const next = Date.parse(e.next_attempt_at);
      assert.ok(next >= started + 55e3 && next <= Date.now() + 65e3, `the first retry about a minute later: ${e.next_attempt_at}`);
    }
    assert.equal(faulty.received(), 0);
    // Not due yet: a plain run sends nothing and keeps them deferred.
    const early = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(early.code, 1, said(early));
    assert.equal(early.json.run.progress.total, 0);
    assert.equal(early.json.outbox.deferred, 3);
    assert.ok(early.json.run.next_due_at, 'the next attempt time is reported');
    // The fault clears (same port): "send now" sends all three, once each.
    await faulty.stop();
    const sink = await sinkFor(t, { dir, port: faulty.port });
    const sent = await afterword(data, ['outbox', 'send', '--now'], { json: true });
    assert.equal(sent.code, 0, said(sent));
    assert.equal(sent.json.run.progress.sent, 3);
    const entries = await outbox(data);
    assert.deepEqual(entries.map((e) => [e.state, e.attempts, e.next_attempt_at]), entries.map(() => ['sent', 2, null]));
    await sink.waitForMessages(3);
    assert.deepEqual(receivedIds(sink), Object.fromEntries(entries.map((e) => [e.message_id, 1])));
  });

  test('the connection drops after the body (-q .): uncertain, never resent silently; resolve resend → sent, resolve sent → sent', async (t) => {
    const { data } = await setUpBatch(scratch('dropped'));
    const dir = scratch('sink');
    const faulty = await startSink({ dir, args: ['-q', '.'] });
    t.after(() => faulty.stop());
    assert.equal((await smtpSet(data, plain(faulty.port))).code, 0);
    const result = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(result.code, 1, said(result));
    assert.equal(result.json.run.progress.uncertain, 3, said(result));
    let entries = await outbox(data);
    for (const e of entries) {
      assert.equal(e.state, 'uncertain');
      assert.match(e.last_reply, /The connection broke after the message was handed over, before the server confirmed it .*It may have been delivered/);
    }
    await faulty.waitForMessages(3); // smtp-sink keeps a body that arrived in full, as a real server might
    // Another run does not touch them.
    const again = await afterword(data, ['outbox', 'send', '--now'], { json: true });
    assert.equal(again.code, 1);
    assert.equal(again.json.run.progress.total, 0);
    assert.equal(again.json.outbox.uncertain, 3);
    await faulty.stop();
    const sink = await sinkFor(t, { dir, port: faulty.port });

    const people = byRecipient(entries);
    const [resend, markSent, resendByRecipient] = PEOPLE.map((p) => people[p.email]);
    const resolved = await afterword(data, ['outbox', 'resolve', resend.message_id, 'resend'], { json: true });
    assert.equal(resolved.code, 0, said(resolved));
    assert.equal(resolved.json.state, 'queued');
    assert.equal((await afterword(data, ['outbox', 'resolve', `<${markSent.message_id}>`, 'sent'], { json: true })).json.state, 'sent');
    assert.equal((await afterword(data, ['outbox', 'resolve', resendByRecipient.message_id, 'resend'], { json: true })).json.state, 'queued');
    const twice = await afterword(data, ['outbox', 'resolve', markSent.message_id, 'resend']);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /is sent, not uncertain: there is nothing to resolve/);
    const unknown = await afterword(data, ['outbox', 'resolve', 'nope@corp.example', 'sent']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No message 'nope@corp\.example' is in the outbox/);

    const sent = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(sent.code, 0, said(sent));
    assert.equal(sent.json.run.progress.sent, 2);
    entries = byRecipient(await outbox(data));
    assert.deepEqual(Object.values(entries).map((e) => e.state), ['sent', 'sent', 'sent']);
    assert.match(entries[markSent.recipient].last_reply, /Marked as sent by .* after checking that it arrived/);
    assert.equal(entries[resend.recipient].attempts, 2);
    await sink.waitForMessages(5);
    assert.deepEqual(receivedIds(sink), { [resend.message_id]: 2, [markSent.message_id]: 1, [resendByRecipient.message_id]: 2 },
      'the resent ones arrived twice (as the analyst chose), the other once');
  });

  test('server down (nothing listens): the batch waits, exit 1; when it comes up, queued ones go and "send now" sends the deferred one', async (t) => {
    const { data } = await setUpBatch(scratch('down'));
    const port = await freePort();
    assert.equal((await smtpSet(data, plain(port))).code, 0);
    const down = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(down.code, 1, said(down));
    assert.match(down.stderr, new RegExp(`Nothing answers at 127\\.0\\.0\\.1:${port} \\(connection refused\\)\\. Check the port, and that the server is running\\.`), said(down));
    assert.equal(down.json.run.end.kind, 'unreachable');
    assert.equal(down.json.run.progress.sent, 0);
    let entries = await outbox(data);
    const states = entries.map((e) => e.state).sort();
    assert.deepEqual(states, ['deferred', 'queued', 'queued'], 'the run stops at the first connection failure; all wait');
    const first = entries.find((e) => e.state === 'deferred');
    assert.match(first.last_reply, /connection refused/);
    assert.ok(down.json.run.next_due_at);

    const sink = await sinkFor(t, { dir: scratch('sink'), port });
    const up = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(up.code, 1, 'the deferred one is not due yet');
    assert.equal(up.json.run.progress.sent, 2);
    assert.equal(up.json.outbox.deferred, 1);
    const now = await afterword(data, ['outbox', 'send', '--now'], { json: true });
    assert.equal(now.code, 0, said(now));
    entries = await outbox(data);
    assert.deepEqual(entries.map((e) => e.state), ['sent', 'sent', 'sent']);
    assert.equal(entries.find((e) => e.message_id === first.message_id).attempts, 2);
    await sink.waitForMessages(3);
    assert.deepEqual(receivedIds(sink), Object.fromEntries(entries.map((e) => [e.message_id, 1])));
  });

  test('slow replies: 3 s before the reply to the body with the default timeouts, and 2 s with a 1 s command timeout → sent; a slow RCPT beyond the command timeout → deferred', async (t) => {
    const cases = [
      { args: ['-W', '.:3'], settings: {}, state: 'sent', atLeast: 3000 },
      { args: ['-W', '.:2'], settings: { commandTimeout: 1 }, state: 'sent', atLeast: 2000 },
      { args: ['-W', 'RCPT:3'], settings: { commandTimeout: 1 }, state: 'deferred', atLeast: 1000 },
    ];
    for (const c of cases) {
      const { data } = await setUpBatch(scratch('slow'), PEOPLE.slice(0, 1));
      const sink = await sinkFor(t, { dir: scratch('sink'), args: c.args });
      assert.equal((await smtpSet(data, plain(sink.port, c.settings))).code, 0);
      const started = Date.now();
      const result = await afterword(data, ['outbox', 'send'], { json: true });
      const took = Date.now() - started;
      const [entry] = await outbox(data);
      assert.equal(entry.state, c.state, `${JSON.stringify(c)}: ${said(result)}`);
      assert.ok(took >= c.atLeast && took < c.atLeast + 10000, `${JSON.stringify(c)} took ${took} ms`);
      if (c.state === 'sent') {
        assert.equal(result.code, 0);
        await sink.waitForMessages(1);
      } else {
        assert.match(entry.last_reply, /broke before the message was sent/);
        // smtp-sink opens its dump file at MAIL and removes it when the transaction is abandoned.
        assert.deepEqual(sink.messages().map(messageIdOf).filter(Boolean), [], 'no message body reached the sink');
      }
      await sink.stop();
    }
  });
});

describe('bad input: a clear message naming what to fix, and nothing queued is lost', () => {
  /** Sends to `settings`, expects exit 1 with `words` on stderr, and the three messages waiting. */
  async function refusedWith(name, settings, words, step) {
    const { data } = await setUpBatch(scratch(name));
    const set = await smtpSet(data, settings);
    assert.equal(set.code, 0, said(set));
    const result = await afterword(data, ['outbox', 'send'], { json: true });
    assert.equal(result.code, 1, said(result));
    assert.match(result.stderr, words, said(result));
    assert.equal(result.json.run.progress.sent, 0);
    const entries = await outbox(data);
    assert.equal(entries.length, 3);
    assert.ok(entries.every((e) => e.state === 'queued' || e.state === 'deferred'), `all still waiting: ${JSON.stringify(entries)}`);
    const test = await afterword(data, ['smtp', 'test'], { json: true });
    assert.equal(test.code, 1, said(test));
    const failed = test.json.steps.filter((s) => s.status === 'failed');
    assert.deepEqual(failed.map((s) => s.step), [step], JSON.stringify(test.json));
    assert.match(failed[0].detail, words);
    return { data, result, entries };
  }

  test('a host that does not resolve: "could not be found"', async () => {
    await refusedWith('nxdomain', { host: 'nonexistent.invalid', port: 587, security: 'starttls' },
      /The server name nonexistent\.invalid could not be found .*Check the host name, and that this computer is online/, 'lookup');
  });

  test('a closed port: "connection refused"', async () => {
    const port = await freePort();
    await refusedWith('closed', plain(port), /Nothing answers at 127\.0\.0\.1:\d+ \(connection refused\)\. Check the port/, 'connect');
  });

  test('a server that speaks no SMTP (HTTP 400): "does not speak SMTP"', async (t) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request');
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => new Promise((resolve) => server.close(resolve)));
    await refusedWith('http', plain(server.address().port), /does not speak SMTP \(its greeting was not understood\)\. Check the host and port/, 'connect');
  });

  test('a CA file that is not PEM: smtp set names the CA file and changes nothing', async () => {
    const dir = scratch('ca');
    const { data } = await setUpBatch(dir);
    const ca = await makeCA(path.join(dir, 'tls'));
    assert.equal((await smtpSet(data, { host: 'smtp.corp.example', port: 587, security: 'starttls', caFile: ca.caFile })).code, 0);
    const before = (await ok(data, ['smtp', 'show'], { json: true })).json;
    const der = path.join(dir, 'ca.der');
    execFileSync('openssl', ['x509', '-in', ca.caFile, '-outform', 'DER', '-out', der]);
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'our relay uses the corporate CA\n');
    const broken = path.join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n');
    const cases = [
      [der, new RegExp(`The CA file ${der.replace(/[.]/g, '\\.')} cannot be read as text`)],
      [text, /The CA file is not a PEM certificate \(no BEGIN CERTIFICATE line\)\. Use the CA's certificate in PEM form/],
      [broken, /The CA file is not a PEM certificate/],
      [path.join(dir, 'missing.pem'), /The CA file .*missing\.pem cannot be read/],
    ];
    for (const [file, words] of cases) {
      const result = await smtpSet(data, { host: 'smtp.corp.example', port: 587, security: 'starttls', caFile: file });
      assert.equal(result.code, 1, said(result));
      const error = JSON.parse(result.stderr);
      assert.equal(error.code, 'invalid');
      assert.match(error.message, words);
    }
    assert.deepEqual((await ok(data, ['smtp', 'show'], { json: true })).json, before, 'the settings are as they were');
    assert.deepEqual((await outbox(data)).map((e) => e.state), ['queued', 'queued', 'queued']);
  });
});
