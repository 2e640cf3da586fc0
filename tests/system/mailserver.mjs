// Real mail servers on loopback for the system and end-to-end tests: a test CA (`makeCA`), a
// private Postfix relay with STARTTLS/implicit TLS and SMTP AUTH through a private Dovecot that
// delivers every message into one Maildir (`startRelay`), Postfix's smtp-sink for fault injection
// (`startSink`), a Dovecot submission server taking OAuth 2.0 bearer tokens (XOAUTH2, OAUTHBEARER)
// checked by introspection, e.g. against oauth.mjs's authorization server (`startOAuthSubmission`),
// and a throwaway Secret Service (`startKeyring`). Needs root (Postfix and Dovecot drop to their
// own users) and the packages of `scripts/setup.sh --test`.

import { execFile, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const TEST_USER = 'analyst@afterword.test';
export const TEST_PASSWORD = 'pä55wörd✓';
const MAIL_USER = 'afterwordmail';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'utf8', ...options }, (error, stdout, stderr) => {
      if (error) {
        error.message += `\n${stderr || ''}${stdout || ''}`;
        reject(error);
      } else {
        resolve(stdout);
      }
    });
  });
}

/** Runs a command that starts a daemon: its output goes to `logFile`, not to pipes (a daemon that
 *  keeps inherited pipes open would make execFile wait forever). Resolves when it exits with 0. */
