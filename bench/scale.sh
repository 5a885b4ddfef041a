#!/usr/bin/env bash
# scale.sh — what an operator's calls cost as the history grows: one fresh
# sxhub loaded with referrals in stages, each stage measured with the real
# sxctl over mTLS (and /metrics over HTTP), then killed with SIGKILL and
# restarted.
#
# Usage: bench/scale.sh [--sizes="10000 100000 1000000" | --count=N]
#                       [--payload=BYTES] [--payload-in=attachment|summary]
#                       [--mix="SENDER:RECIPIENT[,RECIPIENT...][:WEIGHT] ..."]
#                       [--batch=N] [--inflight=N] [--reps=N] [--walk-reps=N]
#                       [--pressed=N] [--crash=load|idle|none]
#                       [--build-dir=DIR] [--work-dir=DIR] [--keep-workdir]
#                       [--write] [--scale-md=FILE] [--results-dir=DIR]
#        bench/scale.sh --report-only=bench/results/scale-STAMP.jsonl [--write]
#
# Loading: referrals go in through batched submits (sxbench --batch, the
#   SubmitReferrals call), --batch per call and --inflight calls at a time,
#   one sxbench run per --mix entry and stage, shares by weight, until the
#   hub's own total (admin status) reaches each size. Default mix: the
#   inspection office to the commission and the organization department (2),
#   a stationed group to the commission and the inspection office (1), the
#   audit bureau to the commission (1); --payload bytes per lead (default
#   512) in an attachment (or the summary). --pressed referrals per stage
#   get a 催办 from their sender, so the watch list (督办台账) is not empty.
# At each size, after the hub's CPU has quietened (at most 60 s):
#   - disk: du of data_dir, the write-ahead log (*.log), SST files; the
#     largest WAL seen during the stage's load (sampled every second);
#   - the hub's VmRSS and VmHWM (/proc/PID/status);
#   - each call --reps times (one untimed call first), one after another,
#     median: client wall time of the whole sxctl process (start, mTLS
#     handshake, call, output), and the hub's own time of the same call
#     (difference of sxhub_grpc_request_duration_seconds_sum around it).
#     The calls that walk history on purpose (contrast rows) run
#     --walk-reps times. `sxctl whoami` is the floor every sxctl row
#     carries. The /metrics scrape is one HTTP GET timed in-process.
#   - restart after kill -9 (--crash=load: SIGKILL while a burst of
#     submits, a fiftieth of the size, is being committed; idle: with
#     nothing running; none: skip): time from exec until "listening on",
#     and until the first `sxctl admin status` succeeds (polled), the hub's
#     own "data_dir opened in", and the WAL it found. The next stage loads
#     into the restarted hub.
# Output: a markdown table on stdout; raw JSON lines in
#   bench/results/scale-STAMP.jsonl; with --write, the table replaces the
#   block between the scale.sh markers of bench/SCALE.md.
# Everything listens on 127.0.0.1 (ports chosen free at start, kept across
# restarts); the binaries are copied into the work directory first (so a
# rebuild meanwhile does not change them); the hub and any sxbench are
# started and stopped by PID; the work directory (data_dir included) is
# removed at the end unless --keep-workdir. Needs python3 (standard library
# only); about 2–2.5 KB of disk per referral at 512-byte leads. See
# bench/SCALE.md for what each call reads and how to read the table.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$script_dir/.." && pwd)
build_dir=$source_dir/build
sizes="10000 100000 1000000"
payload=512
payload_in=attachment
mix="inspection-office:discipline-commission,organization-dept:2 stationed-education:discipline-commission,inspection-office:1 audit-bureau:discipline-commission:1"
batch=100
inflight=4
reps=7
walk_reps=3
pressed=20
crash=load
work_parent=${TMPDIR:-/tmp}
results_dir=$script_dir/results
scale_md=$script_dir/SCALE.md
write=no
keep_workdir=no
report_only=""
call_timeout=300

for arg in "$@"; do
  case $arg in
    --sizes=*) sizes=${arg#*=} ;;
    --count=*) sizes=${arg#*=} ;;
    --payload=*) payload=${arg#*=} ;;
    --payload-in=*) payload_in=${arg#*=} ;;
    --mix=*) mix=${arg#*=} ;;
    --batch=*) batch=${arg#*=} ;;
    --inflight=*) inflight=${arg#*=} ;;
    --reps=*) reps=${arg#*=} ;;
    --walk-reps=*) walk_reps=${arg#*=} ;;
    --pressed=*) pressed=${arg#*=} ;;
    --crash=*) crash=${arg#*=} ;;
    --build-dir=*) build_dir=${arg#*=} ;;
    --work-dir=*) work_parent=${arg#*=} ;;
    --results-dir=*) results_dir=${arg#*=} ;;
    --scale-md=*) scale_md=${arg#*=} ;;
    --write) write=yes ;;
    --keep-workdir) keep_workdir=yes ;;
    --report-only=*) report_only=${arg#*=} ;;
    -h|--help) sed -n '2,51p' "$0"; exit 0 ;;
    *) echo "scale.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[scale %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { echo "scale.sh: $*" >&2; exit 1; }

# --- the Python half: measuring, polling a restart, the report ---------------

