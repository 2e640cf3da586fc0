// Self-test of the OAuth 2.0 harness: the authorization server of oauth.mjs (browser step,
// PKCE, refresh, revocation, introspection, faults) and mailserver.mjs's Dovecot submission
// server with XOAUTH2/OAUTHBEARER, driven by a real client (Python's smtplib), with the exact
// replies Dovecot 2.3 sends in each case.
// Run: dbus-run-session -- node --test tests/system/oauth.test.mjs (root; scripts/setup.sh --test)

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeCA, startOAuthSubmission, startSink, TEST_PASSWORD, TEST_USER } from './mailserver.mjs';
import { completeBrowserStep, oauthbearer, pkceVerifier, startAuthServer, subjectOf, xoauth2 } from './oauth.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-oauth-'));
after(() => rmSync(root, { recursive: true, force: true }));
const scratch = (name) => mkdtempSync(path.join(root, `${name}-`));
const OTHER_USER = 'someone.else@afterword.test';

// The app's loopback listener, played by a tiny HTTP server: it records each callback and answers
// with a page, as the app's listener will.
async function startListener() {
  const hits = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    hits.push(Object.fromEntries(url.searchParams));
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<p>Signed in. You can close this window.</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    redirectUri: `http://127.0.0.1:${server.address().port}/callback`,
    hits,
    stop: () => new Promise((resolve) => {
      server.close(resolve);
      server.closeAllConnections();
    }),
  };
}

const form = (url, fields) => fetch(url, {
  method: 'POST',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields),
  signal: AbortSignal.timeout(10000),
});
async function tokenRequest(auth, fields) {
  const response = await form(auth.tokenUrl, { client_id: auth.clientId, ...fields });
  return { status: response.status, body: await response.json() };
}
const introspect = async (auth, token) => (await form(auth.introspectionUrl, { token })).json();
const claims = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

/** The whole sign-in as the app will do it: authorization URL, browser step, code exchange. */
async function signIn(auth, listener, options = {}) {
  const request = auth.authorizationRequest({ redirectUri: listener.redirectUri, ...options });
  const page = await completeBrowserStep(request.url);
  assert.equal(page.stage, 'callback', JSON.stringify(page));
  assert.equal(page.state, request.state);
  const { status, body } = await tokenRequest(auth, { grant_type: 'authorization_code', code: page.code,
    redirect_uri: listener.redirectUri, code_verifier: request.verifier });
  assert.equal(status, 200, JSON.stringify(body));
  return { request, page, tokens: body };
}

