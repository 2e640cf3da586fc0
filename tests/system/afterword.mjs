// The `afterword` CLI for the system tests: run it (`afterword`), give it an incident whose
// thank-you messages are approved and queued (`setUpBatch`), point it at a server (`useServer`),
// read the outbox back (`outbox`), and parse delivered mail with Python's email package
// (`parseMail`). Build the CLI first: `cargo build -p afterword-cli` (or set AFTERWORD_CLI).

import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cliBinary = process.env.AFTERWORD_CLI || path.join(repo, 'target/debug/afterword');
if (!existsSync(cliBinary)) {
  throw new Error(`The afterword CLI is not built at ${cliBinary}: run cargo build -p afterword-cli (or set AFTERWORD_CLI)`);
}

/**
 * Runs the CLI over `data` (its --data-dir) and resolves with {code, signal, stdout, stderr,
 * json} (json: stdout parsed when `json` is set and it parses). Never rejects on a non-zero exit:
 * the tests look at the code. `input` goes to standard input (closed otherwise); `env` is merged
 * into this process's environment; the run is killed and the promise rejected after `timeoutMs`.
 */
export function afterword(data, args, { json = false, input, env, timeoutMs = 60000 } = {}) {
  const argv = ['--data-dir', data, ...(json ? ['--json'] : []), ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(cliBinary, argv, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`afterword ${argv.join(' ')} did not end within ${timeoutMs} ms\n${stderr}${stdout}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      let parsed;
      if (json) {
        try {
          parsed = JSON.parse(stdout);
        } catch {
          parsed = undefined;
        }
      }
      resolve({ code, signal, stdout, stderr, json: parsed, command: `afterword ${argv.join(' ')}` });
    });
    child.stdin.on('error', () => {}); // It may exit before reading.
    child.stdin.end(input ?? '');
  });
}

/** Like `afterword`, but fails the test unless the command exits with 0; returns the result. */
export async function ok(data, args, options) {
  const result = await afterword(data, args, options);
  assert.equal(result.code, 0, `${result.command} exited with ${result.code ?? result.signal}:\n${result.stderr}${result.stdout}`);
  return result;
}

/** Explains a result in an assertion message. */
export const said = (result) => `${result.command} → exit ${result.code ?? result.signal}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`;

export const SENDER = { name: 'Søren Analyst', email: 'sam@corp.example' };

/** Three contributors: one with a UTF-8 name, one colleague, one outside the organisation. */
export const PEOPLE = [
  { name: 'Zoë Ångström', email: 'zoe@corp.example', organisation: 'Corp', audience: 'end_user',
    what: 'reported the fake invoice', impact: 'we found and removed 14 more copies' },
  { name: 'Tom Ortega', email: 'tom@corp.example', organisation: 'Corp', audience: 'it_operations',
    what: 'pulled the mail gateway logs', impact: 'showed that nobody else opened it' },
  { name: 'Vera Vendor', email: 'vera@vendor.example', organisation: 'Vendor Ltd', audience: 'third_party',
    what: 'sent the firewall exports', impact: 'confirmed no data left the network' },
];

/**
 * A fresh data folder under `dir` with the sender identity, one incident with `people` as
 * contributors and an outcome, its messages generated, approved and queued. Returns
 * {data, reference, queued}.
 */
export async function setUpBatch(dir, people = PEOPLE) {
  const data = path.join(dir, 'data');
  mkdirSync(data, { recursive: true });
  await ok(data, ['settings', 'set', 'sender.name', SENDER.name]);
  await ok(data, ['settings', 'set', 'sender.email', SENDER.email]);
  await ok(data, ['settings', 'set', 'organisation', 'Corp']);
  for (const p of people) {
    await ok(data, ['person', 'add', '--name', p.name, '--email', p.email, '--organisation', p.organisation, '--audience', p.audience]);
  }
  const incident = (await ok(data, ['incident', 'add', '--title', 'Fake invoice mail', '--kind', 'phishing_report', '--tlp', 'amber'], { json: true })).json;
  for (const p of people) {
    await ok(data, ['contribution', 'add', '--incident', incident.reference, '--person', p.email, '--what', p.what, '--impact', p.impact]);
  }
  await ok(data, ['outcome', 'add', '--incident', incident.reference, '--tlp', 'clear', '--heading', 'What happened',
    'A fake invoice reached 15 people. We removed every copy and blocked the sender.']);
  await ok(data, ['messages', 'generate', '--incident', incident.reference]);
  await ok(data, ['messages', 'approve', '--incident', incident.reference, '--acknowledge-findings']);
  const queued = (await ok(data, ['outbox', 'queue', '--incident', incident.reference], { json: true })).json;
  assert.equal(queued.queued, people.length, `queued: ${JSON.stringify(queued)}`);
  return { data, reference: incident.reference, queued };
}

/** `afterword smtp set` with `settings` ({host, port, security, username, caFile, ...}); options
 *  as for `afterword` (`input` for --password-stdin). Returns the result, whatever the exit. */
export function smtpSet(data, settings, options = {}) {
  const args = ['smtp', 'set', '--host', settings.host];
  const flags = { port: '--port', security: '--security', username: '--username', caFile: '--ca-file', replyTo: '--reply-to',
    copySelf: '--copy-self', rate: '--rate', connectTimeout: '--connect-timeout', commandTimeout: '--command-timeout' };
  for (const [key, flag] of Object.entries(flags)) {
    if (settings[key] !== undefined) args.push(flag, String(settings[key]));
  }
  if (options.input !== undefined) args.push('--password-stdin');
  return afterword(data, args, { json: true, ...options });
}

/** The outbox (`outbox status --json`): one entry per message. */
export async function outbox(data, options) {
  return (await ok(data, ['outbox', 'status'], { json: true, ...options })).json;
}

/** {state: count} of the outbox. */
export async function states(data) {
  const counts = {};
  for (const e of await outbox(data)) counts[e.state] = (counts[e.state] ?? 0) + 1;
  return counts;
}

/** Parses RFC 5322 messages with Python's email package (policy.default, so headers come back
 *  decoded): [{from, to, subject, date, messageId, type, parts: [{type, charset, content}]}]. */
export function parseMail(raws) {
  const code = String.raw`
import json, sys
from email import message_from_bytes, policy
out = []
for raw in json.load(sys.stdin):
    m = message_from_bytes(raw.encode('utf-8', 'surrogateescape'), policy=policy.default)
    def h(name):
        v = m[name]
        return None if v is None else str(v)
    parts = []
    for p in (m.walk() if m.is_multipart() else [m]):
        if p.is_multipart():
            continue
        parts.append({'type': p.get_content_type(), 'charset': p.get_content_charset(), 'content': p.get_content()})
    out.append({'from': h('From'), 'to': h('To'), 'cc': h('Cc'), 'replyTo': h('Reply-To'), 'subject': h('Subject'),
        'date': h('Date'), 'messageId': h('Message-ID'), 'type': m.get_content_type(),
        'fromAddresses': [[a.display_name, a.addr_spec] for a in m['From'].addresses] if m['From'] else [],
        'toAddresses': [[a.display_name, a.addr_spec] for a in m['To'].addresses] if m['To'] else [],
        'defects': [type(d).__name__ for d in m.defects], 'parts': parts})
print(json.dumps(out))
`;
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', code], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)));
    child.stdin.end(JSON.stringify(raws));
  });
}

/** The Message-ID of a raw message (without <>), or null. */
export function messageIdOf(raw) {
  const header = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const match = /^Message-ID:\s*<([^>]+)>/im.exec(header);
  return match ? match[1] : null;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `target` that keeps every byte the client sent, to prove
 * what crossed the wire in clear. {port, clientBytes(), connections(), stop()}.
 */
export async function recordingProxy(targetPort) {
  const chunks = [];
  let connections = 0;
  const sockets = new Set();
  const server = net.createServer((client) => {
    connections += 1;
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client);
    sockets.add(upstream);
    client.on('data', (d) => chunks.push(d));
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    clientBytes: () => Buffer.concat(chunks).toString('latin1'),
    connections: () => connections,
    stop: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(resolve);
    }),
  };
}

/** Polls `check` every 50 ms until it is truthy or `timeoutMs` passes (then throws `what`). */
export async function waitFor(what, check, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
