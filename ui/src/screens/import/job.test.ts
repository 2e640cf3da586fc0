import { describe, expect, it, vi } from 'vitest';
import { startImportJob } from './job';
import { fakeBackend, importPreview, jobFailed, jobPreview, jobRunning } from '../../test/fake';
import type { ImportRequest } from '../../lib/types';

const request: ImportRequest = { source: { kind: 'text', text: 'a@b.example' }, format: null, mapping: null, audience: null, overwrite: false, choices: [] };

describe('an import job', () => {
  it('polls until the outcome, reporting progress on the way', async () => {
    vi.useFakeTimers();
    const answers = [jobRunning(500), jobRunning(1000), jobPreview(importPreview([]))];
    const backend = fakeBackend({ startImport: async () => 'job-1', importStatus: async () => answers.shift()! });
    const progress = vi.fn();
    const job = startImportJob(backend, request, false, { onProgress: progress, pollMs: 100 });
    await vi.advanceTimersByTimeAsync(350);
    await expect(job.done).resolves.toMatchObject({ kind: 'preview' });
    expect(backend.startImport).toHaveBeenCalledWith(request, false);
    expect(backend.importStatus).toHaveBeenCalledTimes(3);
    expect(progress.mock.calls.map(([p]) => p.rows)).toEqual([500, 1000]);
  });

  it('asks the backend to stop once it knows the job, and collects the cancelled end', async () => {
    vi.useFakeTimers();
    let started!: (id: string) => void;
    let stopped = false;
    const backend = fakeBackend({
      startImport: () => new Promise<string>((resolve) => (started = resolve)),
      importStatus: async () => (stopped ? jobFailed('cancelled', 'The import was stopped; nothing was changed.') : jobRunning(10)),
      cancelImport: async () => {
        stopped = true;
      },
    });
    const job = startImportJob(backend, request, true, { pollMs: 100 });
    const outcome = job.done.catch((e: unknown) => e);
    // Cancelled before the backend even answered with the job's id.
    job.cancel();
    expect(job.cancelled).toBe(true);
    expect(backend.cancelImport).not.toHaveBeenCalled();
    started('job-2');
    await vi.advanceTimersByTimeAsync(250);
    expect(backend.cancelImport).toHaveBeenCalledWith('job-2');
    await expect(outcome).resolves.toMatchObject({ code: 'cancelled' });
    const polls = backend.importStatus.mock.calls.length;
    await vi.advanceTimersByTimeAsync(500);
    expect(backend.importStatus.mock.calls.length).toBe(polls);
  });
});
