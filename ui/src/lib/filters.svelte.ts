// List filters that survive opening a record and coming back.

import type { IncidentKind, Status } from './bindings';

export const incidentFilters = $state<{ statuses: Status[]; kind: IncidentKind | ''; text: string }>({
  statuses: [],
  kind: '',
  text: '',
});

export const peopleFilter = $state<{ text: string }>({ text: '' });

/** Adds or removes `value`, keeping `order` (so chips and requests stay in a stable order). */
export function toggle<T>(list: readonly T[], value: T, order: readonly T[]): T[] {
  const next = list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
  return order.filter((v) => next.includes(v));
}
