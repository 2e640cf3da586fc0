// The domain types the UI works with, named plainly. bindings.ts has two shapes per type:
// `_Serialize` (what the backend sends: every field present) and `_Deserialize` (what it
// accepts: optional fields may be left out). Answers use the first, requests the second.

export type {
  Audience,
  FieldChange,
  ImportCounts,
  ImportFormat,
  ImportSource,
  PersonField,
  RowClass,
  RowUnit,
  ComposeWarning,
  CopySelf,
  OutboxCounts,
  QueueReport,
  Resolution,
  Security,
  SmtpSettings,
  AccountKind,
  AdminGuide,
  OAuthSettings,
  SignInMethod,
  Step,
  StepResult,
  TestReport,
  Thanks,
  CreditRole,
  Deleted,
  DeletedItem,
  DeletedKind,
  GenerateReport,
  IncidentKind,
  MessageState,
  OutcomeSection,
  Overview,
  Person,
  RenderProblem,
  RenderReport,
  SectionReader,
  Settings,
  Severity,
  Status,
  TechnicalLevel,
  TemplateError,
  TemplatePart,
  TemplateSource,
  Theme,
  Tlp,
  ToneCategory,
  ToneFinding,
  VariableDoc,
  Withheld,
  WithheldSection,
  // reports and history
  ContributorSummary,
  Count,
  GroupBy,
  HistoryEntry,
  RecognitionDocument,
  RecognitionIncident,
  RecognitionPerson,
  RecognitionTeam,
  RecognitionTotals,
  ReportFormat,
  ReportKind,
  SavedReport,
  Thanked,
  Totals,
  // your data: backups, restores, the whole dataset as JSON
  AutomaticBackup,
  AutomaticBackups,
  AutomaticReason,
  BackupInfo,
  DataFile,
  ExportInfo,
  HeldSending,
  Imported,
  ImportInfo,
  RestoreInfo,
  Restored,
} from './bindings';

import type {
  AppInfo_Serialize,
  ContributionInput_Deserialize,
  ContributionWithIncident_Serialize,
  ContributionWithPerson_Serialize,
  Contribution_Serialize,
  IncidentDetail_Serialize,
  IncidentFilter_Deserialize,
  IncidentInput_Deserialize,
  IncidentPage_Serialize,
  Incident_Serialize,
  IpcError_Serialize,
  PersonDetail_Serialize,
  PersonInput_Deserialize,
  Preferences_Serialize,
  QuickAddOutcome_Serialize,
  QuickAddPreview_Serialize,
  QuickAddRequest_Deserialize,
  QuickAdd_Serialize,
  BlockedMessage_Serialize,
  BulkApproval_Serialize,
  CloseoutItem_Serialize,
  Closeout_Serialize,
  MessagePreview_Serialize,
  MessageSummary_Serialize,
  OutboxEntry_Serialize,
  OutboxState_Serialize,
  OutcomeSectionInput_Deserialize,
  RunProgress_Serialize,
  SenderStatus_Serialize,
  SmtpView_Serialize,
  ShownMessage_Serialize,
  SignInPrompt_Serialize,
  SignInStarted_Serialize,
  SignInStatus_Serialize,
  SignOutReport_Serialize,
  SignedOut_Serialize,
  TemplateInput_Deserialize,
  TemplateTrial_Serialize,
  Template_Serialize,
  ImportJobStatus_Serialize,
  ImportOutcome_Serialize,
  ImportPreview_Serialize,
  ImportProgress_Serialize,
  ImportReport_Serialize,
  ImportRequest_Deserialize,
  ImportRow_Serialize,
  ImportSummary_Serialize,
  RowChoice_Deserialize,
  TemplatePlan_Serialize,
  ContributorPreview_Serialize,
  ReportContribution_Serialize,
  ReportFilter_Serialize,
  ReportIncident_Serialize,
} from './bindings';

