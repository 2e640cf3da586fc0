import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import OutboxScreen from './OutboxScreen.svelte';
import ConfirmDialog from '../../components/ConfirmDialog.svelte';
import { fakeBackend, outboxEntry, outboxState, senderStatus, selectOption, withBackend, type FakeBackend } from '../../test/fake';
import { confirmations } from '../../lib/confirm.svelte';
import { outboxWatch } from '../../lib/outbox.svelte';
import { toasts } from '../../lib/toast.svelte';

let stopWatching: (() => void) | null = null;

function start(backend: FakeBackend) {
  stopWatching = outboxWatch.start(backend);
  const options = withBackend(backend);
  render(OutboxScreen, options);
  render(ConfirmDialog, { context: options.context });
}

afterEach(() => {
  stopWatching?.();
  stopWatching = null;
  confirmations.answer(false);
  toasts.dismiss();
});

const entries = [
  outboxEntry({ id: 'a', person_name: 'Ann Lee', recipient: 'ann@corp.com', state: 'queued' }),
  outboxEntry({ id: 'b', person_name: 'Bo Chen', recipient: 'bo@corp.com', state: 'failed', attempts: 1, last_reply: '550 5.1.1 No such user' }),
  outboxEntry({ id: 'c', person_name: 'Cy Dunn', recipient: 'cy@corp.com', state: 'uncertain', attempts: 1 }),
  outboxEntry({
    id: 'd',
    person_name: 'Di Eve',
    recipient: 'di@other.org',
    state: 'sent',
    incident_id: 'i2',
    incident_reference: 'INC-2026-0002',
    sent_at: '2026-11-25T09:30:00Z',
    attempts: 1,
  }),
];

