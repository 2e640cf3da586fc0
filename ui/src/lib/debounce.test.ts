import { describe, expect, it, vi } from 'vitest';
import { debounce, latest } from './debounce';

describe('debounce', () => {
  it('runs once, with the last arguments, after the quiet period', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const search = debounce(fn, 150);
    search('j');
    search('ja');
    vi.advanceTimersByTime(149);
    search('jan');
    vi.advanceTimersByTime(149);
    expect(fn).not.toHaveBeenCalled();
    expect(search.pending).toBe(true);
    vi.advanceTimersByTime(1);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith('jan');
    expect(search.pending).toBe(false);
  });

  it('can be cancelled or flushed', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const save = debounce(fn, 100);
    save(1);
    save.cancel();
    vi.advanceTimersByTime(500);
    expect(fn).not.toHaveBeenCalled();
    save(2);
    save.flush();
    expect(fn).toHaveBeenCalledWith(2);
    save.flush();
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('latest', () => {
  it('drops an answer that arrives after a newer request started', async () => {
    const requests = latest();
    let resolveSlow!: (v: string) => void;
    const slow = requests.track(new Promise<string>((r) => (resolveSlow = r)));
    const fast = requests.track(Promise.resolve('new'));
    resolveSlow('old');
    await expect(fast).resolves.toEqual({ fresh: true, value: 'new' });
    await expect(slow).resolves.toEqual({ fresh: false });
  });

  it('drops a failure of a request that is no longer the latest, and rethrows a current one', async () => {
    const requests = latest();
    let rejectSlow!: (e: Error) => void;
    const slow = requests.track(new Promise<string>((_, reject) => (rejectSlow = reject)));
    const fast = requests.track(Promise.resolve('ok'));
    rejectSlow(new Error('old line was incomplete'));
    await expect(slow).resolves.toEqual({ fresh: false });
    await expect(fast).resolves.toEqual({ fresh: true, value: 'ok' });
    await expect(requests.track(Promise.reject(new Error('now')))).rejects.toThrow('now');
  });
});
