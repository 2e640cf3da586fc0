// Human labels for every closed set the backend uses, in the order the UI lists them.
// `Record<Union, …>` makes TypeScript refuse a map that misses a value of the generated type;
// labels.test.ts also compares the keys with the unions written in bindings.ts.

import type {
  AccountKind,
  Audience,
  AutomaticReason,
  CopySelf,
  CreditRole,
  IncidentKind,
  MessageState,
  Severity,
  Security,
  Status,
  Step,
  GroupBy,
  ImportFormat,
  PersonField,
  ReportFormat,
  Thanked,
  RowClass,
  RowUnit,
  TechnicalLevel,
  Theme,
  Tlp,
  ToneCategory,
} from './bindings';

export const KIND_LABELS: Record<IncidentKind, string> = {
  security_incident: 'Security incident',
  phishing_report: 'Phishing report',
  vulnerability_remediation: 'Vulnerability remediation',
  other: 'Other',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

/** In life-cycle order: open → investigating → contained → resolved → closed. */
export const STATUS_LABELS: Record<Status, string> = {
  open: 'Open',
  investigating: 'Investigating',
  contained: 'Contained',
  resolved: 'Resolved',
  closed: 'Closed',
};

/** TLP 2.0, from least to most restricted. */
export const TLP_LABELS: Record<Tlp, string> = {
  clear: 'TLP:CLEAR',
  green: 'TLP:GREEN',
  amber: 'TLP:AMBER',
  amber_strict: 'TLP:AMBER+STRICT',
  red: 'TLP:RED',
};

/** What each TLP label lets a recipient do with the information (FIRST TLP 2.0, in short). */
export const TLP_HINTS: Record<Tlp, string> = {
  clear: 'No limit on disclosure.',
  green: 'The recipient’s community, not public channels.',
  amber: 'The recipient’s organisation and its clients, on a need-to-know basis.',
  amber_strict: 'The recipient’s organisation only.',
  red: 'Named recipients only, no further.',
};

export const AUDIENCE_LABELS: Record<Audience, string> = {
  end_user: 'End user',
  it_operations: 'IT / operations',
  third_party: 'Third party / vendor',
  security_colleague: 'Security colleague',
  management: 'Management',
};

export const TECHNICAL_LEVEL_LABELS: Record<TechnicalLevel, string> = {
  non_technical: 'Non-technical',
  technical: 'Technical',
  expert: 'Expert',
};

export const ROLE_LABELS: Record<CreditRole, string> = {
  finder: 'Finder / reporter',
  log_provider: 'Log provider',
  analyst: 'Analyst',
  coordinator: 'Coordinator',
  remediation: 'Remediation',
  expertise: 'Expertise',
  access: 'Access',
  other: 'Other',
};

/** A message's state, as the compose screen and the outbox show it. */
export const MESSAGE_STATE_LABELS: Record<MessageState, string> = {
  draft: 'Draft',
  approved: 'Approved',
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  deferred: 'Deferred',
  failed: 'Failed',
  uncertain: 'Uncertain',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

/** What each kind of tone finding is about, in plain words. */
export const TONE_LABELS: Record<ToneCategory, string> = {
  blame: 'Sounds like blame',
  condescension: 'Sounds condescending',
  shame: 'Could make them feel ashamed',
  jargon: 'Jargon for this reader',
  passive_aggressive: 'Sounds passive-aggressive',
  reading_level: 'Hard to read',
  missing_thanks: 'No thank-you yet',
  missing_outcome: 'Does not say how it ended',
};

/** How Afterword signs in to the mail server, in the order Settings offers them. */
export const ACCOUNT_KIND_LABELS: Record<AccountKind, string> = {
  microsoft365: 'Microsoft 365',
  google: 'Google Workspace',
  password: 'Another SMTP server',
};

/** What each account kind means, under its name in Settings. */
export const ACCOUNT_KIND_HINTS: Record<AccountKind, string> = {
  microsoft365: 'Exchange Online: sign in with your work account in the browser.',
  google: 'Gmail for your organisation: sign in with your work account in the browser.',
  password: 'Your organisation’s relay or any SMTP server: a user name and password, or none.',
};

/** How the connection to the mail server is protected. */
export const SECURITY_LABELS: Record<Security, string> = {
  tls: 'TLS',
  starttls: 'STARTTLS',
  none: 'None',
};

/** What each choice means, for the hint under the security setting. */
export const SECURITY_HINTS: Record<Security, string> = {
  tls: 'Encrypted from the first byte, usually on port 465.',
  starttls: 'Starts plain and must switch to encryption before anything is sent, usually on port 587.',
  none: 'No encryption at all: only for a mail relay running on this machine (localhost).',
};

/** Whether the analyst gets a copy of every thank-you. */
export const COPY_SELF_LABELS: Record<CopySelf, string> = {
  no: 'No copy',
  cc: 'Cc (recipients see it)',
  bcc: 'Bcc (hidden from recipients)',
};

/** The steps of the mail server test, in order. */
export const STEP_LABELS: Record<Step, string> = {
  lookup: 'Name lookup',
  connect: 'Connect',
  tls: 'TLS',
  authenticate: 'Authentication',
  accepted: 'Message accepted',
};

/** The person fields a column of an imported file can feed, in the order the mapping lists them. */
export const PERSON_FIELD_LABELS: Record<PersonField, string> = {
  name: 'Name',
  first_name: 'First name',
  middle_name: 'Middle name',
  last_name: 'Last name',
  preferred_name: 'Preferred name',
  email: 'Email',
  organisation: 'Organisation',
  team: 'Team',
  job_title: 'Job title',
  notes: 'Notes',
};

/** What importing a row does. */
export const ROW_CLASS_LABELS: Record<RowClass, string> = {
  new: 'New',
  updated: 'Updated',
  duplicate: 'Duplicate',
  invalid: 'Invalid',
};

/** The kinds of source the import reads, as the format menu offers them. */
export const IMPORT_FORMAT_LABELS: Record<ImportFormat, string> = {
  csv: 'CSV',
  vcard: 'vCard',
  text: 'To/Cc line (text)',
  mailmerge: 'mailmerge project',
};

/** What one record of a source is called, alone and counted ("Row 3", "12 cards"). */
export const ROW_UNIT_LABELS: Record<RowUnit, { one: string; many: string }> = {
  row: { one: 'row', many: 'rows' },
  card: { one: 'card', many: 'cards' },
  address: { one: 'address', many: 'addresses' },
};

/** Whether a contributor was thanked for an incident, as the reports say it. */
export const THANKED_LABELS: Record<Thanked, string> = {
  thanked: 'Thanked',
  queued: 'On its way',
  not_thanked: 'Not yet',
};

/** The formats a report is saved in, in the order the picker offers them. */
export const REPORT_FORMAT_LABELS: Record<ReportFormat, string> = {
  pdf: 'PDF',
  csv: 'CSV for spreadsheets',
  md: 'Markdown',
  json: 'JSON',
};

/** What a contributor report's "contributions by …" chart groups on. */
export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  organisation: 'Organisation',
  team: 'Team',
};

/** Why Afterword made a copy of the database by itself. */
export const AUTOMATIC_REASON_LABELS: Record<AutomaticReason, string> = {
  restore: 'Before a restore',
  import: 'Before an import',
  upgrade: 'Before an upgrade',
};

export const THEME_LABELS: Record<Theme, string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
};

