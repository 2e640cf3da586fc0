// App-wide actions that screens may trigger: refresh the sidebar counts, open the new-incident
// form. Screens rendered alone (in tests) get harmless defaults.

import { getContext, setContext } from 'svelte';

export interface AppActions {
  /** Re-reads the counts shown in the sidebar after something changed. */
  refreshOverview(): void;
  /** Opens the new-incident form. */
  newIncident(): void;
}

const APP_KEY = Symbol('afterword.app');

const noop: AppActions = { refreshOverview() {}, newIncident() {} };

export function provideApp(actions: AppActions): void {
  setContext(APP_KEY, actions);
}

export function useApp(): AppActions {
  return getContext<AppActions | undefined>(APP_KEY) ?? noop;
}
