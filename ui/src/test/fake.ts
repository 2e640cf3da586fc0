// A fake Backend for component tests: every method is a vi.fn that fails loudly unless the test
// gives it an implementation.

import { vi, type Mock } from 'vitest';
import { ApiError, type Backend } from '../lib/api';
import { BACKEND_KEY } from '../lib/backend';
import type {
  Closeout,
  CloseoutItem,
  ContributorPreview,
  ContributorSummary,
  HistoryEntry,
  RecognitionDocument,
  RecognitionPerson,
  ReportContribution,
  ReportIncident,
  ImportCounts,
  ImportJobStatus,
  ImportPreview,
  ImportReport,
  ImportRow,
  ImportSummary,
  Incident,
  MessagePreview,
  MessageSummary,
  OutboxEntry,
  OutboxState,
  OutcomeSection,
  Person,
  SenderStatus,
  SignInStarted,
  SignInStatus,
  SmtpView,
  Settings,
  ShownMessage,
  Template,
  ToneFinding,
  WithheldSection,
} from '../lib/types';

export type FakeBackend = { [K in keyof Backend]: Mock<Backend[K]> };

export function fakeBackend(overrides: Partial<Backend> = {}): FakeBackend {
  const methods: (keyof Backend)[] = [
    'appInfo',
    'markShown',
    'overview',
    'loadExample',
    'listIncidents',
    'getIncident',
    'createIncident',
    'updateIncident',
    'setIncidentStatus',
    'deleteIncident',
    'restoreIncident',
    'searchPeople',
    'getPerson',
    'createPerson',
    'updatePerson',
    'deletePerson',
    'restorePerson',
    'mergePeople',
    'updateContribution',
    'deleteContribution',
    'restoreContribution',
    'recentlyDeleted',
    'previewQuickAdd',
    'previewQuickAddLines',
    'quickAdd',
    'getPreferences',
    'setPreferences',
    'getSettings',
    'updateSender',
    'getOutcome',
    'addOutcomeSection',
    'updateOutcomeSection',
    'moveOutcomeSection',
    'deleteOutcomeSection',
    'restoreOutcomeSection',
    'listTemplates',
    'createTemplate',
    'updateTemplate',
    'duplicateTemplate',
    'resetTemplate',
    'deleteTemplate',
    'restoreTemplate',
    'templateVariables',
    'tryTemplate',
    'checkTone',
    'generateMessages',
    'listMessages',
    'previewMessage',
    'editMessage',
    'resetMessage',
    'approveMessage',
    'approveAllMessages',
    'unapproveMessage',
    'skipMessage',
    'unskipMessage',
    'closeout',
    'renderMessages',
    'chooseFolder',
    'openFolder',
    'getSmtpSettings',
    'saveSmtpSettings',
    'forgetSmtpPassword',
    'testSmtp',
    'adminGuide',
    'startSignIn',
    'waitSignIn',
    'cancelSignIn',
    'pendingSignIn',
    'signOut',
    'queueIncident',
    'listOutbox',
    'outboxState',
    'sendNow',
    'pauseSending',
    'resumeSending',
    'cancelOutbox',
    'retryOutbox',
    'resolveUncertain',
    'thanksFor',
    'openOutboxFolder',
    'chooseImportFile',
    'inspectImport',
    'startImport',
    'importStatus',
    'cancelImport',
    'onFileDropped',
    'contributorReportPreview',
    'recognitionReportPreview',
    'chooseReportFile',
    'saveReport',
    'incidentHistory',
    'personHistory',
    'chooseDataDestination',
    'chooseDataSource',
    'backupDatabase',
    'restoreDatabase',
    'exportAllData',
    'importAllData',
    'listBackups',
  ];
  const fake = {} as Record<string, Mock>;
  for (const name of methods) {
    const given = overrides[name] as ((...args: unknown[]) => unknown) | undefined;
    fake[name] = vi.fn(given ?? (async () => Promise.reject(new Error(`fake backend: ${name} not set up`))));
  }
  return fake as unknown as FakeBackend;
}

