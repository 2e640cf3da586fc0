// The Reports view's state, apart from how it looks: the report chosen (contributor or
// recognition), its scope (one incident, or a period) and filters, the live preview (loaded a
// moment after each change; an answer to an older request is dropped), and saving the whole
// report through the native save dialog.
//
// One state per backend lives as long as the window: leaving the screen to look something up and
// coming back finds the filters as they were, and a report still being written goes on and says
// when it is done.

import type { Backend } from '../../lib/api';
import { ApiError } from '../../lib/api';
import { debounce, latest, type Debounced } from '../../lib/debounce';
import type {
  ContributorPreview,
  GroupBy,
  IncidentKind,
  RecognitionDocument,
  ReportFilter,
  ReportFormat,
  ReportKind,
  SavedReport,
  Status,
} from '../../lib/types';
import { presetPeriod, suggestedFileName, type PeriodPreset } from './scope';

export type ReportName = 'contributors' | 'recognition';
export type ScopeMode = 'incident' | 'period';
/** waiting: a change is about to load a new preview; loading: the backend is at it. */
export type PreviewPhase = 'idle' | 'waiting' | 'loading' | 'done' | 'failed';

/** The incident a report is about: its reference (or id), and its title once known. */
export interface ChosenIncident {
  reference: string;
  title: string | null;
}

export interface ReportHooks {
  /** Called once a report is written (a toast with "Show in folder"). */
  saved(report: SavedReport): void;
}

export interface ReportTiming {
  /** The pause after a change before the preview loads again. */
  previewDelayMs: number;
}

export const DEFAULT_TIMING: ReportTiming = { previewDelayMs: 250 };

/** How many people a recognition report ranks unless told otherwise. */
export const DEFAULT_TOP = 10;
/** The most people the "Top N" field takes (0 ranks everyone). */
export const MAX_TOP = 10_000;

/** Why `top` cannot be used, if so. */
export function topProblem(top: number | null): string | null {
  if (top === null || !Number.isFinite(top)) return 'Enter how many people to rank (0 for everyone).';
  if (!Number.isInteger(top) || top < 0) return 'Use a whole number, 0 or more (0 ranks everyone).';
  if (top > MAX_TOP) return `Rank at most ${MAX_TOP.toLocaleString('en-GB')} people (or 0 for everyone).`;
  return null;
}

export class ReportState {
  // what the report is
  report = $state<ReportName>('contributors');
  scope = $state<ScopeMode>('period');
  incident = $state.raw<ChosenIncident | null>(null);
  /** One person's contributions (their page's "Export contributions…"), by email or id. */
  person = $state<string | null>(null);
  from = $state('');
  to = $state('');
  kinds = $state<IncidentKind[]>([]);
  statuses = $state<Status[]>([]);
  teams = $state<string[]>([]);
  organisations = $state<string[]>([]);
  groupBy = $state<GroupBy>('organisation');
  includeInternal = $state(false);
  /** The "Top N people" field; null while it is empty. */
  top = $state<number | null>(DEFAULT_TOP);
  format = $state<ReportFormat>('pdf');

  // the preview
  phase = $state<PreviewPhase>('idle');
  contributors = $state.raw<ContributorPreview | null>(null);
  recognition = $state.raw<RecognitionDocument | null>(null);
  previewError = $state.raw<ApiError | null>(null);
  /** The request the shown preview answered. */
  shownKey = $state<string | null>(null);

  // saving
  /** The save dialog is open. */
  choosing = $state(false);
  saving = $state(false);
  /** Whole seconds since the report started being written. */
  elapsed = $state(0);
  /** What is being written, for the busy line ("12,345 contributions"); set when saving starts. */
  writing = $state<{ count: number; one: string; many: string } | null>(null);
  saveError = $state.raw<ApiError | null>(null);

