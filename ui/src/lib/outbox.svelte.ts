// The outbox as the whole UI sees it: one poller of `outbox_state` shared by the sidebar badge,
// the Outbox view and the compose screen, and the plain words for what the sender is doing.
//
// The web view hears only one Tauri event (a file dropped on the window), not the sender's, so
// the state is polled: every 400 ms while a batch is running or a screen asks for it (`watchClosely`), every
// few seconds otherwise, which is enough for the sidebar badge.

import type { Backend } from './api';
import { ApiError } from './api';
import { formatDateTime } from './format';
import type { OutboxCounts, OutboxState, SenderStatus } from './types';

export const FAST_POLL_MS = 400;
export const SLOW_POLL_MS = 4000;

/** The sender's activities (SenderStatus.activity). */
export type Activity = 'idle' | 'sending' | 'paused' | 'waiting_for_server' | 'needs_attention' | 'busy_elsewhere';

/**
 * Messages that still need something — from the sender (queued, sending, deferred) or from the
 * analyst (failed, uncertain): the sidebar's badge.
 */
export function outstanding(counts: OutboxCounts): number {
  return counts.queued + counts.sending + counts.deferred + counts.failed + counts.uncertain;
}

/** How the activity line looks: its tone picks the colour and icon. */
export type ActivityTone = 'idle' | 'busy' | 'paused' | 'warning' | 'danger';

export interface ActivityText {
  tone: ActivityTone;
  /** The sentence, in plain words. */
  text: string;
  /** The fix is in Settings › Mail server: show a link there. */
  toSettings: boolean;
  /** The fix is to sign in to Microsoft 365 or Google again: the link says "Sign in again". */
  signIn: boolean;
}

/** What the sender is doing, in plain words ("Sending 12 of 40…"). */
export function describeActivity(status: SenderStatus): ActivityText {
  const { progress } = status;
  const message = status.message?.trim() ?? '';
  switch (status.activity as Activity) {
    case 'sending': {
      // `done` counts finished messages; the one on the wire is the next.
      const at = Math.min(progress.done + 1, Math.max(progress.total, 1));
      const to = progress.current ? ` to ${progress.current}` : '';
      return {
        tone: 'busy',
        text: `Sending ${at.toLocaleString()} of ${progress.total.toLocaleString()}${to}…`,
        toSettings: false,
        signIn: false,
      };
    }
    case 'waiting_for_server': {
      const next = status.retry_at ? `, next try at ${formatDateTime(status.retry_at)}` : '';
      const why = message ? `: ${stripStop(message)}` : '';
      return {
        tone: 'warning',
        text: `Waiting for the server${why}${next}. Messages wait safely until it answers.`,
        toSettings: false,
        signIn: false,
      };
    }
    case 'needs_attention':
      if (status.sign_in_required) {
        return {
          tone: 'danger',
          text: `Needs attention: ${message ? stripStop(message) : 'the sign-in has expired or was removed; every message stays queued'}.`,
          toSettings: true,
          signIn: true,
        };
      }
      return {
        tone: 'danger',
        text: `Needs attention: ${message ? stripStop(message) : 'the mail server settings need a look'}.`,
        toSettings: true,
        signIn: false,
      };
    case 'paused':
      return { tone: 'paused', text: 'Paused. Nothing leaves until you resume.', toSettings: false, signIn: false };
    case 'busy_elsewhere':
      return {
        tone: 'warning',
        text: `Another Afterword is sending${message ? ` (${stripStop(message)})` : ''}. This one waits its turn.`,
        toSettings: false,
        signIn: false,
      };
    default:
      return { tone: 'idle', text: idleText(status), toSettings: false, signIn: false };
  }
}

function idleText(status: SenderStatus): string {
  const { total, sent, deferred, failed, uncertain } = status.progress;
  if (total === 0) return 'Not sending: nothing is due.';
  const parts = [`${sent.toLocaleString()} sent`];
  if (deferred) parts.push(`${deferred.toLocaleString()} to try again later`);
  if (failed) parts.push(`${failed.toLocaleString()} failed`);
  if (uncertain) parts.push(`${uncertain.toLocaleString()} uncertain`);
  return `Last batch done: ${parts.join(', ')}.`;
}

/** A sentence is embedded in ours: drop its final full stop so we do not print two. */
function stripStop(text: string): string {
  return text.replace(/[.\s]+$/, '');
}

class OutboxWatch {
  /** The latest state; null until the first answer. */
  state = $state<OutboxState | null>(null);
  /** Why the last poll failed, if it did (cleared by the next good one). */
  error = $state<string | null>(null);

  #backend: Backend | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #close = 0;
  #running = false;
  #pending: Promise<void> | null = null;

  /** Begins polling with `backend`; returns the function that stops it. */
  start(backend: Backend): () => void {
    this.#backend = backend;
    this.#running = true;
    void this.refresh();
    return () => {
      this.#running = false;
      this.#clear();
      if (this.#backend === backend) this.#backend = null;
    };
  }

  /** Polls fast while the caller holds it (the Outbox view, a queue just made); returns the release. */
  watchClosely(): () => void {
    this.#close += 1;
    // Switch to the fast pace now rather than after the slow timer runs out.
    void this.refresh();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#close -= 1;
    };
  }

  /** Reads the state now (one read at a time), then schedules the next read. */
  refresh(): Promise<void> {
    if (this.#pending) return this.#pending;
    const backend = this.#backend;
    if (!backend) return Promise.resolve();
    this.#clear();
    this.#pending = (async () => {
      try {
        this.state = await backend.outboxState();
        this.error = null;
      } catch (failure) {
        this.error = ApiError.from(failure).message;
      } finally {
        this.#pending = null;
        this.#schedule();
      }
    })();
    return this.#pending;
  }

  /** The pace for the next read. */
  get interval(): number {
    return this.#close > 0 || this.state?.sender.activity === 'sending' ? FAST_POLL_MS : SLOW_POLL_MS;
  }

  #schedule(): void {
    this.#clear();
    if (!this.#running || !this.#backend) return;
    this.#timer = setTimeout(() => void this.refresh(), this.interval);
  }

  #clear(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

export const outboxWatch = new OutboxWatch();
