// End to end: the real Afterword window (debug build with the bundled UI) under Xvfb, driven
// through tauri-driver and WebKitWebDriver. Each scenario gets its own data and config folders.
// Screenshots land in tests/artifacts/ (not committed) for a person to review.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Driver, appBinary, cliBinary, waitFor } from './webdriver.mjs';
import { ENTER, cli, withApp, workspace } from './harness.mjs';

async function quickAdd(driver, line) {
  await driver.clear('[data-testid="quick-add-input"]');
  await driver.type('[data-testid="quick-add-input"]', line + ENTER);
}

test('create an incident, credit two people with the quick-add line, find them, and keep it all across a restart', { timeout: 180000 }, async () => {
  const ws = workspace('main');
  await withApp(ws, async (d) => {
    await d.find('[data-testid="first-run"]');
    await d.screenshot('01-first-run');
    await d.click('[data-testid="start-empty"]');
    await d.find('[data-testid="empty-state"]');

    await d.click('[data-testid="new-incident"]');
    await d.type('[data-testid="incident-title"]', 'Suspicious VPN logins');
    await d.click('[data-testid="incident-save"]');
    await d.waitForText('[data-testid="incident-heading"]', 'Suspicious VPN logins');

    // An unknown email: the line asks who they are, then saves both.
    await quickAdd(d, 'jane@corp.com — proxy logs 1–3 Nov');
    await d.type('[data-testid="new-person-name"]', 'Jane Doe');
    await d.click('[data-testid="new-person-save"]');
    await d.waitForText('[data-testid="contribution-row"]', 'proxy logs 1–3 Nov');

    // A name given in the line pre-fills the new person.
    await quickAdd(d, 'Tom Ortega <tom@ops.example> — patched the VPN gateway overnight');
    await waitFor('the suggested name', async () => (await d.execute(
      'return document.querySelector(\'[data-testid="new-person-name"]\')?.value')) === 'Tom Ortega');
    await d.click('[data-testid="new-person-save"]');
    await d.waitForText('[data-testid="contribution-row"]', 'patched the VPN gateway overnight');

    // Autocomplete on a known person: choose Jane, add a second contribution without a form.
    await d.clear('[data-testid="quick-add-input"]');
    await d.type('[data-testid="quick-add-input"]', 'jan');
    await d.waitForText('[data-testid="quick-add-suggestion"]', 'Jane Doe');
    await d.click('[data-testid="quick-add-suggestion"]');
    await d.type('[data-testid="quick-add-input"]', 'reviewed firewall rules' + ENTER);
    await d.waitForText('[data-testid="contribution-row"]', 'reviewed firewall rules');
    const groups = await d.texts('[data-testid="contributor"]');
    assert.equal(groups.length, 2, `two contributors, got ${JSON.stringify(groups)}`);
    assert.equal((await d.findAll('[data-testid="contribution-row"]')).length, 3);
    await d.screenshot('02-incident-detail');

    // Search the people directory as you type.
    await d.click('[data-testid="nav-people"]');
    await d.type('[data-testid="people-search"]', 'tom');
    await waitFor('one match for "tom"', async () => {
      const rows = await d.texts('[data-testid="person-row"]');
      return rows.length === 1 && rows[0].includes('Tom Ortega') && rows[0].includes('tom@ops.example');
    });
    await d.screenshot('03-people-search');

    // Bad input is explained next to the field and nothing is saved.
    await d.click('[data-testid="new-person"]');
    await d.type('[data-testid="person-name"]', 'Jane Again');
    await d.type('[data-testid="person-email"]', 'JANE@corp.com');
    await d.click('[data-testid="person-save"]');
    const clash = await d.waitForText('[data-testid="field-error"][data-field="email"]', 'already belongs to Jane Doe');
    assert.match(clash, /ignoring case/);
    await d.clear('[data-testid="person-email"]');
    await d.type('[data-testid="person-email"]', 'jane@');
    await d.click('[data-testid="person-save"]');
    await d.waitForText('[data-testid="field-error"][data-field="email"]', "nothing after the '@'");
    await d.screenshot('04-field-error');
  });

  // The CLI reads what the app wrote, and writes something the app will show.
  const listed = JSON.parse(cli(ws, '--json', 'incident', 'list'));
  assert.equal(listed.total, 1);
  assert.equal(listed.incidents[0].title, 'Suspicious VPN logins');
  assert.equal(listed.incidents[0].contributor_count, 2);
  assert.equal(JSON.parse(cli(ws, '--json', 'person', 'list')).length, 2, 'the rejected person was not saved');
  cli(ws, 'person', 'add', '--name', 'Chen Wei', '--email', 'chen.wei@corp.com', '--team', 'Service desk');

  // Restart: everything is still there.
  await withApp(ws, async (d) => {
    const row = await d.waitForText('[data-testid="incident-row"]', 'Suspicious VPN logins');
    assert.ok(row);
    await d.screenshot('05-after-restart-list');
    await d.click('[data-testid="incident-row"]');
    await d.waitForText('[data-testid="contribution-row"]', 'patched the VPN gateway overnight');
    assert.equal((await d.findAll('[data-testid="contribution-row"]')).length, 3);
    await d.click('[data-testid="nav-people"]');
    await d.type('[data-testid="people-search"]', 'chen');
    await d.waitForText('[data-testid="person-row"]', 'chen.wei@corp.com');
  });
});

