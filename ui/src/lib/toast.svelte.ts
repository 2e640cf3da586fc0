// One toast at a time (a newer one replaces it), optionally with an Undo action or another
// action of its own ("Show in folder").

/** A button on a toast besides Undo. */
export interface ToastAction {
  label: string;
  run: () => Promise<void> | void;
  /** The button's data-testid. */
  testid?: string;
}

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
  undo?: () => Promise<void> | void;
  action?: ToastAction;
}

const VISIBLE_MS = 8000;

class Toasts {
  current = $state<Toast | null>(null);
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | null = null;

  show(
    message: string,
    options: { tone?: Toast['tone']; undo?: Toast['undo']; action?: ToastAction; ms?: number } = {},
  ): void {
    const toast: Toast = { id: this.nextId++, message, tone: options.tone ?? 'info' };
    if (options.undo) toast.undo = options.undo;
    if (options.action) toast.action = options.action;
    this.current = toast;
    this.restartTimer(options.ms ?? (options.undo || options.action ? VISIBLE_MS * 1.5 : VISIBLE_MS));
  }

  error(message: string): void {
    this.show(message, { tone: 'error', ms: VISIBLE_MS * 1.5 });
  }

  dismiss(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.current = null;
  }

  /** Keeps the toast up while the pointer is on it. */
  hold(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  release(): void {
    if (this.current) this.restartTimer(VISIBLE_MS / 2);
  }

  private restartTimer(ms: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    const id = this.current?.id;
    this.timer = setTimeout(() => {
      if (this.current?.id === id) this.current = null;
      this.timer = null;
    }, ms);
  }
}

export const toasts = new Toasts();
