// A promise-based confirm dialog: `await confirmAction({...})` is true when the person agreed.
// <ConfirmDialog> (mounted once in App) shows whatever is pending here.

export interface ConfirmRequest {
  title: string;
  message: string;
  /** Optional extra lines (what will happen), shown as a list. */
  details?: string[];
  confirmLabel?: string;
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