  /** The filter the preview and the saved report use now. */
  readonly filter: ReportFilter = $derived(this.#buildFilter());
  readonly kind: ReportKind = $derived(
    this.report === 'recognition' ? { kind: 'recognition', top: this.top ?? 0 } : { kind: 'contributors' },
  );
  /** Why nothing can be previewed or saved yet, if so. */
  readonly blocker: string | null = $derived(this.#blocker());
  readonly requestKey: string = $derived(JSON.stringify({ kind: this.kind, filter: this.filter }));

  #backend: Backend;
  #hooks: ReportHooks;
  #previews = latest();
  #load: Debounced<[]>;
  #ticker: ReturnType<typeof setInterval> | null = null;

  constructor(backend: Backend, hooks: ReportHooks, timing: Partial<ReportTiming> = {}) {
    this.#backend = backend;
    this.#hooks = hooks;
    const { previewDelayMs } = { ...DEFAULT_TIMING, ...timing };
    this.#load = debounce(() => void this.#loadPreview(), previewDelayMs);
    this.applyPreset('this_year');
  }

  /** Later hooks replace earlier ones (the screen that is open now shows the toast). */
  setHooks(hooks: ReportHooks): void {
    this.#hooks = hooks;
  }

  #buildFilter(): ReportFilter {
    const byIncident = this.scope === 'incident';
    return {
      incident: byIncident ? (this.incident?.reference ?? null) : null,
      person: this.person,
      from: !byIncident && this.from ? this.from : null,
      to: !byIncident && this.to ? this.to : null,
      kinds: byIncident ? [] : [...this.kinds],
      statuses: byIncident ? [] : [...this.statuses],
      teams: [...this.teams],
      organisations: [...this.organisations],
      // The recognition report has no internal-only fields and no group chart.
      include_internal: this.report === 'contributors' && this.includeInternal,
      group_by: this.groupBy,
    };
  }

  #blocker(): string | null {
    if (this.scope === 'incident' && !this.incident) return 'Choose an incident to see its report.';
    if (this.report === 'recognition') return topProblem(this.top);
    return null;
  }

  // ---- derived facts the screen shows

  /** The shown preview answers the current request (nothing changed since). */
  get current(): boolean {
    return this.phase === 'done' && this.shownKey === this.requestKey;
  }

  /** The filters that narrow a report beyond its scope are set (the empty state offers to clear them). */
  get narrowed(): boolean {
    const period = this.scope === 'period' && (this.kinds.length > 0 || this.statuses.length > 0);
    return period || this.teams.length > 0 || this.organisations.length > 0;
  }

  /** The name the save dialog offers. */
  get suggestedName(): string {
    return suggestedFileName(this.report, this.filter, this.format);
  }

  get busy(): boolean {
    return this.choosing || this.saving;
  }

  // ---- changes

  applyPreset(preset: PeriodPreset, today?: Date): void {
    const period = presetPeriod(preset, today);
    this.from = period.from;
    this.to = period.to;
  }

  chooseIncident(incident: ChosenIncident | null): void {
    this.incident = incident;
    if (incident) this.scope = 'incident';
  }

  /** Arriving from an incident's or a person's page: the report starts on it. */
  startOn(start: { incident?: string; person?: string }): void {
    if (start.incident) {
      if (this.incident?.reference !== start.incident) this.incident = { reference: start.incident, title: null };
      this.scope = 'incident';
      this.person = null;
    } else if (start.person) {
      this.person = start.person;
      this.scope = 'period';
      this.applyPreset('all_time');
    }
  }

  /** Clears the filters beyond the scope (kinds, statuses, teams, organisations). */
  clearNarrowing(): void {
    this.kinds = [];
    this.statuses = [];
    this.teams = [];
    this.organisations = [];
  }

  /** Adds a team or organisation typed into its chip field (once, case ignored); answers whether it was new. */
  addName(list: 'teams' | 'organisations', name: string): boolean {
    const clean = name.trim().replace(/\s+/g, ' ');
    if (!clean) return false;
    const names = this[list];
    if (names.some((n) => n.toLowerCase() === clean.toLowerCase())) return false;
    this[list] = [...names, clean];
    return true;
  }

  removeName(list: 'teams' | 'organisations', name: string): void {
    this[list] = this[list].filter((n) => n !== name);
  }

  // ---- the preview

