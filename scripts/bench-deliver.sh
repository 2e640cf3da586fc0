#!/usr/bin/env bash
# Delivery at scale, beside mailmerge (PyPI) and smtp-source (Postfix) in the same run: one
# incident's N approved, queued thank-you messages sent to smtp-sink on loopback by
# `afterword outbox send` (a whole process, durable state: every message is marked `sending` and
# then `sent` in the database with synchronous=FULL), against `mailmerge --no-dry-run --no-limit`
# on the same N recipients with a Markdown template (so both send a text and an HTML part), and
# against smtp-source at the same message size, the ceiling: `-d` keeps one connection for all
# messages as Afterword does; without it, one connection per message as mailmerge does.
# Afterword's data folder is on the normal disk (under /var/tmp), like a user's; the same run on
# /dev/shm is shown for reference (SHM=0 skips it).
# Needs hyperfine and postfix (Debian: smtp-sink, smtp-source) and mailmerge (pip; installed into
# a throwaway venv when it is not on PATH). smtp-sink is started as root with -u nobody.
# Usage: scripts/bench-deliver.sh [MESSAGES]   (default 10000; RUNS=3 timed runs of each)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$HOME/.local/bin:$PATH:/usr/sbin"
n=${1:-10000}
runs=${RUNS:-3}

for tool in hyperfine smtp-sink smtp-source python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine postfix time)" >&2; exit 1; }
done
cargo build --release --quiet -p afterword-cli
cli="$PWD/target/release/afterword"

work=$(mktemp -d -p /var/tmp afterword-bench-deliver.XXXXXX)
shm=""
[[ ${SHM:-1} == 0 ]] || shm=$(mktemp -d -p /dev/shm afterword-bench-deliver.XXXXXX)
sink=""
cleanup() {
  [[ -z $sink ]] || kill "$sink" 2>/dev/null || true
  rm -rf "$work" ${shm:+"$shm"}
}
trap cleanup EXIT

mailmerge=$(command -v mailmerge || true)
if [[ -z $mailmerge ]]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet mailmerge
  mailmerge="$work/venv/bin/mailmerge"
fi

# The sink: a free loopback port, no dump (-d would write each message to disk).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
setsid smtp-sink -u nobody "127.0.0.1:$port" 1000 </dev/null >/dev/null 2>&1 &
sink=$!
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
kill -0 "$sink" 2>/dev/null || { echo "bench: smtp-sink did not start on port $port" >&2; exit 1; }

# Afterword: one incident with N contributors, messages generated, approved and queued.
base="$work/base"
aw() { "$cli" --data-dir "$base" "$@"; }
aw generate --incidents 1 --people "$n" --contributions "$n" --crowded "$n" >/dev/null
aw settings set sender.name "Sam Analyst" >/dev/null
aw settings set sender.email "sam@corp.example" >/dev/null
aw settings set organisation "Northwind" >/dev/null
aw outcome add --incident GEN-000001 --tlp clear --heading "What happened" \
  "A fake invoice reached a few inboxes. We removed every copy and blocked the sender." >/dev/null
aw outcome add --incident GEN-000001 --tlp amber --heading "What we learned" \
  "Your reports let us find the mail within the hour, so nobody lost any data." >/dev/null
aw messages generate --incident GEN-000001 >/dev/null
aw messages approve --incident GEN-000001 --acknowledge-findings >/dev/null
queued=$(aw outbox queue --incident GEN-000001)
[[ $queued == "$n queued, 0 not approved"* ]] || { echo "bench: expected $n queued, got: $queued" >&2; exit 1; }
aw smtp set --host 127.0.0.1 --port "$port" --security none >/dev/null
read -r aw_bytes aw_min aw_max < <(python3 - "$base/afterword.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(*db.execute("SELECT CAST(avg(length(eml)) AS INT), min(length(eml)), max(length(eml)) FROM outbox_eml").fetchone())
PY
)

# mailmerge: the same recipients, read from the same database, and a Markdown template whose
# message comes out about as large as Afterword's: the same wording, plus a longer last section
# standing in for the inline styles of Afterword's HTML part.
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
SUBJECT: Thank you for your help with GEN-000001 (Northwind)
CONTENT-TYPE: text/markdown

Hello {{name}},

On behalf of Northwind, thank you for your help with our incident GEN-000001, "Phishing wave #1".
You did not have to help us, and you did.

What you did for us:

- {{what}}

Here is where things stand, as far as we can share it. Each part carries its TLP label; please
handle it accordingly.

### What happened [TLP:CLEAR]

A fake invoice reached a few inboxes. We removed every copy and blocked the sender.

### What we learned [TLP:AMBER]

Your reports let us find the mail within the hour, so nobody lost any data.

### What we changed [TLP:CLEAR]

The mail gateway now holds invoices from senders we have never seen before for a
short review, and the finance team checks any change of bank details by phone with a number they
already have, never with one from the message itself. The help desk has a short note on how to
report a suspicious message with one click, and the security team answers every report within
the hour during working days. We also went through the sign-in logs of the last month and found
nothing else that looked out of place, so we consider the incident closed. If you see a message
like this one again, please report it the same way: it is the fastest way for us to find it in
every inbox and remove it before anyone acts on it.

- The sender's domain is blocked at the gateway, and the lookalike domains we found with it.
- The links in the message now lead to a warning page instead of the fake sign-in form.
- Everyone who received the message got a short note explaining what to look out for.

