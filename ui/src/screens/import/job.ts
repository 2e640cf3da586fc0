// One import job (a preview or the import itself) from start to outcome: started, polled until it
// ends, cancellable. The shell keeps a job until its outcome has been collected, so a cancelled or
// superseded job is still polled to its end (quietly): nothing is left behind.

import type { Backend } from '../../lib/api';
import { ApiError } from '../../lib/api';
import type { ImportOutcome, ImportProgress, ImportRequest } from '../../lib/types';

/** How often a running job is asked how far it has come. */
export const POLL_MS = 200;

export interface ImportJob {
  /**
   * The outcome; rejects with an ApiError (code `cancelled` once stopped). A job asked to stop
   * that finished first still resolves: the caller decides what that means.
   */
  readonly done: Promise<ImportOutcome>;
  /** Asks the backend to stop the job (once started); harmless after it ended. */
  cancel(): void;
  /** True once `cancel` was called. */
  readonly cancelled: boolean;
}

export interface JobOptions {
  /** Called with each progress report while the job runs. */
  onProgress?: (progress: ImportProgress) => void;
  pollMs?: number;
}

export function startImportJob(backend: Backend, request: ImportRequest, apply: boolean, options: JobOptions = {}): ImportJob {
  const pollMs = options.pollMs ?? POLL_MS;
  let id: string | null = null;
  let cancelled = false;
  let ended = false;

  const askToStop = () => {
    if (id === null || ended) return;
    // If the request fails the job simply runs to its end, which the polling still collects.
    backend.cancelImport(id).catch(() => {});
  };

  const done = (async (): Promise<ImportOutcome> => {
    try {
      id = await backend.startImport(request, apply);
      if (cancelled) askToStop();
      for (;;) {
        await new Promise((resume) => setTimeout(resume, pollMs));
        const status = await backend.importStatus(id);
        if (status.error) throw ApiError.from(status.error);
        if (status.outcome) return status.outcome;
        options.onProgress?.(status.progress);
      }
    } catch (failure) {
      throw ApiError.from(failure);
    } finally {
      ended = true;
    }
  })();

  return {
    done,
    cancel() {
      if (cancelled) return;
      cancelled = true;
      askToStop();
    },
    get cancelled() {
      return cancelled;
    },
  };
}

/** True when `failure` says the job was stopped on request. */
export function isCancelled(failure: unknown): boolean {
  return failure instanceof ApiError && failure.code === 'cancelled';
}
