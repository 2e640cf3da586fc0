import { afterEach, describe, expect, it, vi } from 'vitest';
import { FAST_POLL_MS, SLOW_POLL_MS, describeActivity, outboxWatch, outstanding } from './outbox.svelte';
import { fakeBackend, outboxState, senderStatus } from '../test/fake';

describe('outbox helpers', () => {
  it('counts what still needs the sender or the analyst for the badge', () => {
    const { counts } = outboxState({ queued: 2, sending: 1, deferred: 3, sent: 40, failed: 1, uncertain: 1, cancelled: 5 });
    expect(outstanding(counts)).toBe(8);
  });

  it('says what the sender does in plain words', () => {
    expect(describeActivity(senderStatus({ activity: 'sending' }, { total: 40, done: 11, current: 'jane@corp.com' })).text).toBe(
      'Sending 12 of 40 to jane@corp.com…',
    );
    const waiting = describeActivity(
      senderStatus({ activity: 'waiting_for_server', message: 'The server did not answer.', retry_at: '2026-11-25T10:05:00' }),
    );
    expect(waiting.text).toBe('Waiting for the server: The server did not answer, next try at 25 Nov 2026, 10:05. Messages wait safely until it answers.');
    const attention = describeActivity(senderStatus({ activity: 'needs_attention', message: 'The server refused the password.' }));
    expect(attention).toEqual({ tone: 'danger', text: 'Needs attention: The server refused the password.', toSettings: true, signIn: false });
    // A sign-in that expired or was revoked: the fix is to sign in again, and nothing was lost.
    const signIn = describeActivity(
      senderStatus({
        activity: 'needs_attention',
        sign_in_required: true,
        message: 'Not signed in. Sign in with Microsoft 365 in Settings › Mail server; your messages stay queued.',
      }),
    );
    expect(signIn).toEqual({
      tone: 'danger',
      text: 'Needs attention: Not signed in. Sign in with Microsoft 365 in Settings › Mail server; your messages stay queued.',
      toSettings: true,
      signIn: true,
    });
    expect(describeActivity(senderStatus({ activity: 'paused' })).text).toContain('Paused');
    expect(describeActivity(senderStatus({ activity: 'busy_elsewhere' })).text).toContain('Another Afterword is sending');
    expect(describeActivity(senderStatus()).text).toBe('Not sending: nothing is due.');
    expect(describeActivity(senderStatus({}, { total: 1200, done: 1200, sent: 1198, failed: 2 })).text).toBe(
      `Last batch done: ${(1198).toLocaleString()} sent, 2 failed.`,
    );
  });
});

describe('outboxWatch', () => {
  afterEach(() => vi.useRealTimers());

  it('polls slowly, fast while someone watches closely or a batch runs, and stops when told', async () => {
    vi.useFakeTimers();
    let activity = 'idle';
    const backend = fakeBackend({ outboxState: async () => outboxState({ queued: 1 }, senderStatus({ activity })) });
    const stop = outboxWatch.start(backend);
    await vi.advanceTimersByTimeAsync(0);
    expect(backend.outboxState).toHaveBeenCalledTimes(1);
    expect(outboxWatch.state?.counts.queued).toBe(1);
    expect(outboxWatch.interval).toBe(SLOW_POLL_MS);

    const release = outboxWatch.watchClosely();
    await vi.advanceTimersByTimeAsync(0);
    expect(outboxWatch.interval).toBe(FAST_POLL_MS);
    const before = backend.outboxState.mock.calls.length;
    await vi.advanceTimersByTimeAsync(FAST_POLL_MS * 3);
    expect(backend.outboxState.mock.calls.length).toBe(before + 3);
    release();
    expect(outboxWatch.interval).toBe(SLOW_POLL_MS);

    activity = 'sending';
    await vi.advanceTimersByTimeAsync(SLOW_POLL_MS);
    expect(outboxWatch.interval).toBe(FAST_POLL_MS);

    stop();
    const after = backend.outboxState.mock.calls.length;
    await vi.advanceTimersByTimeAsync(SLOW_POLL_MS * 3);
    expect(backend.outboxState.mock.calls.length).toBe(after);
  });
});