helper=$(cat <<'PYTHON'
import http.client, json, os, re, select, signal, statistics, subprocess, sys, time

GRPC_SUM = "sxhub_grpc_request_duration_seconds_sum"
GRPC_COUNT = "sxhub_grpc_request_duration_seconds_count"

def scrape(port, timeout):
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", "/metrics")
    response = conn.getresponse()
    body = response.read()
    conn.close()
    elapsed = time.perf_counter() - start
    if response.status != 200:
        raise RuntimeError(f"/metrics answered {response.status}")
    return elapsed, body.decode("utf-8", "replace")

def grpc_totals(text):
    total, count = 0.0, 0.0
    for line in text.splitlines():
        if line.startswith(GRPC_SUM):
            total += float(line.rsplit(" ", 1)[1])
        elif line.startswith(GRPC_COUNT):
            count += float(line.rsplit(" ", 1)[1])
    return total, count

# name, label, what it reads (storage), kind, walks history on purpose
def call_plan(a):
    pki = a["pki"]
    def who(name):
        return ["--cert", f"{pki}/{name}.crt", "--key", f"{pki}/{name}.key"]
    admin, auditor = who("admin-ops"), who("auditor-audit")
    x, s, r = a["sxctl"], a["sender"], a["recipient"]
    ref, seq = a["referral"], a["event_seq"]
    return [
        ("floor", "`sxctl whoami` (floor: process, mTLS handshake, one call)",
         "config only", "cmd", False, [x, "whoami"] + admin),
        ("metrics", "`GET /metrics` (HTTP, in-process timer)",
         "derived counters, inbox counts", "scrape", False, None),
        ("status", "`sxctl admin status`", "event head, derived counters",
         "cmd", False, [x, "admin", "status"] + admin),
        ("counts", "`sxctl admin counts`", "derived counters",
         "cmd", False, [x, "admin", "counts"] + admin),
        ("inboxes", "`sxctl admin inboxes`",
         "inbox counters, first entry of each inbox", "cmd", False,
         [x, "admin", "inboxes"] + admin),
        ("overdue", "`sxctl admin transfers --overdue`",
         "transfer index: the overdue stretch per state", "cmd", False,
         [x, "admin", "transfers", "--overdue"] + admin),
        ("transfers", "`sxctl admin transfers` (first page of 50)",
         "newest 50 referrals", "cmd", False,
         [x, "admin", "transfers", "--page-size", "50"] + admin),
        ("list", f"`sxctl list --role received` as {r} (first page of 50)",
         "party index, 50 referrals", "cmd", False,
         [x, "list", "--role", "received", "--page-size", "50"] + who(r)),
        ("show", f"`sxctl show` of one referral (first stage's) as {s}",
         "one referral, its lead", "cmd", False, [x, "show", ref] + who(s)),
        ("inbox", f"`sxctl inbox watch --ack` as {r}: to the first entry",
         "inbox from the first unacknowledged entry", "stream", False,
         [x, "inbox", "watch", "--json", "--ack"] + who(r)),
        ("events", "`sxctl audit events --referral` (that referral)",
         "event index by referral", "cmd", False,
         [x, "audit", "events", "--referral", ref] + auditor),
        ("checkpoint", "`sxctl audit checkpoint`",
         "event head, ~log2(n) subtree hashes, signature", "cmd", False,
         [x, "audit", "checkpoint"] + auditor),
        ("proof", "`sxctl audit proof` (that referral's first event)",
         "~log2(n) subtree hashes", "cmd", False,
         [x, "audit", "proof", str(seq)] + auditor),
        ("ledger", f"`sxctl supervision ledger --page-size {a['pressed']}` as {a['supervisor']}",
         "watch list, first page", "cmd", False,
         [x, "supervision", "ledger", "--page-size", str(a["pressed"])]
         + who(a["supervisor"])),
        ("walk-transfers", "contrast: `sxctl admin transfers --state closed` (none closed)",
         "transfer index: an empty stretch per state", "cmd", True,
         [x, "admin", "transfers", "--state", "closed"] + admin),
        ("walk-list", f"contrast: `sxctl list --role received --state closed` as {r}",
         "transfer index: the party's empty stretch", "cmd", True,
         [x, "list", "--role", "received", "--state", "closed"] + who(r)),
        ("events-agency-type", f"`sxctl audit events --agency {s} --type reminded`",
         "agency-and-type event index, one page", "cmd", False,
         [x, "audit", "events", "--agency", s, "--type", "reminded"] + auditor),
        ("events-since", f"`sxctl audit events --agency {s} --from` (this stage's 催办)",
         "time index (two seeks), then the agency's stretch of each event type in that range", "cmd", False,
         [x, "audit", "events", "--agency", s, "--from", a["pressed_from"]] + auditor),
    ]

def run_cmd(argv, timeout):
    start = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          timeout=timeout)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(done.stderr.decode("utf-8", "replace").strip()[-300:]
                           or f"exit status {done.returncode}")
    return elapsed

def run_stream(argv, timeout):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        line = proc.stdout.readline() if ready else b""
        elapsed = time.perf_counter() - start
        if not line:
            raise RuntimeError("no inbox entry within the timeout"
                               if not ready else "stream ended without an entry")
        return elapsed
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stdout.close()
        proc.stderr.close()

