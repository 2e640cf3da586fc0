// App-wide actions that screens may trigger: refresh the sidebar counts, open the new-incident
// form, start again on a dataset replaced whole. Screens rendered alone (in tests) get harmless
// defaults.

import { getContext, setContext } from 'svelte';
import type { Route } from './router.svelte';

export interface AppActions {
  /** Re-reads the counts shown in the sidebar after something changed. */
  refreshOverview(): void;
  /** Opens the new-incident form. */
  newIncident(): void;
  /**
   * Everything was replaced (a restore, an import of everything): forgets what the window holds
   * about the old data (the sidebar counts, this session's deletions to undo) and shows `then`,
   * whose screen loads afresh.
   */
  datasetReplaced(then: Route): void;
}

/** Exported for tests, which put their own actions in the context. */
export const APP_KEY = Symbol('afterword.app');

const noop: AppActions = { refreshOverview() {}, newIncident() {}, datasetReplaced() {} };

export function provideApp(actions: AppActions): void {
  setContext(APP_KEY, actions);
}

export function useApp(): AppActions {
  return getContext<AppActions | undefined>(APP_KEY) ?? noop;
}
