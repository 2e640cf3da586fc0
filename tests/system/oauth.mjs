// A local OAuth 2.0 authorization server for the system and end-to-end tests: npm
// `oauth2-mock-server` 8.x in library mode (its OAuth2Issuer and OAuth2Service behind an HTTP
// server of ours on 127.0.0.1) with what the mock leaves out and a real provider does: codes
// that are checked (issued here, once, same client and redirect_uri, PKCE S256 required), refresh
// tokens that can be revoked, tokens that belong to an account, an introspection endpoint that
// answers per token (RFC 7662), and faults (HTML pages, hangs, error statuses) per endpoint.
// `completeBrowserStep` plays the browser of the sign-in. Installed by `scripts/setup.sh --test`
// (tests/package.json); pair it with mailserver.mjs's `startOAuthSubmission`.

import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';
import { TEST_USER } from './mailserver.mjs';

export const TEST_CLIENT_ID = 'afterword-desktop';
export const TEST_SCOPE = 'openid email https://mail.afterword.test/smtp';

const ENDPOINTS = {
  discovery: '/.well-known/openid-configuration',
  jwks: '/jwks',
  authorize: '/authorize',
  token: '/token',
  userinfo: '/userinfo',
  revoke: '/revoke',
  introspect: '/introspect',
};
const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** The OAuth `sub` of an account: stable and opaque, as providers make them. */
export function subjectOf(email) {
  return `sub-${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 16)}`;
}

/** base64url(SHA-256(verifier)): the S256 code_challenge of RFC 7636. */
export function pkceChallenge(verifier) {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A fresh RFC 7636 code_verifier (43 characters). */
export function pkceVerifier() {
  return randomBytes(32).toString('base64url');
}

/** The SASL XOAUTH2 initial response, base64: `user=EMAIL^Aauth=Bearer TOKEN^A^A`. */
export function xoauth2(email, token) {
  return Buffer.from(`user=${email}\x01auth=Bearer ${token}\x01\x01`).toString('base64');
}

/** The SASL OAUTHBEARER (RFC 7628) initial response, base64: `n,a=EMAIL,^Ahost=…^Aport=…^Aauth=Bearer TOKEN^A^A`. */
export function oauthbearer(email, token, { host = '127.0.0.1', port } = {}) {
  const fields = [`host=${host}`, ...(port ? [`port=${port}`] : []), `auth=Bearer ${token}`];
  return Buffer.from(`n,a=${email},\x01${fields.join('\x01')}\x01\x01`).toString('base64');
}

const isLoopbackRedirect = (uri) => {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' && ['127.0.0.1', '[::1]'].includes(url.hostname) && !url.hash;
  } catch {
    return false;
  }
};

const htmlPage = (title, text) =>
  `<!DOCTYPE html>\n<html><head><title>${title}</title></head><body><h1>${title}</h1><p>${text}</p></body></html>\n`;