def measure(a):
    port, timeout = a["metrics_port"], a["timeout"]
    results = {}
    for name, label, reads, kind, walks, argv in call_plan(a):
        count = a["walk_reps"] if walks else a["reps"]
        client, server, error = [], [], None
        for rep in range(count + 1):  # the first is untimed
            try:
                if kind == "scrape":
                    elapsed, _ = scrape(port, timeout)
                    hub = None
                else:
                    _, before = scrape(port, timeout)
                    elapsed = (run_cmd if kind == "cmd" else run_stream)(argv, timeout)
                    _, after = scrape(port, timeout)
                    b, a2 = grpc_totals(before), grpc_totals(after)
                    hub = None if kind == "stream" else (a2[0] - b[0])
            except Exception as exc:  # recorded, the others go on
                error = str(exc)
                break
            if rep == 0:
                continue
            client.append(round(elapsed * 1000, 3))
            if hub is not None:
                server.append(round(hub * 1000, 3))
        results[name] = {"client_ms": client, "hub_ms": server, "error": error}
        print(f"  {name:15s} client {med(client)} ms, hub {med(server)} ms"
              + (f"  ERROR {error}" if error else ""), file=sys.stderr)
    json.dump(results, sys.stdout)

def med(values):
    return round(statistics.median(values), 2) if values else None

