// Crash safety: `kill -9` the sender at random points of a 1,000-message batch to smtp-sink, at
// least 20 times, then let it finish. Counted from what the sink dumped: every message sent is
// delivered exactly once, a message left uncertain by a crash at most once, at most one uncertain
// per crash, and none is lost.
// The kill points come from a seeded PRNG: the seed is printed; AFTERWORD_CRASH_SEED=N repeats it.
// Run as root: dbus-run-session --config-file=tests/e2e/session-bus.conf -- node --test tests/system/

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { afterword, cliBinary, ok, said, SENDER, smtpSet, waitFor } from './afterword.mjs';
import { startSink } from './mailserver.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-crash-'));
after(() => rmSync(root, { recursive: true, force: true }));

const MESSAGES = 1000;
const KILLS = 20;
const SEED = Number(process.env.AFTERWORD_CRASH_SEED || Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded PRNG, floats in [0, 1). */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every complete message the sink dumped: [{file, id}] plus the files without a whole message. */
function dumped(sink) {
  const complete = [];
  const partial = [];
  for (const file of sink.files()) {
    const raw = readFileSync(file, 'latin1');
    // One file per transaction; several Message-IDs would mean two transactions in one file.
    const ids = [...raw.matchAll(/^Message-ID:\s*<([^>]+)>/gim)].map((m) => m[1]);
    const boundary = /boundary="([^"]+)"/.exec(raw)?.[1];
    if (ids.length === 1 && boundary && raw.includes(`--${boundary}--`)) complete.push({ file, id: ids[0] });
    else partial.push({ file, ids });
  }
  return { complete, partial };
}