// One Python client: runs raw SMTP steps and prints every reply as JSON, so the assertions see
// exactly what the server sent. Steps: 'ehlo', 'starttls', {data: message} (body + "."), or any
// other string, sent as one line ('' sends an empty line, as a client answers a SASL challenge).
const CLIENT = String.raw`
import json, smtplib, ssl, sys
job = json.load(sys.stdin)
log = {'steps': []}
context = ssl.create_default_context(cafile=job['cafile'])
try:
    if job.get('implicit'):
        s = smtplib.SMTP_SSL(context=context, timeout=30)
    else:
        s = smtplib.SMTP(timeout=30)
    s._host = job['host']  # what STARTTLS and SMTP_SSL check the certificate against
    code, text = s.connect(job['host'], job['port'])
    log['greeting'] = [code, text.decode()]
    for step in job['steps']:
        entry = {'step': step if isinstance(step, str) else 'data'}
        try:
            if step == 'ehlo':
                code, text = s.ehlo('client.afterword.test')
            elif step == 'starttls':
                code, text = s.starttls(context=context)
            elif isinstance(step, dict):
                body = smtplib._quote_periods(smtplib._fix_eols(step['data']).encode())
                s.send(body + (b'' if body.endswith(b'\r\n') else b'\r\n') + b'.\r\n')
                code, text = s.getreply()
            else:
                code, text = s.docmd(step)
            entry.update(code=code, text=text.decode('utf-8', 'replace'))
        except smtplib.SMTPServerDisconnected as e:
            entry.update(disconnected=True, text=str(e))
            log['steps'].append(entry)
            break
        log['steps'].append(entry)
    try:
        s.quit()
    except Exception:
        pass
except Exception as e:
    log['error'] = type(e).__name__
    log['reason'] = str(e)
print(json.dumps(log))
`;
function smtp(server, steps, { implicit = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = execFile('python3', ['-c', CLIENT], { encoding: 'utf8', timeout: 60000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python client failed: ${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin.end(JSON.stringify({ host: server.host, port: implicit ? server.smtpsPort : server.submissionPort,
      cafile: server.caFile, implicit, steps }));
  });
}
const replies = (log) => log.steps.map((s) => (s.code ? `${s.code} ${s.text.split('\n').join(' | ')}` : s.text));
const lastReply = (log) => log.steps.at(-1);
const message = (subject) => `From: Sam Analyst <sam@corp.example>\r\nTo: jane@vendor.example\r\nSubject: ${subject}\r\n` +
  `Message-ID: <${subject.replace(/\W+/g, '-')}@corp.example>\r\n\r\nThank you for the proxy logs.\r\n`;
const sendSteps = (subject) => ['MAIL FROM:<sam@corp.example>', 'RCPT TO:<jane@vendor.example>', 'DATA', { data: message(subject) }];
/** SASL XOAUTH2 as RFC 4954 wants it for long responses: no initial response, the token after the 334. */
const xoauth2Steps = (user, token) => ['ehlo', 'starttls', 'ehlo', 'AUTH XOAUTH2', xoauth2(user, token)];

// Dovecot 2.3.19's answers, captured by the tests below.
const XOAUTH2_REFUSAL = Buffer.from('{"status":"401","schemes":"bearer","scope":"mail"}').toString('base64');
const OAUTHBEARER_REFUSAL = Buffer.from('{"status":"invalid_token"}').toString('base64');

describe('authorization server (oauth2-mock-server in library mode)', () => {
  let auth;
  let listener;
  before(async () => {
    auth = await startAuthServer({ dir: scratch('auth') });
    listener = await startListener();
  });
  after(async () => {
    await listener?.stop();
    await auth?.stop();
  });

  test('discovery on 127.0.0.1 lists every endpoint, S256 only', async () => {
    const doc = await (await fetch(auth.discoveryUrl)).json();
    assert.equal(doc.issuer, auth.issuer);
    assert.match(auth.issuer, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(doc.authorization_endpoint, auth.authorizationUrl);
    assert.equal(doc.token_endpoint, auth.tokenUrl);
    assert.equal(doc.revocation_endpoint, auth.revocationUrl);
    assert.equal(doc.introspection_endpoint, auth.introspectionUrl);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.ok(doc.grant_types_supported.includes('refresh_token'));
  });

  test('browser step: 302 to the loopback listener with code and state; code exchange with PKCE; tokens carry the account', async () => {
    const { request, page, tokens } = await signIn(auth, listener, { extra: { nonce: 'n-0S6_WzA2Mj' } });
    assert.equal(page.authorizeStatus, 302);
    assert.equal(page.status, 200);
    assert.match(page.text, /Signed in/);
    assert.deepEqual(listener.hits.at(-1), { code: page.code, state: request.state });
    assert.equal(auth.authorizations().at(-1).code_challenge_method, 'S256');

    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.ok(tokens.refresh_token);
    const id = claims(tokens.id_token);
    assert.equal(id.email, TEST_USER);
    assert.equal(id.sub, subjectOf(TEST_USER));
    assert.equal(id.aud, auth.clientId);
    assert.equal(id.iss, auth.issuer);
    assert.equal(id.nonce, 'n-0S6_WzA2Mj');
    const info = await introspect(auth, tokens.access_token);
    assert.equal(info.active, true);
    assert.equal(info.username, TEST_USER);
    assert.equal(info.client_id, auth.clientId);

    // A code is good once.
    const again = await tokenRequest(auth, { grant_type: 'authorization_code', code: page.code,
      redirect_uri: listener.redirectUri, code_verifier: request.verifier });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, 'invalid_grant');
  });

  test('the token endpoint refuses a wrong or missing code_verifier, another redirect_uri, an unknown code or client', async () => {
    const cases = [
      [{ code_verifier: pkceVerifier() }, 400, 'invalid_grant'],
      [{ code_verifier: undefined }, 400, 'invalid_grant'],
      [{ redirect_uri: 'http://127.0.0.1:1/other' }, 400, 'invalid_grant'],
      [{ code: 'made-up' }, 400, 'invalid_grant'],
      [{ client_id: 'someone-else' }, 401, 'invalid_client'],
    ];
    for (const [change, status, error] of cases) {
      const request = auth.authorizationRequest({ redirectUri: listener.redirectUri });
      const page = await completeBrowserStep(request.url);
      const fields = { grant_type: 'authorization_code', code: page.code, redirect_uri: listener.redirectUri,
        code_verifier: request.verifier, ...change };
      for (const key of Object.keys(fields)) if (fields[key] === undefined) delete fields[key];
      const answer = await tokenRequest(auth, fields);
      assert.equal(answer.status, status, JSON.stringify([change, answer]));
      assert.equal(answer.body.error, error, JSON.stringify([change, answer]));
    }
  });

  test('authorize: no PKCE → error redirect; a non-loopback redirect_uri → 400 page, nothing sent; browser-step overrides', async () => {
    const noPkce = new URL(auth.authorizationRequest({ redirectUri: listener.redirectUri, state: 's1' }).url);
    noPkce.searchParams.delete('code_challenge');
    noPkce.searchParams.delete('code_challenge_method');
    const refused = await completeBrowserStep(noPkce.href);
    assert.equal(refused.error, 'invalid_request');
    assert.equal(refused.state, 's1');

    const hits = listener.hits.length;
    const foreign = await completeBrowserStep(auth.authorizationRequest({ redirectUri: 'http://localhost:9/callback' }).url);
    assert.equal(foreign.stage, 'authorize');
    assert.equal(foreign.status, 400);
    assert.match(foreign.headers['content-type'], /text\/html/);
    assert.equal(listener.hits.length, hits);

    const request = auth.authorizationRequest({ redirectUri: listener.redirectUri });
    const denied = await completeBrowserStep(request.url, { error: 'access_denied' });
    assert.deepEqual(listener.hits.at(-1), { state: request.state, error: 'access_denied', error_description: 'The user denied the request.' });
    assert.equal(denied.code, null);
    const forged = await completeBrowserStep(request.url, { state: 'forged-state' });
    assert.equal(listener.hits.at(-1).state, 'forged-state');
    assert.ok(forged.code);
  });

  test('refresh: a new access token, no new refresh token; revoked → invalid_grant and inactive; rotation', async () => {
    const { tokens } = await signIn(auth, listener);
    const refreshed = await tokenRequest(auth, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed));
    assert.notEqual(refreshed.body.access_token, tokens.access_token);
    assert.equal(refreshed.body.refresh_token, undefined, 'refreshRotation none: the old refresh token stays');
    assert.equal((await introspect(auth, refreshed.body.access_token)).username, TEST_USER);

    const revoked = await form(auth.revocationUrl, { token: tokens.refresh_token, token_type_hint: 'refresh_token' });
    assert.equal(revoked.status, 200);
    const refused = await tokenRequest(auth, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error, 'invalid_grant');
    assert.deepEqual(await introspect(auth, refreshed.body.access_token), { active: false }, 'its access tokens go too');

    const rotating = await startAuthServer({ refreshRotation: 'rotate' });
    try {
      const first = await signIn(rotating, listener);
      const next = await tokenRequest(rotating, { grant_type: 'refresh_token', refresh_token: first.tokens.refresh_token });
      assert.ok(next.body.refresh_token && next.body.refresh_token !== first.tokens.refresh_token);
      const old = await tokenRequest(rotating, { grant_type: 'refresh_token', refresh_token: first.tokens.refresh_token });
      assert.equal(old.body.error, 'invalid_grant');
    } finally {
      await rotating.stop();
    }
  });

  test('account and lifetime controls; expire(); opaque tokens', async () => {
    auth.setAccount(OTHER_USER);
    auth.setAccessTokenLifetime(1);
    try {
      const { tokens } = await signIn(auth, listener);
      assert.equal(tokens.expires_in, 1);
      assert.equal(claims(tokens.id_token).email, OTHER_USER);
      assert.equal((await introspect(auth, tokens.access_token)).username, OTHER_USER);
      const record = auth.tokens().find((t) => t.accessToken === tokens.access_token);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, record.expiresAt - Date.now() + 20)));
      assert.deepEqual(await introspect(auth, tokens.access_token), { active: false });
    } finally {
      auth.setAccount(TEST_USER);
      auth.setAccessTokenLifetime(3600);
    }
    const live = await auth.issueToken({ format: 'opaque' });
    assert.match(live.access_token, /^at\.[\w-]{43}$/);
    assert.equal((await introspect(auth, live.access_token)).active, true);
    auth.expire(live.access_token);
    assert.deepEqual(await introspect(auth, live.access_token), { active: false });
  });

  test('faults: HTML page, hang, error status, for a number of requests', async () => {
    auth.fail('token', 'html', { times: 1 });
    const html = await form(auth.tokenUrl, { grant_type: 'client_credentials', client_id: auth.clientId });
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type'), /^text\/html/);
    assert.match(await html.text(), /<html>/);
    assert.equal((await tokenRequest(auth, { grant_type: 'client_credentials' })).status, 200, 'times: 1');

    auth.fail('token', 'hang');
    await assert.rejects(fetch(auth.tokenUrl, { method: 'POST', signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });
    auth.fail('token', null);
    auth.fail('introspect', 'status', { status: 503, times: 1 });
    assert.equal((await form(auth.introspectionUrl, { token: 'x' })).status, 503);
    auth.setIntrospection((token, answer) => (token === 'magic' ? { active: true, username: 'magic@afterword.test' } : answer));
    try {
      assert.equal((await introspect(auth, 'magic')).username, 'magic@afterword.test');
    } finally {
      auth.setIntrospection(null);
    }
  });
});

