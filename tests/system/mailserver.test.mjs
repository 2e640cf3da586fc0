// Self-test of the mail server harness: a real client (Python's smtplib) against the private
// Postfix relay, smtp-sink's fault modes and the throwaway keyring.
// Run: dbus-run-session -- node --test tests/system/

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeCA, startKeyring, startRelay, startSink } from './mailserver.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-mail-'));
after(() => rmSync(root, { recursive: true, force: true }));
const scratch = (name) => mkdtempSync(path.join(root, `${name}-`));

// One Python client for every test: reads a JSON job on stdin, runs each SMTP step and prints a
// JSON log of the replies. AUTH is sent by hand: smtplib encodes credentials as ASCII and cannot
// send a password such as "pä55wörd✓".
const CLIENT = String.raw`
import base64, json, smtplib, ssl, sys, time
job = json.load(sys.stdin)
log = {'steps': []}
def b64(data): return base64.b64encode(data).decode()
def record(name, call):
    started = time.monotonic()
    entry = {'step': name}
    try:
        code, text = call()
        entry.update(code=code, text=text.decode('utf-8', 'replace') if isinstance(text, bytes) else str(text))
    except smtplib.SMTPServerDisconnected as e:
        entry.update(disconnected=True, text=str(e))
    except smtplib.SMTPResponseException as e:
        entry.update(code=e.smtp_code, text=e.smtp_error.decode('utf-8', 'replace'))
    entry['seconds'] = time.monotonic() - started
    log['steps'].append(entry)
    return entry.get('code', 999) < 400
def context():
    return ssl.create_default_context(cafile=job['cafile'])
try:
    if job['mode'] == 'implicit':
        s = smtplib.SMTP_SSL(job['host'], job['port'], context=context(), timeout=20)
    else:
        s = smtplib.SMTP(job['host'], job['port'], timeout=20)
    s.ehlo('client.afterword.test')
    log['ehlo'] = s.ehlo_resp.decode()
    for command in job.get('commands', []):
        record(command, lambda: s.docmd(command))
    if job.get('before_tls_mail'):
        record('mail-before-tls', lambda: s.mail(job['from']))
        s.rset()
    if job['mode'] == 'starttls':
        record('starttls', lambda: s.starttls(context=context()))
        s.ehlo('client.afterword.test')
        log['ehlo_tls'] = s.ehlo_resp.decode()
    ok = True
    if 'user' in job:
        user, password = job['user'].encode(), job['password'].encode()
        if job.get('mechanism', 'PLAIN') == 'PLAIN':
            ok = record('auth', lambda: s.docmd('AUTH', 'PLAIN ' + b64(b'\0' + user + b'\0' + password)))
        else:
            ok = record('auth-login', lambda: s.docmd('AUTH', 'LOGIN')) and \
                 record('auth-user', lambda: s.docmd(b64(user))) and \
                 record('auth', lambda: s.docmd(b64(password)))
    if ok and 'message' in job:
        ok = record('mail', lambda: s.mail(job['from']))
        for rcpt in job['to']:
            ok = record('rcpt:' + rcpt, lambda: s.rcpt(rcpt)) and ok
        if any(e.get('code') == 250 for e in log['steps'] if e['step'].startswith('rcpt:')):
            def data():
                s.putcmd('data')
                return s.getreply()
            if record('data', data):
                body = smtplib._quote_periods(smtplib._fix_eols(job['message']).encode())
                if not body.endswith(b'\r\n'):
                    body += b'\r\n'
                def dot():
                    s.send(body + b'.\r\n')
                    return s.getreply()
                record('dot', dot)
    try:
        s.quit()
    except Exception:
        pass
except Exception as e:
    log['error'] = type(e).__name__
    log['reason'] = str(e)
print(json.dumps(log))
`;

function smtp(job) {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', CLIENT], { encoding: 'utf8', timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin.end(JSON.stringify({ host: '127.0.0.1', from: 'sam@corp.example', ...job }));
  });
}
const step = (log, name) => log.steps.find((s) => s.step === name) ?? assert.fail(`no step ${name} in ${JSON.stringify(log)}`);