def restart(a):
    """Polls a hub started at t0_ns: its stdout for "listening on", and the
    probe command until it succeeds."""
    t0 = a["t0_ns"] / 1e9
    listening = first = None
    polls = 0
    deadline = time.time() + a["timeout"]
    while time.time() < deadline and first is None:
        if listening is None:
            with open(a["out"], "rb") as f:
                f.seek(a["offset"])
                if b"listening on" in f.read():
                    listening = time.time() - t0
        if listening is not None:
            polls += 1
            done = subprocess.run(a["probe"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, timeout=30)
            if done.returncode == 0:
                first = time.time() - t0
                break
        time.sleep(0.01)
    json.dump({"listening_s": listening and round(listening, 3),
               "first_call_s": first and round(first, 3), "probes": polls},
              sys.stdout)

# --- report --------------------------------------------------------------------

def fmt(v, digits=1):
    if v is None:
        return "–"
    if digits == 0:
        return f"{v:,.0f}"
    return f"{v:,.{digits}f}"

def report(raw, scale_md, write):
    lines = [json.loads(l) for l in open(raw) if l.strip()]
    run = next((l for l in lines if l["type"] == "run"), {})
    stages = [l for l in lines if l["type"] == "stage"]
    loads = [l for l in lines if l["type"] == "load"]
    stamp = re.sub(r"^scale-|\.jsonl$", "", os.path.basename(raw))
    plan = call_plan({"pki": "", "sxctl": "", "sender": run.get("sender", "S"),
                      "recipient": run.get("recipient", "R"),
                      "supervisor": run.get("supervisor", "D"),
                      "referral": "", "event_seq": 0, "pressed_from": "",
                      "pressed": run.get("settings", {}).get("pressed", 20)})
    out = []
    s = run.get("settings", {})
    largest = max([st["size"] for st in stages] or [0])
    if largest < 1000000:
        out.append(f"**Small smoke run** (largest size {largest:,}, not the issue's "
                   "10k / 100k / 1M): it shows that the script works end to end and "
                   "how the calls are built, not how they scale.\n")
    out.append(f"Run of {stamp} (raw: `bench/results/scale-{stamp}.jsonl`), "
               f"hub {run.get('commit', '?')}.\n")
    if run.get("machine"):
        out.append(f"- Machine: {run['machine']}")
    out.append(f"- Load: {s.get('payload')}-byte leads ({s.get('payload_in')}), "
               f"`sxbench --batch={s.get('batch')} --inflight={s.get('inflight')}`, "
               f"mix `{s.get('mix')}`; {s.get('pressed')} referrals per stage get a 催办.")
    out.append(f"- Calls: median of {s.get('reps')} (contrast rows {s.get('walk_reps')}), "
               "each after one untimed call, one at a time; "
               "client = the whole sxctl process, hub = the hub's own time of the call.")
    loadavg = ", ".join(fmt(st.get("loadavg"), 2) for st in stages)
    out.append(f"- Machine load (1-min load average) when each size was measured: {loadavg}.\n")
    sizes = [st["referrals"] for st in stages]
    head = "| call | reads | " + " | ".join(f"{n:,} referrals" for n in sizes)
    ratio_col = len(stages) > 1
    out.append(head + (" | last ÷ first (hub) |" if ratio_col else " |"))
    out.append("|---|---|" + "---:|" * len(stages) + ("---:|" if ratio_col else ""))
    for name, label, reads, kind, walks, _ in plan:
        cells = []
        hubs = []
        for st in stages:
            c = st["calls"].get(name, {})
            cm, hm = med(c.get("client_ms", [])), med(c.get("hub_ms", []))
            hubs.append(hm if kind != "scrape" and kind != "stream" else cm)
            if c.get("error") and cm is None:
                cells.append("error")
            elif kind in ("scrape", "stream"):
                cells.append(fmt(cm, 1))
            else:
                cells.append(f"{fmt(cm, 1)} ({fmt(hm, 2)})")
        row = f"| {label} | {reads} | " + " | ".join(cells) + " |"
        if ratio_col:
            first, last = hubs[0], hubs[-1]
            row += (f" {last / first:.2f}× |" if first and last else " – |")
        out.append(row)
    out.append("")
    out.append("Times in ms: client median (hub median). The scrape and the inbox "
               "row are client-side only (a stream's own duration on the hub runs "
               "until it is cancelled); the last column compares hub medians, "
               "client medians for those two.\n")

    def per_stage(fn):
        return " | ".join(fn(st) for st in stages)
    def mib(b):
        return fmt(b / 1048576 if b is not None else None, 1)
    out.append("| | " + " | ".join(f"{n:,}" for n in sizes) + " |")
    out.append("|---|" + "---:|" * len(stages))
    rows = [
        ("referrals / events", lambda st: f"{st['referrals']:,} / {st['events']:,}"),
        ("load: referrals/s (this stage)", lambda st: fmt(st.get("load_rate"), 0)),
        ("load: hub CPU µs per referral", lambda st: fmt(st.get("load_hub_cpu_us"), 0)),
        ("data_dir MiB (bytes per referral)",
         lambda st: f"{mib(st['disk']['total'])} ({fmt(st['disk']['total'] / st['referrals'], 0)})"),
        ("SST MiB", lambda st: mib(st["disk"]["sst"])),
        ("WAL now: files, MiB (bytes per referral)",
         lambda st: f"{st['disk']['wal_files']}, {mib(st['disk']['wal'])} "
                    f"({fmt(st['disk']['wal'] / st['referrals'], 0)})"),
        ("largest WAL seen while loading, MiB", lambda st: mib(st["disk"].get("wal_max_load"))),
        ("hub RSS / peak RSS MiB",
         lambda st: f"{fmt(st['rss_kb'] / 1024, 0)} / {fmt(st['hwm_kb'] / 1024, 0)}"),
    ]
    if any(st.get("restart") for st in stages):
        rows += [
            ("kill -9: WAL at the kill, files / MiB",
             lambda st: (f"{st['restart']['wal_files']} / {mib(st['restart']['wal'])}"
                         if st.get("restart") else "–")),
            ("restart: to \"listening on\" s",
             lambda st: fmt((st.get("restart") or {}).get("listening_s"), 2)),
            ("restart: to the first served call s",
             lambda st: fmt((st.get("restart") or {}).get("first_call_s"), 2)),
            ("restart: hub's \"data_dir opened in\" s",
             lambda st: fmt((st.get("restart") or {}).get("opened_s"), 2)),
            ("killed while submits were running",
             lambda st: ({True: "yes", False: "no (burst over)"}[st["restart"]["during_load"]]
                         if st.get("restart") else "–")),
        ]
    for label, fn in rows:
        out.append(f"| {label} | {per_stage(fn)} |")
    out.append("")

    # The issue's scale targets, at the largest size measured.
    if stages:
        last, first = stages[-1], stages[0]
        verdicts = []
        slow, grew = [], []
        for name, label, reads, kind, walks, _ in plan:
            if walks or name == "floor":
                continue
            key = "client_ms" if kind in ("scrape", "stream") else "hub_ms"
            lv = med(last["calls"].get(name, {}).get(key, []))
            fv = med(first["calls"].get(name, {}).get(key, []))
            if lv is None:
                continue
            if kind == "stream":  # less sxctl's own start and handshake
                floor = lambda st: med(st["calls"].get("floor", {}).get("client_ms", [])) or 0
                lv = max(0.0, lv - floor(last))
                fv = max(0.0, fv - floor(first)) if fv is not None else None
            if lv > 50:
                slow.append(f"{name} {lv:.1f} ms")
            if fv and len(stages) > 1 and lv > 2 * fv and lv > 1:
                grew.append(f"{name} {lv / fv:.1f}×")
        verdicts.append(("every listed call ≤ 50 ms (hub time; the scrape's client time; "
                         "the inbox's client time less the whoami floor)",
                         "met" if not slow else "**missed**: " + ", ".join(slow)))
        if len(stages) > 1:
            verdicts.append((f"≤ 2× its time at {first['referrals']:,} (calls over 1 ms)",
                             "met" if not grew else "**missed**: " + ", ".join(grew)))
        r = last.get("restart") or {}
        if r.get("first_call_s") is not None:
            verdicts.append(("restart after kill -9 ≤ 3 s (to the first served call)",
                             ("met" if r["first_call_s"] <= 3 else "**missed**") +
                             f": {r['first_call_s']:.2f} s"))
        wal_max = max([st["disk"].get("wal_max_load") or 0 for st in stages] +
                      [st["disk"]["wal"] for st in stages] +
                      [(st.get("restart") or {}).get("wal") or 0 for st in stages])
        verdicts.append(("WAL ≤ 256 MiB at all times (as sampled)",
                         ("met" if wal_max <= 256 << 20 else "**missed**") +
                         f": at most {wal_max / 1048576:.0f} MiB"))
        out.append(f"Targets of issue 13 at {last['referrals']:,} referrals:\n")
        out.append("| target | |")
        out.append("|---|---|")
        for t, v in verdicts:
            out.append(f"| {t} | {v} |")
        out.append("")
        errors = [(st["referrals"], n, c["error"]) for st in stages
                  for n, c in st["calls"].items() if c.get("error")]
        for size, n, e in errors:
            out.append(f"Error at {size:,}: {n}: {e}")
        if errors:
            out.append("")
    block = "\n".join(out)
    print(block)
    if write:
        begin, end = "<!-- scale.sh:begin -->", "<!-- scale.sh:end -->"
        try:
            text = open(scale_md).read()
        except FileNotFoundError:
            text = "# Scale\n\n" + begin + "\n" + end + "\n"
        if begin not in text:
            text += "\n" + begin + "\n" + end + "\n"
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        open(scale_md, "w").write(head + begin + "\n" + block + "\n" + end + tail)
        print(f"[scale] table written to {scale_md}", file=sys.stderr)

if __name__ == "__main__":
    command = sys.argv[1]
    if command == "report":
        report(sys.argv[2], sys.argv[3], sys.argv[4] == "yes")
    else:
        args = json.loads(sys.argv[2])
        {"measure": measure, "restart": restart}[command](args)
PYTHON
)
py() { python3 -c "$helper" "$@"; }
# json_field FIELD — one top-level field of the JSON object on stdin.
json_field() { python3 -c 'import json,sys; v=json.load(sys.stdin).get(sys.argv[1]); print("" if v is None else v)' "$1"; }

