// The import wizard's state and steps, apart from how they look: the source (a file or pasted
// text) and what was detected in it, the column mapping and options, the preview (run again a
// moment after each change, the previous run cancelled), and the import itself.
//
// One wizard per backend lives as long as the window: leaving the screen (to look someone up)
// and coming back finds the work as it was, and an import still running goes on and says when
// it is done.

import type { Backend } from '../../lib/api';
import { ApiError } from '../../lib/api';
import type {
  Audience,
  ImportFormat,
  ImportPreview,
  ImportProgress,
  ImportReport,
  ImportRequest,
  ImportSource,
  ImportSummary,
  PersonField,
  RowChoice,
  RowClass,
} from '../../lib/types';
import { fileName } from '../../lib/drops.svelte';
import { PERSON_FIELD_LABELS } from '../../lib/labels';
import { isCancelled, startImportJob, type ImportJob, POLL_MS } from './job';
import { assignField, hasColumns, mapsEmail, movedAway, toImport, type Mapping } from './mapping';

export type SourceMode = 'file' | 'text';
export type RowFilter = 'all' | RowClass;
/** waiting: a change is about to start a new run; running: a job is reading the source. */
export type PreviewPhase = 'idle' | 'waiting' | 'running' | 'done' | 'failed' | 'stopped';
export type ImportPhase = 'idle' | 'running' | 'done' | 'failed' | 'stopped';

export interface WizardTiming {
  /** The pause after a change (mapping, audience, a row's choice) before the preview runs again. */
  previewDelayMs: number;
  /** The pause after typing in the paste box before the text is inspected. */
  textDelayMs: number;
  pollMs: number;
}

export const DEFAULT_TIMING: WizardTiming = { previewDelayMs: 300, textDelayMs: 400, pollMs: POLL_MS };

export interface WizardHooks {
  /** Called once an import has written people (a toast, the sidebar's counts). */
  imported(report: ImportReport, stoppedTooLate: boolean): void;
}

/** The sentence shown (and the reason no preview runs) while no column is mapped to Email. */
export const EMAIL_UNMAPPED = 'No column is mapped to Email. Choose the column that holds the email addresses: Afterword needs one for every person.';

export class ImportWizard {
  // 1. the source
  mode = $state<SourceMode>('file');
  path = $state('');
  text = $state('');
  /** The format chosen in the menu; null: detect it. */
  format = $state<ImportFormat | null>(null);
  inspecting = $state(false);
  /** What inspecting the source found; null until then (or after an error). */
  summary = $state.raw<ImportSummary | null>(null);
  /** Why the source could not be read (shown in place). */
  sourceError = $state.raw<ApiError | null>(null);
  /** The source `summary` describes: what a preview and the import read. */
  source = $state.raw<ImportSource | null>(null);

  // 2. columns and options
  mapping = $state.raw<Mapping>([]);
  /** The audience of every new person; null: guessed from their organisation. */
  audience = $state<Audience | null>(null);
  overwrite = $state(false);
  /** Per-row choices made in the preview, by row number. */
  rowAudience = $state.raw<Record<number, Audience>>({});
  rowOverwrite = $state.raw<Record<number, boolean>>({});
  /** What the last mapping change did, for screen readers ("Email now comes from …"). */
  mappingNote = $state('');

  // 3. the preview
  previewPhase = $state<PreviewPhase>('idle');
  /** The latest finished preview (kept on screen while the next one runs). */
  preview = $state.raw<ImportPreview | null>(null);
  previewProgress = $state.raw<ImportProgress | null>(null);
  previewError = $state.raw<ApiError | null>(null);
  filter = $state<RowFilter>('all');

  // 4. the import
  importPhase = $state<ImportPhase>('idle');
  importProgress = $state.raw<ImportProgress | null>(null);
  importError = $state.raw<ApiError | null>(null);
  report = $state.raw<ImportReport | null>(null);
  /** Grows with each finished import: the screen moves focus to the result when it does. */
  reportSeq = $state(0);
  /** The result has been on screen: coming back to the screen later starts afresh. */
  reportSeen = false;

