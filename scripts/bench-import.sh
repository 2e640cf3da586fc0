#!/usr/bin/env bash
# Importing people at scale, beside sqlite3 in the same run: N people from one CSV (the columns
# an Outlook export carries that Afterword reads, with UTF-8 names), imported by
# `afterword import FILE` into an empty Afterword database (every row checked, classified against
# the directory and the rest of the file, inserted with its search index and audit line, in one
# transaction), against `sqlite3 DB ".import --csv FILE people"` into a plain table (no checks, no
# index): the floor for getting those bytes into SQLite. Both are whole processes; hyperfine
# prepares a fresh database before every run. Peak memory (max RSS) of each from /usr/bin/time.
# Also: the same with --preview (classify only, nothing written), and a file ten times larger
# to show memory staying flat.
# Usage: scripts/bench-import.sh [PEOPLE]   (default 100000; RUNS=5 timed runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
n=${1:-100000}
runs=${RUNS:-5}

missing=()
for tool in hyperfine sqlite3 /usr/bin/time python3; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]})); then
  echo "bench: installing hyperfine sqlite3 time" >&2
  sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine sqlite3 time >/dev/null
fi
cargo build --release --quiet -p afterword-cli
cli="$PWD/target/release/afterword"

work=$(mktemp -d -p /var/tmp afterword-bench-import.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The file: deterministic, names with accents, a fifth of the rows with notes.
make_csv() {
  python3 - "$1" "$2" <<'PY'
import csv, random, sys
count, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
first = ["Jane", "Tomás", "Zoë", "Łukasz", "Priya", "Kenji", "Amara", "Søren", "Chloé", "Omar", "Ines", "Mateo"]
last = ["Doe", "Ortega", "Ångström", "Wróbel", "Raman", "Watanabe", "Okafor", "Østergaard", "Dubois", "Haddad"]
orgs = ["Northwind", "Contoso", "Fabrikam", "Litware", "Adatum", "Woodgrove Bank", "Tailspin Toys"]
teams = ["Network", "SOC", "Service Desk", "Identity", "Cloud Platform", "Facilities", ""]
titles = ["Engineer", "Analyst", "Administrator", "Team Lead", "Manager", ""]
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["First Name", "Last Name", "E-mail Address", "Company", "Department", "Job Title", "Notes"])
    for i in range(count):
        fn, ln = rng.choice(first), rng.choice(last)
        note = f"Helped with the {rng.choice(['VPN', 'proxy', 'mail', 'EDR'])} logs; prefers mail." if i % 5 == 0 else ""
        w.writerow([fn, ln, f"{fn.lower()}.{ln.lower()}.{i}@{rng.choice(orgs).split()[0].lower()}.example",
                    rng.choice(orgs), rng.choice(teams), rng.choice(titles), note])
PY
}
csv="$work/people.csv"
make_csv "$n" "$csv"
big="$work/people-10x.csv"
make_csv "$((n * 10))" "$big"

# An empty Afterword database (migrations applied) to copy before each run.
"$cli" --data-dir "$work/empty" where >/dev/null
echo "bench: $n people, $(du -h "$csv" | cut -f1) of CSV; $(nproc) cores; load $(cut -d' ' -f1 /proc/loadavg)"

hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$work/times.json" \
  -n "sqlite3 .import (plain table)" \
  --prepare "rm -f '$work/plain.db'" \
  "sqlite3 '$work/plain.db' '.import --csv $csv people'" \
  -n "afterword import" \
  --prepare "rm -rf '$work/aw' && cp -r '$work/empty' '$work/aw'" \
  "'$cli' --data-dir '$work/aw' import '$csv'" \
  -n "afterword import --preview" \
  --prepare "true" \
  "'$cli' --data-dir '$work/empty' import --preview '$csv'" >/dev/null

peak() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
rm -f "$work/plain.db"; sqlite_kib=$(peak sqlite3 "$work/plain.db" ".import --csv $csv people")
rm -rf "$work/aw"; cp -r "$work/empty" "$work/aw"; aw_kib=$(peak "$cli" --data-dir "$work/aw" import "$csv")
preview_kib=$(peak "$cli" --data-dir "$work/empty" import --preview "$csv")
rm -f "$work/plain.db"; sqlite_big_kib=$(peak sqlite3 "$work/plain.db" ".import --csv $big people")
rm -rf "$work/aw"; cp -r "$work/empty" "$work/aw"
big_start=$(date +%s.%N); aw_big_kib=$(peak "$cli" --data-dir "$work/aw" import "$big"); big_end=$(date +%s.%N)
imported=$("$cli" --data-dir "$work/aw" --json person list --limit 1 >/dev/null && sqlite3 "$work/aw/afterword.db" 'SELECT count(*) FROM people')

python3 - "$work/times.json" "$n" "$sqlite_kib" "$aw_kib" "$preview_kib" "$sqlite_big_kib" "$aw_big_kib" \
  "$big_start" "$big_end" "$imported" <<'PY'
import json, sys
times = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
sqlite_kib, aw_kib, preview_kib, sqlite_big_kib, aw_big_kib = (int(x) for x in sys.argv[3:8])
big_s = float(sys.argv[9]) - float(sys.argv[8])
base = times["sqlite3 .import (plain table)"]["median"]
mem = {"sqlite3 .import (plain table)": sqlite_kib, "afterword import": aw_kib, "afterword import --preview": preview_kib}
print(f"\n| {n:,} people from CSV | median s | min–max s | rows/s | × sqlite3 | max RSS MiB |")
print("|---|---|---|---|---|---|")
for name, r in times.items():
    print(f"| {name} | {r['median']:.3f} | {r['min']:.3f}–{r['max']:.3f} | {n / r['median']:,.0f} | "
          f"{r['median'] / base:.2f} | {mem[name] / 1024:.1f} |")
print(f"\nTen times the rows ({n * 10:,}; {int(sys.argv[10]):,} people after import): afterword import "
      f"{big_s:.1f} s, max RSS {aw_big_kib / 1024:.1f} MiB (sqlite3 {sqlite_big_kib / 1024:.1f} MiB)")
ratio = times["afterword import"]["median"] / base
print(f"afterword import / sqlite3 .import: {ratio:.2f} (target ≤ 3)")
PY