// Builds a multipart/alternative message with Python's email package and parses a delivered one
// back, so the assertions look at decoded headers and both parts.
function python(code, input) {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', code], { encoding: 'utf8' }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout)));
    child.stdin.end(JSON.stringify(input));
  });
}
const buildMessage = (input) => python(String.raw`
import json, sys
from email.message import EmailMessage
from email.utils import make_msgid
a = json.load(sys.stdin)
m = EmailMessage()
m['From'] = 'Sam Analyst <sam@corp.example>'
m['To'] = a['to']
m['Subject'] = a['subject']
m['Message-ID'] = a['id']
m.set_content(a['text'])
m.add_alternative(a['html'], subtype='html')
print(json.dumps(m.as_string()))
`, input);
const parseMessage = (raw) => python(String.raw`
import json, sys
from email import message_from_string, policy
m = message_from_string(json.load(sys.stdin), policy=policy.default)
print(json.dumps({
  'subject': str(m['Subject']), 'to': str(m['To']), 'messageId': str(m['Message-ID']),
  'type': m.get_content_type(), 'received': [str(r) for r in m.get_all('Received', [])],
  'parts': [{'type': p.get_content_type(), 'content': p.get_content()} for p in m.iter_parts()],
}))
`, raw);

describe('relay: private Postfix + Dovecot', () => {
  let relay;
  before(async () => {
    relay = await startRelay({ dir: scratch('relay') });
  });
  after(async () => {
    await relay?.stop();
  });

  test('STARTTLS with the test CA, AUTH PLAIN with a non-ASCII password, multipart message delivered to the Maildir', async () => {
    const message = await buildMessage({
      to: 'Jürgen Größe <juergen@vendor.example>, tom@corp.example',
      subject: 'Danke schön — thank you ✓',
      id: '<afterword-1@corp.example>',
      text: 'Thank you, Jürgen, for the firewall exports.\n',
      html: '<p>Thank you, <b>Jürgen</b>, for the firewall exports.</p>\n',
    });
    const log = await smtp({ mode: 'starttls', port: relay.submissionPort, cafile: relay.caFile, user: relay.username,
      password: relay.password, to: ['juergen@vendor.example', 'tom@corp.example'], message });
    assert.equal(log.error, undefined, JSON.stringify(log));
    assert.equal(step(log, 'starttls').code, 220);
    assert.equal(step(log, 'auth').code, 235, JSON.stringify(log));
    assert.equal(step(log, 'dot').code, 250, JSON.stringify(log));

    const delivered = await relay.waitForMessages(2); // one copy per recipient
    assert.equal(delivered.length, 2);
    assert.match(delivered[0], /^Delivered-To: (juergen@vendor\.example|tom@corp\.example)$/m);
    const parsed = await parseMessage(delivered[0]);
    assert.equal(parsed.subject, 'Danke schön — thank you ✓');
    assert.equal(parsed.to, 'Jürgen Größe <juergen@vendor.example>, tom@corp.example');
    assert.equal(parsed.messageId, '<afterword-1@corp.example>');
    assert.equal(parsed.type, 'multipart/alternative');
    assert.deepEqual(parsed.parts.map((p) => p.type), ['text/plain', 'text/html']);
    assert.equal(parsed.parts[0].content, 'Thank you, Jürgen, for the firewall exports.\n');
    assert.equal(parsed.parts[1].content, '<p>Thank you, <b>Jürgen</b>, for the firewall exports.</p>\n');
    assert.match(parsed.received[0], /with ESMTPSA/, 'Postfix records TLS + AUTH');
  });

  test('AUTH LOGIN over implicit TLS (smtps port); messages() keeps delivery order', async () => {
    const before = (await relay.messages()).length;
    for (const n of [1, 2]) {
      const log = await smtp({ mode: 'implicit', port: relay.smtpsPort, cafile: relay.caFile, user: relay.username,
        password: relay.password, mechanism: 'LOGIN', to: ['vera@vendor.example'],
        message: `From: sam@corp.example\r\nTo: vera@vendor.example\r\nSubject: order ${n}\r\n\r\nbody ${n}\r\n` });
      assert.equal(step(log, 'auth').code, 235, JSON.stringify(log));
      assert.equal(step(log, 'dot').code, 250, JSON.stringify(log));
      await relay.waitForMessages(before + n);
    }
    const all = await relay.messages();
    assert.match(all[before], /^Subject: order 1$/m);
    assert.match(all[before + 1], /^Subject: order 2$/m);
  });

  test('a wrong password is refused with 535 and nothing is relayed', async () => {
    const count = (await relay.messages()).length;
    for (const mechanism of ['PLAIN', 'LOGIN']) {
      const log = await smtp({ mode: 'starttls', port: relay.submissionPort, cafile: relay.caFile, user: relay.username,
        password: 'pa55word', mechanism, to: ['x@example.org'], message: 'Subject: no\r\n\r\nno\r\n' });
      assert.equal(step(log, 'auth').code, 535, JSON.stringify(log));
      assert.ok(!log.steps.some((s) => s.step === 'dot'));
    }
    // Without AUTH, relaying is refused.
    const anonymous = await smtp({ mode: 'starttls', port: relay.submissionPort, cafile: relay.caFile,
      to: ['x@example.org'], message: 'Subject: no\r\n\r\nno\r\n' });
    assert.equal(step(anonymous, 'rcpt:x@example.org').code, 554, JSON.stringify(anonymous));
    assert.equal((await relay.messages()).length, count);
  });

  test('before STARTTLS: STARTTLS offered, AUTH not offered, MAIL refused', async () => {
    const log = await smtp({ mode: 'starttls', port: relay.submissionPort, cafile: relay.caFile, before_tls_mail: true });
    assert.match(log.ehlo, /^STARTTLS$/m);
    assert.doesNotMatch(log.ehlo, /AUTH/);
    assert.equal(step(log, 'mail-before-tls').code, 530, JSON.stringify(log));
    assert.match(log.ehlo_tls, /^AUTH PLAIN LOGIN$/m);
    assert.doesNotMatch(log.ehlo_tls, /STARTTLS/);
  });
});