/** Render options that put `backend` in the Svelte context (and pass `props`, if any). */
export function withBackend(backend: FakeBackend): { context: Map<unknown, unknown> };
export function withBackend<P extends Record<string, unknown>>(
  backend: FakeBackend,
  props: P,
): { props: P; context: Map<unknown, unknown> };
export function withBackend(backend: FakeBackend, props?: Record<string, unknown>) {
  const context = new Map<unknown, unknown>([[BACKEND_KEY, backend]]);
  return props ? { props, context } : { context };
}

export function invalid(field: string, message: string): ApiError {
  return new ApiError('invalid', message, { field });
}

export function person(overrides: Partial<Person> = {}): Person {
  return {
    id: 'p1',
    name: 'Jane Whitfield',
    preferred_name: 'Jane',
    email: 'jane@corp.com',
    organisation: 'Corp',
    team: 'Network',
    job_title: 'Network engineer',
    audience: 'it_operations',
    technical_level: 'technical',
    may_be_named: true,
    do_not_contact: false,
    notes: '',
    created_at: '2026-11-01T10:00:00Z',
    updated_at: '2026-11-01T10:00:00Z',
    contribution_count: 2,
    ...overrides,
  };
}

export function incident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'i1',
    reference: 'INC-2026-0001',
    title: 'Phishing wave against finance',
    kind: 'phishing_report',
    severity: 'high',
    status: 'investigating',
    tlp: 'amber',
    opened_on: '2026-11-03',
    closed_on: null,
    summary: 'Credential phishing.',
    created_at: '2026-11-03T09:00:00Z',
    updated_at: '2026-11-03T09:00:00Z',
    contribution_count: 0,
    contributor_count: 0,
    ...overrides,
  };
}

/** Picks `value` in a <select> the way a person does (selects the option, then `change`). */
export function selectOption(select: HTMLElement, value: string): void {
  const element = select as HTMLSelectElement;
  for (const option of Array.from(element.options)) option.selected = option.value === value;
  element.dispatchEvent(new Event('change', { bubbles: true }));
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    sender_name: 'Sam Analyst',
    sender_email: 'sam@corp.com',
    organisation: 'Corp',
    signature: 'Sam, Security team',
    ...overrides,
  };
}

export function outcomeSection(overrides: Partial<OutcomeSection> = {}): OutcomeSection {
  return {
    id: 's1',
    incident_id: 'i1',
    position: 0,
    heading: 'What happened',
    body: 'The phishing site was taken down within two hours.',
    tlp: 'green',
    readers: [],
    updated_at: '2026-11-05T10:00:00Z',
    ...overrides,
  };
}

export function template(overrides: Partial<Template> = {}): Template {
  return {
    id: 't1',
    name: 'End users',
    builtin_key: 'end_user',
    customised: false,
    audience: 'end_user',
    incident_kind: null,
    subject: 'Thank you for your help with {{ incident.reference }}',
    body: 'Hi {{ person.first_name }},\n\nthank you!',
    updated_at: '2026-11-01T10:00:00Z',
    ...overrides,
  };
}

export function toneFinding(overrides: Partial<ToneFinding> = {}): ToneFinding {
  return {
    category: 'blame',
    start: 6,
    end: 14,
    start_utf16: 6,
    end_utf16: 14,
    excerpt: 'careless',
    why: 'It blames the person instead of thanking them.',
    suggestion: 'Describe what happened, not the person.',
    ...overrides,
  };
}

export function messageSummary(overrides: Partial<MessageSummary> = {}): MessageSummary {
  return {
    id: 'm1',
    incident_id: 'i1',
    person_id: 'p1',
    person_name: 'Jane Whitfield',
    person_email: 'jane@corp.com',
    person_audience: 'it_operations',
    state: 'draft',
    skip_reason: '',
    template_id: 't1',
    template_name: 'IT and operations',
    message_id: '01JMSG@corp.com',
    edited: false,
    approved_at: null,
    updated_at: '2026-11-05T10:00:00Z',
    ...overrides,
  };
}

