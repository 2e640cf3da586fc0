// A fake Backend for component tests: every method is a vi.fn that fails loudly unless the test
// gives it an implementation.

import { vi, type Mock } from 'vitest';
import { ApiError, type Backend } from '../lib/api';
import { BACKEND_KEY } from '../lib/backend';
import type { Incident, Person } from '../lib/types';

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
    'previewQuickAdd',
    'quickAdd',
    'getPreferences',
    'setPreferences',
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