/** The values of a label map, in the order they are declared. */
export function valuesOf<T extends string>(labels: Record<T, string>): T[] {
  return Object.keys(labels) as T[];
}

export const KINDS = valuesOf(KIND_LABELS);
export const SEVERITIES = valuesOf(SEVERITY_LABELS);
export const STATUSES = valuesOf(STATUS_LABELS);
export const TLPS = valuesOf(TLP_LABELS);
export const AUDIENCES = valuesOf(AUDIENCE_LABELS);
export const TECHNICAL_LEVELS = valuesOf(TECHNICAL_LEVEL_LABELS);
export const ROLES = valuesOf(ROLE_LABELS);
export const THEMES = valuesOf(THEME_LABELS);
export const MESSAGE_STATES = valuesOf(MESSAGE_STATE_LABELS);
export const TONE_CATEGORIES = valuesOf(TONE_LABELS);
export const PERSON_FIELDS = valuesOf(PERSON_FIELD_LABELS);
export const ROW_CLASSES = valuesOf(ROW_CLASS_LABELS);
export const IMPORT_FORMATS = valuesOf(IMPORT_FORMAT_LABELS);
export const THANKED = valuesOf(THANKED_LABELS);
export const REPORT_FORMATS = valuesOf(REPORT_FORMAT_LABELS);
export const GROUP_BYS = valuesOf(GROUP_BY_LABELS);

/** `{value, label}` pairs for a `<select>`. */
export function options<T extends string>(labels: Record<T, string>): { value: T; label: string }[] {
  return valuesOf(labels).map((value) => ({ value, label: labels[value] }));
}

/** The label for `value`, or the raw value when a newer backend sends one this UI does not know. */
export function labelOf<T extends string>(labels: Record<T, string>, value: T | null | undefined): string {
  if (value === null || value === undefined) return '';
  return Object.prototype.hasOwnProperty.call(labels, value) ? labels[value] : String(value);
}
