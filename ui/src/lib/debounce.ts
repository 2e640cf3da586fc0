// A trailing-edge debounce with cancel and flush, for search-as-you-type and live previews.

export interface Debounced<A extends unknown[]> {
  (...args: A): void;
  /** Forgets a pending call. */
  cancel(): void;
  /** Runs a pending call now. */
  flush(): void;
  readonly pending: boolean;
}

export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: A | null = null;

  const run = () => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    if (args) fn(...args);
  };

  const debounced = ((...args: A) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, ms);
  }) as Debounced<A>;

  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
  };
  debounced.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      run();
    }
  };
  Object.defineProperty(debounced, 'pending', { get: () => timer !== null });
  return debounced;
}

/** What `latest().track` resolves with. */
export type Tracked<T> = { fresh: true; value: T } | { fresh: false };

/**
 * Keeps only the answer of the latest request: `track(promise)` resolves with `{fresh: true,
 * value}`, or with `{fresh: false}` when a newer request was started meanwhile, so a slow answer
 * cannot overwrite a newer one. A failure is rethrown only while its request is the latest.
 */
export function latest() {
  let generation = 0;
  return {
    async track<T>(pending: Promise<T>): Promise<Tracked<T>> {
      const mine = ++generation;
      try {
        const value = await pending;
        return mine === generation ? { fresh: true, value } : { fresh: false };
      } catch (failure) {
        if (mine === generation) throw failure;
        return { fresh: false };
      }
    },
  };
}
