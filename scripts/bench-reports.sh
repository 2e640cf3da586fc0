#!/usr/bin/env bash
# Reports at scale, beside sqlite3 in the same run (release build, whole processes, hyperfine).
#
# 1. CSV: the contributor report of every one of 1,000,000 contributions (`afterword generate`'s
#    default dataset: 10,000 incidents, 200,000 people) against the sqlite3 CLI's CSV export of
#    the same query (the same joins — incident, person, thank-you message, outbox — the same
#    columns and order, the thanked state computed in SQL). Afterword also writes a byte-order
#    mark, quotes and neutralises every field, names non-consenting people by pseudonym and writes
#    through a temporary file renamed into place.
# 2. PDF: the contributor report of one year holding about 10,000 incidents (a dataset of 70,000
#    incidents over the generator's seven years, three contributions each), typeset with typst.
# Peak memory (max RSS) of each from /usr/bin/time.
# Usage: scripts/bench-reports.sh   (RUNS=5 timed runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
runs=${RUNS:-5}

missing=()
for tool in hyperfine sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "bench: installing hyperfine sqlite3 time" >&2
  sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine sqlite3 time >/dev/null
fi
cargo build --release --quiet -p afterword-cli
cli="$PWD/target/release/afterword"

work=$(mktemp -d -p /var/tmp afterword-bench-reports.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== generating 1,000,000 contributions"
"$cli" --data-dir "$work/big" generate >/dev/null
db="$work/big/afterword.db"

# The report's query as plain SQL: what sqlite3 exports.
query="SELECT i.reference AS \"Incident\", i.title AS \"Incident title\", i.kind AS \"Kind\",
  i.status AS \"Status\", i.severity AS \"Severity\", i.tlp AS \"TLP\", i.opened_on AS \"Opened\",
  i.closed_on AS \"Closed\", p.name AS \"Contributor\", p.email AS \"Email\",
  p.organisation AS \"Organisation\", p.team AS \"Team\", c.role AS \"Credit role\",
  c.what AS \"What they gave\", c.impact AS \"Impact\", c.given_on AS \"Given on\",
  CASE WHEN m.state = 'sent' THEN 'thanked'
       WHEN m.state IN ('approved','queued','sending','deferred','uncertain') THEN 'queued'
       ELSE 'not_thanked' END AS \"Thanked\", substr(o.sent_at, 1, 10) AS \"Thanked on\"
FROM contributions c
JOIN incidents i ON i.id = c.incident_id AND i.deleted_at IS NULL
JOIN people p ON p.id = c.person_id AND p.deleted_at IS NULL
LEFT JOIN messages m ON m.incident_id = c.incident_id AND m.person_id = c.person_id AND m.deleted_at IS NULL
LEFT JOIN outbox o ON o.message_id = m.id
WHERE c.deleted_at IS NULL
ORDER BY i.opened_on, i.reference, i.id, c.given_on, c.created_at, c.id;"
printf '%s\n' "$query" >"$work/query.sql"

echo "== CSV: 1,000,000 contributions, afterword report vs sqlite3 -csv"
hyperfine --warmup 1 --runs "$runs" --export-markdown "$work/csv.md" \
  -n "sqlite3 -csv (same query)" "sqlite3 -csv -header '$db' < '$work/query.sql' > '$work/sqlite.csv'" \
  -n "afterword report contributors --format csv" "'$cli' --data-dir '$work/big' report contributors --format csv --out '$work/report.csv'"
lines_sqlite=$(($(wc -l <"$work/sqlite.csv") - 1))
echo "rows: sqlite3 $lines_sqlite; afterword $("$cli" --data-dir "$work/big" --json report contributors --format csv --out "$work/report.csv" | python3 -c 'import json,sys; print(json.load(sys.stdin)["lines"])')"
for run in "sqlite3 -csv -header $db" "$cli --data-dir $work/big report contributors --format csv --out $work/report.csv"; do
  if [[ $run == sqlite3* ]]; then
    /usr/bin/time -f "peak memory: %M KiB  ($run)" sqlite3 -csv -header "$db" <"$work/query.sql" >"$work/sqlite.csv"
  else
    /usr/bin/time -f "peak memory: %M KiB  (afterword report contributors --format csv)" $run
  fi
done

echo "== PDF: a year with about 10,000 incidents"
"$cli" --data-dir "$work/year" generate --incidents 70000 --people 20000 --contributions 210000 --crowded 3 >/dev/null
incidents=$(sqlite3 "$work/year/afterword.db" "SELECT count(*) FROM incidents WHERE opened_on BETWEEN '2026-01-01' AND '2026-12-31'")
echo "incidents opened in 2026: $incidents"
hyperfine --runs "$runs" --export-markdown "$work/pdf.md" \
  -n "afterword report contributors --format pdf (2026)" \
  "'$cli' --data-dir '$work/year' report contributors --from 2026-01-01 --to 2026-12-31 --format pdf --out '$work/year.pdf'"
/usr/bin/time -f "peak memory: %M KiB  (PDF of 2026)" \
  "$cli" --data-dir "$work/year" report contributors --from 2026-01-01 --to 2026-12-31 --format pdf --out "$work/year.pdf"
command -v pdfinfo >/dev/null && pdfinfo "$work/year.pdf" | grep -E "^Pages"
cat "$work/csv.md" "$work/pdf.md"