if [[ -n $report_only ]]; then
  py report "$report_only" "$scale_md" "$write"
  exit 0
fi

# --- checks --------------------------------------------------------------------

prev=0
for size in $sizes; do
  [[ $size =~ ^[0-9]+$ ]] && ((size > prev)) || die "--sizes must be ascending whole numbers"
  prev=$size
done
[[ $crash =~ ^(load|idle|none)$ ]] || die "--crash is load, idle or none"
[[ $payload_in =~ ^(attachment|summary)$ ]] || die "--payload-in is attachment or summary"
for tool in python3 du; do command -v $tool >/dev/null || die "needs $tool"; done
for binary in server/sxhub client_sdk/sxctl/sxctl bench/sxbench; do
  [[ -x $build_dir/$binary ]] ||
    die "$build_dir/$binary missing: cmake --build $build_dir --target sxhub sxctl sxbench"
done

# Mix entries: sender, recipients (comma-separated), weight.
mix_senders=() mix_recipients=() mix_weights=()
for entry in $mix; do
  IFS=: read -r m_sender m_recipients m_weight <<<"$entry"
  [[ -n $m_sender && -n $m_recipients ]] || die "--mix entry $entry: SENDER:RECIPIENTS[:WEIGHT]"
  mix_senders+=("$m_sender") mix_recipients+=("$m_recipients") mix_weights+=("${m_weight:-1}")
done
first_sender=${mix_senders[0]}
first_recipient=${mix_recipients[0]%%,*}
supervisor=discipline-commission  # the example config's supervising agency

# --- work directory, binaries, PKI, config ---------------------------------------