// answers
export type AppInfo = AppInfo_Serialize;
export type Incident = Incident_Serialize;
export type IncidentPage = IncidentPage_Serialize;
export type IncidentDetail = IncidentDetail_Serialize;
export type Contribution = Contribution_Serialize;
export type ContributionWithPerson = ContributionWithPerson_Serialize;
export type ContributionWithIncident = ContributionWithIncident_Serialize;
export type PersonDetail = PersonDetail_Serialize;
export type Preferences = Preferences_Serialize;
export type QuickAdd = QuickAdd_Serialize;
export type QuickAddPreview = QuickAddPreview_Serialize;
export type QuickAddOutcome = QuickAddOutcome_Serialize;
export type IpcError = IpcError_Serialize;
export type Template = Template_Serialize;
export type TemplateTrial = TemplateTrial_Serialize;
export type MessageSummary = MessageSummary_Serialize;
export type MessagePreview = MessagePreview_Serialize;
/** A message preview plus the key the `preview:` protocol serves its HTML part under. */
export type ShownMessage = ShownMessage_Serialize;
export type BulkApproval = BulkApproval_Serialize;
export type BlockedMessage = BlockedMessage_Serialize;
export type Closeout = Closeout_Serialize;
export type CloseoutItem = CloseoutItem_Serialize;
/** The mail server settings with whether a password is saved and where .eml files go. */
export type SmtpView = SmtpView_Serialize;
/** Who is signed in to Microsoft 365 or Google, or why nobody is. */
export type SignInStatus = SignInStatus_Serialize;
/** What to do to sign in: open a link in the browser, or enter a code on another device. */
export type SignInPrompt = SignInPrompt_Serialize;
/** A sign-in under way: its prompt and whether the system browser opened. */
export type SignInStarted = SignInStarted_Serialize;
export type SignOutReport = SignOutReport_Serialize;
/** What signing out did, and the status after it. */
export type SignedOut = SignedOut_Serialize;
export type OutboxEntry = OutboxEntry_Serialize;
export type OutboxState = OutboxState_Serialize;
export type SenderStatus = SenderStatus_Serialize;
export type RunProgress = RunProgress_Serialize;
/** What a source is (format, encoding, columns, the mapping guess) and, after a run, its counts. */
export type ImportSummary = ImportSummary_Serialize;
/** One row of an import source, classified (new, updated, duplicate, invalid) with its reason. */
export type ImportRow = ImportRow_Serialize;
export type ImportPreview = ImportPreview_Serialize;
export type ImportReport = ImportReport_Serialize;
export type ImportProgress = ImportProgress_Serialize;
/** A polled import job: its progress, then its outcome or error. */
export type ImportJobStatus = ImportJobStatus_Serialize;
export type ImportOutcome = ImportOutcome_Serialize;
/** The template a mailmerge project brings. */
export type TemplatePlan = TemplatePlan_Serialize;
/** A contributor report's cover, totals and charts, with its first incidents (the live preview). */
export type ContributorPreview = ContributorPreview_Serialize;
/** One incident of a contributor report with its contributions (a preview holds at most 50). */
export type ReportIncident = ReportIncident_Serialize;
/** One contribution as a report shows it: the contributor's name or pseudonym, and whether thanked. */
export type ReportContribution = ReportContribution_Serialize;

// requests
export type IncidentFilter = IncidentFilter_Deserialize;
export type IncidentInput = IncidentInput_Deserialize;
export type PersonInput = PersonInput_Deserialize;
export type ContributionInput = ContributionInput_Deserialize;
export type QuickAddRequest = QuickAddRequest_Deserialize;
export type PreferencesInput = Preferences_Serialize;
export type OutcomeSectionInput = OutcomeSectionInput_Deserialize;
export type TemplateInput = TemplateInput_Deserialize;
export type ImportRequest = ImportRequest_Deserialize;
export type RowChoice = RowChoice_Deserialize;
/**
 * What a report covers. The UI always sends every field (the backend's own shape with nothing
 * left out), so a request reads the same in a test as on the wire.
 */
export type ReportFilter = ReportFilter_Serialize;