describe('Dovecot submission with XOAUTH2 and OAUTHBEARER (oauth2 passdb, introspection_mode = post)', () => {
  let auth;
  let submission;
  let listener;
  before(async () => {
    auth = await startAuthServer({ dir: scratch('auth') });
    submission = await startOAuthSubmission({ dir: scratch('submission'), introspectionUrl: auth.introspectionUrl,
      introspectionTimeoutMs: 1500 });
    listener = await startListener();
  });
  after(async () => {
    await listener?.stop();
    await submission?.stop();
    await auth?.stop();
  });

  test('before STARTTLS: no AUTH offered, AUTH and MAIL refused; after it: AUTH XOAUTH2 OAUTHBEARER', async () => {
    const log = await smtp(submission, ['ehlo', 'AUTH XOAUTH2', 'MAIL FROM:<sam@corp.example>', 'starttls', 'ehlo']);
    assert.match(log.greeting[1], /^submission\.afterword\.test /);
    const [ehlo, auth1, mail, tls, ehlo2] = log.steps;
    assert.match(ehlo.text, /^STARTTLS$/m);
    assert.doesNotMatch(ehlo.text, /AUTH/);
    assert.deepEqual([auth1.code, auth1.text], [530, '5.7.0 TLS required.']);
    assert.deepEqual([mail.code, mail.text], [530, '5.7.0 TLS required.']);
    assert.equal(tls.code, 220);
    assert.match(ehlo2.text, /^AUTH XOAUTH2 OAUTHBEARER$/m);
  });

  test('sign-in through the browser step, AUTH XOAUTH2 over STARTTLS, message relayed to the sink', async () => {
    const { tokens } = await signIn(auth, listener);
    const introspections = auth.requestsTo('introspect').length;
    const log = await smtp(submission, [...xoauth2Steps(TEST_USER, tokens.access_token), ...sendSteps('Thanks via XOAUTH2')]);
    assert.deepEqual(replies(log).slice(3), ['334 ', '235 2.7.0 Logged in.', '250 2.1.0 Ok', '250 2.1.5 Ok',
      '354 OK', '250 2.0.0 Ok'], JSON.stringify(log));
    const [relayed] = await submission.sink.waitForMessages(1);
    assert.match(relayed, /^Subject: Thanks via XOAUTH2$/m);
    assert.match(relayed, /^X-Rcpt-Args: <jane@vendor\.example>/m);
    assert.match(relayed, /by submission\.afterword\.test with ESMTPSA/);
    const asked = auth.requestsTo('introspect').slice(introspections);
    assert.equal(asked.length, 1);
    assert.equal(asked[0].body.token, tokens.access_token, 'Dovecot POSTs token=… to the introspection URL');
  });

  test('XOAUTH2 with an initial response: fine for a short token; a JWT makes the line too long (RFC 4954: omit it)', async () => {
    const short = (await auth.issueToken({ format: 'opaque' })).access_token;
    const ok = await smtp(submission, ['ehlo', 'starttls', 'ehlo', `AUTH XOAUTH2 ${xoauth2(TEST_USER, short)}`]);
    assert.deepEqual(replies(ok).slice(3), ['235 2.7.0 Logged in.']);
    const jwt = (await auth.issueToken()).access_token;
    const line = `AUTH XOAUTH2 ${xoauth2(TEST_USER, jwt)}`;
    assert.ok(line.length > 1100, `a JWT's initial response is long: ${line.length}`);
    const long = await smtp(submission, ['ehlo', 'starttls', 'ehlo', line]);
    assert.deepEqual(replies(long).slice(3), ['500 5.5.2 Line too long']);
  });

  test('OAUTHBEARER, and XOAUTH2 over implicit TLS', async () => {
    const token = (await auth.issueToken()).access_token;
    const bearer = await smtp(submission, ['ehlo', 'starttls', 'ehlo', 'AUTH OAUTHBEARER',
      oauthbearer(TEST_USER, token, { host: submission.host, port: submission.port }), ...sendSteps('Thanks via OAUTHBEARER')]);
    assert.deepEqual(replies(bearer).slice(3, 5), ['334 ', '235 2.7.0 Logged in.'], JSON.stringify(bearer));
    assert.equal(lastReply(bearer).code, 250);
    const implicit = await smtp(submission, ['ehlo', 'AUTH XOAUTH2', xoauth2(TEST_USER, token), ...sendSteps('Thanks over 465')],
      { implicit: true });
    assert.deepEqual(replies(implicit).slice(1, 3), ['334 ', '235 2.7.0 Logged in.'], JSON.stringify(implicit));
    const relayed = await submission.sink.waitForMessages(3);
    assert.ok(relayed.some((m) => /^Subject: Thanks via OAUTHBEARER$/m.test(m)));
    assert.ok(relayed.some((m) => /^Subject: Thanks over 465$/m.test(m)));
  });

  test('refused tokens (expired, revoked, another account\'s, unknown): 334 + JSON challenge, then 535 after an empty line; nothing relayed', async () => {
    const expired = (await auth.issueToken()).access_token;
    auth.expire(expired);
    const { tokens } = await signIn(auth, listener);
    auth.revoke(tokens.refresh_token);
    const other = (await auth.issueToken({ account: OTHER_USER })).access_token;
    const before = submission.sink.received();
    for (const [what, token] of [['expired', expired], ['revoked', tokens.access_token], ['another account', other], ['unknown', 'not-a-token']]) {
      const log = await smtp(submission, [...xoauth2Steps(TEST_USER, token), '', 'MAIL FROM:<sam@corp.example>']);
      assert.deepEqual(replies(log).slice(3), ['334 ', `334 ${XOAUTH2_REFUSAL}`, '535 5.7.8 Authentication failed.',
        '530 5.7.0 Authentication required.'], `${what}: ${JSON.stringify(log)}`);
      const bearer = await smtp(submission, ['ehlo', 'starttls', 'ehlo', 'AUTH OAUTHBEARER', oauthbearer(TEST_USER, token), '']);
      assert.deepEqual(replies(bearer).slice(3), ['334 ', `334 ${OAUTHBEARER_REFUSAL}`, '535 5.7.8 Authentication failed.'],
        `${what}: ${JSON.stringify(bearer)}`);
    }
    assert.match(submission.log(), /Username 'analyst@afterword\.test' did not match 'someone\.else@afterword\.test'/);
    assert.match(submission.log(), /Provided token is not valid/);
    assert.equal(submission.sink.received(), before);
  });

  test('introspection that hangs, answers HTML or 500: 454 4.7.0 Temporary authentication failure, no challenge', async () => {
    const token = (await auth.issueToken()).access_token;
    for (const [mode, options] of [['hang', {}], ['html', {}], ['status', { status: 500 }]]) {
      auth.fail('introspect', mode, { ...options, times: 1 });
      const started = Date.now();
      const log = await smtp(submission, xoauth2Steps(TEST_USER, token));
      const reply = lastReply(log);
      assert.equal(reply.code, 454, `${mode}: ${JSON.stringify(log)}`);
      assert.match(reply.text, /^4\.7\.0 Temporary authentication failure\. \[.+\]$/, mode);
      if (mode === 'hang') assert.ok(Date.now() - started >= 1400, 'after introspectionTimeoutMs');
    }
    // And it recovers.
    const log = await smtp(submission, xoauth2Steps(TEST_USER, token));
    assert.equal(lastReply(log).code, 235, JSON.stringify(log));
  });
});

