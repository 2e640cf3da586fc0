import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './api';
import { toasts } from './toast.svelte';
import { deletions } from './undo.svelte';

describe('undoing deletions', () => {
  afterEach(() => {
    deletions.clear();
    toasts.dismiss();
  });

  it('Ctrl+Z restores the newest deletion first, then the one before', async () => {
    const order: string[] = [];
    deletions.announce('Deleted A.', { restore: async () => void order.push('a') });
    deletions.announce('Deleted B.', { restore: async () => void order.push('b') });
    expect(toasts.current?.message).toBe('Deleted B.');
    expect(await deletions.undoLast()).toBe(true);
    expect(await deletions.undoLast()).toBe(true);
    expect(order).toEqual(['b', 'a']);
    expect(await deletions.undoLast()).toBe(false);
    expect(toasts.current?.message).toMatch(/Nothing deleted to undo/);
  });

  it('skips a deletion already restored elsewhere, and one undone from its toast', async () => {
    const first = vi.fn(async () => {});
    deletions.announce('Deleted A.', { restore: first });
    deletions.announce('Deleted B.', {
      restore: async () => {
        throw new ApiError('not_found', 'No deleted incident to restore.');
      },
    });
    const third = vi.fn(async () => {});
    deletions.announce('Deleted C.', { restore: third });
    await toasts.current?.undo?.();
    expect(third).toHaveBeenCalledTimes(1);

    expect(await deletions.undoLast()).toBe(true);
    expect(first).toHaveBeenCalledTimes(1);
    expect(third).toHaveBeenCalledTimes(1);
  });
});