  /** Called after every change of the request: the preview loads a moment later. */
  requestChanged(): void {
    if (this.blocker) {
      this.#load.cancel();
      // A newer request (none) supersedes any answer still on its way.
      void this.#previews.track(Promise.resolve(null));
      this.phase = 'idle';
      this.previewError = null;
      return;
    }
    this.phase = 'waiting';
    this.#load();
  }

  /** Loads the preview now (after an error, "Try again"). */
  reload(): void {
    this.#load.cancel();
    void this.#loadPreview();
  }

  stop(): void {
    this.#load.cancel();
  }

  async #loadPreview(): Promise<void> {
    if (this.blocker) return;
    const key = this.requestKey;
    const kind = this.kind;
    const filter = this.filter;
    this.phase = 'loading';
    try {
      if (kind.kind === 'recognition') {
        const answer = await this.#previews.track(this.#backend.recognitionReportPreview(filter, kind.top));
        if (!answer.fresh) return;
        this.recognition = answer.value;
      } else {
        const answer = await this.#previews.track(this.#backend.contributorReportPreview(filter));
        if (!answer.fresh) return;
        this.contributors = answer.value;
        if (this.incident && !this.incident.title && filter.incident === this.incident.reference) {
          this.#learnTitle(answer.value);
        }
      }
      this.shownKey = key;
      this.previewError = null;
      this.phase = 'done';
    } catch (failure) {
      this.previewError = ApiError.from(failure);
      this.shownKey = null;
      this.phase = 'failed';
    }
  }

  /** An incident given by reference (from its page) gets its title from the report it heads. */
  #learnTitle(preview: ContributorPreview): void {
    const incident = this.incident;
    const found = preview.incidents.find((i) => i.reference === incident?.reference);
    if (incident && found) this.incident = { reference: incident.reference, title: found.title };
  }

  // ---- saving

  /**
   * The save dialog, then the whole report written to the chosen file. Cancelling the dialog does
   * nothing; a failure is kept in `saveError` (shown beside the Save button).
   */
  async save(): Promise<void> {
    if (this.busy || this.blocker) return;
    const kind = this.kind;
    const filter = this.filter;
    const format = this.format;
    this.saveError = null;
    this.choosing = true;
    let path: string | null;
    try {
      path = await this.#backend.chooseReportFile(format, suggestedFileName(this.report, filter, format));
    } catch (failure) {
      this.saveError = ApiError.from(failure);
      return;
    } finally {
      this.choosing = false;
    }
    if (path === null) return;

    this.writing = this.#writingCount(kind);
    this.saving = true;
    this.elapsed = 0;
    const started = Date.now();
    this.#ticker = setInterval(() => (this.elapsed = Math.floor((Date.now() - started) / 1000)), 1000);
    try {
      const saved = await this.#backend.saveReport(kind, filter, format, path);
      this.#hooks.saved(saved);
    } catch (failure) {
      this.saveError = ApiError.from(failure);
    } finally {
      if (this.#ticker !== null) clearInterval(this.#ticker);
      this.#ticker = null;
      this.saving = false;
      this.writing = null;
    }
  }

  /** What the preview says the report holds, when it answers the request being saved. */
  #writingCount(kind: ReportKind): ReportState['writing'] {
    if (!this.current) return null;
    if (kind.kind === 'recognition') {
      const people = this.recognition?.people.length;
      return people === undefined ? null : { count: people, one: 'person', many: 'people' };
    }
    const contributions = this.contributors?.summary.totals.contributions;
    return contributions === undefined ? null : { count: contributions, one: 'contribution', many: 'contributions' };
  }
}

const states = new WeakMap<Backend, ReportState>();

/** The window's report state for `backend` (made on first use). */
export function reportFor(backend: Backend, hooks: ReportHooks, timing?: Partial<ReportTiming>): ReportState {
  let state = states.get(backend);
  if (!state) {
    // Its own root, so that its derived state does not belong to (and end with) the screen that
    // happened to make it.
    let made: ReportState | undefined;
    $effect.root(() => {
      made = new ReportState(backend, hooks, timing);
    });
    state = made!;
    states.set(backend, state);
  } else {
    state.setHooks(hooks);
  }
  return state;
}
