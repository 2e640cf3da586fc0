// A small W3C WebDriver client over fetch, plus the launcher for the real Afterword app:
// tauri-driver (which starts WebKitWebDriver) on 127.0.0.1, the app binary under the caller's
// Xvfb display, a data directory per scenario. Only the `tauri:options` capability is sent.

import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const appBinary = process.env.AFTERWORD_APP ?? path.join(repoRoot, 'target', 'debug', 'afterword-app');
export const cliBinary = process.env.AFTERWORD_CLI ?? path.join(repoRoot, 'target', 'debug', 'afterword');
export const artifacts = path.join(repoRoot, 'tests', 'artifacts');

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Waits until `probe` returns a truthy value, or fails after `ms` with `what` in the message. */
export async function waitFor(what, probe, ms = 15000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await delay(100);
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

export class Driver {
  constructor(base, child) {
    this.base = base;
    this.child = child;
    this.session = null;
  }

  /** Starts tauri-driver on a free port and waits until it answers. */
  static async start(env) {
    const port = await freePort();
    const nativePort = await freePort();
    const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const driver = new Driver(`http://127.0.0.1:${port}`, child);
    await waitFor('tauri-driver to listen', async () => (await fetch(`${driver.base}/status`)).ok, 20000);
    return driver;
  }

  async request(method, url, body) {
    const response = await fetch(`${this.base}${url}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // No WebDriver command should take long; a hang becomes an error naming the command.
      signal: AbortSignal.timeout(Number(process.env.WD_TIMEOUT ?? 30000)),
    }).catch((error) => {
      throw new Error(`${method} ${url}: ${error.message}`);
    });
    const json = await response.json();
    if (!response.ok) {
      throw new Error(`${method} ${url}: ${json.value?.error ?? response.status} ${json.value?.message ?? ''}`);
    }
    return json.value;
  }

  s(url) {
    return `/session/${this.session}${url}`;
  }

  async open(args = []) {
    const value = await this.request('POST', '/session', {
      capabilities: { alwaysMatch: { 'tauri:options': { application: appBinary, args } } },
    });
    this.session = value.sessionId;
  }

  async close() {
    if (this.session) {
      await this.request('DELETE', this.s('')).catch(() => {});
      this.session = null;
    }
  }

  async quit() {
    await this.close();
    this.child.kill('SIGTERM');
  }

  async find(selector, { timeout = 10000 } = {}) {
    return waitFor(`element ${selector}`, async () => {
      const found = await this.request('POST', this.s('/elements'), { using: 'css selector', value: selector });
      return found.length ? found[0][ELEMENT] : null;
    }, timeout);
  }

  async findAll(selector) {
    const found = await this.request('POST', this.s('/elements'), { using: 'css selector', value: selector });
    return found.map((e) => e[ELEMENT]);
  }

  async click(selector) {
    const id = await this.find(selector);
    // WebKitWebDriver does not scroll an element inside a scrolling pane into view by itself.
    await this.execute('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: id }]);
    await this.request('POST', this.s(`/element/${id}/click`), {});
  }

  async type(selector, text) {
    const id = await this.find(selector);
    await this.request('POST', this.s(`/element/${id}/value`), { text });
  }

  async clear(selector) {
    const id = await this.find(selector);
    await this.request('POST', this.s(`/element/${id}/clear`), {});
  }

  /** The rendered text (innerText) of the first element matching `selector`. WebDriver's own
   *  "element text" drops text inside some CSS grid and flex layouts in WebKitWebDriver. */
  async text(selector) {
    await this.find(selector);
    return (await this.texts(selector))[0];
  }

  /** The rendered text of every element matching `selector`. */
  async texts(selector) {
    return this.execute('return [...document.querySelectorAll(arguments[0])].map((e) => e.innerText)', [selector]);
  }

  /** Waits until some element matching `selector` has text containing `wanted`. */
  async waitForText(selector, wanted, timeout = 10000) {
    return waitFor(`"${wanted}" in ${selector}`, async () => {
      const all = await this.texts(selector);
      return all.find((t) => t.includes(wanted));
    }, timeout);
  }

  /** Makes the frame matching `selector` the context of later commands (a sandboxed frame's
   *  document cannot be reached from the page's scripts, but WebDriver may enter it). */
  async switchToFrame(selector) {
    const id = await this.find(selector);
    await this.request('POST', this.s('/frame'), { id: { [ELEMENT]: id } });
  }

  async switchToParent() {
    await this.request('POST', this.s('/frame/parent'), {});
  }

  async execute(script, args = []) {
    return this.request('POST', this.s('/execute/sync'), { script, args });
  }

  /** Runs `script` in the page; it answers by calling its last argument. */
  async executeAsync(script, args = []) {
    return this.request('POST', this.s('/execute/async'), { script, args });
  }

  async keys(selector, keys) {
    return this.type(selector, keys);
  }

  async windowRect() {
    return this.request('GET', this.s('/window/rect'));
  }

  async setWindowRect(rect) {
    return this.request('POST', this.s('/window/rect'), rect);
  }

  async windowHandles() {
    return this.request('GET', this.s('/window/handles'));
  }

  async screenshot(name) {
    // WebKitWebDriver's snapshot waits for the next paint, and an idle page under Xvfb may never
    // paint again: touch the DOM so one is scheduled.
    await this.execute(`const mark = document.createElement('i');
      mark.textContent = '\u200b';
      document.body.appendChild(mark);
      setTimeout(() => mark.remove(), 100);`);
    const png = await this.request('GET', this.s('/screenshot'));
    mkdirSync(artifacts, { recursive: true });
    const file = path.join(artifacts, `${name}.png`);
    writeFileSync(file, Buffer.from(png, 'base64'));
    return file;
  }
}
