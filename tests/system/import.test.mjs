// Large imports with the `afterword` CLI as a whole process: a CSV of a million rows (over
// 100 MB) is streamed, so the peak memory (max RSS, measured by the kernel for the finished
// process through Python's resource module) stays flat: the same as for a file a hundred times
// smaller, and far below the file's size. Also a file that holds an Afterword-sized surprise: a
// one-million-row file whose every row is the same person (one new, the rest duplicates).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { cliBinary } from './afterword.mjs';

const root = mkdtempSync(path.join(os.tmpdir(), 'afterword-system-import-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Writes `rows` CSV rows through `row(i)` without holding the file in memory. */
async function writeCsv(file, header, rows, row) {
  const out = createWriteStream(file);
  out.write(`${header}\n`);
  for (let i = 0; i < rows; i++) {
    if (!out.write(`${row(i)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/** Runs the CLI to the end; answers {code, maxRssKiB, stdout} (stdout: JSON tail parsed). */
function measured(args) {
  const script = [
    'import json, resource, subprocess, sys',
    'p = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)',
    'print(json.dumps({"code": p.returncode, "max_rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,',
    '                  "stderr": p.stderr.decode(errors="replace")[-2000:], "tail": p.stdout.decode(errors="replace")[-600:]}))',
  ].join('\n');
  const out = execFileSync('python3', ['-c', script, cliBinary, ...args], { maxBuffer: 1 << 20, timeout: 600_000 });
  return JSON.parse(out.toString());
}

const row = (i) => `Person ${i},person.${i}@corp${i % 97}.example,Company ${i % 500},Helped on case ${i}: ${'x'.repeat(40)}`;

test('a million-row, 100 MB CSV is streamed: peak memory stays flat', async () => {
  const data = mkdtempSync(path.join(root, 'data-'));
  const small = await writeCsv(path.join(root, 'small.csv'), 'Name,Email,Company,Notes', 10_000, row);
  const large = await writeCsv(path.join(root, 'large.csv'), 'Name,Email,Company,Notes', 1_000_000, row);
  const size = statSync(large).size;
  assert.ok(size > 100 * 1024 * 1024, `the large file is ${size} bytes`);

  const base = measured(['--data-dir', data, 'import', '--preview', small]);
  assert.equal(base.code, 0, base.stderr);
  const big = measured(['--data-dir', data, 'import', '--preview', large]);
  assert.equal(big.code, 0, big.stderr);
  assert.match(big.tail, /would import 1000000 new, 0 updated; 0 duplicate, 0 invalid/);
  // Flat: a hundred times the rows costs at most 16 MiB more, and the whole run stays far
  // below the file (a reader holding the rows would need several times its size).
  assert.ok(big.max_rss_kib < base.max_rss_kib + 16 * 1024, `10k rows: ${base.max_rss_kib} KiB, 1M rows: ${big.max_rss_kib} KiB`);
  assert.ok(big.max_rss_kib * 1024 < size / 2, `peak ${big.max_rss_kib} KiB for a ${size}-byte file`);
});

test('a file repeating one person a hundred thousand times imports one person', async () => {
  const data = mkdtempSync(path.join(root, 'data-'));
  const same = await writeCsv(path.join(root, 'same.csv'), 'Name,Email', 100_000, (i) => `Jane Doe,${i % 2 ? 'JANE' : 'jane'}@corp.example`);
  const result = measured(['--data-dir', data, '--json', 'import', same]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.tail, /"duplicate":99999/);
  assert.match(result.tail, /"new":1,/);
});