function runDaemonStarter(file, args, { env, logFile }) {
  return new Promise((resolve, reject) => {
    const out = openSync(logFile, 'a');
    const child = spawn(file, args, { env, stdio: ['ignore', out, out] });
    closeSync(out);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/** A TCP port that was free a moment ago on `host` (default 127.0.0.1). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The last `lines` lines of each log file that exists, for error messages. */
function logTail(files, lines = 40) {
  return files
    .filter((file) => existsSync(file))
    .map((file) => `--- ${file}:\n${readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n') || '(no log written)';
}

/** Polls `check` (sync or async, truthy when done) every 50 ms until `timeoutMs`; then throws
 *  `what` with the tails of `logs`. */
async function waitFor(what, check, { timeoutMs = 15000, logs = [] } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${logTail(logs)}`);
    await sleep(50);
  }
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Makes every ancestor of `dir` traversable by other users (o+x): Postfix, Dovecot and the
 *  delivery user must reach files under it, and mkdtemp makes 0700 folders. */
function openPathTo(dir) {
  for (let current = path.resolve(dir); current !== path.dirname(current); current = path.dirname(current)) {
    const { mode } = statSync(current);
    if (!(mode & 0o001)) chmodSync(current, (mode & 0o7777) | 0o011);
  }
}

function userIds(name) {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', name], { encoding: 'utf8', stdio: 'pipe' })),
      gid: Number(execFileSync('id', ['-g', name], { encoding: 'utf8', stdio: 'pipe' })),
    };
  } catch {
    return null;
  }
}

/** The delivery user, created if `scripts/setup.sh --test` has not made it yet. */
function mailUser() {
  let ids = userIds(MAIL_USER);
  if (!ids) {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', MAIL_USER], { stdio: 'pipe' });
    } catch (error) {
      ids = userIds(MAIL_USER); // Created meanwhile by a parallel run.
      if (!ids) throw error;
    }
    ids = userIds(MAIL_USER);
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Processes: Postfix's master and Dovecot's master each start their own session (setsid), so
// everything they spawned shares their session id. Tracked here so that a crashed test run still
// leaves no daemon behind.

const liveSessions = new Set();
const liveChildren = new Set();
process.on('exit', () => {
  for (const sid of liveSessions) for (const pid of sessionPids(sid)) killQuietly(pid, 'SIGKILL');
  for (const child of liveChildren) child.kill('SIGKILL');
});

function sessionPids(sid) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, , pgrp, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z' && (Number(session) === sid || Number(pgrp) === sid)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

function killQuietly(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

function readPid(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Waits until no process of session `sid` is left, SIGKILLs stragglers after `graceMs`. */
async function reapSession(sid, graceMs = 10000) {
  const until = Date.now() + graceMs;
  while (sessionPids(sid).length && Date.now() < until) await sleep(50);
  for (const pid of sessionPids(sid)) killQuietly(pid, 'SIGKILL');
  await waitFor(`the processes of session ${sid} to end`, () => sessionPids(sid).length === 0, { timeoutMs: 5000 });
  liveSessions.delete(sid);
}

// ---------------------------------------------------------------------------------------------

/**
 * Creates (once per `dir`; later calls reuse the files) with the openssl CLI:
 * - a test CA (`caFile`, EC P-256, CA:TRUE),
 * - a server certificate signed by it for DNS `localhost` and IPs `127.0.0.1`, `127.0.0.2` (SAN), serverAuth,
 * - a self-signed certificate with the same names that nothing trusts, for "untrusted
 *   certificate" tests.
 * @param {string} dir
 * @returns {Promise<{caFile: string, caKeyFile: string, certFile: string, keyFile: string,
 *   untrustedCertFile: string, untrustedKeyFile: string}>}
 */
export async function makeCA(dir) {
  mkdirSync(dir, { recursive: true });
  const file = (name) => path.join(dir, name);
  const result = {
    caFile: file('ca.pem'),
    caKeyFile: file('ca.key'),
    certFile: file('server.pem'),
    keyFile: file('server.key'),
    untrustedCertFile: file('untrusted.pem'),
    untrustedKeyFile: file('untrusted.key'),
  };
  if (Object.values(result).every((f) => existsSync(f))) return result;

  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  // 127.0.0.2 for startOAuthSubmission (see there).
  const names = 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2';
  await run('openssl', ['req', '-x509', ...key, '-keyout', result.caKeyFile, '-out', result.caFile, '-days', '3650',
    '-subj', '/O=Afterword tests/CN=Afterword Test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', '-new', ...key, '-keyout', result.keyFile, '-out', file('server.csr'), '-subj', '/O=Afterword tests/CN=localhost']);
  writeFileSync(file('server.ext'), [names, 'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid,issuer', ''].join('\n'));
  await run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', result.caFile, '-CAkey', result.caKeyFile,
    '-CAcreateserial', '-days', '825', '-sha256', '-extfile', file('server.ext'), '-out', result.certFile]);
  await run('openssl', ['req', '-x509', ...key, '-keyout', result.untrustedKeyFile, '-out', result.untrustedCertFile, '-days', '825',
    '-subj', '/O=Somebody else/CN=localhost', '-addext', names, '-addext', 'basicConstraints=critical,CA:FALSE',
    '-addext', 'extendedKeyUsage=serverAuth']);
  // Test keys: readable by the servers whichever user opens them.
  for (const f of Object.values(result)) chmodSync(f, 0o644);
  return result;
}

/**
 * Starts a private Postfix relay on 127.0.0.1 with its own config, queue and data directories
 * under `dir` (nothing of the system Postfix is used or touched), SMTP AUTH (PLAIN, LOGIN) through
 * a private Dovecot (`dovecot -c`, own base_dir/state_dir), and delivery of every accepted message,
 * whatever the recipient domain, into the one Maildir `maildir` (as the user afterwordmail).
 * Several relays may run at once.
 *
 * Ports (free ports chosen at run time):
 * - `submissionPort`: tls 'starttls' (default) or 'implicit': STARTTLS required
 *   (smtpd_tls_security_level=encrypt), AUTH offered only after STARTTLS; tls 'none': plaintext,
 *   no STARTTLS offered, AUTH offered in the clear.
 * - `smtpsPort`: implicit TLS (wrapper mode, like 465), AUTH required; null when tls is 'none'.
 * - `port`: the one that matches `tls` (smtpsPort for 'implicit', else submissionPort).
 * Relaying always requires AUTH unless `requireAuth: false`.
 *
 * @param {object} options
 * @param {string} options.dir  a folder of the test's own (created if missing; its ancestors get o+x)
 * @param {'starttls'|'none'|'implicit'} [options.tls]
 * @param {{certFile: string, keyFile: string}} [options.cert]  default: makeCA(dir/tls)'s server cert
 * @param {string} [options.username]  default TEST_USER ('analyst@afterword.test')
 * @param {string} [options.password]  default TEST_PASSWORD ('pä55wörd✓'); any UTF-8 without ':' or newline
 * @param {boolean} [options.requireAuth]  default true
 * @param {Record<string,string>} [options.rejectRecipients]  address → Postfix access action, e.g.
 *   {'gone@example.org': '550 5.1.1 No such user', 'busy@example.org': '450 4.2.1 Try later'}:
 *   that RCPT TO gets that reply (after AUTH), the others are accepted.
 * @returns {Promise<{host: string, port: number, submissionPort: number, smtpsPort: number|null,
 *   tls: string, username: string, password: string, caFile: string, maildir: string,
 *   logFiles: string[], processes: () => number[], messages: () => Promise<string[]>,
 *   waitForMessages: (n: number, timeoutMs?: number) => Promise<string[]>, stop: () => Promise<void>}>}
 */
export async function startRelay({ dir, tls = 'starttls', cert, username = TEST_USER, password = TEST_PASSWORD,
  requireAuth = true, rejectRecipients = {} } = {}) {
  if (!['starttls', 'none', 'implicit'].includes(tls)) throw new Error(`startRelay: unknown tls mode ${tls}`);
  if (/[:\n\r]/.test(username) || /[\n\r]/.test(password)) throw new Error('startRelay: the username must not contain ":" or line breaks');
  mkdirSync(dir, { recursive: true });
  dir = path.resolve(dir);
  openPathTo(dir);
  const delivery = mailUser();
  const pki = await makeCA(path.join(dir, 'tls'));
  const certFile = cert?.certFile ?? pki.certFile;
  const keyFile = cert?.keyFile ?? pki.keyFile;

  // Postfix's config directory must hold only root-owned files (postfix-script checks everything
  // under it), so the queue and data directories live beside it, not inside.
  const postfixRoot = path.join(dir, 'postfix');
  const postfixDir = path.join(postfixRoot, 'etc'); // main.cf, master.cf, maps
  const queueDir = path.join(postfixRoot, 'spool');
  const dataDir = path.join(postfixRoot, 'data');
  const dovecotDir = path.join(dir, 'dovecot');
  const dovecotRun = path.join(dovecotDir, 'run');
  const maildir = path.join(dir, 'maildir');
  const postfixLog = path.join(postfixRoot, 'maillog');
  const dovecotLog = path.join(dovecotDir, 'dovecot.log');
  const startLog = path.join(dir, 'start.log'); // what `postfix start` and `dovecot` print
  const logs = [startLog, postfixLog, dovecotLog];
  for (const d of [postfixRoot, dovecotDir]) rmSync(d, { recursive: true, force: true });
  for (const d of [postfixRoot, postfixDir, queueDir, dataDir, dovecotDir]) {
    mkdirSync(d, { recursive: true, mode: 0o755 });
  }
  chmodSync(dovecotDir, 0o755);
  chownSync(dataDir, userIds('postfix').uid, userIds('postfix').gid);
  for (const sub of ['', 'new', 'cur', 'tmp']) {
    mkdirSync(path.join(maildir, sub), { recursive: true, mode: 0o700 });
    chownSync(path.join(maildir, sub), delivery.uid, delivery.gid);
  }

  // Dovecot: only the auth service, for Postfix's SASL.
  const users = path.join(dovecotDir, 'users');
  writeFileSync(users, `${username}:{PLAIN}${password}::::::\n`, { mode: 0o640 });
  chownSync(users, 0, userIds('dovecot').gid);
  const dovecotConf = path.join(dovecotDir, 'dovecot.conf');
  writeFileSync(dovecotConf, `# Private Dovecot for Afterword's tests: SASL for the private Postfix only.
instance_name = afterword-${path.basename(dir)}-${process.pid}
base_dir = ${dovecotRun}
state_dir = ${path.join(dovecotDir, 'state')}
protocols = none
listen = 127.0.0.1
log_path = ${dovecotLog}
info_log_path = ${dovecotLog}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_verbose = yes
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${users}
}
userdb {
  driver = static
  args = uid=${delivery.uid} gid=${delivery.gid} home=/nonexistent
}
service auth {
  unix_listener auth-postfix {
    mode = 0660
    user = postfix
    group = postfix
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`);

  // Postfix.
  const [submissionPort, smtpsPort] = [await freePort(), tls === 'none' ? null : await freePort()];
  writeFileSync(path.join(postfixDir, 'any-domain'), '/./ OK\n');
  writeFileSync(path.join(postfixDir, 'any-mailbox'), '/./ maildir/\n');
  writeFileSync(path.join(postfixDir, 'recipient-access'),
    Object.entries(rejectRecipients).map(([address, action]) => `${address} ${action}`).join('\n') + '\n');
  writeFileSync(path.join(postfixDir, 'main.cf'), `# Private Postfix for Afterword's tests (postfix -c ${postfixDir}).
compatibility_level = 3.6
queue_directory = ${queueDir}
data_directory = ${dataDir}
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = ${postfixLog}
maillog_file_prefixes = ${postfixRoot}
myhostname = relay.afterword.test
mydomain = afterword.test
myorigin = $myhostname
mydestination =
relay_domains =
local_recipient_maps =
alias_maps =
alias_database =
mynetworks =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtputf8_enable = yes
biff = no
smtpd_peername_lookup = no
smtpd_banner = $myhostname ESMTP Afterword test relay
delay_warning_time = 0
virtual_mailbox_domains = regexp:${postfixDir}/any-domain
virtual_mailbox_maps = regexp:${postfixDir}/any-mailbox
virtual_mailbox_base = ${dir}
virtual_uid_maps = static:${delivery.uid}
virtual_gid_maps = static:${delivery.gid}
virtual_minimum_uid = 1
virtual_mailbox_limit = 0
smtpd_tls_cert_file = ${certFile}
smtpd_tls_key_file = ${keyFile}
smtpd_tls_security_level = none
smtpd_tls_loglevel = 1
smtpd_sasl_type = dovecot
smtpd_sasl_path = ${path.join(dovecotRun, 'auth-postfix')}
smtpd_sasl_auth_enable = no
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
broken_sasl_auth_clients = no
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions =
smtpd_relay_restrictions = ${requireAuth ? 'permit_sasl_authenticated, reject' : 'permit'}
smtpd_recipient_restrictions = check_recipient_access texthash:${postfixDir}/recipient-access, permit
`);
  const auth = ['-o smtpd_sasl_auth_enable=yes', '-o smtpd_tls_auth_only=yes'];
  const submission = tls === 'none'
    ? ['-o syslog_name=postfix/submission', '-o smtpd_tls_security_level=none', '-o smtpd_sasl_auth_enable=yes', '-o smtpd_tls_auth_only=no']
    : ['-o syslog_name=postfix/submission', '-o smtpd_tls_security_level=encrypt', ...auth];
  const smtps = ['-o syslog_name=postfix/smtps', '-o smtpd_tls_wrappermode=yes', '-o smtpd_tls_security_level=encrypt', ...auth];
  const service = (name, type, priv, unpriv, wakeup, limit, command, extra = []) =>
    [`${name} ${type} ${priv} ${unpriv} n ${wakeup} ${limit} ${command}`, ...extra.map((o) => `  ${o}`)].join('\n');
  writeFileSync(path.join(postfixDir, 'master.cf'), [
    '# Private Postfix for Afterword\'s tests: no chroot (the queue is not /var/spool/postfix).',
    service(`127.0.0.1:${submissionPort}`, 'inet', 'n', '-', '-', '-', 'smtpd', submission),
    smtpsPort && service(`127.0.0.1:${smtpsPort}`, 'inet', 'n', '-', '-', '-', 'smtpd', smtps),
    service('pickup', 'unix', 'n', '-', '60', '1', 'pickup'),
    service('cleanup', 'unix', 'n', '-', '-', '0', 'cleanup'),
    service('qmgr', 'unix', 'n', '-', '300', '1', 'qmgr'),
    service('tlsmgr', 'unix', '-', '-', '1000?', '1', 'tlsmgr'),
    service('rewrite', 'unix', '-', '-', '-', '-', 'trivial-rewrite'),
    service('bounce', 'unix', '-', '-', '-', '0', 'bounce'),
    service('defer', 'unix', '-', '-', '-', '0', 'bounce'),
    service('trace', 'unix', '-', '-', '-', '0', 'bounce'),
    service('verify', 'unix', '-', '-', '-', '1', 'verify'),
    service('flush', 'unix', 'n', '-', '1000?', '0', 'flush'),
    service('proxymap', 'unix', '-', '-', '-', '-', 'proxymap'),
    service('proxywrite', 'unix', '-', '-', '-', '1', 'proxymap'),
    service('smtp', 'unix', '-', '-', '-', '-', 'smtp'),
    service('relay', 'unix', '-', '-', '-', '-', 'smtp'),
    service('showq', 'unix', 'n', '-', '-', '-', 'showq'),
    service('error', 'unix', '-', '-', '-', '-', 'error'),
    service('retry', 'unix', '-', '-', '-', '-', 'error'),
    service('discard', 'unix', '-', '-', '-', '-', 'discard'),
    service('local', 'unix', '-', 'n', '-', '-', 'local'),
    service('virtual', 'unix', '-', 'n', '-', '-', 'virtual'),
    service('lmtp', 'unix', '-', '-', '-', '-', 'lmtp'),
    service('anvil', 'unix', '-', '-', '-', '1', 'anvil'),
    service('scache', 'unix', '-', '-', '-', '1', 'scache'),
    service('postlog', 'unix-dgram', 'n', '-', '-', '1', 'postlogd'),
    '',
  ].filter(Boolean).join('\n'));

  let postfixSid = null;
  let dovecotSid = null;
  const stop = async () => {
    const postfixMaster = readPid(path.join(queueDir, 'pid', 'master.pid'));
    if (postfixMaster) {
      await runDaemonStarter('postfix', ['-c', postfixDir, 'stop'], { env: process.env, logFile: startLog })
        .catch(() => killQuietly(postfixMaster, 'SIGTERM'));
    }
    const dovecotMaster = readPid(path.join(dovecotRun, 'master.pid'));
    if (dovecotMaster) killQuietly(dovecotMaster, 'SIGTERM');
    for (const sid of [postfixSid, dovecotSid, postfixMaster, dovecotMaster]) if (sid) await reapSession(sid);
  };

  try {
    const env = { ...process.env, MAIL_CONFIG: postfixDir };
    await runDaemonStarter('dovecot', ['-c', dovecotConf], { env, logFile: startLog });
    dovecotSid = await waitFor('Dovecot to write its master.pid', () => readPid(path.join(dovecotRun, 'master.pid')), { logs });
    liveSessions.add(dovecotSid);
    await waitFor('Dovecot\'s auth socket', () => existsSync(path.join(dovecotRun, 'auth-postfix')), { logs });
    await runDaemonStarter('postfix', ['-c', postfixDir, 'start'], { env, logFile: startLog });
    postfixSid = await waitFor('Postfix to write its master.pid', () => readPid(path.join(queueDir, 'pid', 'master.pid')), { logs });
    liveSessions.add(postfixSid);
    for (const port of [submissionPort, smtpsPort].filter(Boolean)) {
      await waitFor(`Postfix to listen on 127.0.0.1:${port}`, () => portOpen(port), { logs });
    }
  } catch (error) {
    await stop().catch(() => {});
    error.message += `\n${logTail(logs)}`;
    throw error;
  }

  const messages = async () => {
    const entries = [];
    for (const sub of ['new', 'cur']) {
      for (const name of readdirSync(path.join(maildir, sub))) {
        // Postfix's virtual(8) names Maildir files SECONDS.VdevIinodeMmicroseconds.host.
        const match = /^(\d+)\.V[0-9a-f]+I[0-9a-f]+M(\d+)\./.exec(name);
        const file = path.join(maildir, sub, name);
        const key = match ? Number(match[1]) * 1e6 + Number(match[2]) : statSync(file).mtimeMs * 1e3;
        entries.push({ key, name, file });
      }
    }
    entries.sort((a, b) => a.key - b.key || a.name.localeCompare(b.name));
    return Promise.all(entries.map((e) => readFile(e.file, 'utf8')));
  };
  const waitForMessages = async (n, timeoutMs = 15000) =>
    waitFor(`${n} message(s) in ${maildir}`, async () => {
      const all = await messages();
      return all.length >= n ? all : null;
    }, { timeoutMs, logs });

  return {
    host: '127.0.0.1',
    port: tls === 'implicit' ? smtpsPort : submissionPort,
    submissionPort,
    smtpsPort,
    tls,
    username,
    password,
    caFile: pki.caFile,
    maildir,
    logFiles: logs,
    /** Live processes of this instance (Postfix's and Dovecot's sessions); [] after stop(). */
    processes: () => [postfixSid, dovecotSid].filter(Boolean).flatMap(sessionPids),
    messages,
    waitForMessages,
    stop,
  };
}

/** Where Postfix's smtp-sink is: Debian puts it in /usr/sbin. */
export function smtpSinkPath() {
  const found = ['/usr/sbin/smtp-sink', '/usr/lib/postfix/sbin/smtp-sink', '/usr/bin/smtp-sink'].find((p) => existsSync(p));
  if (!found) throw new Error('smtp-sink not found: run scripts/setup.sh --test (Debian package postfix)');
  return found;
}

/**
 * Runs Postfix's smtp-sink on 127.0.0.1 (`smtp-sink -u nobody -d DIR/sink/msg. 127.0.0.1:PORT 1000`),
 * a plain SMTP server that takes any message, dumps each transaction to a file and is easy to make
 * misbehave. It never advertises or speaks STARTTLS (it has no TLS at all): use it as "server does
 * not offer STARTTLS". It does advertise AUTH PLAIN LOGIN and accepts any credentials; `-a` hides
 * AUTH.
 *
 * Fault injection through `args` (checked by mailserver.test.mjs; replies are the defaults, `-b`
 * and `-B` change the text):
 * - soft reject (450 4.3.0) of every RCPT: `['-r', 'RCPT']`; of MAIL: `['-r', 'MAIL']`; of the
 *   DATA command: `['-r', 'DATA']`; after the message body (the reply to "."): `['-r', '.']`
 * - hard reject (500 5.3.0): `['-f', 'RCPT']`, `['-f', '.']` etc. (`-r`/`-f` imply `-p`, no
 *   PIPELINING). smtp-sink cannot reject only one recipient: use startRelay's `rejectRecipients`.
 * - disconnect without a reply after the body: `['-q', '.']` (the client cannot know whether it was
 *   delivered: "uncertain"); 421 and disconnect after the body: `['-Q', '.']`; either after any
 *   other command too (`-q RCPT`, `-Q MAIL`, `-Q CONNECT` for a 421 greeting).
 * - slow replies: `['-w', '5']` waits 5 s before the reply to DATA (the 354);
 *   `['-W', '.:5']` waits 5 s before the reply after the body; `['-W', 'RCPT:5']` etc.
 * - 550 "This violates SMTP" right after the 354, without reading the body: `['-A', '0']`.
 * - 421 greeting (server refuses the connection): `['-Q', 'CONNECT']`.
 * A message whose body was received in full is dumped even when the reply to "." is a reject
 * (`-r .`, `-f .`, `-Q .`) or a dropped connection (`-q .`); nothing is dumped when MAIL, RCPT or
 * DATA was refused. A dump file appears around the time of the 250: wait with waitForMessages.
 *
 * @param {{dir: string, port?: number, args?: string[]}} options
 * @returns {Promise<{host: string, port: number, dumpDir: string, logFile: string,
 *   received: () => number, files: () => string[], messages: () => string[],
 *   waitForMessages: (n: number, timeoutMs?: number) => Promise<string[]>,
 *   stop: () => Promise<void>, restart: () => Promise<void>}>}
 */
export async function startSink({ dir, port, args = [] } = {}) {
  mkdirSync(dir, { recursive: true });
  dir = path.resolve(dir);
  openPathTo(dir);
  const dumpDir = path.join(dir, 'sink');
  mkdirSync(dumpDir, { recursive: true });
  chmodSync(dumpDir, 0o1777);
  const logFile = path.join(dir, 'smtp-sink.log');
  port ??= await freePort();
  let child = null;
  let exited = null;

  const start = async () => {
    const out = openSync(logFile, 'a');
    child = spawn(smtpSinkPath(), ['-u', 'nobody', '-d', `${dumpDir}/msg.`, ...args, `127.0.0.1:${port}`, '1000'],
      { stdio: ['ignore', out, out] });
    closeSync(out);
    exited = new Promise((resolve) => child.once('exit', resolve));
    liveChildren.add(child);
    const running = child;
    await waitFor(`smtp-sink to listen on 127.0.0.1:${port}`, async () => {
      if (running.exitCode !== null) throw new Error(`smtp-sink exited with ${running.exitCode}\n${logTail([logFile])}`);
      return portOpen(port);
    }, { logs: [logFile] });
  };
  const stop = async () => {
    if (!child) return;
    liveChildren.delete(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    await exited;
    child = null;
  };
  const files = () => readdirSync(dumpDir)
    .map((name) => path.join(dumpDir, name))
    .map((file) => ({ file, at: statSync(file).mtimeMs }))
    .sort((a, b) => a.at - b.at || a.file.localeCompare(b.file))
    .map((e) => e.file);

  await start();
  return {
    host: '127.0.0.1',
    port,
    dumpDir,
    logFile,
    received: () => files().length,
    files,
    messages: () => files().map((file) => readFileSync(file, 'utf8')),
    waitForMessages: (n, timeoutMs = 10000) =>
      waitFor(`${n} dumped message(s) in ${dumpDir}`, () => (files().length >= n ? files().map((file) => readFileSync(file, 'utf8')) : null),
        { timeoutMs, logs: [logFile] }),
    stop,
    restart: async () => {
      await stop();
      await start();
    },
  };
}

/**
 * Starts a private Dovecot submission server (RFC 6409) on `host` (default 127.0.0.2) that takes
 * SMTP AUTH XOAUTH2 and OAUTHBEARER only (PLAIN/LOGIN too with `plain`), validating each bearer
 * token with its oauth2 passdb against an RFC 7662 introspection endpoint (`introspection_mode =
 * post`: it POSTs token=…&client_id=&client_secret= there; the answer must be `active: true` with
 * `username` equal to the SASL user, compared lowercased), and relays every accepted message to
 * `relay` (default: a smtp-sink of its own, `sink`, whose dumps the test reads back). Own
 * base_dir/state_dir under `dir`; nothing of the system Dovecot is used. Several may run at once.
 * No auth penalty and no failure delay, so refusals are immediate. Needs root.
 *
 * Why 127.0.0.2: Dovecot counts a connection whose remote IP equals its local IP as secured, so on
 * 127.0.0.1 it would offer and accept AUTH before STARTTLS. Clients connecting to 127.0.0.2 come
 * from 127.0.0.1 (Linux's loopback route), so TLS is required as on a real server. makeCA's server
 * certificate names 127.0.0.2 too.
 *
 * Ports (chosen at run time): `submissionPort` offers STARTTLS and requires it before AUTH or MAIL
 * (both answer `530 5.7.0 TLS required.` before it, and EHLO lists no AUTH); `smtpsPort` is
 * implicit TLS (like 465). Certificate: makeCA(dir/tls)'s server certificate unless `cert`;
 * clients verify it with `caFile` (or the CA of their `cert`).
 *
 * Replies (Dovecot 2.3.19, checked by oauth.test.mjs; more in README.md):
 * - success: `235 2.7.0 Logged in.`
 * - a refused token (expired, revoked, another account's, unknown): XOAUTH2 answers the token with
 *   `334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0=`
 *   ({"status":"401","schemes":"bearer","scope":"mail"}), OAUTHBEARER with
 *   `334 eyJzdGF0dXMiOiJpbnZhbGlkX3Rva2VuIn0=` ({"status":"invalid_token"}); the client then sends
 *   an empty line and gets `535 5.7.8 Authentication failed.` (the connection stays usable).
 * - introspection down, hanging (after `introspectionTimeoutMs`), HTML or 5xx: no challenge,
 *   `454 4.7.0 Temporary authentication failure. [HOST:TIMESTAMP]` at once.
 * - an AUTH line longer than 1024 octets of parameters (an XOAUTH2 initial response over 1016
 *   characters, e.g. a JWT's): `500 5.5.2 Line too long`; a SASL response line after `334 ` may be
 *   about 8 KiB.
 *
 * @param {object} options
 * @param {string} options.dir  a folder of the test's own (created if missing; its ancestors get o+x)
 * @param {string} options.introspectionUrl  e.g. startAuthServer()'s introspectionUrl (http://127.0.0.1:…)
 * @param {{host?: string, port: number}} [options.relay]  where accepted mail goes (plain SMTP, no
 *   AUTH); default: a startSink({dir: dir/sink}) of its own, stopped with this server
 * @param {{certFile: string, keyFile: string}} [options.cert]  the returned caFile stays makeCA(dir/tls)'s
 * @param {string} [options.host]  a 127.x address, default '127.0.0.2' (see above)
 * @param {string} [options.usernameAttribute]  the introspection field compared with the SASL user: 'username'
 * @param {string} [options.scope]  a scope the token must have (Dovecot's `scope` setting), default none
 * @param {number} [options.introspectionTimeoutMs]  Dovecot's HTTP timeout for introspection, default 5000
 * @param {boolean} [options.plain]  also offer AUTH PLAIN/LOGIN with TEST_USER/TEST_PASSWORD (default false)
 * @returns {Promise<{host: string, port: number, submissionPort: number, smtpsPort: number, caFile: string,
 *   sink: object|null, relay: {host: string, port: number}, logFiles: string[], log: () => string,
 *   processes: () => number[], stop: () => Promise<void>}>}
 */
export async function startOAuthSubmission({ dir, introspectionUrl, relay, cert, host = '127.0.0.2', usernameAttribute = 'username',
  scope = '', introspectionTimeoutMs = 5000, plain = false } = {}) {
  if (!introspectionUrl) throw new Error('startOAuthSubmission: introspectionUrl is required');
  if (!/^127\./.test(host)) throw new Error('startOAuthSubmission: host must be a loopback address');
  mkdirSync(dir, { recursive: true });
  dir = path.resolve(dir);
  openPathTo(dir);
  const delivery = mailUser();
  const pki = await makeCA(path.join(dir, 'tls'));
  const certFile = cert?.certFile ?? pki.certFile;
  const keyFile = cert?.keyFile ?? pki.keyFile;

  const dovecotDir = path.join(dir, 'dovecot');
  const dovecotRun = path.join(dovecotDir, 'run');
  const home = path.join(dovecotDir, 'home');
  const dovecotLog = path.join(dovecotDir, 'dovecot.log');
  const startLog = path.join(dir, 'start.log');
  rmSync(dovecotDir, { recursive: true, force: true });
  mkdirSync(dovecotDir, { recursive: true, mode: 0o755 });
  chmodSync(dovecotDir, 0o755);
  mkdirSync(home, { mode: 0o700 });
  chownSync(home, delivery.uid, delivery.gid);

  let sink = null;
  if (!relay) sink = await startSink({ dir: path.join(dir, 'sink') });
  const relayTo = { host: relay?.host ?? '127.0.0.1', port: relay?.port ?? sink.port };
  const logs = [startLog, dovecotLog, ...(sink ? [sink.logFile] : [])];

  const oauth2Conf = path.join(dovecotDir, 'dovecot-oauth2.conf.ext');
  writeFileSync(oauth2Conf, [
    '# oauth2 passdb: every token is checked with the test authorization server\'s introspection.',
    'introspection_mode = post',
    `introspection_url = ${introspectionUrl}`,
    `username_attribute = ${usernameAttribute}`,
    'active_attribute = active',
    'active_value = true',
    ...(scope ? [`scope = ${scope}`] : []),
    `timeout_msecs = ${introspectionTimeoutMs}`,
    'max_idle_time_msecs = 1000',
    '',
  ].join('\n'), { mode: 0o644 });
  const users = path.join(dovecotDir, 'users');
  writeFileSync(users, `${TEST_USER}:{PLAIN}${TEST_PASSWORD}::::::\n`, { mode: 0o640 });
  chownSync(users, 0, userIds('dovecot').gid);

  const [submissionPort, smtpsPort] = [await freePort(host), await freePort(host)];
  const dovecotConf = path.join(dovecotDir, 'dovecot.conf');
  writeFileSync(dovecotConf, `# Private Dovecot submission server for Afterword's OAuth tests.
instance_name = afterword-oauth-${path.basename(dir)}-${process.pid}
base_dir = ${dovecotRun}
state_dir = ${path.join(dovecotDir, 'state')}
protocols = submission
listen = ${host}
hostname = submission.afterword.test
log_path = ${dovecotLog}
info_log_path = ${dovecotLog}
ssl = required
ssl_cert = <${certFile}
ssl_key = <${keyFile}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = xoauth2 oauthbearer${plain ? ' plain login' : ''}
auth_verbose = yes
auth_verbose_passwords = no
auth_failure_delay = 0
auth_cache_size = 0
default_internal_user = dovecot
default_login_user = dovenull
# Submission opens the user's mail storage (for BURL); never written to here.
mail_location = maildir:~/Maildir
submission_relay_host = ${relayTo.host}
submission_relay_port = ${relayTo.port}
submission_relay_ssl = no
submission_relay_trusted = no
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${oauth2Conf}
}
${plain ? `passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u ${users}
}
` : ''}userdb {
  driver = static
  args = uid=${delivery.uid} gid=${delivery.gid} home=${home}
}
service submission-login {
  inet_listener submission {
    address = ${host}
    port = ${submissionPort}
  }
  inet_listener submissions {
    address = ${host}
    port = ${smtpsPort}
    ssl = yes
  }
}
# No auth penalty (2^n s delays, up to 15 s, after failures from one IP): tests fail on purpose.
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`);

  let dovecotSid = null;
  const stop = async () => {
    const master = readPid(path.join(dovecotRun, 'master.pid'));
    if (master) killQuietly(master, 'SIGTERM');
    for (const sid of [dovecotSid, master]) if (sid) await reapSession(sid);
    await sink?.stop();
  };
  try {
    await run('dovecot', ['-n', '-c', dovecotConf]); // a config error names the line
    await runDaemonStarter('dovecot', ['-c', dovecotConf], { env: process.env, logFile: startLog });
    dovecotSid = await waitFor('Dovecot to write its master.pid', () => readPid(path.join(dovecotRun, 'master.pid')), { logs });
    liveSessions.add(dovecotSid);
    for (const port of [submissionPort, smtpsPort]) {
      await waitFor(`Dovecot submission to listen on ${host}:${port}`, () => portOpen(port, host), { logs });
    }
  } catch (error) {
    await stop().catch(() => {});
    error.message += `\n${logTail(logs)}`;
    throw error;
  }

  return {
    host,
    port: submissionPort,
    submissionPort,
    smtpsPort,
    caFile: pki.caFile,
    sink,
    relay: relayTo,
    introspectionUrl,
    logFiles: logs,
    /** Dovecot's log so far (auth results: "oauth2(user,…): …"). */
    log: () => (existsSync(dovecotLog) ? readFileSync(dovecotLog, 'utf8') : ''),
    /** Live processes of this instance (Dovecot's session); [] after stop(). */
    processes: () => (dovecotSid ? sessionPids(dovecotSid) : []),
    stop,
  };
}

/**
 * Starts a throwaway Secret Service on the current session bus (run tests under
 * `dbus-run-session`): `gnome-keyring-daemon --foreground --replace --unlock --components=secrets`
 * with an empty password on stdin and its keyrings under a fresh temporary HOME/XDG_DATA_HOME, so
 * the real user keyring is never touched. Verifies a `secret-tool store`/`lookup` round trip.
 * Merge `env` into the environment of the processes that use the keyring.
 * @param {{dir?: string}} [options]
 * @returns {Promise<{env: Record<string,string>, home: string, stop: () => Promise<void>}>}
 */
export async function startKeyring({ dir } = {}) {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error('startKeyring: no D-Bus session bus; run the tests under dbus-run-session');
  }
  const home = dir ? path.resolve(dir) : mkdtempSync(path.join(os.tmpdir(), 'afterword-keyring-'));
  const runtime = path.join(home, 'run');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  chmodSync(runtime, 0o700);
  const env = {
    HOME: home,
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_RUNTIME_DIR: runtime,
  };
  // The daemon gets its control directory as an option (an inherited GNOME_KEYRING_CONTROL would
  // name another daemon's); the processes that use it get it in `env`.
  const control = path.join(runtime, 'keyring');
  const daemonEnv = { ...process.env, ...env };
  delete daemonEnv.GNOME_KEYRING_CONTROL;
  env.GNOME_KEYRING_CONTROL = control;
  const logFile = path.join(home, 'gnome-keyring.log');
  const child = spawn('gnome-keyring-daemon',
    ['--foreground', '--replace', '--unlock', '--components=secrets', '--control-directory', control],
    { env: daemonEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  liveChildren.add(child);
  // The empty password must be a line: with no bytes at all on stdin the daemon creates no login
  // keyring, and every store then fails with "Object does not exist at path .../collection/login".
  child.stdin.on('error', () => {});
  child.stdin.end('\n');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(5000).then(() => child.kill('SIGKILL'))]);
    await exited;
    liveChildren.delete(child);
    writeFileSync(logFile, output);
  };

  const childEnv = { ...process.env, ...env };
  try {
    const probe = ['service', 'afterword-probe', 'run', String(process.pid)];
    await waitFor('the Secret Service (gnome-keyring-daemon) to store a secret', async () => {
      if (child.exitCode !== null) throw new Error(`gnome-keyring-daemon exited with ${child.exitCode}: ${output}`);
      return new Promise((resolve) => {
        const store = spawn('secret-tool', ['store', '--label=Afterword probe', ...probe], { env: childEnv, stdio: ['pipe', 'ignore', 'ignore'] });
        store.stdin.on('error', () => {}); // it may exit before reading, while the service is not up
        store.stdin.end('probe');
        store.once('exit', (code) => resolve(code === 0));
      });
    }, { timeoutMs: 10000 });
    const looked = await run('secret-tool', ['lookup', ...probe], { env: childEnv });
    if (looked !== 'probe') throw new Error(`secret-tool lookup returned ${JSON.stringify(looked)}, not "probe"`);
    await run('secret-tool', ['clear', ...probe], { env: childEnv });
  } catch (error) {
    await stop();
    error.message += `\ngnome-keyring-daemon said: ${output}`;
    throw error;
  }
  return { env, home, stop };
}
