// A promise-based confirm dialog: `await confirmAction({...})` is true when the person agreed.
// <ConfirmDialog> (mounted once in App) shows whatever is pending here.

import { ApiError } from './api';

export interface ConfirmRequest {
  title: string;
  message: string;
  /** Optional extra lines (what will happen), shown as a list. */
  details?: string[];
  confirmLabel?: string;
  /** The button that says no (default "Cancel"), e.g. "Keep editing". */
  cancelLabel?: string;
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (answer: boolean) => void;
}

class Confirmations {
  pending = $state<Pending | null>(null);

  ask(request: ConfirmRequest): Promise<boolean> {
    this.pending?.resolve(false);
    return new Promise((resolve) => {
      this.pending = { ...request, resolve };
    });
  }

  answer(yes: boolean): void {
    const pending = this.pending;
    this.pending = null;
    pending?.resolve(yes);
  }
}

export const confirmations = new Confirmations();

export function confirmAction(request: ConfirmRequest): Promise<boolean> {
  return confirmations.ask(request);
}

/**
 * Runs an operation the backend may want confirmed: calls `attempt(false)`, and if the answer is
 * `needs_confirmation`, shows its message and calls `attempt(true)` once the person agrees.
 * Resolves to the result, or `null` when the person cancelled; other errors are thrown.
 */
export async function confirmIfAsked<T>(
  attempt: (confirmed: boolean) => Promise<T>,
  ask: { title: string; confirmLabel: string },
): Promise<T | null> {
  try {
    return await attempt(false);
  } catch (failure) {
    const api = ApiError.from(failure);
    if (api.code !== 'needs_confirmation') throw api;
    const yes = await confirmAction({ ...ask, message: api.message, danger: true });
    return yes ? attempt(true) : null;
  }
}