describe('Outbox', () => {
  it('shows the counts, the batch progress in words and as a bar, and each message', async () => {
    const backend = fakeBackend({
      listOutbox: async () => entries,
      outboxState: async () =>
        outboxState({ queued: 1, failed: 1, uncertain: 1, sent: 1 }, senderStatus({ activity: 'sending' }, { total: 40, done: 11 })),
    });
    start(backend);

    const activity = await screen.findByTestId('outbox-activity');
    expect(activity.textContent).toContain('Sending 12 of 40…');
    const bar = screen.getByTestId('outbox-progress');
    expect(bar.getAttribute('role')).toBe('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('11');
    expect(bar.getAttribute('aria-valuemax')).toBe('40');
    const counts = screen.getAllByTestId('outbox-count');
    expect(counts.find((c) => c.dataset.state === 'failed')!.textContent).toContain('1 failed');

    const rows = await screen.findAllByTestId('outbox-row');
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => within(r).getByTestId('outbox-state').textContent!.trim())).toEqual(['Queued', 'Failed', 'Uncertain', 'Sent']);
    expect(rows[1]!.textContent).toContain('550 5.1.1 No such user');
    expect(rows[3]!.textContent).toContain('INC-2026-0002');
    // Uncertain is explained where it can be acted on.
    expect(screen.getByTestId('outbox-uncertain-note').textContent).toContain('it may have arrived. Check before sending again');
    // One action per state.
    expect(within(rows[0]!).getByTestId('outbox-cancel')).toBeTruthy();
    expect(within(rows[1]!).getByTestId('outbox-retry')).toBeTruthy();
    expect(within(rows[2]!).getByTestId('outbox-resolve-sent')).toBeTruthy();
    expect(within(rows[2]!).getByTestId('outbox-resolve-resend')).toBeTruthy();
    expect(within(rows[3]!).queryByRole('button')).toBeNull();
  });

  it('filters by state and by incident', async () => {
    const backend = fakeBackend({ listOutbox: async () => entries, outboxState: async () => outboxState({ queued: 1 }) });
    start(backend);
    await screen.findAllByTestId('outbox-row');
    selectOption(screen.getByTestId('outbox-filter-incident'), 'i2');
    await waitFor(() => expect(screen.getAllByTestId('outbox-row').map((r) => r.dataset.id)).toEqual(['d']));
    selectOption(screen.getByTestId('outbox-filter-incident'), '');
    selectOption(screen.getByTestId('outbox-filter-state'), 'failed');
    await waitFor(() => expect(screen.getAllByTestId('outbox-row').map((r) => r.dataset.id)).toEqual(['b']));
  });

  it('retries, resolves uncertain messages and sends now', async () => {
    const backend = fakeBackend({
      listOutbox: async () => entries,
      outboxState: async () => outboxState({ queued: 1 }),
      retryOutbox: async () => 1,
      resolveUncertain: async (id) => outboxEntry({ id, state: 'sent' }),
      sendNow: async () => senderStatus({ activity: 'sending' }),
    });
    start(backend);
    const rows = await screen.findAllByTestId('outbox-row');

    await fireEvent.click(within(rows[1]!).getByTestId('outbox-retry'));
    await waitFor(() => expect(backend.retryOutbox).toHaveBeenCalledWith(['b']));

    await fireEvent.click(within(rows[2]!).getByTestId('outbox-resolve-sent'));
    await waitFor(() => expect(backend.resolveUncertain).toHaveBeenCalledWith('c', 'sent'));

    // Sending again asks first: the recipient may get it twice.
    await fireEvent.click(within(screen.getAllByTestId('outbox-row')[2]!).getByTestId('outbox-resolve-resend'));
    expect((await screen.findByTestId('confirm-dialog')).textContent).toContain('twice');
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.resolveUncertain).toHaveBeenCalledWith('c', 'resend'));

    await fireEvent.click(screen.getByTestId('outbox-send-now'));
    await waitFor(() => expect(backend.sendNow).toHaveBeenCalledTimes(1));
  });

  it('cancels every waiting message only after asking, and pauses or resumes', async () => {
    let activity = 'idle';
    const backend = fakeBackend({
      listOutbox: async () => [...entries, outboxEntry({ id: 'e', state: 'deferred', person_name: 'Ed Fox' })],
      outboxState: async () => outboxState({ queued: 1, deferred: 1 }, senderStatus({ activity })),
      cancelOutbox: async (ids) => ids.length,
      pauseSending: async () => {
        activity = 'paused';
        return senderStatus({ activity });
      },
      resumeSending: async () => {
        activity = 'idle';
        return senderStatus({ activity });
      },
    });
    start(backend);
    await screen.findAllByTestId('outbox-row');

    await fireEvent.click(screen.getByTestId('outbox-cancel-waiting'));
    await screen.findByTestId('confirm-dialog');
    expect(backend.cancelOutbox).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(backend.cancelOutbox).toHaveBeenCalledWith(['a', 'e']));

    const pause = screen.getByTestId('outbox-pause');
    expect(pause.textContent).toContain('Pause');
    await fireEvent.click(pause);
    await waitFor(() => expect(screen.getByTestId('outbox-pause').textContent).toContain('Resume'));
    expect(screen.getByTestId('outbox-activity').textContent).toContain('Paused');
    await fireEvent.click(screen.getByTestId('outbox-pause'));
    await waitFor(() => expect(backend.resumeSending).toHaveBeenCalledTimes(1));
  });

  it('links a problem that needs attention to Settings › Mail server', async () => {
    const backend = fakeBackend({
      listOutbox: async () => [],
      outboxState: async () =>
        outboxState({ queued: 3 }, senderStatus({ activity: 'needs_attention', message: 'The server refused the password.' })),
    });
    start(backend);
    const activity = await screen.findByTestId('outbox-activity');
    expect(activity.textContent).toContain('Needs attention: The server refused the password.');
    expect(screen.getByTestId('outbox-to-settings').getAttribute('href')).toBe('#/settings/mail-server');
    expect((await screen.findByTestId('empty-state')).textContent).toContain('Nothing in the Outbox yet');
  });

  it('offers "Sign in again" when the Microsoft 365 or Google sign-in expired, messages still queued', async () => {
    const message =
      'Your Microsoft 365 sign-in has expired or was revoked (invalid_grant). Sign in with Microsoft 365 again in Settings › Mail server; your messages stay queued until then.';
    const backend = fakeBackend({
      listOutbox: async () => [],
      outboxState: async () =>
        outboxState({ queued: 3 }, senderStatus({ activity: 'needs_attention', sign_in_required: true, message })),
    });
    start(backend);
    const activity = await screen.findByTestId('outbox-activity');
    expect(activity.textContent).toContain('Needs attention: Your Microsoft 365 sign-in has expired or was revoked');
    const link = screen.getByTestId('outbox-sign-in');
    expect(link.textContent).toBe('Sign in again');
    expect(link.getAttribute('href')).toBe('#/settings/sign-in');
    expect(screen.queryByTestId('outbox-to-settings')).toBeNull();
    const queued = screen.getAllByTestId('outbox-count').find((c) => c.dataset.state === 'queued');
    expect(queued?.textContent).toContain('3');
  });
});