work=$(mktemp -d "$work_parent/sxscale.XXXXXX")
hub_pid=""
bench_pid=""
sampler_pid=""
cleanup() {
  local pid
  for pid in $sampler_pid $bench_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  if [[ -n $hub_pid ]]; then
    kill -TERM "$hub_pid" 2>/dev/null || true
    for _ in $(seq 1 240); do kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$hub_pid" 2>/dev/null || true
  fi
  for pid in $sampler_pid $bench_pid; do
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for pid in $hub_pid $bench_pid $sampler_pid; do wait "$pid" 2>/dev/null || true; done
  if [[ $keep_workdir == yes ]]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A snapshot of the binaries: a rebuild during a long run must not swap them.
bin=$work/bin
mkdir -p "$bin"
cp "$build_dir/server/sxhub" "$build_dir/client_sdk/sxctl/sxctl" "$build_dir/bench/sxbench" "$bin/"
cp -L "$build_dir/client_sdk/libsxclient.so.0" "$bin/" 2>/dev/null || true
export LD_LIBRARY_PATH=$bin${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

"$source_dir/deploy/dev-pki.sh" "$work/pki" >/dev/null
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
hub_port=$(free_port)
metrics_port=$(free_port)
while [[ $metrics_port == "$hub_port" ]]; do metrics_port=$(free_port); done
sed -e "s/^listen_address: .*/listen_address: \"127.0.0.1:$hub_port\"/" \
  -e "s/^metrics_address: .*/metrics_address: \"127.0.0.1:$metrics_port\"/" \
  -e 's|^data_dir: .*|data_dir: "data"|' \
  "$source_dir/deploy/hub.example.textproto" >"$work/hub.textproto"
grep -q "^metrics_address: \"127.0.0.1:$metrics_port\"" "$work/hub.textproto" ||
  die "deploy/hub.example.textproto has no metrics_address line to rewrite"
data=$work/data

# sxctl against this hub only: no profile of the user's, our CA and address.
: >"$work/empty.profile"
export SXCTL_PROFILE=$work/empty.profile SXCTL_HUB=127.0.0.1:$hub_port \
  SXCTL_CA=$work/pki/ca.crt SXCTL_SERVER_NAME=localhost SXCTL_TIMEOUT=$call_timeout
# sx IDENTITY ARGS... — sxctl as that certificate.
sx() {
  local who=$1
  shift
  "$bin/sxctl" "$@" --cert "$work/pki/$who.crt" --key "$work/pki/$who.key"
}

# --- the hub -------------------------------------------------------------------

hub_out=$work/hub.out
hub_log=$work/hub.log
: >"$hub_out"
: >"$hub_log"
start_hub() {
  "$bin/sxhub" --config="$work/hub.textproto" >>"$hub_out" 2>>"$hub_log" &
  hub_pid=$!
}
# wait_serving SECONDS — until `sxctl admin status` succeeds.
wait_serving() {
  local deadline=$((SECONDS + $1))
  while ((SECONDS < deadline)); do
    kill -0 "$hub_pid" 2>/dev/null || die "sxhub exited; see $hub_log"
    SXCTL_TIMEOUT=5 sx admin-ops admin status >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  die "sxhub did not serve within $1 s; see $hub_log"
}
stop_hub() {
  kill -TERM "$hub_pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$hub_pid" 2>/dev/null && ((waited < 240)); do sleep 0.25; waited=$((waited + 1)); done
  if kill -0 "$hub_pid" 2>/dev/null; then
    log "sxhub (pid $hub_pid) did not stop within 60 s of SIGTERM; killed"
    kill -KILL "$hub_pid" 2>/dev/null || true
  fi
  wait "$hub_pid" 2>/dev/null || true
  hub_pid=""
}

# (proto3 JSON may leave a zero out)
referrals_now() { local v; v=$(sx admin-ops admin status --json | json_field referrals); echo "${v:-0}"; }
events_now() { local v; v=$(sx admin-ops admin status --json | json_field events); echo "${v:-0}"; }

# wal_bytes / wal_files / sst_bytes — of the data directory now.
wal_bytes() { find "$data" -maxdepth 1 -name '*.log' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
wal_files() { find "$data" -maxdepth 1 -name '*.log' 2>/dev/null | wc -l; }
sst_bytes() { find "$data" -maxdepth 1 -name '*.sst' -printf '%s\n' 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
status_kb() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$hub_pid/status"; }
hub_cpu_ticks() { awk '{print $14 + $15}' "/proc/$hub_pid/stat"; }

# settle — until the hub used less than 5% of a core for two seconds in a
# row (flushes and compactions after a load), at most 60 s.
settle() {
  local hz quiet=0 a b waited=0
  hz=$(getconf CLK_TCK)
  while ((quiet < 2 && waited < 60)); do
    a=$(hub_cpu_ticks); sleep 1; b=$(hub_cpu_ticks)
    waited=$((waited + 1))
    if (((b - a) * 100 < 5 * hz)); then quiet=$((quiet + 1)); else quiet=0; fi
  done
  echo "$waited"
}

# --- loading -----------------------------------------------------------------------

raw_dir=$results_dir
mkdir -p "$raw_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw=$raw_dir/scale-$stamp.jsonl
: >"$raw"
# Referrals one sxbench --count unit brings: --batch today (it counts
# calls); learnt from the first run in case it comes to count referrals.
per_count=$batch
load_seconds=0
load_referrals=0
load_cpu_ticks=0

# run_bench SENDER RECIPIENTS N — about N referrals through batched submits.
run_bench() {
  local sender=$1 recipients=$2 n=$3 count out start_ticks
  count=$(((n + per_count - 1) / per_count))
  ((count > 0)) || return 0
  out=$work/bench.json
  start_ticks=$(hub_cpu_ticks)
  local t0 t1
  t0=$(date +%s%N)
  "$bin/sxbench" --mode=hub --pki="$work/pki" --hub="127.0.0.1:$hub_port" \
    --sender="$sender" --recipient="$recipients" --batch="$batch" \
    --inflight="$inflight" --count="$count" --warmup=0 --payload="$payload" \
    --payload-in="$payload_in" --hub-pid="$hub_pid" --json \
    --label="scale $sender→$recipients" >"$out" 2>"$work/bench.err" &
  bench_pid=$!
  wait "$bench_pid" || { cat "$work/bench.err" >&2; bench_pid=""; die "sxbench failed (see above)"; }
  bench_pid=""
  t1=$(date +%s%N)
  local succeeded failed
  succeeded=$(json_field succeeded <"$out")
  failed=$(json_field failed <"$out")
  ((failed == 0)) || log "sxbench: $failed submits failed: $(json_field first_error <"$out")"
  ((succeeded > 0)) || die "sxbench submitted nothing: $(json_field first_error <"$out")"
  if ((per_count > 1 && succeeded * 2 < count * per_count)); then per_count=1; fi
  load_seconds=$(python3 -c "print($load_seconds + ($t1 - $t0) / 1e9)")
  load_referrals=$((load_referrals + succeeded))
  load_cpu_ticks=$((load_cpu_ticks + $(hub_cpu_ticks) - start_ticks))
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(json.dumps({"type":"load","target":int(sys.argv[2]),"sender":sys.argv[3],"recipients":sys.argv[4],"count_arg":int(sys.argv[5]),"run":d}))' \
    "$out" "$target" "$sender" "$recipients" "$count" >>"$raw"
}

# load_to TARGET — submit until the hub holds TARGET referrals.
load_to() {
  target=$1
  local current need total_weight=0 i share left rounds=0
  current=$(referrals_now)
  need=$((target - current))
  ((need > 0)) || return 0
  for i in "${!mix_weights[@]}"; do total_weight=$((total_weight + mix_weights[i])); done
  left=$need
  for i in "${!mix_senders[@]}"; do
    if ((i == ${#mix_senders[@]} - 1)); then share=$left; else share=$((need * mix_weights[i] / total_weight)); fi
    left=$((left - share))
    log "  $share referrals ${mix_senders[i]} → ${mix_recipients[i]}"
    run_bench "${mix_senders[i]}" "${mix_recipients[i]}" "$share"
  done
  # Top up what rounding or failed submits left out.
  while current=$(referrals_now) && ((current < target && rounds < 5)); do
    rounds=$((rounds + 1))
    run_bench "$first_sender" "${mix_recipients[0]}" $((target - current))
  done
  ((current >= target)) || die "could not reach $target referrals (at $current)"
}

# A background sampler of the largest WAL while loading (checked each
# second): one Python process, so that killing it by PID leaves nothing.
start_sampler() {
  python3 - "$data" "$work/wal_max" <<'PYTHON' &
import os, sys, time
data, out = sys.argv[1:3]
biggest = 0
while True:
    try:
        now = sum(e.stat().st_size for e in os.scandir(data) if e.name.endswith(".log"))
    except OSError:
        now = 0
    if now > biggest:
        biggest = now
        with open(out + ".tmp", "w") as f:
            f.write(f"{biggest}\n")
        os.replace(out + ".tmp", out)
    time.sleep(1)
PYTHON
  sampler_pid=$!
}
stop_sampler() {
  kill -TERM "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=""
}

# --- run -----------------------------------------------------------------------------

cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
machine="$(nproc) vCPU ($cpu_model), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, $(df --output=source,fstype "$work" | tail -1 | awk '{print $1 " " $2}') for data_dir"
hub_commit=$(git -C "$source_dir" rev-parse --short HEAD 2>/dev/null || echo "?")
git -C "$source_dir" status --porcelain 2>/dev/null | grep -qv '^??' && hub_commit="$hub_commit (+ uncommitted changes)"
python3 - "$raw" <<PYTHON
import json, sys
settings = dict(sizes="$sizes", payload=$payload, payload_in="$payload_in", mix="$mix",
                batch=$batch, inflight=$inflight, reps=$reps, walk_reps=$walk_reps,
                pressed=$pressed, crash="$crash")
line = dict(type="run", commit="$hub_commit", machine="""$machine""", settings=settings,
            sender="$first_sender", recipient="$first_recipient", supervisor="$supervisor",
            sxhub_version="$("$bin/sxhub" --version 2>&1 | head -1)")
open(sys.argv[1], "a").write(json.dumps(line, ensure_ascii=False) + "\n")
PYTHON

log "work directory $work; hub on 127.0.0.1:$hub_port, metrics on :$metrics_port"
start_hub
wait_serving 60
tracked=""
tracked_seq=""
started=$SECONDS

for size in $sizes; do
  log "loading to $size referrals"
  load_seconds=0 load_referrals=0 load_cpu_ticks=0
  echo 0 >"$work/wal_max"
  start_sampler
  load_to "$size"
  stop_sampler
  wal_max_load=$(cat "$work/wal_max")
  load_rate=$(python3 -c "print(round($load_referrals / $load_seconds, 1) if $load_seconds > 0 else None)")
  load_hub_cpu_us=$(python3 -c "print(round($load_cpu_ticks / $(getconf CLK_TCK) * 1e6 / $load_referrals, 1) if $load_referrals > 0 else None)")

  if [[ -z $tracked ]]; then
    # One referral of the first stage, followed through every stage.
    tracked=$(sx "$first_sender" list --role sent --page-size 1 --json |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["referrals"][0]["referral_id"])')
    tracked_seq=$(sx auditor-audit audit events --referral "$tracked" --json |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["events"][0]["sequence"])')
    log "tracked referral $tracked (event $tracked_seq)"
  fi
  pressed_from=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  if ((pressed > 0)); then
    log "催办 on $pressed of $first_sender's newest referrals"
    sx "$first_sender" list --role sent --page-size "$pressed" --json |
      python3 -c 'import json,sys; [print(r["referral_id"]) for r in json.load(sys.stdin)["referrals"]]' |
      while read -r id; do
        sx "$first_sender" remind "$id" --text "scale.sh 催办" >/dev/null
      done
  fi

  settled=$(settle)
  log "hub quiet after ${settled} s; measuring"
  referrals=$(referrals_now)
  events=$(events_now)
  disk_total=$(du -sb "$data" | awk '{print $1}')
  wal=$(wal_bytes); walf=$(wal_files); sst=$(sst_bytes)
  rss_kb=$(status_kb VmRSS); hwm_kb=$(status_kb VmHWM)
  loadavg=$(awk '{print $1}' /proc/loadavg)
  args=$(python3 -c 'import json,sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
    sxctl "$bin/sxctl" pki "$work/pki" sender "$first_sender" recipient "$first_recipient" \
    supervisor "$supervisor" referral "$tracked" event_seq "$tracked_seq" \
    pressed_from "$pressed_from" pressed "$pressed")
  args=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); a.update(metrics_port=int(sys.argv[2]), reps=int(sys.argv[3]), walk_reps=int(sys.argv[4]), timeout=int(sys.argv[5])); print(json.dumps(a))' \
    "$args" "$metrics_port" "$reps" "$walk_reps" "$call_timeout")
  py measure "$args" >"$work/calls.json"

  echo null >"$work/restart.json"
  if [[ $crash != none ]]; then
    during_load=false
    burst=0
    if [[ $crash == load ]]; then
      # A burst of a fiftieth of the size (at least 10 rounds of calls),
      # killed as soon as its writes show in the write-ahead log (1 MiB),
      # so that the kill lands while submits are being committed.
      burst=$((size / 50))
      ((burst >= batch * inflight * 10)) || burst=$((batch * inflight * 10))
      wal_start=$(wal_bytes)
      "$bin/sxbench" --mode=hub --pki="$work/pki" --hub="127.0.0.1:$hub_port" \
        --sender="$first_sender" --recipient="${mix_recipients[0]}" --batch="$batch" \
        --inflight="$inflight" --count=$(((burst + per_count - 1) / per_count)) --warmup=0 \
        --payload="$payload" --payload-in="$payload_in" --json --label="scale burst" \
        >"$work/burst.json" 2>"$work/burst.err" &
      bench_pid=$!
      for _ in $(seq 1 100); do
        now=$(wal_bytes)
        ((now - wal_start >= 1048576 || wal_start - now >= 1048576)) && break
        kill -0 "$bench_pid" 2>/dev/null || break
        sleep 0.03
      done
      kill -0 "$bench_pid" 2>/dev/null && during_load=true
      log "kill -9 $([[ $during_load == true ]] && echo during || echo right after) a burst of $burst submits"
    else
      log "kill -9 of the idle hub"
    fi
    kill_wal=$(wal_bytes); kill_walf=$(wal_files)
    kill -KILL "$hub_pid"
    wait "$hub_pid" 2>/dev/null || true
    hub_pid=""
    if [[ -n $bench_pid ]]; then
      # Its retries would wait for the hub: stop it before the restart.
      kill -TERM "$bench_pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$bench_pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$bench_pid" 2>/dev/null || true
      wait "$bench_pid" 2>/dev/null || true
      bench_pid=""
    fi
    offset=$(stat -c %s "$hub_out")
    log_offset=$(stat -c %s "$hub_log")
    t0=$(date +%s%N)
    start_hub
    probe=$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1:]))' \
      "$bin/sxctl" admin status --timeout 5 --cert "$work/pki/admin-ops.crt" --key "$work/pki/admin-ops.key")
    restart=$(py restart "{\"t0_ns\": $t0, \"out\": \"$hub_out\", \"offset\": $offset, \"timeout\": 600, \"probe\": $probe}")
    wait_serving 60
    opened=$(tail -c +"$((log_offset + 1))" "$hub_log" | sed -n 's/.*data_dir .* opened in \(.*\)$/\1/p' | head -1)
    after_restart=$(referrals_now)
    restart=$(python3 - "$restart" "$opened" "$kill_wal" "$kill_walf" "$during_load" "$burst" "$after_restart" <<'PYTHON'
import json, re, sys
r = json.loads(sys.argv[1])
opened = sys.argv[2]
# absl's FormatDuration: "1.2s", "950.3ms", "1m2.5s", "800us"
seconds = 0.0
for value, unit in re.findall(r"([0-9.]+)(h|ms|us|µs|ns|m|s)", opened):
    seconds += float(value) * {"h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6,
                               "µs": 1e-6, "ns": 1e-9}[unit]
r["opened_s"] = round(seconds, 3) if opened else None
r["wal"], r["wal_files"] = int(sys.argv[3]), int(sys.argv[4])
r["during_load"], r["burst"] = sys.argv[5] == "true", int(sys.argv[6])
r["referrals_after"] = int(sys.argv[7])
print(json.dumps(r))
PYTHON
)
    echo "$restart" >"$work/restart.json"
    log "restart: $restart"
  fi

  python3 - "$raw" <<PYTHON
import json, sys
stage = dict(type="stage", size=$size, referrals=$referrals, events=$events,
             load_rate=$load_rate, load_hub_cpu_us=$load_hub_cpu_us,
             settle_s=$settled, loadavg=$loadavg, tracked_referral="$tracked",
             disk=dict(total=$disk_total, wal=$wal, wal_files=$walf, sst=$sst,
                       wal_max_load=$wal_max_load),
             rss_kb=$rss_kb, hwm_kb=$hwm_kb,
             calls=json.load(open("$work/calls.json")),
             restart=json.load(open("$work/restart.json")))
open(sys.argv[1], "a").write(json.dumps(stage, ensure_ascii=False) + "\n")
PYTHON
done

log "stopping the hub"
stop_hub
log "done in $((SECONDS - started)) s; raw results in $raw"
py report "$raw" "$scale_md" "$write"
