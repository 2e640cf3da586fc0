// Which Backend the components use. The app passes the real one to <App>; tests render
// components with a fake one in the Svelte context under BACKEND_KEY.

import { getContext, setContext } from 'svelte';
import type { Backend } from './api';

export const BACKEND_KEY = Symbol('afterword.backend');

export function provideBackend(backend: Backend): void {
  setContext(BACKEND_KEY, backend);
}

export function useBackend(): Backend {
  const backend = getContext<Backend | undefined>(BACKEND_KEY);
  if (!backend) throw new Error('No backend in context: render inside <App> or provide BACKEND_KEY.');
  return backend;
}
