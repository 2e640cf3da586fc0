// The mail server form, shared by Settings › Mail server and its parts (the account kind, the
// organisation's registration, the sign-in): one form, one set of values. The registration
// (OAuthSettings) sits flat beside the server settings so the backend's field names — tenant,
// client_id, auth_url … — find their inputs; a typed password rides along and is never read back.

import type { Form } from '../../lib/form.svelte';
import type { AccountKind, OAuthSettings, SmtpSettings, SmtpView } from '../../lib/types';
import type { Security } from '../../lib/types';

export type SmtpValues = {
  host: string;
  port: number;
  security: Security;
  username: string;
  ca_pem: string;
  reply_to: string;
  copy_self: SmtpSettings['copy_self'];
  rate_per_minute: number;
  connect_timeout_secs: number;
  command_timeout_secs: number;
  account: AccountKind;
  password: string;
} & OAuthSettings;

export type SmtpForm = Form<SmtpValues, SmtpView>;

/** No registration yet: every endpoint and scope the provider's default. */
export const NO_REGISTRATION: OAuthSettings = {
  tenant: '',
  client_id: '',
  client_secret: '',
  auth_url: '',
  token_url: '',
  revoke_url: '',
  device_url: '',
  scope: '',
  redirect_host: '',
  device_code: false,
};

export const DEFAULT_VALUES: SmtpValues = {
  host: '',
  port: 587,
  security: 'starttls',
  username: '',
  ca_pem: '',
  reply_to: '',
  copy_self: 'no',
  rate_per_minute: 0,
  connect_timeout_secs: 15,
  command_timeout_secs: 60,
  account: 'password',
  password: '',
  ...NO_REGISTRATION,
};

/** The submission server each provider's accounts send through (the core fills it in too). */
export const PROVIDER_SERVERS: Record<Exclude<AccountKind, 'password'>, { host: string; port: number }> = {
  microsoft365: { host: 'smtp.office365.com', port: 587 },
  google: { host: 'smtp.gmail.com', port: 587 },
};

export function isOAuth(kind: AccountKind): kind is Exclude<AccountKind, 'password'> {
  return kind !== 'password';
}

/** The form's values for what the backend holds (a settings file from before sign-in existed is a password account). */
export function toValues(settings: SmtpSettings): SmtpValues {
  const { account, oauth, ...server } = settings;
  return { ...DEFAULT_VALUES, ...server, ...(oauth ?? NO_REGISTRATION), account: account ?? 'password', password: '' };
}

/** What to save: the settings with their registration, and the password typed (null: keep the saved one). */
export function toSettings(values: SmtpValues): { settings: SmtpSettings; password: string | null } {
  const { password, tenant, client_id, client_secret, auth_url, token_url, revoke_url, device_url, scope, redirect_host, device_code, ...server } =
    values;
  const oauth = { tenant, client_id, client_secret, auth_url, token_url, revoke_url, device_url, scope, redirect_host, device_code };
  return { settings: { ...server, oauth }, password: password === '' || isOAuth(values.account) ? null : password };
}

/**
 * The server fields after switching to `kind`: a provider's own server replaces an empty host or
 * another provider's; a host the analyst typed is kept.
 */
export function serverAfterSwitch(values: SmtpValues, kind: AccountKind): Pick<SmtpValues, 'host' | 'port' | 'security'> {
  const current = { host: values.host, port: values.port, security: values.security };
  if (!isOAuth(kind)) return current;
  const known = Object.values(PROVIDER_SERVERS).some((server) => server.host === values.host.trim());
  if (values.host.trim() !== '' && !known) return current;
  return { ...PROVIDER_SERVERS[kind], security: 'starttls' };
}

/** The registration fields that live under "Advanced", for opening it when one is set or wrong. */
export const ADVANCED_OAUTH_FIELDS = ['auth_url', 'token_url', 'revoke_url', 'device_url', 'scope', 'redirect_host', 'device_code'] as const;
