// What every end-to-end scenario needs: its own folders (`workspace`), the CLI over the same
// data (`cli`), and the app in a WebDriver session that keeps a screenshot when it fails (`withApp`);
// and a file chosen in the native GTK save or open dialog (`chooseInDialog`).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import path from 'node:path';
import { Driver, cliBinary, waitFor } from './webdriver.mjs';

export const ENTER = '\uE007';

export function workspace(name) {
  const root = mkdtempSync(path.join(os.tmpdir(), `afterword-e2e-${name}-`));
  const data = path.join(root, 'data');
  mkdirSync(data);
  const env = {
    ...process.env,
    WEBKIT_DISABLE_COMPOSITING_MODE: '1',
    XDG_CONFIG_HOME: path.join(root, 'config'),
    XDG_DATA_HOME: path.join(root, 'xdg-data'),
    XDG_CACHE_HOME: path.join(root, 'cache'),
    AFTERWORD_DATA_DIR: '',
  };
  return { root, data, env, args: ['--data-dir', data] };
}

export function cli(ws, ...args) {
  return execFileSync(cliBinary, ['--data-dir', ws.data, ...args], { encoding: 'utf8' });
}

export async function withApp(ws, body) {
  const driver = await Driver.start(ws.env);
  try {
    await driver.open(ws.args);
    await body(driver);
  } catch (error) {
    // Keep what the window showed when the scenario failed, for the person reading the log.
    const shot = await driver.screenshot(`failed-${path.basename(ws.root)}`).catch(() => null);
    if (shot) error.message += ` (screenshot: ${shot})`;
    throw error;
  } finally {
    await driver.quit();
    await stopLeftovers(ws);
  }
}

/** Ends any app process still running on this workspace's data. A window that outlives its
 *  session would make the next scenario's launch a "second instance" that exits at once. */
export async function stopLeftovers(ws) {
  const running = () => {
    try {
      return execFileSync('pgrep', ['-f', '--', `--data-dir ${ws.data}`], { encoding: 'utf8' }).split(/\s+/).filter(Boolean);
    } catch {
      return [];
    }
  };
  for (const [signal, wait] of [['SIGTERM', 5000], ['SIGKILL', 5000]]) {
    const pids = running();
    if (!pids.length) return;
    for (const pid of pids) {
      try {
        process.kill(Number(pid), signal);
      } catch {
        // Already gone.
      }
    }
    const until = Date.now() + wait;
    while (running().length && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  }
}


/** Sender settings, three contributors of different audiences (one outside the organisation) on a
 *  phishing incident with a CLEAR and an AMBER+STRICT outcome section. Returns the incident. */
export function setUpIncident(ws) {
  cli(ws, 'settings', 'set', 'sender.name', 'Sam Analyst');
  cli(ws, 'settings', 'set', 'sender.email', 'sam@corp.example');
  cli(ws, 'settings', 'set', 'organisation', 'Corp');
  cli(ws, 'person', 'add', '--name', 'Jane Doe', '--email', 'jane@corp.example', '--organisation', 'Corp', '--audience', 'end_user');
  cli(ws, 'person', 'add', '--name', 'Tom Ortega', '--email', 'tom@corp.example', '--organisation', 'Corp', '--audience', 'it_operations');
  cli(ws, 'person', 'add', '--name', 'Vera Vendor', '--email', 'vera@vendor.example', '--organisation', 'Vendor Ltd', '--audience', 'third_party');
  const incident = JSON.parse(cli(ws, '--json', 'incident', 'add', '--title', 'Fake invoice mail', '--kind', 'phishing_report', '--tlp', 'amber'));
  const give = (email, what, impact) =>
    cli(ws, 'contribution', 'add', '--incident', incident.reference, '--person', email, '--what', what, '--impact', impact);
  give('jane@corp.example', 'reported the fake invoice', 'we found and removed 14 more copies');
  give('tom@corp.example', 'pulled the mail gateway logs', 'showed that nobody else opened it');
  give('vera@vendor.example', 'sent the firewall exports', 'confirmed no data left the network');
  cli(ws, 'outcome', 'add', '--incident', incident.reference, '--tlp', 'clear', '--heading', 'What happened',
    'A fake invoice reached 15 people. We removed every copy and blocked the sender.');
  cli(ws, 'outcome', 'add', '--incident', incident.reference, '--tlp', 'amber+strict', '--heading', 'Inside only',
    'The payroll team was the target.');
  return incident;
}

/** The window of the native dialog whose title matches `title` (set by the shell). */
async function dialogWindow(title) {
  return waitFor(`the dialog "${title}"`, () => {
    try {
      const ids = execFileSync('xdotool', ['search', '--sync', '--onlyvisible', '--name', title], {
        encoding: 'utf8',
        timeout: 15000,
      })
        .trim()
        .split('\n')
        .filter(Boolean);
      return ids[ids.length - 1] ?? null;
    } catch {
      return null;
    }
  }, 30000);
}

/**
 * Chooses `file` (a full path) in the native GTK dialog titled `title`: typed into the save
 * dialog's name field, or (`open`) into the open dialog's location field, then Return.
 */
export async function chooseInDialog(title, file, { open = false } = {}) {
  const window = await dialogWindow(title);
  // Events sent to a window (`--window`) are synthetic and GTK ignores them: give the dialog the
  // input focus (there is no window manager under Xvfb), then type as a keyboard would. The save
  // dialog's name field has focus with the suggested name selected: select it all and type over
  // it; in the open dialog a "/" opens the location field, where the same is done.
  execFileSync('xdotool', ['windowfocus', '--sync', window]);
  if (open) {
    // A "/" opens the location field; keys typed while it appears may be lost, so wait first.
    execFileSync('xdotool', ['type', '/']);
    await delay(400);
  }
  execFileSync('xdotool', ['key', '--clearmodifiers', 'ctrl+a']);
  execFileSync('xdotool', ['type', '--delay', '20', file]);
  // The open dialog completes the typed path as it goes: let it settle before Return.
  if (open) await delay(500);
  execFileSync('xdotool', ['key', 'Return']);
}
