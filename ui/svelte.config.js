import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/vite-plugin-svelte').SvelteConfig} */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: {
    // Styles go to .css files: the app's CSP (style-src 'self') allows no inline <style>.
    css: 'external',
  },
};