test('submission options: a required scope, and AUTH PLAIN beside the bearer mechanisms', async () => {
  const auth = await startAuthServer();
  const submission = await startOAuthSubmission({ dir: scratch('submission-scope'), introspectionUrl: auth.introspectionUrl,
    scope: 'https://mail.afterword.test/smtp', plain: true });
  try {
    const log = await smtp(submission, ['ehlo', 'starttls', 'ehlo']);
    assert.match(lastReply(log).text, /^AUTH XOAUTH2 OAUTHBEARER PLAIN LOGIN$/m);
    const narrow = (await auth.issueToken({ scope: 'openid email' })).access_token;
    const refused = await smtp(submission, [...xoauth2Steps(TEST_USER, narrow), '']);
    assert.deepEqual(replies(refused).slice(3), ['334 ', `334 ${XOAUTH2_REFUSAL}`, '535 5.7.8 Authentication failed.']);
    assert.match(submission.log(), /Token is not valid for scope 'https:\/\/mail\.afterword\.test\/smtp'/);
    const full = (await auth.issueToken()).access_token;
    assert.equal(lastReply(await smtp(submission, xoauth2Steps(TEST_USER, full))).code, 235);
    const plain = Buffer.from(`\0${TEST_USER}\0${TEST_PASSWORD}`).toString('base64');
    assert.deepEqual(replies(await smtp(submission, ['ehlo', 'starttls', 'ehlo', `AUTH PLAIN ${plain}`])).slice(3),
      ['235 2.7.0 Logged in.']);
  } finally {
    await submission.stop();
    await auth.stop();
  }
});

