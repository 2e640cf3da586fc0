// One toast at a time (a newer one replaces it), optionally with an Undo action.

export interface Toast {
  id: number;
  message: string;
  tone: 'info' | 'success' | 'error';
  undo?: () => Promise<void> | void;
}

const VISIBLE_MS = 8000;

class Toasts {
  current = $state<Toast | null>(null);
  private nextId = 1;
  private timer: ReturnType<typeof setTimeout> | null = null;

  show(message: string, options: { tone?: Toast['tone']; undo?: Toast['undo']; ms?: number } = {}): void {
    const toast: Toast = { id: this.nextId++, message, tone: options.tone ?? 'info' };
    if (options.undo) toast.undo = options.undo;
    this.current = toast;
    this.restartTimer(options.ms ?? (options.undo ? VISIBLE_MS * 1.5 : VISIBLE_MS));
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
