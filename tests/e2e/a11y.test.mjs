// End to end: an automated accessibility check (axe-core) over every screen of the real window,
// in the light and in the dark theme. The app's CSP forbids eval and inline scripts, so axe's
// source is handed to WebDriver's "execute script", which runs it as a function body in the page;
// axe.run then answers through WebDriver's asynchronous execute. A violation of impact "serious"
// or "critical" fails the scenario; every violation found is printed, and written with every node
// to tests/artifacts/a11y-violations.json. The mail preview's sandboxed frame runs no scripts, so
// axe cannot run inside it; it is left out (iframes: false).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { artifacts, repoRoot, waitFor } from './webdriver.mjs';
import { ENTER, cli, setUpIncident, withApp, workspace } from './harness.mjs';

const axeSource = readFileSync(path.join(repoRoot, 'ui', 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const FAILING = new Set(['serious', 'critical']);

/** WebDriver's asynchronous execute: the script's last argument is the callback that answers. */
function executeAsync(d, script, args = []) {
  return d.request('POST', d.s('/execute/async'), { script, args });
}

/** Makes `window.axe` exist in the current browsing context (the page, or the frame entered). */
async function injectAxe(d) {
  const present = await d.execute('return typeof window.axe === "object" && typeof window.axe.run === "function"');
  if (present) return;
  // axe's bundle assigns window.axe itself; run as a function body, its own var stays local.
  await d.execute(`${axeSource}\n;return typeof window.axe;`);
  const ok = await d.execute('return typeof window.axe === "object" && typeof window.axe.run === "function"');
  assert.ok(ok, 'axe-core could not be injected into the page');
}

/** Runs axe over the current document and returns its violations (plain JSON). */
async function runAxe(d, { iframes = false } = {}) {
  await injectAxe(d);
  const answer = await executeAsync(
    d,
    `const done = arguments[arguments.length - 1];
     window.axe
       .run(document, { resultTypes: ['violations'], iframes: arguments[0] })
       .then((r) => done(JSON.stringify(r.violations.map((v) => ({
         id: v.id,
         impact: v.impact,
         help: v.help,
         helpUrl: v.helpUrl,
         nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
       })))))
       .catch((e) => done(JSON.stringify({ error: String(e && e.stack || e) })));`,
    [iframes],
  );
  const parsed = JSON.parse(answer);
  if (!Array.isArray(parsed)) throw new Error(`axe.run failed: ${parsed.error}`);
  return parsed;
}

function describe(where, violations) {
  return violations
    .map((v) => {
      const targets = v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(', ');
      const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : '';
      const why = v.nodes[0]?.summary ? `\n      ${v.nodes[0].summary.replace(/\n/g, '\n      ')}` : '';
      return `  [${where}] ${v.id} (${v.impact}): ${v.help}\n    at ${targets}${more}${why}`;
    })
    .join('\n');
}

async function setTheme(d, theme) {
  await d.execute(
    `document.documentElement.dataset.theme = arguments[0];
     return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))));`,
    [theme],
  );
}

async function go(d, hash, ready) {
  await d.execute('location.hash = arguments[0]', [hash]);
  await d.find(ready);
  // Let data-driven content settle (lists and previews load after the screen's frame appears).
  await new Promise((r) => setTimeout(r, 400));
}

function seed(ws) {
  const incident = setUpIncident(ws);
  const laptop = JSON.parse(cli(ws, '--json', 'incident', 'add', '--title', 'Lost laptop', '--kind', 'security_incident', '--tlp', 'green'));
  return { incident, laptop };
}

test('axe-core: no serious or critical violations on any screen, light and dark', { timeout: 300000 }, async (t) => {
  const ws = workspace('a11y');
  const { incident, laptop } = seed(ws);
  const failures = [];
  const seen = [];

  await withApp(ws, async (d) => {
    await d.find('[data-testid="nav-incidents"]');

    // The compose screen needs its messages generated once.
    await go(d, `#/incidents/${incident.id}/compose`, '[data-testid="generate-messages"]');
    await d.click('[data-testid="generate-messages"]');
    await waitFor('three messages', async () => (await d.findAll('[data-testid="message-row"]')).length === 3);

    // Something in Recently deleted: the second incident, deleted from its screen.
    await go(d, `#/incidents/${laptop.id}`, '[data-testid="delete-incident"]');
    await d.click('[data-testid="delete-incident"]');
    await d.find('[data-testid="incident-search"]');

    // IDs of a person and a template, from their lists.
    await go(d, '#/people', '[data-testid="person-row"]');
    const personHash = await d.execute(`return document.querySelector('[data-testid="person-row"]').getAttribute('href')`);
    await go(d, '#/templates', '[data-testid="template-row"]');
    await d.execute(`document.querySelector('[data-testid="template-row"]').click(); return true;`);
    await d.find('[data-testid="template-editor"]');
    const templateHash = await d.execute('return location.hash');
    assert.match(personHash, /^#\/people\/./);
    assert.match(templateHash, /^#\/templates\/./);

    const screens = [
      ['incidents', '#/incidents', '[data-testid="incident-row"]'],
      ['incident', `#/incidents/${incident.id}`, '[data-testid="incident-detail"]'],
      ['compose', `#/incidents/${incident.id}/compose`, '[data-testid="message-row"]'],
      ['people', '#/people', '[data-testid="person-row"]'],
      ['person', personHash, '[data-testid="person-detail"]'],
      ['templates', '#/templates', '[data-testid="template-row"]'],
      ['template', templateHash, '[data-testid="template-editor"]'],
      ['settings', '#/settings', '[data-testid="theme-select"]'],
      ['deleted', '#/deleted', '[data-testid="deleted-row"]'],
      // Reports: the incident's contributor report with its charts and table, then the
      // recognition report of all time (the view keeps its state, so both themes see the same).
      ['reports', `#/reports?incident=${encodeURIComponent(incident.reference)}`, '[data-testid="report-incident-block"]'],
    ];

    // Delivery: the Outbox with rows in it (queued by the CLI; with no server set they wait or
    // become .eml files) and Settings › Mail server.
    cli(ws, 'messages', 'approve', '--incident', incident.reference, '--acknowledge-findings');
    cli(ws, 'outbox', 'queue', '--incident', incident.reference);
    screens.push(
      ['outbox', '#/outbox', '[data-testid="outbox-row"]'],
      ['mail-server', '#/settings/mail-server', '[data-testid="smtp-settings"] [data-testid="smtp-host"]:not([disabled])'],
    );

    // Import people, with a file read: the detection, the column mapping and the preview (the
    // screen keeps its state, so each theme's visit finds the same preview).
    const outlook = path.join(repoRoot, 'src-tauri', 'core', 'tests', 'fixtures', 'import', 'outlook_cp1252.csv');
    await go(d, '#/import', '[data-testid="import-path"]');
    await d.type('[data-testid="import-path"]', outlook + ENTER);
    await d.find('[data-testid="import-row"]', { timeout: 30000 });
    screens.push(['import', '#/import', '[data-testid="import-row"]']);

    for (const theme of ['light', 'dark']) {
      for (const [name, hash, ready] of screens) {
        await go(d, hash, ready);
        if (name === 'incident' || name === 'person') {
          // Their history panel open, so its list is part of the check.
          const toggle = `[data-testid="${name}-history-toggle"]`;
          if ((await d.execute(`return document.querySelector(arguments[0])?.getAttribute('aria-expanded')`, [toggle])) !== 'true') {
            await d.click(toggle);
          }
          await d.find(`[data-testid="${name}-history-entry"], [data-testid="${name}-history-empty"]`);
        }
        if (name === 'compose') {
          // Open a message so the preview pane is part of the check.
          await d.execute(`document.querySelector('[data-testid="message-row"]').click(); return true;`);
          await d.find('[data-testid="preview-text"]');
        }
        await setTheme(d, theme);
        const where = `${name} ${theme}`;
        const violations = await runAxe(d);
        seen.push([where, violations]);
        failures.push(...violations.filter((v) => FAILING.has(v.impact)).map((v) => [where, v]));
        if (theme === 'light' && name === 'settings') await d.screenshot('a11y-settings-light');
        if (theme === 'dark' && name === 'compose') await d.screenshot('a11y-compose-dark');
        if (name === 'deleted') await d.screenshot(`a11y-deleted-${theme}`);
        if (name === 'import') await d.screenshot(`a11y-import-${theme}`);
        if (name === 'mail-server') {
          // The Microsoft 365 account too (chosen, not saved): its registration, sign-in, the
          // admin guide and the advanced endpoints open.
          await d.click('[data-testid="smtp-account-microsoft365"]');
          await d.find('[data-testid="sign-in-start"]');
          await d.find('[data-testid="smtp-admin-guide"]');
          await d.execute(`for (const id of ['smtp-admin-guide', 'smtp-oauth-advanced']) document.querySelector(\`[data-testid="\${id}"]\`).open = true;
            return true;`);
          const account = await runAxe(d);
          seen.push([`mail-server-microsoft365 ${theme}`, account]);
          failures.push(...account.filter((v) => FAILING.has(v.impact)).map((v) => [`mail-server-microsoft365 ${theme}`, v]));
          await d.screenshot(`a11y-mail-server-microsoft365-${theme}`);
        }
        if (name === 'reports') {
          await d.screenshot(`a11y-reports-${theme}`);
          // The recognition report too, over all time.
          await d.execute('document.querySelector(arguments[0]).click(); return true;', ['[data-testid="report-kind-recognition"]']);
          await d.execute('document.querySelector(arguments[0]).click(); return true;', ['[data-testid="report-scope-period"]']);
          await d.click('[data-testid="report-preset-all_time"]');
          await d.find('[data-testid="recognition-person"]', { timeout: 20000 });
          await new Promise((r) => setTimeout(r, 400));
          const recognition = await runAxe(d);
          seen.push([`reports-recognition ${theme}`, recognition]);
          failures.push(...recognition.filter((v) => FAILING.has(v.impact)).map((v) => [`reports-recognition ${theme}`, v]));
          // Back to the contributor report of the incident for the next theme's visit.
          await d.execute('document.querySelector(arguments[0]).click(); return true;', ['[data-testid="report-kind-contributors"]']);
        }
      }
    }
  });

  // Every violation with every node, for the person fixing them.
  mkdirSync(artifacts, { recursive: true });
  writeFileSync(path.join(artifacts, 'a11y-violations.json'), JSON.stringify(Object.fromEntries(seen), null, 2));
  for (const [where, violations] of seen) {
    t.diagnostic(violations.length ? `${where}:\n${describe(where, violations)}` : `${where}: no violations`);
  }
  assert.equal(
    failures.length,
    0,
    `serious or critical accessibility violations:\n${failures.map(([where, v]) => describe(where, [v])).join('\n')}`,
  );
});
