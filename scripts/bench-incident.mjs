// The incident with 5,000 contributors in the real window, driven through tauri-driver (run by
// scripts/bench-incident.sh, which builds the release app and the dataset). For each run, a new
// app process on the same data:
// - open: ms from setting the incident's address (what a click on its row does) until the first
//   frame that shows its contributors has been painted (a `setTimeout(0)` queued in the
//   `requestAnimationFrame` callback that first sees them runs right after that frame's paint);
// - filter: for each key typed into the contributors' filter at a typist's pace, ms from the
//   input event until the frame showing its result has been painted;
// - more: ms from a click on "Show more" until the added contributors are painted;
// - memory: RSS and PSS of the WebKit web process (and of the whole app) with the incident open.
// Prints one JSON object: every run's figures and their medians.

import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { stopLeftovers, workspace } from '../tests/e2e/harness.mjs';
import { Driver } from '../tests/e2e/webdriver.mjs';

const [data, incidentId, runsArg = '5', typed = 'firewall'] = process.argv.slice(2);
if (!data || !incidentId) {
  console.error('usage: node scripts/bench-incident.mjs DATA_DIR INCIDENT_ID [RUNS] [TEXT]');
  process.exit(2);
}
const runs = Number(runsArg);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)] : null;
};

/** KiB of `Rss:` and `Pss:` in a process's smaps_rollup. */
function memory(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name) => Number(text.match(new RegExp(`^${name}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return { rss: field('Rss'), pss: field('Pss') };
}

const children = (pid) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
};
const command = (pid) => readFileSync(`/proc/${pid}/comm`, 'utf8').trim();

function appMemory() {
  const app = execFileSync('pgrep', ['-f', '-n', '--', `afterword-app --data-dir ${data}`], { encoding: 'utf8' }).trim();
  const tree = [app];
  for (let i = 0; i < tree.length; i++) tree.push(...children(tree[i]));
  const web = tree.find((pid) => command(pid).startsWith('WebKitWebProces'));
  const all = tree.map(memory).reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss }));
  return { web: web ? memory(web) : null, app_tree_pss: all.pss };
}

/** A page script answering the ms from running `act` until the first painted frame where `ready`
 *  (both statements, spliced in: the app's content security policy allows no `eval`). */
const untilPainted = (act, ready) => `
  const done = arguments[arguments.length - 1];
  const ready = () => { ${ready} };
  const start = performance.now();
  ${act}
  const check = () => {
    if (ready()) setTimeout(() => done(performance.now() - start), 0);
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);`;

// The scenarios' own folders and environment, on the benchmark's data.
const ws = { ...workspace('bench-incident'), data, args: ['--data-dir', data] };

const results = [];
try {
  for (let run = 0; run < runs; run++) {
    const driver = await Driver.start(ws.env);
    try {
      await driver.open(ws.args);
      await driver.find('[data-testid="incident-row"]', { timeout: 60000 });
      const open = await driver.executeAsync(
        untilPainted(
          `location.hash = ${JSON.stringify(`#/incidents/${encodeURIComponent(incidentId)}`)};`,
          `return document.querySelector('[data-testid="contributor"]') !== null;`,
        ),
      );
      const heading = await driver.text('.contributors .section-count');

      // Each key at a typist's pace: the latency of one key, not of a burst queued behind it.
      await driver.execute(`
        window.__latencies = [];
        document.querySelector('[data-testid="contributor-filter"]').addEventListener('input', (event) => {
          const start = event.timeStamp;
          requestAnimationFrame(() => setTimeout(() => window.__latencies.push(performance.now() - start), 0));
        });`);
      for (const key of typed) {
        await driver.type('[data-testid="contributor-filter"]', key);
        await delay(200);
      }
      const filter = await driver.execute('return window.__latencies');
      const matching = await driver.text('[data-testid="contributor-filter-count"]');
      await driver.clear('[data-testid="contributor-filter"]');
      await driver.find('[data-testid="contributors-more"]');

      const more = [];
      for (let i = 0; i < 5; i++) {
        more.push(
          await driver.executeAsync(
            untilPainted(
              `window.__shown = document.querySelectorAll('[data-testid="contributor"]').length;
               document.querySelector('[data-testid="contributors-more"]').click();`,
              `return document.querySelectorAll('[data-testid="contributor"]').length > window.__shown;`,
            ),
          ),
        );
      }
      const shown = await driver.execute('return document.querySelectorAll(\'[data-testid="contributor"]\').length');
      await delay(1500); // let the web process settle before reading its memory
      results.push({ open_ms: open, filter_ms: filter, more_ms: more, heading, matching, shown, memory: appMemory() });
    } finally {
      await driver.quit();
      await stopLeftovers(ws);
    }
  }
} finally {
  rmSync(ws.root, { recursive: true, force: true });
}

const round = (n) => Math.round(n * 10) / 10;
console.log(
  JSON.stringify(
    {
      runs: results,
      median: {
        open_ms: round(median(results.map((r) => r.open_ms))),
        filter_key_ms: round(median(results.flatMap((r) => r.filter_ms))),
        filter_key_worst_ms: round(Math.max(...results.flatMap((r) => r.filter_ms))),
        more_ms: round(median(results.flatMap((r) => r.more_ms))),
        web_rss_mib: round(median(results.map((r) => r.memory.web?.rss ?? 0)) / 1024),
        web_pss_mib: round(median(results.map((r) => r.memory.web?.pss ?? 0)) / 1024),
        app_tree_pss_mib: round(median(results.map((r) => r.memory.app_tree_pss)) / 1024),
      },
    },
    null,
    2,
  ),
);