export function withheldSection(overrides: Partial<WithheldSection> = {}): WithheldSection {
  return {
    section_id: 's9',
    heading: 'Attribution',
    tlp: 'red',
    reason: 'not_named',
    explanation: 'TLP:RED goes only to the people named on the section, and this person is not one of them.',
    ...overrides,
  };
}

export function messagePreview(overrides: Partial<MessagePreview> = {}): MessagePreview {
  const message = overrides.message ?? messageSummary();
  return {
    message,
    from: 'Sam Analyst <sam@corp.com>',
    to: `${message.person_name} <${message.person_email}>`,
    subject: 'Thank you for your help with INC-2026-0001',
    markdown: 'Hi Jane,\n\nthank you for the proxy logs.',
    html: '<!DOCTYPE html><html><body><p>Hi Jane,</p></body></html>',
    text: 'Hi Jane,\n\nthank you for the proxy logs.',
    withheld: [],
    findings: [],
    warnings: [],
    template_error: null,
    leaked_section: null,
    approval_stale: false,
    ...overrides,
  };
}

export function shownMessage(overrides: Partial<MessagePreview> = {}, key = 'm1-1'): ShownMessage {
  return { preview: messagePreview(overrides), preview_key: key };
}

export function closeoutItem(overrides: Partial<CloseoutItem> = {}): CloseoutItem {
  return {
    person_id: 'p1',
    person_name: 'Jane Whitfield',
    person_email: 'jane@corp.com',
    message_id: 'm1',
    state: 'draft',
    skip_reason: '',
    done: false,
    ...overrides,
  };
}

/** A close-out checklist over `items`, with the counts worked out. */
export function closeoutOf(items: CloseoutItem[]): Closeout {
  const done = items.filter((item) => item.done).length;
  return { items, done, loose_ends: items.length - done };
}

export function smtpView(overrides: Partial<SmtpView> = {}, settings: Partial<SmtpView['settings']> = {}): SmtpView {
  return {
    settings: {
      host: 'smtp.corp.example',
      port: 587,
      security: 'starttls',
      username: 'sam@corp.example',
      ca_pem: '',
      reply_to: '',
      copy_self: 'no',
      rate_per_minute: 0,
      connect_timeout_secs: 15,
      command_timeout_secs: 60,
      ...settings,
    },
    password_saved: true,
    password_persistent: true,
    secret_store_problem: null,
    eml_folder: '/home/sam/.local/share/afterword/outbox',
    sign_in: null,
    ...overrides,
  };
}

/** A Microsoft 365 account nobody signed in to yet (unless `overrides` say otherwise). */
export function signInStatus(overrides: Partial<SignInStatus> = {}): SignInStatus {
  return {
    kind: 'microsoft365',
    signed_in_as: null,
    signed_in_at: null,
    problem: 'Not signed in: sign in with Microsoft 365.',
    revokes_on_sign_out: false,
    device_code: false,
    persistent: true,
    ...overrides,
  };
}

/** A browser sign-in under way: the link, and whether the browser opened. */
export function signInStarted(overrides: Partial<SignInStarted> = {}): SignInStarted {
  return {
    kind: 'microsoft365',
    prompt: {
      kind: 'open_browser',
      url: 'https://login.microsoftonline.com/contoso.com/oauth2/v2.0/authorize?client_id=3f2504e0&state=s1',
      redirect_uri: 'http://localhost:50123',
      expires_at: '2026-11-25T10:05:00Z',
    },
    browser_opened: true,
    browser_problem: null,
    ...overrides,
  };
}

export function outboxEntry(overrides: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    id: 'm1',
    message_id: '01JMSG@corp.example',
    incident_id: 'i1',
    incident_reference: 'INC-2026-0001',
    person_id: 'p1',
    person_name: 'Jane Whitfield',
    recipient: 'jane@corp.com',
    state: 'queued',
    attempts: 0,
    last_reply: '',
    next_attempt_at: null,
    queued_at: '2026-11-25T09:00:00Z',
    sent_at: null,
    transport: 'smtp',
    ...overrides,
  };
}

