import { mount } from 'svelte';
import App from './App.svelte';
import { tauriBackend } from './lib/api';
import './app.css';

// Start-up profile: the bundle is parsed and evaluated (the shell logs `view=boot elapsed_ms=N`).
tauriBackend.markShown('boot').catch(() => {});

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { backend: tauriBackend } });
