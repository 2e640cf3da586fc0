// Files dropped on the window, on their way to the import screen. App hears the shell's
// `file-dropped` event wherever the person is, opens the import screen and leaves the path here;
// the import screen takes it (at once when it is already open).

class DroppedFiles {
  /** The latest dropped file the import screen has not taken yet. */
  pending = $state<string | null>(null);

  drop(path: string): void {
    this.pending = path;
  }

  /** The pending file, if any, which is then no longer pending. */
  take(): string | null {
    const path = this.pending;
    this.pending = null;
    return path;
  }
}

export const droppedFiles = new DroppedFiles();

/** The last part of a path, for sentences ("contacts.csv"). */
export function fileName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const parts = trimmed.split(/[\\/]/);
  return parts[parts.length - 1] || trimmed;
}