If we can ever return the favour, please ask.

With thanks,

Sam Analyst
TPL
printf '[smtp_server]\nhost = 127.0.0.1\nport = %s\nsecurity = Never\n' "$port" >"$mm/mailmerge_server.conf"
# One message as mailmerge hands it to smtplib (LF line ends there, CRLF on the wire).
mm_bytes=$(cd "$mm" && "$mailmerge" --dry-run --limit 1 --output-format raw |
  awk '/^>>> message 1 sent$/ {exit} p {print} /^>>> message 1$/ {p = 1}' | sed '$d' | awk '{b += length($0) + 2} END {print b}')

# smtp-source's payload (-l) excludes its few header lines: the same size in total.
src_bytes=$((aw_bytes > 200 ? aw_bytes - 150 : aw_bytes))

disk_type() {
  local dev; dev=$(df --output=source "$1" | tail -1)
  local fs; fs=$(df --output=fstype "$1" | tail -1)
  local rota; rota=$(lsblk -dno ROTA "$dev" 2>/dev/null | tr -d ' ' || true)
  echo "$dev $fs${rota:+ (rotational=$rota)}"
}
echo "messages: $n; Afterword .eml $aw_bytes bytes on average ($aw_min-$aw_max); mailmerge message $mm_bytes bytes;"
echo "smtp-source payload $src_bytes bytes; smtp-sink on 127.0.0.1:$port; $runs runs each"
echo "Afterword data folder: $work (on $(disk_type "$work"))${shm:+; reference: $shm (on $(disk_type "$shm"))}"
echo

# Each Afterword run starts from a fresh copy of the queued database, written out first so the
# copy's own writes are not charged to the run.
bench_afterword() { # name dir
  local name=$1 dir=$2
  hyperfine --runs "$runs" --export-json "$work/$name.json" --style basic \
    --prepare "rm -rf '$dir/run' && cp -a '$base' '$dir/run' && sync '$dir/run/'*" \
    -n "$name" "/usr/bin/time -f %M -a -o '$work/$name.rss' '$cli' --data-dir '$dir/run' outbox send >'$work/$name.out'"
  grep -q "^$n sent, 0 deferred, 0 failed, 0 uncertain (0 waiting" "$work/$name.out" ||
    { echo "bench: $name did not send $n messages:" >&2; cat "$work/$name.out" >&2; exit 1; }
}
bench_afterword afterword "$work"
[[ -z $shm ]] || bench_afterword afterword-shm "$shm"

hyperfine --runs "$runs" --export-json "$work/mailmerge.json" --style basic -n mailmerge \
  "cd '$mm' && /usr/bin/time -f %M -a -o '$work/mailmerge.rss' '$mailmerge' --no-dry-run --no-limit --output-format raw >'$work/mailmerge.out'"
sent=$(grep -c '^>>> message [0-9]* sent$' "$work/mailmerge.out" || true)
[[ $sent == "$n" ]] || { echo "bench: mailmerge sent $sent messages, not $n" >&2; exit 1; }

hyperfine --runs "$runs" --export-json "$work/smtp-source-d.json" --style basic -n "smtp-source -d" \
  "smtp-source -s 1 -d -m $n -l $src_bytes 127.0.0.1:$port"
hyperfine --runs "$runs" --export-json "$work/smtp-source.json" --style basic -n "smtp-source" \
  "smtp-source -s 1 -m $n -l $src_bytes 127.0.0.1:$port"

echo
python3 - "$work" "$n" <<'PY'
import json, os, sys
work, n = sys.argv[1], int(sys.argv[2])
rows = [("afterword", "afterword outbox send (disk)"), ("afterword-shm", "afterword outbox send (/dev/shm)"),
        ("mailmerge", "mailmerge --no-dry-run --no-limit"),
        ("smtp-source-d", "smtp-source -d (one connection)"), ("smtp-source", "smtp-source (connection per message)")]
rate = {}
print(f"| {'command':<38} | {'messages/s':>10} | {'range':>11} | {'mean s':>7} | {'max RSS MiB':>11} |")
print(f"|{'-' * 40}|{'-' * 11}:|{'-' * 12}:|{'-' * 8}:|{'-' * 12}:|")
for key, label in rows:
    path = os.path.join(work, key + ".json")
    if not os.path.exists(path):
        continue
    times = json.load(open(path))["results"][0]["times"]
    mean = sum(times) / len(times)
    rate[key] = n / mean
    rss_path = os.path.join(work, key + ".rss")
    rss = max(int(l) for l in open(rss_path) if l.strip().isdigit()) / 1024 if os.path.exists(rss_path) else None
    print(f"| {label:<38} | {rate[key]:>10.0f} | {n / max(times):>5.0f}-{n / min(times):<5.0f} | {mean:>7.2f} | "
          f"{f'{rss:.0f}' if rss else '':>11} |")
print()
for key, where in (("afterword", "disk"), ("afterword-shm", "/dev/shm")):
    if key not in rate:
        continue
    print(f"Afterword ({where}) / mailmerge:      {rate[key] / rate['mailmerge']:.2f}x  (target: at least 3x)")
    print(f"Afterword ({where}) / smtp-source -d: {rate[key] / rate['smtp-source-d']:.2f}   (aim: at least 0.5)")
    print(f"Afterword ({where}) / smtp-source:    {rate[key] / rate['smtp-source']:.2f}")
PY
