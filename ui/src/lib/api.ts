// The UI's only way to the backend. Components ask for a `Backend` (see backend.ts) and get data
// or an `ApiError`; they never call `invoke` and never see the `{status, …}` envelope that the
// generated bindings return.

import { listen } from '@tauri-apps/api/event';
import { commands, type QuickAddLinePreview_Serialize } from './bindings';
import type {
  AppInfo,
  Audience,
  AutomaticBackups,
  BackupInfo,
  DataFile,
  ExportInfo,
  Imported,
  Restored,
  BulkApproval,
  Closeout,
  Contribution,
  ContributorPreview,
  ContributionInput,
  Deleted,
  DeletedItem,
  GenerateReport,
  HistoryEntry,
  ImportJobStatus,
  ImportRequest,
  ImportSummary,
  Incident,
  IncidentDetail,
  IncidentFilter,
  IncidentInput,
  IncidentPage,
  IpcError,
  MessageSummary,
  OutboxEntry,
  OutboxState,
  OutcomeSection,
  OutcomeSectionInput,
  QueueReport,
  Resolution,
  SenderStatus,
  SmtpSettings,
  SmtpView,
  TestReport,
  Thanks,
  Overview,
  Person,
  PersonDetail,
  PersonInput,
  Preferences,
  QuickAddOutcome,
  QuickAddPreview,
  QuickAddRequest,
  RecognitionDocument,
  RenderReport,
  ReportFilter,
  ReportFormat,
  ReportKind,
  SavedReport,
  Settings,
  ShownMessage,
  AccountKind,
  AdminGuide,
  SignInMethod,
  SignInStarted,
  SignInStatus,
  SignedOut,
  Status,
  Template,
  TemplateError,
  TemplateInput,
  TemplateSource,
  TemplateTrial,
  ToneFinding,
  VariableDoc,
} from './types';