/**
 * Starts the authorization server on 127.0.0.1 (a port chosen by the kernel). Issuer and every
 * URL use 127.0.0.1, never localhost. A public client (no secret) `clientId`; other client ids are
 * refused (authorize: 400 page; token: 401 invalid_client).
 *
 * Endpoints (all also in `{issuer}/.well-known/openid-configuration`):
 * - GET authorize: response_type=code, client_id, redirect_uri (http://127.0.0.1:PORT/… or
 *   http://[::1]:PORT/…, else a 400 HTML page and no redirect), code_challenge with
 *   code_challenge_method=S256 (required: else a redirect with error=invalid_request), state,
 *   scope, optional login_hint, nonce → 302 to redirect_uri?code=…&state=…; the code belongs to the
 *   account current at that moment.
 * - POST token (application/x-www-form-urlencoded):
 *   grant_type=authorization_code (code issued here, unused, < 10 min old, same client_id and
 *   redirect_uri as in authorize, code_verifier whose S256 is the code_challenge; else 400
 *   invalid_grant) → {access_token, token_type: 'Bearer', expires_in, scope, id_token, refresh_token};
 *   grant_type=refresh_token (a refresh token issued here and not revoked, same client; else 400
 *   invalid_grant) → a new access token of the same account and scope; with refreshRotation
 *   'none' (default, as Google does) no refresh_token in the answer and the old one stays valid,
 *   with 'rotate' a new refresh_token and the old one revoked;
 *   grant_type=client_credentials → an access token of the current account (handy for harness
 *   tests; no id_token, no refresh_token). Anything else: 400 unsupported_grant_type.
 *   Access and ID tokens are JWTs signed with the server's RS256 key (see jwks) with
 *   sub = subjectOf(email), email, and for ID tokens aud = client id, nonce, email_verified.
 * - POST introspect (token=…): {active: true, username: EMAIL, email, sub, scope, client_id,
 *   token_type, exp, iat, iss} for an access token issued here that is neither expired nor
 *   revoked, else {active: false} (RFC 7662: nothing more about an inactive token).
 * - POST revoke (token=…, RFC 7009): revokes that access or refresh token (with a refresh
 *   token, every access token of its grant too); always 200.
 * - GET userinfo (Authorization: Bearer): {sub, email, email_verified} of an active token, else 401.
 *
 * @param {object} [options]
 * @param {string} [options.dir]  where oauth-server.log goes (one line per request)
 * @param {string} [options.account]  whose tokens are issued: default TEST_USER
 * @param {string} [options.clientId]  default TEST_CLIENT_ID ('afterword-desktop')
 * @param {number} [options.accessTokenLifetime]  seconds, default 3600
 * @param {'none'|'rotate'} [options.refreshRotation]  default 'none'
 * @param {'jwt'|'opaque'} [options.accessTokenFormat]  'jwt' (default): signed JWTs of about 870
 *   characters, too long for an XOAUTH2 initial response on Dovecot 2.3 (see README.md);
 *   'opaque': random 46-character strings, as Google's are short
 */