test('relay: untrusted certificate fails verification; two relays run side by side; stop() leaves nothing', async () => {
  const pki = await makeCA(scratch('pki'));
  const [trusted, untrusted] = await Promise.all([
    startRelay({ dir: scratch('relay-a') }),
    startRelay({ dir: scratch('relay-b'), cert: { certFile: pki.untrustedCertFile, keyFile: pki.untrustedKeyFile } }),
  ]);
  try {
    assert.notEqual(trusted.submissionPort, untrusted.submissionPort);
    for (const [mode, port] of [['starttls', untrusted.submissionPort], ['implicit', untrusted.smtpsPort]]) {
      const log = await smtp({ mode, port, cafile: untrusted.caFile, user: untrusted.username, password: untrusted.password,
        to: ['x@example.org'], message: 'Subject: no\r\n\r\nno\r\n' });
      assert.equal(log.error, 'SSLCertVerificationError', JSON.stringify(log));
      assert.match(log.reason, /self.signed certificate/);
    }
    const log = await smtp({ mode: 'starttls', port: trusted.submissionPort, cafile: trusted.caFile, user: trusted.username,
      password: trusted.password, to: ['a@example.org'], message: 'Subject: to A\r\n\r\nA\r\n' });
    assert.equal(step(log, 'dot').code, 250, JSON.stringify(log));
    assert.match((await trusted.waitForMessages(1))[0], /^Subject: to A$/m);
    assert.deepEqual(await untrusted.messages(), []);
  } finally {
    await Promise.all([trusted.stop(), untrusted.stop()]);
  }
  assert.deepEqual(trusted.processes(), []);
  assert.deepEqual(untrusted.processes(), []);
  const log = await smtp({ mode: 'none', port: trusted.submissionPort });
  assert.equal(log.error, 'ConnectionRefusedError', 'the port is closed after stop()');
});

test('relay: plaintext mode (tls none) and a per-recipient reject', async () => {
  const relay = await startRelay({ dir: scratch('relay-plain'), tls: 'none',
    rejectRecipients: { 'gone@example.org': '550 5.1.1 No such user', 'busy@example.org': '450 4.2.1 Try later' } });
  try {
    assert.equal(relay.smtpsPort, null);
    assert.equal(relay.port, relay.submissionPort);
    const log = await smtp({ mode: 'none', port: relay.port, user: relay.username, password: relay.password,
      to: ['gone@example.org', 'busy@example.org', 'here@example.org'], message: 'Subject: plain\r\n\r\nplain\r\n' });
    assert.doesNotMatch(log.ehlo, /STARTTLS/);
    assert.match(log.ehlo, /^AUTH PLAIN LOGIN$/m);
    assert.equal(step(log, 'auth').code, 235);
    assert.equal(step(log, 'rcpt:gone@example.org').code, 550);
    assert.match(step(log, 'rcpt:gone@example.org').text, /No such user/);
    assert.equal(step(log, 'rcpt:busy@example.org').code, 450);
    assert.equal(step(log, 'rcpt:here@example.org').code, 250);
    assert.equal(step(log, 'dot').code, 250);
    const [message] = await relay.waitForMessages(1);
    assert.match(message, /^Delivered-To: here@example\.org$/m);
    assert.match(message, /with ESMTPA /, 'authenticated, no TLS');
  } finally {
    await relay.stop();
  }
});