/** The codes the backend branches on (IpcError.code); anything else is shown as-is. */
export type ErrorCode =
  | 'invalid'
  | 'conflict'
  | 'not_found'
  | 'needs_confirmation'
  | 'unknown_person'
  | 'template'
  | 'cancelled'
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
  /** For `template`: which part of the template, and the line and column of the mistake. */
  readonly template: TemplateError | null;

  constructor(
    code: ErrorCode,
    message: string,
    extra: {
      field?: string | null;
      email?: string | null;
      suggestedName?: string | null;
      template?: TemplateError | null;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = extra.field ?? null;
    this.email = extra.email ?? null;
    this.suggestedName = extra.suggestedName ?? null;
    this.template = extra.template ?? null;
  }

  /** Turns whatever a call failed with (an IpcError, an Error, a string) into an ApiError. */
  static from(failure: unknown): ApiError {
    if (failure instanceof ApiError) return failure;
    if (isIpcError(failure)) {
      return new ApiError(failure.code, failure.message, {
        field: failure.field ?? null,
        email: failure.email ?? null,
        suggestedName: failure.suggested_name ?? null,
        template: failure.template ?? null,
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
/** One line of a pasted quick-add block, as previewed by the backend. */
export type QuickAddLinePreview = QuickAddLinePreview_Serialize;

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
  /**
   * Moves an incident along its life cycle. Closing one whose contributors are not all thanked
   * (or skipped) fails with `needs_confirmation` naming them, unless `confirmed`.
   */
  setIncidentStatus(id: string, status: Status, confirmed: boolean): Promise<Incident>;
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
  /** Deleted incidents, people and contributions that can be restored, newest first. */
  recentlyDeleted(limit?: number): Promise<DeletedItem[]>;
  previewQuickAdd(line: string): Promise<QuickAddPreview>;
  /** Each line of a pasted block, previewed (or why it was not understood). */
  previewQuickAddLines(text: string): Promise<QuickAddLinePreview[]>;
  quickAdd(request: QuickAddRequest): Promise<QuickAddOutcome>;

  getPreferences(): Promise<Preferences>;
  setPreferences(preferences: Preferences): Promise<void>;

  // settings (sender identity and own organisation, kept in the database)
  getSettings(): Promise<Settings>;
  updateSender(input: Settings): Promise<Settings>;

  // an incident's outcome: ordered sections, each with a TLP label
  getOutcome(incident: string): Promise<OutcomeSection[]>;
  addOutcomeSection(incident: string, input: OutcomeSectionInput): Promise<OutcomeSection>;
  updateOutcomeSection(id: string, input: OutcomeSectionInput): Promise<OutcomeSection>;
  /** Moves a section to `position` (0-based); answers the whole outcome in its new order. */
  moveOutcomeSection(id: string, position: number): Promise<OutcomeSection[]>;
  deleteOutcomeSection(id: string): Promise<void>;
  restoreOutcomeSection(id: string): Promise<OutcomeSection>;

  // templates
  listTemplates(): Promise<Template[]>;
  createTemplate(input: TemplateInput): Promise<Template>;
  updateTemplate(id: string, input: TemplateInput): Promise<Template>;
  duplicateTemplate(id: string): Promise<Template>;
  /** A built-in template back to what the app ships. */
  resetTemplate(id: string): Promise<Template>;
  deleteTemplate(id: string): Promise<void>;
  restoreTemplate(id: string): Promise<Template>;
  templateVariables(): Promise<VariableDoc[]>;
  /** Renders a template against a sample recipient of `audience` (for the editor's preview). */
  tryTemplate(source: TemplateSource, audience: Audience): Promise<TemplateTrial>;

  // tone
  checkTone(text: string, audience: Audience): Promise<ToneFinding[]>;

  // messages
  generateMessages(incident: string): Promise<GenerateReport>;
  listMessages(incident: string): Promise<MessageSummary[]>;
  previewMessage(id: string): Promise<ShownMessage>;
  editMessage(id: string, subject: string, body: string): Promise<ShownMessage>;
  resetMessage(id: string): Promise<ShownMessage>;
  /** Open tone findings need `acknowledgeFindings`, else the answer is `needs_confirmation`. */
  approveMessage(id: string, acknowledgeFindings: boolean): Promise<MessageSummary>;
  approveAllMessages(incident: string, acknowledgeFindings: boolean): Promise<BulkApproval>;
  unapproveMessage(id: string): Promise<MessageSummary>;
  skipMessage(id: string, reason: string): Promise<MessageSummary>;
  unskipMessage(id: string): Promise<MessageSummary>;
  closeout(incident: string): Promise<Closeout>;

  // dry run
  /** Writes every message that is not skipped as an .eml file into `folder`. */
  renderMessages(incident: string, folder: string): Promise<RenderReport>;
  /** The native folder picker; null when the person cancels. */
  chooseFolder(title: string): Promise<string | null>;
  /** Shows a folder in the system's file manager. */
  openFolder(folder: string): Promise<void>;

  // delivery: the mail server, the outbox and the background sender
  getSmtpSettings(): Promise<SmtpView>;
  /** Saves the server; a non-empty `password` goes to the secret store first. */
  saveSmtpSettings(input: SmtpSettings, password: string | null): Promise<SmtpView>;
  forgetSmtpPassword(): Promise<SmtpView>;
  /** Sends a test message with the saved settings (or a typed, unsaved `password`). */
  testSmtp(to: string | null, password: string | null): Promise<TestReport>;
  /** What the organisation's admin registers for a Microsoft 365 or Google account (null: a password account). */
  adminGuide(kind: AccountKind): Promise<AdminGuide | null>;
  /**
   * Starts a sign-in with the saved settings (cancelling one under way); the backend opens the
   * system browser. Answers the link to show (to copy when the browser did not open).
   */
  startSignIn(method: SignInMethod): Promise<SignInStarted>;
  /** Waits until the sign-in under way ends: the status after it, or its error (`cancelled`). */
  waitSignIn(): Promise<SignInStatus>;
  /** Cancels the sign-in under way; false when there was none. */
  cancelSignIn(): Promise<boolean>;
  /** The sign-in under way, if any (Settings opened again while it waits). */
  pendingSignIn(): Promise<SignInStarted | null>;
  /** Revokes where the provider allows it and forgets the sign-in; says what happened. */
  signOut(): Promise<SignedOut>;
  /** Approved messages of an incident → queued; the sender starts on them. */
  queueIncident(incident: string): Promise<QueueReport>;
  listOutbox(incident: string | null): Promise<OutboxEntry[]>;
  outboxState(): Promise<OutboxState>;
  sendNow(): Promise<SenderStatus>;
  pauseSending(): Promise<SenderStatus>;
  resumeSending(): Promise<SenderStatus>;
  /** Cancels queued or deferred messages; answers how many were cancelled. */
  cancelOutbox(ids: string[]): Promise<number>;
  /** Puts failed or cancelled messages back in the queue; answers how many moved. */
  retryOutbox(ids: string[]): Promise<number>;
  resolveUncertain(id: string, resolution: Resolution): Promise<OutboxEntry>;
  /** The thank-yous sent to a person, newest first. */
  thanksFor(person: string): Promise<Thanks[]>;
  /** Opens the folder of .eml files (messages go there while no server is set); answers its path. */
  openOutboxFolder(): Promise<string>;

  // importing people: files (CSV, vCard, To lines, mailmerge projects) or pasted text
  /** The native open dialog for contact files; null when the person cancels. */
  chooseImportFile(): Promise<string | null>;
  /** What a source is (format, encoding, columns and the mapping guess), without reading its rows. */
  inspectImport(request: ImportRequest): Promise<ImportSummary>;
  /** Starts a preview (`apply` false: writes nothing) or the import itself; answers the job's id. */
  startImport(request: ImportRequest, apply: boolean): Promise<string>;
  /** A job's progress; once it has ended, its outcome or error (and the job is forgotten). */
  importStatus(job: string): Promise<ImportJobStatus>;
  /** Asks a job to stop: it then ends with the error `cancelled`, having written nothing. */
  cancelImport(job: string): Promise<void>;
  /**
   * Calls `handler` with the path of each file dropped on the window; answers the function that
   * stops listening.
   */
  onFileDropped(handler: (path: string) => void): Promise<() => void>;

  // reports: live previews, the save dialog and saving (on a connection of its own)
  /** The summary and the first 25 incidents (each with at most 50 contributions) of a contributor report. */
  contributorReportPreview(filter: ReportFilter): Promise<ContributorPreview>;
  /** The recognition report: the `top` people (0: everyone) and every team. */
  recognitionReportPreview(filter: ReportFilter, top: number): Promise<RecognitionDocument>;
  /** The native save dialog for a report; null when the person cancels. Adds the extension if missing. */
  chooseReportFile(format: ReportFormat, fileName: string): Promise<string | null>;
  /** Writes the whole report to `path` (may take seconds for a big one). */
  saveReport(kind: ReportKind, filter: ReportFilter, format: ReportFormat, path: string): Promise<SavedReport>;

  // history: the audit log in plain words, newest first (at most 500 lines)
  /** An incident's history (by id or reference): its own changes, its contributions' and its messages'. */
  incidentHistory(incident: string): Promise<HistoryEntry[]>;
  /** A person's history (by id or email). */
  personHistory(person: string): Promise<HistoryEntry[]>;

  // your data: backups, restores and the whole dataset as JSON (each on a connection of its own)
  /** The save dialog for a backup (.db) or an export (.json), suggesting a dated name; null when cancelled. */
  chooseDataDestination(kind: DataFile): Promise<string | null>;
  /** The open dialog for a backup to restore or an export to import; null when cancelled. */
  chooseDataSource(kind: DataFile): Promise<string | null>;
  /** A checked copy of the database at `path`. */
  backupDatabase(path: string): Promise<BackupInfo>;
  /** Replaces everything with the backup at `path` (checked first; a copy of the data as it was is kept). */
  restoreDatabase(path: string): Promise<Restored>;
  /** Every table as one JSON document at `path`, for another computer. */
  exportAllData(path: string): Promise<ExportInfo>;
  /**
   * Replaces everything with the export at `path`. Without `replace`, a database that holds
   * incidents or people answers `needs_confirmation`.
   */
  importAllData(path: string, replace: boolean): Promise<Imported>;
  /** The copies Afterword made by itself (before upgrades, restores, imports), newest first. */
  listBackups(): Promise<AutomaticBackups>;
}

/** The event the shell sends when a file is dropped on the window (payload: its path). */
export const FILE_DROPPED_EVENT = 'file-dropped';

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
  setIncidentStatus: (id, status, confirmed) => call(commands.setIncidentStatus(id, status, confirmed)),
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
  recentlyDeleted: (limit) => call(commands.recentlyDeleted(limit ?? null)),
  previewQuickAdd: (line) => call(commands.previewQuickAdd(line)),
  previewQuickAddLines: (text) => call(commands.previewQuickAddLines(text)),
  quickAdd: (request) => call(commands.quickAdd(request)),

  getPreferences: () => call(commands.getPreferences()),
  setPreferences: async (preferences) => {
    await call(commands.setPreferences(preferences));
  },

  getSettings: () => call(commands.getSettings()),
  updateSender: (input) => call(commands.updateSender(input)),

  getOutcome: (incident) => call(commands.getOutcome(incident)),
  addOutcomeSection: (incident, input) => call(commands.addOutcomeSection(incident, input)),
  updateOutcomeSection: (id, input) => call(commands.updateOutcomeSection(id, input)),
  moveOutcomeSection: (id, position) => call(commands.moveOutcomeSection(id, position)),
  deleteOutcomeSection: async (id) => {
    await call(commands.deleteOutcomeSection(id));
  },
  restoreOutcomeSection: (id) => call(commands.restoreOutcomeSection(id)),

  listTemplates: () => call(commands.listTemplates()),
  createTemplate: (input) => call(commands.createTemplate(input)),
  updateTemplate: (id, input) => call(commands.updateTemplate(id, input)),
  duplicateTemplate: (id) => call(commands.duplicateTemplate(id)),
  resetTemplate: (id) => call(commands.resetTemplate(id)),
  deleteTemplate: async (id) => {
    await call(commands.deleteTemplate(id));
  },
  restoreTemplate: (id) => call(commands.restoreTemplate(id)),
  templateVariables: () => call(commands.templateVariables()),
  tryTemplate: (source, audience) => call(commands.tryTemplate(source, audience)),

  checkTone: (text, audience) => call(commands.checkTone(text, audience)),

  generateMessages: (incident) => call(commands.generateMessages(incident)),
  listMessages: (incident) => call(commands.listMessages(incident)),
  previewMessage: (id) => call(commands.previewMessage(id)),
  editMessage: (id, subject, body) => call(commands.editMessage(id, subject, body)),
  resetMessage: (id) => call(commands.resetMessage(id)),
  approveMessage: (id, acknowledgeFindings) => call(commands.approveMessage(id, acknowledgeFindings)),
  approveAllMessages: (incident, acknowledgeFindings) => call(commands.approveAllMessages(incident, acknowledgeFindings)),
  unapproveMessage: (id) => call(commands.unapproveMessage(id)),
  skipMessage: (id, reason) => call(commands.skipMessage(id, reason)),
  unskipMessage: (id) => call(commands.unskipMessage(id)),
  closeout: (incident) => call(commands.closeout(incident)),

  renderMessages: (incident, folder) => call(commands.renderMessages(incident, folder)),
  chooseFolder: (title) => call(commands.chooseFolder(title)),
  openFolder: async (folder) => {
    await call(commands.openFolder(folder));
  },

  getSmtpSettings: () => call(commands.getSmtpSettings()),
  saveSmtpSettings: (input, password) => call(commands.saveSmtpSettings(input, password)),
  forgetSmtpPassword: () => call(commands.forgetSmtpPassword()),
  testSmtp: (to, password) => call(commands.testSmtp(to, password)),
  adminGuide: (kind) => call(commands.adminGuide(kind)),
  startSignIn: (method) => call(commands.startSignIn(method)),
  waitSignIn: () => call(commands.waitSignIn()),
  cancelSignIn: () => call(commands.cancelSignIn()),
  pendingSignIn: () => call(commands.pendingSignIn()),
  signOut: () => call(commands.signOut()),
  queueIncident: (incident) => call(commands.queueIncident(incident)),
  listOutbox: (incident) => call(commands.listOutbox(incident)),
  outboxState: () => call(commands.outboxState()),
  sendNow: () => call(commands.sendNow()),
  pauseSending: () => call(commands.pauseSending()),
  resumeSending: () => call(commands.resumeSending()),
  cancelOutbox: (ids) => call(commands.cancelOutbox(ids)),
  retryOutbox: (ids) => call(commands.retryOutbox(ids)),
  resolveUncertain: (id, resolution) => call(commands.resolveUncertain(id, resolution)),
  thanksFor: (person) => call(commands.thanksFor(person)),
  openOutboxFolder: () => call(commands.openOutboxFolder()),

  chooseImportFile: () => call(commands.chooseImportFile()),
  inspectImport: (request) => call(commands.inspectImport(request)),
  startImport: (request, apply) => call(commands.startImport(request, apply)),
  importStatus: (job) => call(commands.importStatus(job)),
  cancelImport: async (job) => {
    await call(commands.cancelImport(job));
  },
  onFileDropped: async (handler) => {
    try {
      return await listen<string>(FILE_DROPPED_EVENT, (event) => handler(event.payload));
    } catch (failure) {
      throw ApiError.from(failure);
    }
  },

  contributorReportPreview: (filter) => call(commands.contributorReportPreview(filter)),
  recognitionReportPreview: (filter, top) => call(commands.recognitionReportPreview(filter, top)),
  chooseReportFile: (format, fileName) => call(commands.chooseReportFile(format, fileName)),
  saveReport: (kind, filter, format, path) => call(commands.saveReport(kind, filter, format, path)),

  incidentHistory: (incident) => call(commands.incidentHistory(incident)),
  personHistory: (person) => call(commands.personHistory(person)),

  chooseDataDestination: (kind) => call(commands.chooseDataDestination(kind)),
  chooseDataSource: (kind) => call(commands.chooseDataSource(kind)),
  backupDatabase: (path) => call(commands.backupDatabase(path)),
  restoreDatabase: (path) => call(commands.restoreDatabase(path)),
  exportAllData: (path) => call(commands.exportAllData(path)),
  importAllData: (path, replace) => call(commands.importAllData(path, replace)),
  listBackups: () => call(commands.listBackups()),
};