export function senderStatus(overrides: Partial<SenderStatus> = {}, progress: Partial<SenderStatus['progress']> = {}): SenderStatus {
  return {
    activity: 'idle',
    progress: { total: 0, done: 0, sent: 0, deferred: 0, failed: 0, uncertain: 0, current: null, ...progress },
    message: null,
    retry_at: null,
    secret_store_problem: null,
    sign_in_required: false,
    ...overrides,
  };
}

/** The outbox's counts (all zero unless given) and the sender's status. */
export function outboxState(counts: Partial<OutboxState['counts']> = {}, sender: SenderStatus = senderStatus()): OutboxState {
  return {
    counts: { queued: 0, sending: 0, deferred: 0, sent: 0, failed: 0, uncertain: 0, cancelled: 0, ...counts },
    sender,
  };
}

/** What inspecting a source answers: an Outlook CSV with four columns unless told otherwise. */
export function importSummary(overrides: Partial<ImportSummary> = {}): ImportSummary {
  return {
    format: 'csv',
    source_label: 'Outlook CSV',
    encoding: 'windows-1252',
    row_unit: 'row',
    columns: ['First Name', 'Last Name', 'Company', 'E-mail Address'],
    mapping: ['first_name', 'last_name', 'organisation', 'email'],
    samples: [
      ['Renée', 'Dubois', 'Société Générale', 'renee.dubois@sgs.example'],
      ['Jürgen', 'Müller', 'Müller & Söhne', 'juergen.mueller@muellersoehne.example'],
    ],
    counts: { new: 0, updated: 0, duplicate: 0, invalid: 0 },
    template: null,
    ...overrides,
  };
}

export function importRow(overrides: Partial<ImportRow> = {}): ImportRow {
  return {
    row: 2,
    email: 'renee.dubois@sgs.example',
    name: 'Renée Dubois',
    organisation: 'Société Générale',
    team: 'SOC',
    job_title: 'Analyste N2',
    class: 'new',
    reason: 'New person, Third party / vendor (Société Générale is not your organisation).',
    audience: 'third_party',
    person_id: null,
    fills: [],
    conflicts: [],
    overwrite: false,
    ...overrides,
  };
}

/** The counts of `rows`, class by class. */
export function countsOf(rows: ImportRow[]): ImportCounts {
  const counts: ImportCounts = { new: 0, updated: 0, duplicate: 0, invalid: 0 };
  for (const row of rows) counts[row.class] += 1;
  return counts;
}

export function importPreview(rows: ImportRow[], summary: Partial<ImportSummary> = {}, more_rows = false): ImportPreview {
  return { summary: importSummary({ counts: countsOf(rows), ...summary }), rows, more_rows };
}

/** A poll's answer for a job still running. */
export function jobRunning(rows = 0, bytes: number | null = null, total_bytes: number | null = null): ImportJobStatus {
  return { progress: { rows, bytes, total_bytes }, outcome: null, error: null };
}

/** A poll's answer for a finished preview. */
export function jobPreview(preview: ImportPreview): ImportJobStatus {
  return { progress: { rows: preview.rows.length, bytes: null, total_bytes: null }, outcome: { kind: 'preview', ...preview }, error: null };
}

/** A poll's answer for a finished import. */
export function jobReport(report: Partial<ImportReport> & { summary: ImportSummary }): ImportJobStatus {
  return {
    progress: { rows: 0, bytes: null, total_bytes: null },
    outcome: { kind: 'report', import_id: 'imp1', template_id: null, ...report },
    error: null,
  };
}

/** A poll's answer for a job that failed (or was cancelled: code `cancelled`). */
export function jobFailed(code: string, message: string, field: string | null = null): ImportJobStatus {
  return {
    progress: { rows: 0, bytes: null, total_bytes: null },
    outcome: null,
    error: { code, message, field, email: null, suggested_name: null, template: null },
  };
}