test('a second launch focuses the first window instead of opening another', { timeout: 180000 }, async () => {
  const ws = workspace('single');
  await withApp(ws, async (d) => {
    // The first window in use before the second launch; after it, only the X server is asked:
    // WebKitWebDriver's answers can stall for good once the hand-over has raised the window.
    await d.click('[data-testid="load-example"]');
    await d.waitForText('[data-testid="incident-heading"]', 'INC-EXAMPLE-0042');
    await d.screenshot('06-example-incident');
    const first = execFileSync('xdotool', ['search', '--onlyvisible', '--name', '^Afterword$'], { encoding: 'utf8' })
      .trim().split('\n').filter(Boolean);
    assert.equal(first.length, 1, `one Afterword window before the second launch, got ${first.length}`);
    const second = spawn(appBinary, ws.args, { env: ws.env, stdio: 'ignore' });
    const code = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the second launch kept running (it opened a second window?)')), 20000);
      second.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 0);
    const windows = execFileSync('xdotool', ['search', '--onlyvisible', '--name', '^Afterword$'], { encoding: 'utf8' })
      .trim().split('\n').filter(Boolean);
    // The same window as before, still shown: the second launch handed over and opened nothing.
    assert.deepEqual(windows, first);
  });
});

test('a damaged settings file is reported and kept aside, not silently reset', { timeout: 180000 }, async () => {
  const ws = workspace('settings');
  writeFileSync(path.join(ws.data, 'settings.json'), '{"preferences": {"theme": "da');
  await withApp(ws, async (d) => {
    await waitFor('the settings notice', async () => (await d.execute('return document.body.innerText'))
      .includes('settings file could not be read'));
    await d.screenshot('07-settings-notice');
  });
  const kept = readdirSync(ws.data).filter((f) => f.startsWith('settings.json.damaged-'));
  assert.equal(kept.length, 1);
});

test('the content security policy blocks eval, inline scripts and inline styles', { timeout: 180000 }, async () => {
  const ws = workspace('csp');
  await withApp(ws, async (d) => {
    await d.find('[data-testid="first-run"]');
    assert.equal(await d.execute('try { eval("1 + 1"); return "allowed"; } catch (e) { return e.name; }'), 'EvalError');
    assert.equal(await d.execute(`const s = document.createElement('script');
      s.textContent = 'window.injected = 1';
      document.head.appendChild(s);
      return window.injected === 1;`), false);
    assert.notEqual(await d.execute(`const e = document.createElement('div');
      e.setAttribute('style', 'width: 123px');
      document.body.appendChild(e);
      const width = getComputedStyle(e).width;
      e.remove();
      return width;`), '123px');
  });
});

test('theme preference persists across restarts', { timeout: 180000 }, async () => {
  const ws = workspace('theme');
  await withApp(ws, async (d) => {
    await d.click('[data-testid="start-empty"]');
    await d.click('[data-testid="nav-settings"]');
    const select = await d.find('[data-testid="theme-select"]');
    await d.execute('const s = arguments[0]; s.value = "dark"; s.dispatchEvent(new Event("change", { bubbles: true }));', [{ 'element-6066-11e4-a52e-4f735466cecf': select }]);
    await waitFor('dark theme applied', async () => (await d.execute('return document.documentElement.dataset.theme')) === 'dark');
    await d.screenshot('08-settings-dark');
  });
  await withApp(ws, async (d) => {
    await waitFor('dark theme restored', async () => (await d.execute('return document.documentElement.dataset.theme')) === 'dark');
  });
});

test('the window opens where and as large as it was left', { timeout: 180000 }, async () => {
  const ws = workspace('geometry');
  const wanted = { x: 120, y: 90, width: 1100, height: 720 };
  await withApp(ws, async (d) => {
    await d.find('[data-testid="first-run"]');
    await d.setWindowRect(wanted);
    await waitFor('the new size', async () => {
      const r = await d.windowRect();
      return r.width === wanted.width && r.height === wanted.height;
    });
    // The geometry is written once the window has been still for a moment.
    const stateFile = path.join(ws.root, 'config', 'app.afterword.desktop', '.window-state.json');
    await waitFor('the saved window state', async () => {
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')).main;
      return saved.width === wanted.width && saved.height === wanted.height && saved.x === wanted.x;
    }, 5000);
  });
  await withApp(ws, async (d) => {
    await d.find('[data-testid="first-run"]');
    const r = await d.windowRect();
    assert.deepEqual({ width: r.width, height: r.height }, { width: wanted.width, height: wanted.height });
    assert.deepEqual({ x: r.x, y: r.y }, { x: wanted.x, y: wanted.y });
    await d.screenshot('09-restored-geometry');
  });
});

test('a database from a newer version opens a window that explains it, and the file is untouched', { timeout: 180000 }, async () => {
  const ws = workspace('newer');
  cli(ws, 'incident', 'list');
  // user_version is the big-endian integer at offset 60 of the database header.
  const db = path.join(ws.data, 'afterword.db');
  const bytes = readFileSync(db);
  bytes.writeUInt32BE(77, 60);
  writeFileSync(db, bytes);
  await withApp(ws, async (d) => {
    const message = await d.waitForText('[data-testid="database-problem"]', 'newer version of Afterword');
    assert.ok(message.includes(db), message);
    assert.match(message, /schema 77/);
    assert.equal((await d.findAll('[data-testid="first-run"]')).length, 0, 'no other screen is shown');
    await d.screenshot('10-newer-database');
  });
  assert.deepEqual(readFileSync(db), bytes, 'the database file is untouched');
});