describe('smtp-sink', () => {
  const send = (sink, to = ['x@example.org']) =>
    smtp({ mode: 'none', port: sink.port, to, message: 'From: sam@corp.example\r\nSubject: sink test\r\n\r\nhello sink\r\n' });

  test('takes and dumps a message; offers no STARTTLS and refuses the command; restart() keeps the port', async () => {
    const sink = await startSink({ dir: scratch('sink') });
    try {
      const log = await send(sink);
      assert.equal(step(log, 'dot').code, 250);
      const [dumped] = await sink.waitForMessages(1);
      assert.match(dumped, /^X-Rcpt-Args: <x@example\.org>$/m);
      assert.match(dumped, /^Subject: sink test$/m);
      assert.match(dumped, /^hello sink$/m);
      assert.equal(sink.received(), 1);
      assert.doesNotMatch(log.ehlo, /STARTTLS/);
      const tls = await smtp({ mode: 'none', port: sink.port, commands: ['STARTTLS'] });
      assert.equal(step(tls, 'STARTTLS').code, 500, JSON.stringify(tls));

      await sink.stop();
      assert.equal((await send(sink)).error, 'ConnectionRefusedError');
      await sink.restart();
      assert.equal(step(await send(sink), 'dot').code, 250);
      await sink.waitForMessages(2);
    } finally {
      await sink.stop();
    }
  });

  // [flags, expected step, expected reply code (or 'disconnected'), dumped?]
  const faults = [
    [['-r', 'RCPT'], 'rcpt:x@example.org', 450, false],
    [['-r', 'DATA'], 'data', 450, false],
    [['-r', '.'], 'dot', 450, true],
    [['-f', 'RCPT'], 'rcpt:x@example.org', 500, false],
    [['-f', '.'], 'dot', 500, true],
    [['-q', '.'], 'dot', 'disconnected', true],
    [['-Q', '.'], 'dot', 421, true],
    [['-A', '0'], 'dot', 550, false],
  ];
  for (const [args, where, expected, dumped] of faults) {
    test(`${args.join(' ')}: ${expected} at ${where}`, async () => {
      const sink = await startSink({ dir: scratch('sink-fault'), args });
      try {
        const log = await send(sink);
        const reply = step(log, where);
        if (expected === 'disconnected') assert.equal(reply.disconnected, true, JSON.stringify(log));
        else assert.equal(reply.code, expected, JSON.stringify(log));
        if (dumped) await sink.waitForMessages(1);
        else assert.equal(sink.received(), 0);
      } finally {
        await sink.stop();
      }
    });
  }

  test('-w / -W: slow reply to DATA and after the body', async () => {
    for (const [args, where] of [[['-w', '1'], 'data'], [['-W', '.:1'], 'dot']]) {
      const sink = await startSink({ dir: scratch('sink-slow'), args });
      try {
        const log = await send(sink);
        assert.ok(step(log, where).seconds >= 0.9, JSON.stringify(log));
        assert.equal(step(log, 'dot').code, 250);
        assert.ok(log.steps.filter((s) => s.step !== where).every((s) => s.seconds < 0.9), JSON.stringify(log));
      } finally {
        await sink.stop();
      }
    }
  });
});

test('keyring: secret-tool round trip in a throwaway gnome-keyring', async () => {
  const keyring = await startKeyring({ dir: scratch('keyring') });
  const env = { ...process.env, ...keyring.env };
  const tool = (args, input) => new Promise((resolve, reject) => {
    const child = execFile('secret-tool', args, { env, encoding: 'utf8' }, (error, stdout) => (error ? reject(error) : resolve(stdout)));
    child.stdin.on('error', () => {}); // secret-tool lookup does not read stdin
    child.stdin.end(input ?? '');
  });
  try {
    await tool(['store', '--label=Afterword SMTP', 'service', 'afterword-smtp', 'user', 'analyst'], 'pä55wörd✓');
    assert.equal(await tool(['lookup', 'service', 'afterword-smtp', 'user', 'analyst']), 'pä55wörd✓');
    await assert.rejects(tool(['lookup', 'service', 'afterword-smtp', 'user', 'nobody']));
    assert.ok(existsSync(path.join(keyring.env.XDG_DATA_HOME, 'keyrings')), 'keyrings live under the temporary XDG_DATA_HOME');
  } finally {
    await keyring.stop();
  }
});