  /** The request a preview or the import sends now; null without a source. */
  readonly request: ImportRequest | null = $derived(this.#buildRequest());
  readonly requestKey: string = $derived(JSON.stringify(this.request));
  /** The request the shown preview answered. */
  #previewKey = $state<string | null>(null);

  #backend: Backend;
  #hooks: WizardHooks;
  #timing: WizardTiming;
  #previewJob: ImportJob | null = null;
  #importJob: ImportJob | null = null;
  #previewTimer: ReturnType<typeof setTimeout> | null = null;
  #textTimer: ReturnType<typeof setTimeout> | null = null;
  #inspections = 0;
  #previews = 0;
  /** The path last inspected, so leaving the field unchanged does not read the file again. */
  #inspectedPath: string | null = null;

  constructor(backend: Backend, hooks: WizardHooks, timing: Partial<WizardTiming> = {}) {
    this.#backend = backend;
    this.#hooks = hooks;
    this.#timing = { ...DEFAULT_TIMING, ...timing };
  }

  // ---- derived facts the steps show

  /** The source has columns to map (CSV, a mailmerge project). */
  get hasColumns(): boolean {
    return this.summary !== null && hasColumns(this.summary.format);
  }

  /** Why no preview can run with the current mapping, if so. */
  get mappingProblem(): string | null {
    return this.hasColumns && !mapsEmail(this.mapping) ? EMAIL_UNMAPPED : null;
  }

  get mappingChanged(): boolean {
    const guess = this.summary?.mapping ?? [];
    return this.mapping.some((field, index) => field !== (guess[index] ?? null));
  }

  /** The shown preview answers the current request (nothing changed since). */
  get previewCurrent(): boolean {
    return this.previewPhase === 'done' && this.preview !== null && this.#previewKey === this.requestKey;
  }

  get busy(): boolean {
    return this.importPhase === 'running';
  }

  /** Importing saves the mailmerge project's template (it can be saved and is not there yet). */
  get savesTemplate(): boolean {
    const plan = this.preview?.summary.template ?? null;
    return plan !== null && !plan.problem && !plan.exists;
  }

  /** Why the Import button cannot be pressed now; null when it can. */
  get importBlocker(): string | null {
    if (!this.summary) return 'Choose a file or paste addresses first.';
    if (this.mappingProblem) return 'Map a column to Email first.';
    if (this.previewPhase === 'waiting' || this.previewPhase === 'running') return 'Wait for the preview to finish.';
    if (!this.previewCurrent || !this.preview) return 'Preview the file first.';
    if (toImport(this.preview.summary.counts) === 0 && !this.savesTemplate) return 'Nothing new to import';
    return null;
  }

  get canImport(): boolean {
    return !this.busy && this.importBlocker === null;
  }

  // ---- 1. the source

  setMode(mode: SourceMode): void {
    if (this.busy || mode === this.mode) return;
    this.mode = mode;
    this.#clearTextTimer();
    // The other tab's input is kept; the source becomes what this tab holds.
    void this.inspect();
  }

  /** The path field was left or Enter was pressed: read the file unless nothing changed. */
  commitPath(force = false): void {
    if (this.busy) return;
    const path = this.path.trim();
    if (!force && path === (this.#inspectedPath ?? '')) return;
    void this.inspect();
  }

  /** Something went wrong before the source could be read (the open dialog failed, say). */
  sourceFailed(failure: unknown): void {
    this.sourceError = ApiError.from(failure);
  }

  /** A file chosen or dropped: it replaces the source. False while an import runs. */
  useFile(path: string): boolean {
    if (this.busy) return false;
    this.#leaveResult();
    this.mode = 'file';
    this.path = path;
    void this.inspect();
    return true;
  }

  setText(text: string): void {
    if (this.busy) return;
    this.text = text;
    this.#clearTextTimer();
    this.#textTimer = setTimeout(() => {
      this.#textTimer = null;
      void this.inspect();
    }, this.#timing.textDelayMs);
  }

  /** The paste box was left: read what it holds now rather than after the pause. */
  commitText(): void {
    if (this.#textTimer === null) return;
    this.#clearTextTimer();
    void this.inspect();
  }

  setFormat(format: ImportFormat | null): void {
    if (this.busy || format === this.format) return;
    this.format = format;
    void this.inspect();
  }

  /** Reads what the source is; a preview follows at once. */
  async inspect(): Promise<void> {
    const source = this.#typedSource();
    const mine = ++this.#inspections;
    this.#stopPreview();
    this.summary = null;
    this.source = null;
    this.sourceError = null;
    this.preview = null;
    this.#previewKey = null;
    this.previewPhase = 'idle';
    this.previewError = null;
    this.previewProgress = null;
    this.importError = null;
    if (this.importPhase !== 'running') this.importPhase = 'idle';
    this.rowAudience = {};
    this.rowOverwrite = {};
    this.mappingNote = '';
    this.filter = 'all';
    this.#inspectedPath = source?.kind === 'file' ? source.path : null;
    if (!source) {
      this.inspecting = false;
      return;
    }
    this.inspecting = true;
    try {
      const summary = await this.#backend.inspectImport({
        source,
        format: this.format,
        mapping: null,
        audience: this.audience,
        overwrite: this.overwrite,
        choices: [],
      });
      if (mine !== this.#inspections) return;
      this.source = source;
      this.summary = summary;
      this.mapping = [...summary.mapping];
      // No email column guessed: the mapping step says so, and the preview waits for it.
      if (!this.mappingProblem) this.#runPreview();
    } catch (failure) {
      if (mine !== this.#inspections) return;
      this.sourceError = ApiError.from(failure);
    } finally {
      if (mine === this.#inspections) this.inspecting = false;
    }
  }

  // ---- 2. columns and options

  /** `column` feeds `field`; a column that fed it before is no longer imported. */
  setField(column: number, field: PersonField | null): void {
    if (this.busy) return;
    const before = this.mapping;
    const after = assignField(before, column, field);
    this.mapping = after;
    const columns = this.summary?.columns ?? [];
    const moved = movedAway(before, after, column);
    const from = columns[column] ?? `Column ${column + 1}`;
    this.mappingNote =
      field === null
        ? `“${from}” is not imported.`
        : `${PERSON_FIELD_LABELS[field]} now comes from “${from}”` +
          (moved.length ? `; ${moved.map((i) => `“${columns[i] ?? `Column ${i + 1}`}”`).join(', ')} is no longer imported.` : '.');
    this.#schedulePreview();
  }

  resetMapping(): void {
    if (this.busy || !this.summary) return;
    this.mapping = [...this.summary.mapping];
    this.mappingNote = 'The columns are back to the guess.';
    this.#schedulePreview();
  }

  setAudience(audience: Audience | null): void {
    if (this.busy) return;
    this.audience = audience;
    this.#schedulePreview();
  }

  setOverwrite(overwrite: boolean): void {
    if (this.busy) return;
    this.overwrite = overwrite;
    this.#schedulePreview();
  }

  setRowAudience(row: number, audience: Audience): void {
    if (this.busy) return;
    this.rowAudience = { ...this.rowAudience, [row]: audience };
    this.#schedulePreview();
  }

  setRowOverwrite(row: number, overwrite: boolean): void {
    if (this.busy) return;
    this.rowOverwrite = { ...this.rowOverwrite, [row]: overwrite };
    this.#schedulePreview();
  }

  // ---- 3. the preview

  /** Runs the preview now (after it was stopped or failed). */
  previewAgain(): void {
    if (this.busy || !this.summary || this.mappingProblem) return;
    this.#runPreview();
  }

  /** Stops the running preview (Esc, the Stop button). */
  stopPreview(): void {
    if (this.#previewTimer !== null) {
      clearTimeout(this.#previewTimer);
      this.#previewTimer = null;
      if (this.previewPhase === 'waiting') this.previewPhase = this.preview ? 'stopped' : 'idle';
    }
    this.#previewJob?.cancel();
  }

  // ---- 4. the import

  async runImport(): Promise<void> {
    const request = this.request;
    if (!this.canImport || !request) return;
    this.importPhase = 'running';
    this.importError = null;
    this.importProgress = null;
    const job = startImportJob(this.#backend, request, true, {
      pollMs: this.#timing.pollMs,
      onProgress: (progress) => (this.importProgress = progress),
    });
    this.#importJob = job;
    try {
      const outcome = await job.done;
      if (outcome.kind !== 'report') throw new ApiError('internal', 'The import answered with a preview instead of a report.');
      this.report = outcome;
      this.reportSeen = false;
      this.importPhase = 'done';
      this.reportSeq += 1;
      this.#hooks.imported(outcome, job.cancelled);
    } catch (failure) {
      this.importError = ApiError.from(failure);
      this.importPhase = isCancelled(failure) ? 'stopped' : 'failed';
    } finally {
      this.#importJob = null;
    }
  }

  cancelImport(): void {
    this.#importJob?.cancel();
  }

  /** Stops whichever job is running: the import, else the preview. True if there was one. */
  cancelRunning(): boolean {
    if (this.#importJob) {
      this.cancelImport();
      return true;
    }
    if (this.previewPhase === 'running' || this.previewPhase === 'waiting') {
      this.stopPreview();
      return true;
    }
    return false;
  }

  /** "Import another file": back to an empty wizard (the tab stays as it was). */
  reset(): void {
    if (this.busy) return;
    this.#inspections += 1;
    this.#stopPreview();
    this.#clearTextTimer();
    this.path = '';
    this.text = '';
    this.format = null;
    this.audience = null;
    this.overwrite = false;
    this.inspecting = false;
    this.summary = null;
    this.source = null;
    this.sourceError = null;
    this.mapping = [];
    this.rowAudience = {};
    this.rowOverwrite = {};
    this.mappingNote = '';
    this.preview = null;
    this.#previewKey = null;
    this.previewPhase = 'idle';
    this.previewError = null;
    this.previewProgress = null;
    this.filter = 'all';
    this.importPhase = 'idle';
    this.importError = null;
    this.importProgress = null;
    this.report = null;
    this.reportSeen = false;
    this.#inspectedPath = null;
  }

  /** A short name for the source in sentences: the file's name, or "the pasted addresses". */
  get sourceName(): string {
    const source = this.source;
    if (!source) return '';
    return source.kind === 'file' ? fileName(source.path) : 'the pasted addresses';
  }

  // ---- inside

  #typedSource(): ImportSource | null {
    if (this.mode === 'file') {
      const path = this.path.trim();
      return path ? { kind: 'file', path } : null;
    }
    return this.text.trim() ? { kind: 'text', text: this.text } : null;
  }

  #buildRequest(): ImportRequest | null {
    const source = this.source;
    const summary = this.summary;
    if (!source || !summary) return null;
    const rows = new Set([...Object.keys(this.rowAudience), ...Object.keys(this.rowOverwrite)].map(Number));
    const choices: RowChoice[] = [...rows]
      .sort((a, b) => a - b)
      .map((row) => ({ row, audience: this.rowAudience[row] ?? null, overwrite: this.rowOverwrite[row] ?? this.overwrite }));
    return {
      source,
      format: this.format,
      mapping: hasColumns(summary.format) ? [...this.mapping] : null,
      audience: this.audience,
      overwrite: this.overwrite,
      choices,
    };
  }

  #schedulePreview(): void {
    if (!this.summary) return;
    if (this.#previewTimer !== null) clearTimeout(this.#previewTimer);
    this.#previewTimer = null;
    if (this.mappingProblem) {
      // Nothing can be previewed until Email is mapped: say so instead of asking the backend.
      this.#stopPreview();
      this.previewPhase = 'idle';
      return;
    }
    this.previewPhase = 'waiting';
    this.#previewTimer = setTimeout(() => {
      this.#previewTimer = null;
      this.#runPreview();
    }, this.#timing.previewDelayMs);
  }

  #runPreview(): void {
    if (this.#previewTimer !== null) clearTimeout(this.#previewTimer);
    this.#previewTimer = null;
    const request = this.request;
    if (!request) return;
    const key = this.requestKey;
    // The run before this one is stopped; its end is collected quietly.
    this.#previewJob?.cancel();
    const mine = ++this.#previews;
    this.previewPhase = 'running';
    this.previewError = null;
    this.previewProgress = null;
    const job = startImportJob(this.#backend, request, false, {
      pollMs: this.#timing.pollMs,
      onProgress: (progress) => {
        if (mine === this.#previews) this.previewProgress = progress;
      },
    });
    this.#previewJob = job;
    job.done.then(
      (outcome) => {
        if (mine !== this.#previews) return;
        this.#previewJob = null;
        if (outcome.kind !== 'preview') return;
        const { summary, rows, more_rows } = outcome;
        this.preview = { summary, rows, more_rows };
        this.#previewKey = key;
        this.previewPhase = 'done';
      },
      (failure: unknown) => {
        if (mine !== this.#previews) return;
        this.#previewJob = null;
        if (isCancelled(failure)) {
          this.previewPhase = 'stopped';
          return;
        }
        this.preview = null;
        this.#previewKey = null;
        this.previewError = ApiError.from(failure);
        this.previewPhase = 'failed';
      },
    );
  }

  /** Forgets the preview's timer and job (a new source, a reset). */
  #stopPreview(): void {
    if (this.#previewTimer !== null) clearTimeout(this.#previewTimer);
    this.#previewTimer = null;
    this.#previews += 1;
    this.#previewJob?.cancel();
    this.#previewJob = null;
  }

  #clearTextTimer(): void {
    if (this.#textTimer !== null) clearTimeout(this.#textTimer);
    this.#textTimer = null;
  }

  /** A new source after an import: the result gives way to the new preview. */
  #leaveResult(): void {
    if (this.importPhase === 'done' || this.report) {
      this.report = null;
      this.importPhase = 'idle';
    }
    this.importError = null;
  }
}

const wizards = new WeakMap<Backend, ImportWizard>();

/** The window's wizard for `backend` (made on first use). */
export function wizardFor(backend: Backend, hooks: WizardHooks, timing?: Partial<WizardTiming>): ImportWizard {
  let wizard = wizards.get(backend);
  if (!wizard) {
    // Its own root, so that its derived state does not belong to (and end with) the screen that
    // happened to make it.
    let made: ImportWizard | undefined;
    $effect.root(() => {
      made = new ImportWizard(backend, hooks, timing);
    });
    wizard = made!;
    wizards.set(backend, wizard);
  }
  return wizard;
}