test(`kill -9 the sender at least ${KILLS} times during a ${MESSAGES}-message batch: each message delivered exactly once, or uncertain, none lost`, async (t) => {
  t.diagnostic(`seed ${SEED} (repeat with AFTERWORD_CRASH_SEED=${SEED})`);
  console.log(`crash test seed: ${SEED}`);
  const random = prng(SEED);
  const data = path.join(root, 'data');
  mkdirSync(data);
  await ok(data, ['generate', '--incidents', '1', '--people', String(MESSAGES), '--contributions', String(MESSAGES), '--crowded', String(MESSAGES)]);
  await ok(data, ['settings', 'set', 'sender.name', SENDER.name]);
  await ok(data, ['settings', 'set', 'sender.email', SENDER.email]);
  await ok(data, ['messages', 'generate', '--incident', 'GEN-000001']);
  await ok(data, ['messages', 'approve', '--incident', 'GEN-000001', '--acknowledge-findings']);
  const queued = (await ok(data, ['outbox', 'queue', '--incident', 'GEN-000001'], { json: true })).json;
  assert.equal(queued.queued, MESSAGES);

  const sink = await startSink({ dir: path.join(root, 'sink') });
  t.after(() => sink.stop());
  // Unthrottled, the sender empties the batch within a few kills; at 200 messages a second (the
  // product's own rate limit) twenty kills spread over it, landing between messages, in the
  // middle of a transaction, and while messages are reserved but not yet started.
  assert.equal((await smtpSet(data, { host: '127.0.0.1', port: sink.port, security: 'none', rate: 12000 })).code, 0);

  const counts = async () => (await ok(data, ['outbox', 'status'], { json: true })).json
    .reduce((acc, e) => ({ ...acc, [e.state]: (acc[e.state] ?? 0) + 1 }), {});
  const log = [];
  let kills = 0;
  let runMs = 0;
  let runs = 0;
  let left = MESSAGES;
  while (kills < KILLS) {
    assert.ok(runs < KILLS * 3, `only ${kills} kills landed in ${runs} runs: ${JSON.stringify(log)}`);
    runs += 1;
    // Kill points 20–400 ms after the start, narrowed when sending is fast, so the kills spread
    // over the batch and a quarter of it is still left for the final run.
    const perKill = runMs && MESSAGES - left ? ((left * 0.75) / (KILLS - kills)) * (runMs / (MESSAGES - left)) : 400;
    const max = Math.max(40, Math.min(400, 2 * perKill));
    const delay = Math.round(20 + random() * (max - 20));
    const child = spawn(cliBinary, ['--data-dir', data, 'outbox', 'send'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const started = Date.now();
    const early = await Promise.race([exited, sleep(delay).then(() => null)]);
    if (!early) child.kill('SIGKILL');
    const { code, signal } = await Promise.race([exited, sleep(10000).then(() => assert.fail('a killed sender did not end'))]);
    runMs += Date.now() - started;
    const now = await counts();
    assert.ok((now.sending ?? 0) <= 1, `at most the one message in flight is left sending: ${JSON.stringify(now)}`);
    left = (now.queued ?? 0) + (now.sending ?? 0) + (now.deferred ?? 0);
    log.push({ delay, ...(signal ? { signal } : { code }), ...now });
    if (signal === 'SIGKILL') kills += 1;
    else assert.ok(code === 0 || code === 1, `the sender failed on its own (exit ${code}): ${stderr}`);
    if (!left) break;
  }
  t.diagnostic(`runs: ${JSON.stringify(log)}`);
  assert.ok(kills >= KILLS, `${kills} kills landed while messages were waiting (the batch was sent too fast): ${JSON.stringify(log)}`);
  assert.ok(left > 0, 'messages were still waiting after the last kill, for the final run');

  // Resume: repeated until everything is sent or only uncertain ones remain.
  let final;
  for (let i = 0; i < 5; i += 1) {
    final = await afterword(data, ['outbox', 'send', '--now'], { json: true, timeoutMs: 120000 });
    if (final.code === 0) break;
    const c = final.json?.outbox;
    if (c && c.queued + c.sending + c.deferred + c.failed === 0) break;
  }
  const entries = (await ok(data, ['outbox', 'status'], { json: true })).json;
  const byState = {};
  for (const e of entries) (byState[e.state] ??= []).push(e);
  const sent = byState.sent ?? [];
  const uncertain = byState.uncertain ?? [];
  assert.deepEqual(Object.keys(byState).filter((s) => s !== 'sent' && s !== 'uncertain'), [], `nothing else left: ${said(final)}`);
  assert.equal(sent.length + uncertain.length, MESSAGES, 'none lost');
  assert.ok(uncertain.length <= kills, `${uncertain.length} uncertain after ${kills} kills`);
  for (const e of uncertain) assert.match(e.last_reply, /Afterword stopped while this message was being sent/);

  // What the sink received. A transaction abandoned by a killed client leaves a dump file only
  // until the sink notices; wait for those to go.
  const { complete, partial } = await waitFor('the sink to drop the dump files of abandoned transactions', () => {
    const d = dumped(sink);
    return d.partial.length === 0 ? d : null;
  }, 10000).catch((error) => {
    const d = dumped(sink);
    error.message += `: ${JSON.stringify(d.partial)}`;
    throw error;
  });
  const received = new Map();
  for (const { id } of complete) received.set(id, (received.get(id) ?? 0) + 1);
  const known = new Set(entries.map((e) => e.message_id));
  assert.deepEqual([...received.keys()].filter((id) => !known.has(id)), [], 'only outbox messages arrived');
  const notOnce = sent.filter((e) => received.get(e.message_id) !== 1).map((e) => [e.message_id, received.get(e.message_id) ?? 0]);
  assert.deepEqual(notOnce, [], 'every sent message arrived exactly once');
  const twice = uncertain.filter((e) => (received.get(e.message_id) ?? 0) > 1).map((e) => e.message_id);
  assert.deepEqual(twice, [], 'an uncertain message arrived at most once');
  const uncertainArrived = uncertain.filter((e) => received.has(e.message_id)).length;
  assert.equal(complete.length, sent.length + uncertainArrived);
  assert.equal(partial.length, 0);

  const figures = `seed ${SEED}: ${runs} interrupted runs, ${kills} kills, ${uncertain.length} uncertain (${uncertainArrived} of them arrived), ` +
    `${sent.length} sent, ${complete.length} received by the sink, every sent one exactly once`;
  t.diagnostic(figures);
  console.log(`crash test: ${figures}`);
});