test('submission: stop() leaves no process behind and closes the ports; a relay of the test\'s choice', async () => {
  const auth = await startAuthServer();
  const pki = await makeCA(scratch('pki'));
  const sinkDir = scratch('own-sink');
  const sink = await startSink({ dir: sinkDir });
  const submission = await startOAuthSubmission({ dir: scratch('submission-stop'), introspectionUrl: auth.introspectionUrl,
    relay: { port: sink.port }, cert: { certFile: pki.certFile, keyFile: pki.keyFile } });
  try {
    assert.equal(submission.sink, null);
    assert.equal(submission.relay.port, sink.port);
    assert.ok(submission.processes().length > 0);
    const token = (await auth.issueToken()).access_token;
    const log = await smtp({ ...submission, caFile: pki.caFile }, [...xoauth2Steps(TEST_USER, token), ...sendSteps('To my sink')]);
    assert.equal(lastReply(log).code, 250, JSON.stringify(log));
    assert.match((await sink.waitForMessages(1))[0], /^Subject: To my sink$/m);
  } finally {
    await submission.stop();
    await sink.stop();
    await auth.stop();
  }
  assert.deepEqual(submission.processes(), []);
  const log = await smtp(submission, ['ehlo']);
  assert.equal(log.error, 'ConnectionRefusedError');
  await assert.rejects(fetch(auth.discoveryUrl), 'the authorization server is closed');
});
