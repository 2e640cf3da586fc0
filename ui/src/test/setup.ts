// Vitest setup (the testing-library plugin already unmounts components after each test).
import { afterEach, vi } from 'vitest';

afterEach(() => {
  vi.useRealTimers();
  document.documentElement.removeAttribute('data-theme');
  document.body.innerHTML = '';
});
