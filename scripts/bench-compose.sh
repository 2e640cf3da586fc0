#!/usr/bin/env bash
# Compose at scale, beside mailmerge (PyPI) in the same run: generate, render and tone-check the
# thank-you messages of one incident with 10,000 contributors and write one .eml each
# (`afterword messages generate` + `afterword render`, two whole processes), against
# `mailmerge --dry-run --no-limit` on the same 10,000 rows with a Markdown template (so both
# produce a text and an HTML part). Needs hyperfine (Debian) and mailmerge (pip).
# Usage: scripts/bench-compose.sh [CONTRIBUTORS]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$HOME/.local/bin:$PATH"
n=${1:-10000}

command -v hyperfine >/dev/null || { echo "bench: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
command -v mailmerge >/dev/null || { echo "bench: install mailmerge (pip install mailmerge)" >&2; exit 1; }
cargo build --release --quiet -p afterword-cli
cli="$PWD/target/release/afterword"

# In memory when possible: the disk's timing noise would otherwise swamp writing 10,000 small files.
work=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work"' EXIT
base="$work/base"
"$cli" --data-dir "$base" generate --incidents 1 --people "$n" --contributions "$n" --crowded "$n" >/dev/null
"$cli" --data-dir "$base" settings set sender.name "Sam Analyst" >/dev/null
"$cli" --data-dir "$base" settings set sender.email "sam@corp.example" >/dev/null
"$cli" --data-dir "$base" settings set organisation "Northwind" >/dev/null
"$cli" --data-dir "$base" outcome add --incident GEN-000001 --tlp clear --heading "What happened" \
  "A fake invoice reached a few inboxes. We removed every copy and blocked the sender." >/dev/null
"$cli" --data-dir "$base" outcome add --incident GEN-000001 --tlp amber --heading "What we learned" \
  "Your reports let us find the mail within the hour, so nobody lost any data." >/dev/null

# The same rows for mailmerge, read from the same database.
mm="$work/mailmerge"
mkdir -p "$mm"
python3 - "$base/afterword.db" "$mm/mailmerge_database.csv" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""SELECT p.name, p.email, c.what FROM contributions c JOIN people p ON p.id = c.person_id
                     JOIN incidents i ON i.id = c.incident_id WHERE i.reference = 'GEN-000001'""")
with open(sys.argv[2], "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "email", "what"])
    w.writerows(rows)
PY
cat > "$mm/mailmerge_template.txt" <<'TPL'
TO: {{name}} <{{email}}>
FROM: Sam Analyst <sam@corp.example>
SUBJECT: Thank you for your help with GEN-000001
CONTENT-TYPE: text/markdown

Hi {{name}},

Thank you for **{{what}}**. It made a real difference.

## What happened (TLP:CLEAR)

A fake invoice reached a few inboxes. We removed every copy and blocked the sender.

## What we learned (TLP:AMBER)

Your reports let us find the mail within the hour, so nobody lost any data.

Thanks again,
Sam Analyst
TPL
printf '[smtp_server]\nhost = 127.0.0.1\nport = 25\nsecurity = Never\n' > "$mm/mailmerge_server.conf"

hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/result.md" \
  --prepare "rm -rf '$work/run' '$work/out' && cp -r '$base' '$work/run'" \
  -n afterword "'$cli' --data-dir '$work/run' messages generate --incident GEN-000001 >/dev/null && '$cli' --data-dir '$work/run' render --incident GEN-000001 --out '$work/out' >/dev/null" \
  -n mailmerge "cd '$mm' && mailmerge --dry-run --no-limit --output-format raw >/dev/null"
echo
cat "$work/result.md"
# One more run to show what the timed command produced (hyperfine's --prepare removed it).
rm -rf "$work/run" "$work/out" && cp -r "$base" "$work/run"
"$cli" --data-dir "$work/run" messages generate --incident GEN-000001 >/dev/null
"$cli" --data-dir "$work/run" render --incident GEN-000001 --out "$work/out"
echo "files in the folder: $(find "$work/out" -name '*.eml' | wc -l)"
