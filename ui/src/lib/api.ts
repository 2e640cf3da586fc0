// The UI's only way to the backend. Components ask for a `Backend` (see backend.ts) and get data
// or an `ApiError`; they never call `invoke` and never see the `{status, …}` envelope that the
// generated bindings return.

import { commands } from './bindings';
import type {
  AppInfo,
  Contribution,
  ContributionInput,
  Deleted,
  Incident,
  IncidentDetail,
  IncidentFilter,
  IncidentInput,
  IncidentPage,
  IpcError,
  Overview,
  Person,
  PersonDetail,
  PersonInput,
  Preferences,
  QuickAddOutcome,
  QuickAddPreview,
  QuickAddRequest,
  Status,
} from './types';

/** The codes the backend branches on (IpcError.code); anything else is shown as-is. */
export type ErrorCode =
  | 'invalid'
  | 'conflict'
  | 'not_found'
  | 'needs_confirmation'
  | 'unknown_person'
  | 'database'
  | 'internal'
  | (string & {});

/** A failed backend call, as the UI handles it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  /** The input field the error is about (`title`, `email`, `line`, …), if any. */
  readonly field: string | null;
  /** For `unknown_person`: the email the quick-add line named and the name it suggested. */
  readonly email: string | null;
  readonly suggestedName: string | null;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { field?: string | null; email?: string | null; suggestedName?: string | null } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = extra.field ?? null;
    this.email = extra.email ?? null;
    this.suggestedName = extra.suggestedName ?? null;
  }

  /** Turns whatever a call failed with (an IpcError, an Error, a string) into an ApiError. */
  static from(failure: unknown): ApiError {
    if (failure instanceof ApiError) return failure;
    if (isIpcError(failure)) {
      return new ApiError(failure.code, failure.message, {
        field: failure.field ?? null,
        email: failure.email ?? null,
        suggestedName: failure.suggested_name ?? null,
      });
    }
    if (failure instanceof Error) return new ApiError('internal', failure.message || 'Something went wrong.');
    if (typeof failure === 'string' && failure.trim()) return new ApiError('internal', failure);
    return new ApiError('internal', 'Something went wrong, and the app gave no reason.');
  }
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** What the generated bindings resolve to. */
export type CommandResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: unknown };

/** The data of an `ok` result; throws an ApiError for an `error` result. */
export function unwrap<T>(result: CommandResult<T>): T {
  if (result.status === 'ok') return result.data;
  throw ApiError.from(result.error);
}

/** Awaits a binding call; a rejected promise (a failed invoke) also becomes an ApiError. */
async function call<T>(pending: Promise<CommandResult<T>>): Promise<T> {
  let result: CommandResult<T>;
  try {
    result = await pending;
  } catch (failure) {
    throw ApiError.from(failure);
  }
  return unwrap(result);
}

/** Every backend operation the UI uses. */
export interface Backend {
  appInfo(): Promise<AppInfo>;
  /** Tells the shell a view is on screen (it logs the time since launch); answers that time in ms. */
  markShown(view: string): Promise<number>;
  overview(): Promise<Overview>;
  loadExample(): Promise<Incident>;

  listIncidents(filter: IncidentFilter): Promise<IncidentPage>;
  getIncident(id: string): Promise<IncidentDetail>;
  createIncident(input: IncidentInput): Promise<Incident>;
  updateIncident(id: string, input: IncidentInput): Promise<Incident>;
  setIncidentStatus(id: string, status: Status): Promise<Incident>;
  deleteIncident(id: string, confirmed: boolean): Promise<Deleted>;
  restoreIncident(id: string): Promise<Incident>;

  searchPeople(query: string, limit?: number): Promise<Person[]>;
  getPerson(id: string): Promise<PersonDetail>;
  createPerson(input: PersonInput): Promise<Person>;
  updatePerson(id: string, input: PersonInput): Promise<Person>;
  deletePerson(id: string, confirmed: boolean): Promise<Deleted>;
  restorePerson(id: string): Promise<Person>;
  mergePeople(keep: string, duplicate: string): Promise<Person>;

  updateContribution(id: string, input: ContributionInput): Promise<Contribution>;
  deleteContribution(id: string): Promise<Deleted>;
  restoreContribution(id: string): Promise<Contribution>;
  previewQuickAdd(line: string): Promise<QuickAddPreview>;
  quickAdd(request: QuickAddRequest): Promise<QuickAddOutcome>;

  getPreferences(): Promise<Preferences>;
  setPreferences(preferences: Preferences): Promise<void>;
}

/** The real backend: the Tauri commands generated into bindings.ts. */
export const tauriBackend: Backend = {
  appInfo: () => call(commands.appInfo()),
  markShown: (view) => call(commands.markShown(view)),
  overview: () => call(commands.overview()),
  loadExample: () => call(commands.loadExample()),

  listIncidents: (filter) => call(commands.listIncidents(filter)),
  getIncident: (id) => call(commands.getIncident(id)),
  createIncident: (input) => call(commands.createIncident(input)),
  updateIncident: (id, input) => call(commands.updateIncident(id, input)),
  setIncidentStatus: (id, status) => call(commands.setIncidentStatus(id, status)),
  deleteIncident: (id, confirmed) => call(commands.deleteIncident(id, confirmed)),
  restoreIncident: (id) => call(commands.restoreIncident(id)),

  searchPeople: (query, limit) => call(commands.searchPeople(query, limit ?? null)),
  getPerson: (id) => call(commands.getPerson(id)),
  createPerson: (input) => call(commands.createPerson(input)),
  updatePerson: (id, input) => call(commands.updatePerson(id, input)),
  deletePerson: (id, confirmed) => call(commands.deletePerson(id, confirmed)),
  restorePerson: (id) => call(commands.restorePerson(id)),
  mergePeople: (keep, duplicate) => call(commands.mergePeople(keep, duplicate)),

  updateContribution: (id, input) => call(commands.updateContribution(id, input)),
  deleteContribution: (id) => call(commands.deleteContribution(id)),
  restoreContribution: (id) => call(commands.restoreContribution(id)),
  previewQuickAdd: (line) => call(commands.previewQuickAdd(line)),
  quickAdd: (request) => call(commands.quickAdd(request)),

  getPreferences: () => call(commands.getPreferences()),
  setPreferences: async (preferences) => {
    await call(commands.setPreferences(preferences));
  },
};
