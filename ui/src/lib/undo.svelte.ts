// The deletions made in this session, newest last, so Ctrl+Z can undo the latest one from
// anywhere (the toast's Undo button runs the same restore). Older deletions, and those of earlier
// sessions, are restored from the Recently deleted view.

import { ApiError } from './api';
import { toasts } from './toast.svelte';

export interface Deletion {
  /** Puts the record back (and shows it, as the screen that deleted it sees fit). */
  restore: () => Promise<void>;
}

/** Enough for any run of deletions someone would undo one by one. */
const KEEP = 50;

class Deletions {
  #stack: Deletion[] = [];

  /** Remembers a deletion and says so in a toast with an Undo button. */
  announce(message: string, deletion: Deletion): void {
    this.#stack.push(deletion);
    if (this.#stack.length > KEEP) this.#stack.shift();
    toasts.show(message, { undo: () => this.undo(deletion) });
  }

  /** Restores `deletion` (from its toast): it is no longer the one Ctrl+Z would undo. */
  async undo(deletion: Deletion): Promise<void> {
    this.#stack = this.#stack.filter((entry) => entry !== deletion);
    await deletion.restore();
  }

  /**
   * Restores the newest deletion of this session. One restored meanwhile (from the Recently deleted
   * view) is skipped for the one before it. Resolves to false when there was nothing to undo.
   */
  async undoLast(): Promise<boolean> {
    for (let deletion = this.#stack.pop(); deletion; deletion = this.#stack.pop()) {
      try {
        await deletion.restore();
        return true;
      } catch (failure) {
        const error = ApiError.from(failure);
        if (error.code === 'not_found') continue;
        toasts.error(error.message);
        return true;
      }
    }
    toasts.show('Nothing deleted to undo. Older deletions are in Recently deleted.');
    return false;
  }

  /** Forgets every deletion (tests start from a clean slate). */
  clear(): void {
    this.#stack = [];
  }
}

export const deletions = new Deletions();