export function reportContribution(overrides: Partial<ReportContribution> = {}): ReportContribution {
  return {
    contributor: 'Jane Whitfield',
    pseudonymous: false,
    email: 'jane@corp.com',
    organisation: 'Corp',
    team: 'Network',
    role: 'Log provider',
    what: 'Proxy logs for 1–3 Nov',
    impact: 'Showed which mailboxes clicked the link',
    given_on: '2026-11-03',
    thanked: 'thanked',
    thanked_on: '2026-11-10',
    notes: null,
    constraints: null,
    ...overrides,
  };
}

export function reportIncident(overrides: Partial<ReportIncident> = {}): ReportIncident {
  return {
    reference: 'INC-2026-0042',
    title: 'Phishing wave against finance',
    kind: 'Phishing report',
    status: 'Closed',
    severity: 'High',
    tlp: 'amber',
    tlp_label: 'TLP:AMBER',
    opened_on: '2026-11-03',
    closed_on: '2026-11-12',
    summary: null,
    contributions: [
      reportContribution(),
      reportContribution({
        contributor: 'Contributor 2, IT Operations',
        pseudonymous: true,
        email: null,
        organisation: 'Corp',
        team: 'IT Operations',
        role: 'Remediation',
        what: 'Blocked the sender domain',
        impact: 'No more mails got through',
        thanked: 'queued',
        thanked_on: null,
      }),
    ],
    omitted: 0,
    ...overrides,
  };
}

export function contributorSummary(overrides: Partial<ContributorSummary> = {}): ContributorSummary {
  return {
    title: 'Contributor report',
    subtitle: '1 Jan 2026 – 31 Dec 2026',
    organisation: 'Corp',
    author: 'Sam Analyst',
    generated_at: '25 Nov 2026',
    filters: ['Incidents opened 1 Jan 2026 – 31 Dec 2026'],
    include_internal: false,
    totals: { incidents: 1, contributions: 2, contributors: 2, thanked: 1, queued: 1, not_thanked: 0 },
    by_group_heading: 'Contributions by organisation',
    by_group: [{ label: 'Corp', count: 2 }],
    by_role: [
      { label: 'Log provider', count: 1 },
      { label: 'Remediation', count: 1 },
    ],
    ...overrides,
  };
}

export function contributorPreview(overrides: Partial<ContributorPreview> = {}): ContributorPreview {
  return { summary: contributorSummary(), incidents: [reportIncident()], more_incidents: 0, ...overrides };
}

export function recognitionPerson(overrides: Partial<RecognitionPerson> = {}): RecognitionPerson {
  return {
    rank: 1,
    contributor: 'Jane Whitfield',
    pseudonymous: false,
    organisation: 'Corp',
    team: 'Network',
    contributions: 7,
    incident_count: 3,
    incidents: [{ reference: 'INC-2026-0042', title: 'Phishing wave against finance', tlp: 'amber', tlp_label: 'TLP:AMBER' }],
    roles: ['Log provider', 'Analyst'],
    gave: ['Proxy logs for 1–3 Nov'],
    ...overrides,
  };
}

export function recognitionDocument(overrides: Partial<RecognitionDocument> = {}): RecognitionDocument {
  return {
    title: 'Recognition report',
    subtitle: '1 Jan 2026 – 31 Dec 2026',
    organisation: 'Corp',
    author: 'Sam Analyst',
    generated_at: '25 Nov 2026',
    filters: ['Incidents opened 1 Jan 2026 – 31 Dec 2026'],
    totals: { incidents: 3, contributions: 9, contributors: 2, teams: 2 },
    people: [
      recognitionPerson(),
      recognitionPerson({ rank: 2, contributor: 'Contributor 2, IT Operations', pseudonymous: true, team: 'IT Operations', contributions: 2, incident_count: 1 }),
    ],
    teams: [
      { team: 'Network', organisation: 'Corp', contributions: 7, people: 1, incidents: 3 },
      { team: 'IT Operations', organisation: 'Corp', contributions: 2, people: 1, incidents: 1 },
    ],
    ...overrides,
  };
}

export function historyEntry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    at: '2026-12-03T14:05:00Z',
    actor: 'alice',
    entity: 'incident',
    action: 'status',
    summary: 'Status changed from Open to Investigating',
    ...overrides,
  };
}
