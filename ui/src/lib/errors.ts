// Field errors: which message goes next to which input.

import { ApiError } from './api';

/** Codes whose `field` names an input the person can fix. */
const FIELD_CODES = new Set(['invalid', 'conflict']);

/** The message to show next to `field`, if `error` is about it. */
export function fieldError(error: unknown, field: string): string | null {
  if (!(error instanceof ApiError)) return null;
  return FIELD_CODES.has(error.code) && error.field === field ? error.message : null;
}

/**
 * The message to show at the top of a form whose inputs are `fields`: any error that is not
 * about one of them (a database failure, a field the form has no input for).
 */
export function formError(error: unknown, fields: readonly string[]): string | null {
  if (error === null || error === undefined) return null;
  const api = ApiError.from(error);
  if (FIELD_CODES.has(api.code) && api.field !== null && fields.includes(api.field)) return null;
  return api.message;
}
