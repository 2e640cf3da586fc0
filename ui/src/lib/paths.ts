// Paths in sentences, and the "Show in folder" that follows a file written somewhere.

import type { Backend } from './api';
import type { ToastAction } from './toast.svelte';

/** The folder a path is in (for "Show in folder"); the path itself when it has no folder part. */
export function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (cut < 0) return path;
  if (cut === 0) return path.slice(0, 1);
  // C:\report.pdf → C:\
  if (cut === 2 && path[1] === ':') return path.slice(0, 3);
  return path.slice(0, cut);
}

/** A toast's "Show in folder" for the file at `path`: its folder in the file manager. */
export function showInFolder(backend: Backend, path: string): ToastAction {
  const folder = folderOf(path);
  return { label: 'Show in folder', testid: 'toast-show-folder', run: () => backend.openFolder(folder) };
}