export async function startAuthServer({ dir, account = TEST_USER, clientId = TEST_CLIENT_ID,
  accessTokenLifetime = 3600, refreshRotation = 'none', accessTokenFormat = 'jwt' } = {}) {
  if (!['none', 'rotate'].includes(refreshRotation)) throw new Error(`startAuthServer: unknown refreshRotation ${refreshRotation}`);
  const checkFormat = (format) => {
    if (!['jwt', 'opaque'].includes(format)) throw new Error(`startAuthServer: unknown accessTokenFormat ${format}`);
    return format;
  };
  let tokenFormat = checkFormat(accessTokenFormat);
  const logFile = dir ? path.join(path.resolve(dir), 'oauth-server.log') : null;
  if (dir) mkdirSync(dir, { recursive: true });
  const log = (line) => {
    if (logFile) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
  };

  const issuer = new OAuth2Issuer();
  await issuer.keys.generate('RS256');
  const service = new OAuth2Service(issuer);

  let currentAccount = account;
  let lifetime = accessTokenLifetime;
  let introspectionOverride = null;
  const codes = new Map(); // code → {clientId, redirectUri, challenge, scope, nonce, account, issuedAt, used}
  const grants = new Map(); // refresh token → grant
  const accessTokens = new Map(); // access token → record
  const authorizations = []; // every GET authorize, its query
  const requests = []; // every request: {method, path, endpoint, status, body?}
  const faults = new Map(); // endpoint → {mode, status, body, contentType, times}
  const hanging = new Set();

  const endpointOf = (pathname) => Object.keys(ENDPOINTS).find((k) => ENDPOINTS[k] === pathname) ?? null;
  const newGrant = (fields) => {
    const grant = { refreshToken: randomUUID(), revoked: false, ...fields };
    grants.set(grant.refreshToken, grant);
    return grant;
  };
  const isActive = (record) => record && !record.revoked && !record.grant?.revoked && Date.now() < record.expiresAt;

  // --- hooks into the mock: whose token it is, how long it lives, what the answer carries.
  service.on('beforeTokenSigning', (token, req) => {
    const ctx = req.afterword;
    if (!ctx) return;
    const { payload } = token;
    const sub = subjectOf(ctx.account);
    if ('scope' in payload) {
      // The access token (the mock's ID token transform sets no scope).
      Object.assign(payload, { sub, email: ctx.account, client_id: ctx.clientId, scope: ctx.scope, jti: randomUUID(),
        exp: payload.iat + ctx.lifetime });
      if (payload.aud === undefined) delete payload.aud;
    } else {
      Object.assign(payload, { sub, email: ctx.account, email_verified: true, aud: ctx.clientId, exp: payload.iat + ctx.lifetime });
      if (ctx.nonce !== undefined) payload.nonce = ctx.nonce;
      else delete payload.nonce;
    }
  });
  service.on('beforeResponse', (response, req) => {
    const ctx = req.afterword;
    if (!ctx || response.statusCode !== 200) return;
    const body = response.body;
    body.expires_in = ctx.lifetime;
    body.scope = ctx.scope;
    let grant = ctx.grant;
    if (ctx.grantType === 'authorization_code') {
      grant = newGrant({ account: ctx.account, clientId: ctx.clientId, scope: ctx.scope, nonce: ctx.nonce });
      body.refresh_token = grant.refreshToken;
    } else if (ctx.grantType === 'refresh_token') {
      if (refreshRotation === 'rotate') {
        grant.revoked = true;
        grant = newGrant({ account: grant.account, clientId: grant.clientId, scope: grant.scope, rotatedFrom: grant.refreshToken });
        body.refresh_token = grant.refreshToken;
      } else {
        delete body.refresh_token;
      }
    } else {
      delete body.refresh_token;
      delete body.id_token;
    }
    if (tokenFormat === 'opaque') body.access_token = `at.${randomBytes(32).toString('base64url')}`;
    const now = Date.now();
    accessTokens.set(body.access_token, {
      accessToken: body.access_token, account: ctx.account, clientId: ctx.clientId, scope: ctx.scope,
      grantType: ctx.grantType, grant: grant ?? null, issuedAt: now, expiresAt: now + ctx.lifetime * 1000, revoked: false,
    });
  });

  // --- our layer in front of the mock.
  const readBody = (req) => new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
  const send = (res, status, body, headers = {}) => {
    const json = typeof body !== 'string';
    res.writeHead(status, { 'Content-Type': json ? 'application/json' : 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
    res.end(json ? JSON.stringify(body) : body);
  };
  const oauthError = (res, status, error, description, headers) =>
    send(res, status, { error, error_description: description }, headers);
  const clientOf = (req, body) => {
    const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) return decodeURIComponent(Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0]);
    return body.client_id;
  };

  const token = async (req, res, body) => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      return oauthError(res, 400, 'invalid_request', 'the token request must be application/x-www-form-urlencoded');
    }
    const client = clientOf(req, body);
    if (client !== clientId) {
      return oauthError(res, 401, 'invalid_client', `unknown client ${JSON.stringify(client ?? '')}`, { 'WWW-Authenticate': 'Basic' });
    }
    const ctx = { clientId: client, lifetime, grantType: body.grant_type };
    if (body.grant_type === 'authorization_code') {
      const code = codes.get(body.code);
      if (!code) return oauthError(res, 400, 'invalid_grant', 'unknown authorization code');
      if (code.used) return oauthError(res, 400, 'invalid_grant', 'the authorization code was already used');
      code.used = true;
      if (Date.now() - code.issuedAt > CODE_LIFETIME_MS) return oauthError(res, 400, 'invalid_grant', 'the authorization code expired');
      if (code.clientId !== client) return oauthError(res, 400, 'invalid_grant', 'the code was issued to another client');
      if (code.redirectUri !== body.redirect_uri) return oauthError(res, 400, 'invalid_grant', 'redirect_uri differs from the authorization request');
      if (typeof body.code_verifier !== 'string') return oauthError(res, 400, 'invalid_grant', 'code_verifier missing (PKCE)');
      if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(body.code_verifier) || pkceChallenge(body.code_verifier) !== code.challenge) {
        return oauthError(res, 400, 'invalid_grant', 'code_verifier does not match code_challenge');
      }
      Object.assign(ctx, { account: code.account, scope: code.scope, nonce: code.nonce });
      // The mock checks PKCE again with the challenge it kept, then signs the tokens.
    } else if (body.grant_type === 'refresh_token') {
      const grant = grants.get(body.refresh_token);
      if (!grant || grant.revoked) return oauthError(res, 400, 'invalid_grant', 'the refresh token is invalid, expired or revoked');
      if (grant.clientId !== client) return oauthError(res, 400, 'invalid_grant', 'the refresh token was issued to another client');
      Object.assign(ctx, { account: grant.account, scope: grant.scope, grant });
    } else if (body.grant_type === 'client_credentials') {
      Object.assign(ctx, { account: currentAccount, scope: body.scope ?? TEST_SCOPE });
    } else {
      return oauthError(res, 400, 'unsupported_grant_type', `grant_type ${JSON.stringify(body.grant_type ?? '')} is not supported`);
    }
    req.afterword = ctx;
    return forward(req, res);
  };

  const authorize = (req, res, url) => {
    const q = Object.fromEntries(url.searchParams);
    authorizations.push({ ...q, at: Date.now() });
    if (q.client_id !== clientId) return send(res, 400, htmlPage('Unknown client', `client_id ${q.client_id ?? '(none)'} is not registered.`));
    if (!isLoopbackRedirect(q.redirect_uri)) {
      return send(res, 400, htmlPage('Invalid redirect_uri', 'Only http://127.0.0.1:PORT/ or http://[::1]:PORT/ redirects are registered for this client.'));
    }
    const back = new URL(q.redirect_uri);
    const refuse = (error, description) => {
      back.searchParams.set('error', error);
      back.searchParams.set('error_description', description);
      if (q.state !== undefined) back.searchParams.set('state', q.state);
      res.writeHead(302, { Location: back.href });
      res.end();
    };
    if (q.response_type !== 'code') return refuse('unsupported_response_type', 'only response_type=code');
    if (!q.code_challenge || q.code_challenge_method !== 'S256') return refuse('invalid_request', 'PKCE with code_challenge_method=S256 is required');
    req.afterword = { authorize: { ...q, account: currentAccount } };
    return forward(req, res);
  };
  service.on('beforeAuthorizeRedirect', (redirect, req) => {
    const q = req.afterword?.authorize;
    const code = redirect.url.searchParams.get('code');
    if (!q || !code) return;
    codes.set(code, { clientId: q.client_id, redirectUri: q.redirect_uri, challenge: q.code_challenge, scope: q.scope ?? TEST_SCOPE,
      nonce: q.nonce, account: q.account, issuedAt: Date.now(), used: false });
  });

  const introspect = (req, res, body) => {
    const record = accessTokens.get(body.token);
    let answer = { active: false };
    if (isActive(record)) {
      answer = { active: true, username: record.account, email: record.account, sub: subjectOf(record.account), scope: record.scope,
        client_id: record.clientId, token_type: 'Bearer', exp: Math.floor(record.expiresAt / 1000),
        iat: Math.floor(record.issuedAt / 1000), iss: issuer.url };
    }
    if (introspectionOverride) {
      const custom = introspectionOverride(body.token, answer, record ?? null);
      if (custom?.statusCode !== undefined) return send(res, custom.statusCode, custom.body ?? '');
      if (custom !== undefined) answer = custom;
    }
    return send(res, 200, answer);
  };

  const revoke = (req, res, body) => {
    const record = accessTokens.get(body.token);
    if (record) record.revoked = true;
    const grant = grants.get(body.token);
    if (grant) grant.revoked = true;
    res.writeHead(200);
    res.end();
  };

  const userinfo = (req, res) => {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '');
    const record = bearer && accessTokens.get(bearer[1]);
    if (!isActive(record)) return send(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    return send(res, 200, { sub: subjectOf(record.account), email: record.account, email_verified: true });
  };

  // The mock's own document lists 'plain' PKCE and no refresh_token grant: ours says what is served.
  const discovery = () => ({
    issuer: issuer.url,
    authorization_endpoint: issuer.url + ENDPOINTS.authorize,
    token_endpoint: issuer.url + ENDPOINTS.token,
    userinfo_endpoint: issuer.url + ENDPOINTS.userinfo,
    jwks_uri: issuer.url + ENDPOINTS.jwks,
    revocation_endpoint: issuer.url + ENDPOINTS.revoke,
    introspection_endpoint: issuer.url + ENDPOINTS.introspect,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: TEST_SCOPE.split(' '),
    claims_supported: ['sub', 'email', 'email_verified', 'iss', 'aud', 'exp', 'iat', 'nonce'],
  });

  const forward = (req, res) => service.requestHandler(req, res);

  const applyFault = (req, res, fault) => {
    if (fault.mode === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return; // never answered; the socket is destroyed by stop() or by the client
    }
    if (fault.mode === 'reset') return req.socket.destroy();
    if (fault.mode === 'html') {
      return send(res, fault.status ?? 200, fault.body ?? htmlPage('Sign in', 'Please sign in to the network to continue.'));
    }
    const body = fault.body ?? { error: 'server_error', error_description: `injected status ${fault.status}` };
    return send(res, fault.status ?? 500, body, fault.contentType ? { 'Content-Type': fault.contentType } : {});
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const endpoint = endpointOf(url.pathname);
    const entry = { method: req.method, path: url.pathname, endpoint, at: Date.now() };
    requests.push(entry);
    res.on('finish', () => {
      entry.status = res.statusCode;
      log(`${req.method} ${url.pathname}${url.search ? '?…' : ''} → ${res.statusCode}`);
    });
    try {
      let body = {};
      if (req.method === 'POST') {
        const raw = await readBody(req);
        const type = req.headers['content-type'] ?? '';
        if (/^application\/x-www-form-urlencoded\b/i.test(type)) body = Object.fromEntries(new URLSearchParams(raw));
        else if (/^application\/json\b/i.test(type) && raw) body = JSON.parse(raw);
        // The mock's body parsers see a finished stream and keep this body.
        req.body = body;
        entry.body = body;
      }
      const fault = endpoint && faults.get(endpoint);
      if (fault) {
        if (--fault.times <= 0) faults.delete(endpoint);
        log(`${req.method} ${url.pathname}: injected fault ${fault.mode}`);
        return applyFault(req, res, fault);
      }
      if (endpoint === 'token' && req.method === 'POST') return await token(req, res, body);
      if (endpoint === 'authorize' && req.method === 'GET') return authorize(req, res, url);
      if (endpoint === 'introspect' && req.method === 'POST') return introspect(req, res, body);
      if (endpoint === 'revoke' && req.method === 'POST') return revoke(req, res, body);
      if (endpoint === 'userinfo') return userinfo(req, res);
      if (endpoint === 'discovery' && req.method === 'GET') return send(res, 200, discovery());
      return forward(req, res); // discovery, jwks, 404s
    } catch (error) {
      log(`${req.method} ${url.pathname}: ${error.stack}`);
      if (!res.headersSent) send(res, 500, { error: 'server_error', error_description: String(error.message) });
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const base = `http://127.0.0.1:${port}`;
  issuer.url = base;
  const urls = Object.fromEntries(Object.entries(ENDPOINTS).map(([k, p]) => [k, base + p]));

  let stopped = null;
  const tokenRecord = (t) => accessTokens.get(t) ?? null;

  return {
    host: '127.0.0.1',
    port,
    issuer: base,
    baseUrl: base,
    discoveryUrl: urls.discovery,
    jwksUrl: urls.jwks,
    authorizationUrl: urls.authorize,
    tokenUrl: urls.token,
    userinfoUrl: urls.userinfo,
    revocationUrl: urls.revoke,
    introspectionUrl: urls.introspect,
    clientId,
    scope: TEST_SCOPE,
    logFile,
    /** The account (email) of the codes and client_credentials tokens issued from now on. */
    get account() {
      return currentAccount;
    },
    setAccount(email) {
      currentAccount = email;
    },
    /** Lifetime in seconds (expires_in, JWT exp, introspection) of access tokens issued from now on. */
    setAccessTokenLifetime(seconds) {
      lifetime = seconds;
    },
    /** 'jwt' or 'opaque' for access tokens issued from now on. */
    setAccessTokenFormat(format) {
      tokenFormat = checkFormat(format);
    },
    /** An authorization URL as the app would build it (PKCE S256); returns {url, verifier, state, redirectUri}. */
    authorizationRequest({ redirectUri, state = randomBytes(16).toString('base64url'), verifier = pkceVerifier(),
      scope = TEST_SCOPE, extra = {} }) {
      const url = new URL(urls.authorize);
      for (const [k, v] of Object.entries({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope, state,
        code_challenge: pkceChallenge(verifier), code_challenge_method: 'S256', ...extra })) {
        if (v !== undefined && v !== null) url.searchParams.set(k, v);
      }
      return { url: url.href, verifier, state, redirectUri };
    },
    /** Issues an access token directly (a client_credentials grant over HTTP); returns the token response. */
    async issueToken({ account: who, lifetime: seconds, scope, format } = {}) {
      const saved = [currentAccount, lifetime, tokenFormat];
      if (who) currentAccount = who;
      if (seconds !== undefined) lifetime = seconds;
      if (format !== undefined) tokenFormat = checkFormat(format);
      try {
        const response = await fetch(urls.token, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, ...(scope ? { scope } : {}) }),
        });
        const json = await response.json();
        if (!response.ok) throw new Error(`token endpoint: ${response.status} ${JSON.stringify(json)}`);
        return json;
      } finally {
        [currentAccount, lifetime, tokenFormat] = saved;
      }
    },
    /** Marks an access token expired: introspection and userinfo answer it as inactive. */
    expire(accessToken) {
      const record = tokenRecord(accessToken);
      if (!record) throw new Error('expire: not an access token of this server');
      record.expiresAt = Math.min(record.expiresAt, Date.now() - 1);
    },
    /** Revokes an access token or a refresh token (as the revocation endpoint does): introspection
     *  answers inactive; a revoked refresh token gets invalid_grant at the token endpoint, and its
     *  access tokens are inactive too. */
    revoke(tokenValue) {
      const record = tokenRecord(tokenValue);
      const grant = grants.get(tokenValue);
      if (!record && !grant) throw new Error('revoke: not a token of this server');
      if (record) record.revoked = true;
      if (grant) grant.revoked = true;
    },
    /** Revokes every refresh token (and so their access tokens): "the user removed the app's access". */
    revokeAll() {
      for (const grant of grants.values()) grant.revoked = true;
      for (const record of accessTokens.values()) record.revoked = true;
    },
    /**
     * Makes `endpoint` ('token', 'authorize', 'introspect', 'revoke', 'userinfo', 'discovery',
     * 'jwks') misbehave for the next `times` requests (default: until cleared with mode null):
     * - 'html': an HTML page (status `status`, default 200; `body` to choose the page), as a
     *   captive portal or a login page would;
     * - 'hang': reads the request and never answers (the socket stays open until the client gives
     *   up or stop());
     * - 'reset': closes the connection without an answer;
     * - 'status': answers `status` (default 500) with `body` (default a JSON server_error) and
     *   `contentType`.
     */
    fail(endpoint, mode, { status, body, contentType, times = Infinity } = {}) {
      if (!(endpoint in ENDPOINTS)) throw new Error(`fail: unknown endpoint ${endpoint}`);
      if (mode === null) return void faults.delete(endpoint);
      if (!['html', 'hang', 'reset', 'status'].includes(mode)) throw new Error(`fail: unknown mode ${mode}`);
      faults.set(endpoint, { mode, status, body, contentType, times });
    },
    /** Replaces introspection answers: fn(token, defaultAnswer, record|null) returns the JSON to send,
     *  or {statusCode, body} for a raw answer (body a string: text/html), or undefined for the default.
     *  null restores the default. */
    setIntrospection(fn) {
      introspectionOverride = fn;
    },
    /** Issued access tokens, oldest first: {accessToken, account, clientId, scope, grantType,
     *  refreshToken|null, issuedAt, expiresAt, revoked, active}. */
    tokens: () => [...accessTokens.values()].map((r) => ({
      accessToken: r.accessToken, account: r.account, clientId: r.clientId, scope: r.scope, grantType: r.grantType,
      refreshToken: r.grant?.refreshToken ?? null, issuedAt: r.issuedAt, expiresAt: r.expiresAt,
      revoked: r.revoked || Boolean(r.grant?.revoked), active: isActive(r),
    })),
    /** Refresh tokens: {refreshToken, account, clientId, scope, revoked, rotatedFrom?}. */
    refreshTokens: () => [...grants.values()].map(({ nonce, ...g }) => ({ ...g })),
    /** Every authorization request's query parameters (and `at`), oldest first. */
    authorizations: () => authorizations.map((a) => ({ ...a })),
    /** Every request: {method, path, endpoint, at, status, body (POST: the parsed form)}. */
    requests: () => requests.map((r) => ({ ...r })),
    /** Requests to one endpoint ('token', 'introspect', …). */
    requestsTo: (endpoint) => requests.filter((r) => r.endpoint === endpoint).map((r) => ({ ...r })),
    stop() {
      stopped ??= new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/**
 * Plays the browser of a sign-in: GETs the authorization URL without following redirects (the
 * server's 302), then GETs the Location — the app's loopback listener — and returns what that
 * page answered. With `error`, `state` or `code`, the redirect is altered first: `error:
 * 'access_denied'` replaces the code by error=access_denied&error_description=… (the user clicked
 * "Cancel"), `state: 'x'` sends another state (null: none), `code: 'x'` another code.
 * If the authorization server does not redirect (an error page, an injected fault), nothing is
 * sent to the listener and `stage` is 'authorize'.
 *
 * @param {string} url  the authorization URL the app opened
 * @param {{error?: string, errorDescription?: string, state?: string|null, code?: string,
 *   timeoutMs?: number}} [options]
 * @returns {Promise<{stage: 'authorize'|'callback', status: number, text: string,
 *   headers: Record<string,string>, authorizeStatus: number, callbackUrl: string|null,
 *   code: string|null, state: string|null, error: string|null}>}
 *   status/text/headers: of the listener's page (stage 'callback') or of the authorization
 *   server's answer (stage 'authorize'); callbackUrl: the URL sent to the listener.
 */
export async function completeBrowserStep(url, { error, errorDescription, state, code, timeoutMs = 10000 } = {}) {
  const first = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  const location = first.headers.get('location');
  if (first.status < 300 || first.status >= 400 || !location) {
    return { stage: 'authorize', status: first.status, text: await first.text(), headers: Object.fromEntries(first.headers),
      authorizeStatus: first.status, callbackUrl: null, code: null, state: null, error: null };
  }
  await first.arrayBuffer();
  const callback = new URL(location, url);
  const params = callback.searchParams;
  if (error !== undefined) {
    params.delete('code');
    params.set('error', error);
    params.set('error_description', errorDescription ?? 'The user denied the request.');
  }
  if (code !== undefined) params.set('code', code);
  if (state === null) params.delete('state');
  else if (state !== undefined) params.set('state', state);
  const page = await fetch(callback, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  return { stage: 'callback', status: page.status, text: await page.text(), headers: Object.fromEntries(page.headers),
    authorizeStatus: first.status, callbackUrl: callback.href, code: params.get('code'), state: params.get('state'),
    error: params.get('error') };
}
