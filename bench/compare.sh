#!/usr/bin/env bash
# compare.sh — the hub against the transport alone and two durable brokers,
# in one run on one machine, with one workload shape and one load generator.
#
# Usage: bench/compare.sh [--build-dir=DIR] [--duration=SECONDS] [--reps=N]
#                         [--inflight="1 8 32 64"] [--results=FILE]
#                         [--systems="hub hub-postgres-sync rabbitmq ..."]
#                         [--no-install] [--no-wait] [--keep-workdir]
#        bench/compare.sh --report-only=bench/results/compare-STAMP.jsonl
#
# Systems (each on loopback-only ports, with its own temporary config and
# data directories, started and stopped by PID by this script):
#   hub        sxhub with the dev PKI and a fresh data directory per run,
#              one SubmitReferral per referral
#   hub-gathered  the same hub, SubmitAsync letting the SDK gather submits
#              into SubmitReferrals calls (same number unacknowledged at most)
#   hub-plain, hub-gathered-plain  the same without encryption at rest
#   hub-signed, hub-gathered-signed  the same with encryption, the sender
#              signing each step (a gathered call once, over its items)
#   hub-postgres  the hub (as `hub`) on PostgreSQL 15 (Debian's), a primary
#              with an asynchronous streaming standby: a commit is flushed on
#              the primary only
#   hub-postgres-sync  the same with the standby synchronous: a commit is
#              flushed on both before the hub acknowledges (the replicated
#              deployment); database CPU is both servers' processes
#   echo       sxecho: same mTLS gRPC transport and SDK, stores nothing
#   rabbitmq   Debian's rabbitmq-server, a quorum queue (x-queue-type=quorum),
#              persistent messages, publisher confirms, `inflight` unconfirmed
#   jetstream  Debian's nats-server -js, a file-storage stream, async publish
#              with ack and at most `inflight` pending
# Workload: 4 KiB payload, acknowledged publish, in-flight 1/8/32/64,
# --duration seconds measured after 1 s warmup, --reps repetitions, medians.
# Plus full-cycle points: hub submits at in-flight 32 while the recipient's
# inbox is streamed and every entry acknowledged (submit + delivery + ack),
# through InboxConsumer and with batched acknowledgements.
#
# Installs rabbitmq-server, nats-server, librabbitmq-dev and libnats-dev with
# apt if missing (root needed), and rebuilds sxbench with their clients.
# Writes the tables between the compare.sh markers of bench/RESULTS.md (the
# rest of that file is left alone) and the raw JSON lines beside it in
# bench/results/. --report-only rewrites those tables from saved results.
set -euo pipefail

script_dir=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$script_dir/.." && pwd)
build_dir=$source_dir/build
duration=5
reps=3
inflights="1 8 32 64"
all_systems="hub hub-gathered hub-plain hub-gathered-plain hub-signed \
hub-gathered-signed hub-postgres hub-postgres-sync echo rabbitmq jetstream"
systems=$all_systems
results=$script_dir/RESULTS.md
install=yes
keep_workdir=no
report_only=""
wait_quiet=yes

for arg in "$@"; do
  case $arg in
    --build-dir=*) build_dir=${arg#*=} ;;
    --duration=*) duration=${arg#*=} ;;
    --reps=*) reps=${arg#*=} ;;
    --inflight=*) inflights=${arg#*=} ;;
    --systems=*) systems=${arg#*=} ;;
    --results=*) results=${arg#*=} ;;
    --no-install) install=no ;;
    --keep-workdir) keep_workdir=yes ;;
    --report-only=*) report_only=${arg#*=} ;;
    --no-wait) wait_quiet=no ;;
    -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
    *) echo "compare.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

log() { printf '[compare %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# shellcheck source=postgres_servers.sh
source "$script_dir/postgres_servers.sh"

# write_report RAW.jsonl — the tables for RESULTS.md from one run's raw
# results (and the machine description saved beside them).
write_report() {
python3 - "$1" "$results" <<'PYTHON'
import json, os, re, statistics, sys
raw, results = sys.argv[1:3]
stamp = re.sub(r"^compare-|\.jsonl$", "", os.path.basename(raw))
machine_file = raw[:-len(".jsonl")] + ".machine.md"
machine = open(machine_file).read().strip() if os.path.exists(machine_file) else ""
runs = [json.loads(line) for line in open(raw) if line.strip()]
inflights = sorted({r["inflight"] for r in runs if not r["label"].startswith("cycle")})

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None

def points(system, inflight):
    label = f"{system} if={inflight} "
    return [r for r in runs if r["label"].startswith(label)]

def med(system, inflight, path):
    values = []
    for r in points(system, inflight):
        v = r
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        values.append(v)
    return median(values)

def fmt(value, digits=0):
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"

systems = ["hub", "hub-gathered", "hub-plain", "hub-gathered-plain", "hub-signed",
           "hub-gathered-signed", "hub-postgres", "hub-postgres-sync", "echo", "rabbitmq",
           "jetstream"]

# Share of the machine that processes other than sxbench and the server
# used during a point (median over repetitions): a check on the numbers.
def other_share(run):
    host = run.get("host")
    if not host or not host.get("window_seconds"):
        return None
    return max(0.0, host["other_cpu_seconds"]) / (host["cpus"] * host["window_seconds"])
def niced_share(run):
    host = run.get("host")
    if not host or not host.get("window_seconds"):
        return None
    return max(0.0, host.get("niced_cpu_seconds", 0)) / (host["cpus"] * host["window_seconds"])
def other_cpu(runs):
    share = median([other_share(r) for r in runs])
    niced = median([niced_share(r) for r in runs])
    if share is None:
        return "–"
    return f"{100 * share:.0f}%" + (f" (+{100 * niced:.0f}% niced)" if niced and niced >= 0.05 else "")
noisy = [r["label"] for r in runs if (other_share(r) or 0) > 0.10]
# The load generator's own CPU per acknowledged publish.
def client_us(run):
    host = run.get("host")
    if not host or not run["succeeded"]:
        return None
    return host["client_cpu_seconds"] * 1e6 / run["succeeded"]
out = []
out.append(f"Run of {stamp} (raw: `bench/results/compare-{stamp}.jsonl`).\n")
out.append(machine + "\n")
out.append("| system | in-flight | submits/s | p50 µs | p99 µs | p99.9 µs | server CPU µs/submit | sxbench CPU µs/submit | server peak RSS MiB | failed | other CPU |")
out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for inflight in inflights:
    for system in systems:
        if not points(system, inflight):
            continue
        failed = sum(r["failed"] for r in points(system, inflight))
        out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            system, inflight,
            fmt(med(system, inflight, ["submits_per_second"])),
            fmt(med(system, inflight, ["submit_latency_us", "p50"])),
            fmt(med(system, inflight, ["submit_latency_us", "p99"])),
            fmt(med(system, inflight, ["submit_latency_us", "p999"])),
            fmt(med(system, inflight, ["server", "cpu_us_per_submit"]), 1),
            fmt(median([client_us(r) for r in points(system, inflight)]), 1),
            fmt((med(system, inflight, ["server", "peak_rss_kb"]) or 0) / 1024, 0),
            failed, other_cpu(points(system, inflight))))
out.append("")
out.append("Ratios of medians (submits/s):\n")
out.append("| in-flight | hub / echo | hub / rabbitmq | hub / jetstream | gathered / rabbitmq | gathered / jetstream | hub CPU / rabbitmq CPU | gathered CPU / rabbitmq CPU |")
out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
def ratio(a, b):
    return f"{a / b:.2f}×" if a and b else "–"
for inflight in inflights:
    hub = med("hub", inflight, ["submits_per_second"])
    gathered = med("hub-gathered", inflight, ["submits_per_second"])
    rabbit_cpu = med("rabbitmq", inflight, ["server", "cpu_us_per_submit"])
    out.append("| {} | {} | {} | {} | {} | {} | {} | {} |".format(
        inflight,
        ratio(hub, med("echo", inflight, ["submits_per_second"])),
        ratio(hub, med("rabbitmq", inflight, ["submits_per_second"])),
        ratio(hub, med("jetstream", inflight, ["submits_per_second"])),
        ratio(gathered, med("rabbitmq", inflight, ["submits_per_second"])),
        ratio(gathered, med("jetstream", inflight, ["submits_per_second"])),
        ratio(med("hub", inflight, ["server", "cpu_us_per_submit"]), rabbit_cpu),
        ratio(med("hub-gathered", inflight, ["server", "cpu_us_per_submit"]), rabbit_cpu)))
out.append("")
if any(points("hub-plain", i) or points("hub-gathered-plain", i) for i in inflights):
    out.append("Cost of encryption at rest (the example config's `encryption`, AES-256-GCM, "
               "against the same hub with the section removed, `-plain`), medians of this run:\n")
    out.append("| in-flight | unary submits/s on / off | unary hub CPU µs on / off | gathered submits/s on / off | gathered hub CPU µs per referral on / off |")
    out.append("|---:|---:|---:|---:|---:|")
    for inflight in inflights:
        def pair(system, path, digits):
            on, off = med(system, inflight, path), med(system + "-plain", inflight, path)
            return f"{fmt(on, digits)} / {fmt(off, digits)} ({ratio(on, off)})"
        out.append("| {} | {} | {} | {} | {} |".format(
            inflight,
            pair("hub", ["submits_per_second"], 0),
            pair("hub", ["server", "cpu_us_per_submit"], 1),
            pair("hub-gathered", ["submits_per_second"], 0),
            pair("hub-gathered", ["server", "cpu_us_per_submit"], 1)))
    out.append("")
def client_cpu_us(system, inflight):
    values = []
    for r in points(system, inflight):
        host, done = r.get("host") or {}, r.get("succeeded") or 0
        if done and host.get("client_cpu_seconds") is not None:
            values.append(host["client_cpu_seconds"] * 1e6 / done)
    return median(values)
if any(points("hub-signed", i) or points("hub-gathered-signed", i) for i in inflights):
    out.append("Cost of signed steps (the sender's SDK signs each step with its ECDSA P-256 "
               "signing key, `-signed`; a gathered call is signed once over its items' tree) "
               "against the same hub unsigned, both with encryption at rest; and both on "
               "against both off (`-plain`, unsigned). Medians of this run; SDK CPU is the "
               "benchmark client's whole process per referral:\n")
    out.append("| in-flight | path | submits/s signed / unsigned | hub CPU µs signed / unsigned | SDK CPU µs signed / unsigned | hub CPU µs both on / both off |")
    out.append("|---:|---|---:|---:|---:|---:|")
    for inflight in inflights:
        for path, base in (("unary", "hub"), ("gathered", "hub-gathered")):
            signed = base + "-signed"
            def pair(on, off, digits=0):
                return f"{fmt(on, digits)} / {fmt(off, digits)} ({ratio(on, off)})"
            cpu = ["server", "cpu_us_per_submit"]
            out.append("| {} | {} | {} | {} | {} | {} |".format(
                inflight, path,
                pair(med(signed, inflight, ["submits_per_second"]),
                     med(base, inflight, ["submits_per_second"])),
                pair(med(signed, inflight, cpu), med(base, inflight, cpu), 1),
                pair(client_cpu_us(signed, inflight), client_cpu_us(base, inflight), 1),
                pair(med(signed, inflight, cpu), med(base + "-plain", inflight, cpu), 1)))
    out.append("")
if any(points("hub-postgres", i) or points("hub-postgres-sync", i) for i in inflights):
    out.append("The hub on PostgreSQL 15 (`hub-postgres`: a primary, its streaming standby "
               "asynchronous; `-sync`: the standby synchronous, so a commit is flushed on two "
               "servers before the hub acknowledges) against the hub on RocksDB (`hub`: one "
               "machine, nothing replicated) and RabbitMQ (one node here: a quorum queue "
               "replicates only in a cluster), all with one SubmitReferral per referral. "
               "Database CPU is every process of both PostgreSQL servers:\n")
    out.append("| in-flight | system | submits/s | p99 µs | hub CPU µs/submit | database CPU µs/submit | submits/s ÷ rabbitmq |")
    out.append("|---:|---|---:|---:|---:|---:|---:|")
    for inflight in inflights:
        rabbit = med("rabbitmq", inflight, ["submits_per_second"])
        for system in ("hub", "hub-postgres", "hub-postgres-sync", "rabbitmq"):
            if not points(system, inflight):
                continue
            rate = med(system, inflight, ["submits_per_second"])
            out.append("| {} | {} | {} | {} | {} | {} | {} |".format(
                inflight, system, fmt(rate),
                fmt(med(system, inflight, ["submit_latency_us", "p99"])),
                fmt(med(system, inflight, ["server", "cpu_us_per_submit"]), 1),
                fmt(med(system, inflight, ["database", "cpu_us_per_submit"]), 1),
                ratio(rate, rabbit)))
    out.append("")
out.append("`hub` is one SubmitReferral per referral (SubmitAsync with the SDK's gathering "
           "turned off); `hub-gathered` is SubmitAsync with the SDK gathering submits into "
           "SubmitReferrals calls (ClientOptions::submit_batching at its defaults), with the "
           "same number of referrals unacknowledged at most.\n")
def cycle_runs(ack):
    return [r for r in runs if r["label"].startswith(f"cycle-{ack} ")]
def cycle_median(ack, path):
    values = []
    for r in cycle_runs(ack):
        v = r
        for key in path:
            v = v.get(key) if isinstance(v, dict) else None
        values.append(v)
    return median(values)
if cycle_runs("consumer") or cycle_runs("batched"):
    out.append("Full cycle: hub submits at in-flight 32 while the recipient streams its inbox and "
               "acknowledges every entry — through the SDK's InboxConsumer (handled entries "
               "acknowledged in batches from its own thread), and from a bare stream whose "
               "second thread acknowledges in batches of whatever has arrived:\n")
    out.append("| acknowledgements | submits/s | deliveries/s | delivered | missing | delivery p50 ms | delivery p99 ms | submit p99 µs | hub CPU µs/submit (incl. delivery + ack) |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for ack, name in (("consumer", "InboxConsumer"), ("batched", "batched")):
        if not cycle_runs(ack):
            continue
        cm = lambda path: cycle_median(ack, path)
        out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            name, fmt(cm(["submits_per_second"])), fmt(cm(["delivery", "per_second"])),
            fmt(cm(["delivery", "delivered"])), fmt(cm(["delivery", "missing"])),
            fmt((cm(["delivery", "latency_us", "p50"]) or 0) / 1000, 1),
            fmt((cm(["delivery", "latency_us", "p99"]) or 0) / 1000, 1),
            fmt(cm(["submit_latency_us", "p99"])),
            fmt(cm(["server", "cpu_us_per_submit"]), 1)))
    out.append("")

# The targets of the "Proof under load" issue, against this run.
def check(ok):
    return "met" if ok else "**missed**"
targets = []
def value(system, inflight, path):
    return med(system, inflight, path) if points(system, inflight) else None
def vs(system, other, inflight, path=("submits_per_second",)):
    a, b = value(system, inflight, list(path)), value(other, inflight, list(path))
    return (a / b) if a and b else None
def target(name, measured_ratio, ok):
    if measured_ratio is not None:
        targets.append((name, f"{measured_ratio:.2f}×", check(ok(measured_ratio))))
cpu_path = ("server", "cpu_us_per_submit")
target("unary ≥ 1.3× RabbitMQ quorum at 1 in flight", vs("hub", "rabbitmq", 1), lambda r: r >= 1.3)
for inflight in (8, 32, 64):
    target(f"unary ≥ 1.0× RabbitMQ quorum at {inflight} in flight",
           vs("hub", "rabbitmq", inflight), lambda r: r >= 1.0)
for inflight in (32, 64):
    target(f"unary server CPU per submit ≤ 1.0× RabbitMQ's at {inflight}",
           vs("hub", "rabbitmq", inflight, cpu_path), lambda r: r <= 1.0)
    target(f"unary ≥ 0.6× echo at {inflight} in flight",
           vs("hub", "echo", inflight), lambda r: r >= 0.6)
for inflight in (32, 64):
    target(f"gathered ≥ 2× RabbitMQ quorum at {inflight} in flight",
           vs("hub-gathered", "rabbitmq", inflight), lambda r: r >= 2.0)
    target(f"gathered server CPU per referral ≤ 0.5× RabbitMQ's at {inflight}",
           vs("hub-gathered", "rabbitmq", inflight, cpu_path), lambda r: r <= 0.5)
target("on PostgreSQL with a synchronous standby ≥ 1.0× RabbitMQ quorum at 32 in flight",
       vs("hub-postgres-sync", "rabbitmq", 32), lambda r: r >= 1.0)
target("gathered ≥ 0.5× JetStream at 64 in flight (JetStream without per-message fsync)",
       vs("hub-gathered", "jetstream", 64), lambda r: r >= 0.5)
for ack, name in (("consumer", "InboxConsumer"), ("batched", "batched acks")):
    if cycle_runs(ack):
        d = cycle_median(ack, ["delivery", "per_second"])
        s = cycle_median(ack, ["submits_per_second"])
        p = cycle_median(ack, ["delivery", "latency_us", "p99"])
        if d and s:
            targets.append((f"full cycle deliveries ≥ 0.9× submits ({name})",
                            f"{d / s:.2f}×", check(d >= 0.9 * s)))
        targets.append((f"submit-to-delivery p99 ≤ 10 ms ({name})", f"{(p or 0) / 1000:.1f} ms",
                        check((p or 1e12) <= 10000)))
out.append("Targets:\n")
out.append("| target | measured | |")
out.append("|---|---:|---|")
for name, measured, verdict in targets:
    out.append(f"| {name} | {measured} | {verdict} |")
out.append("")
niced_runs = [r for r in runs if (niced_share(r) or 0) >= 0.05]
if niced_runs:
    out.append(f"Note: niced processes (a background build or fuzzer at lower priority) "
               f"ran during {len(niced_runs)} of {len(runs)} runs, taking a median "
               f"{100 * median([niced_share(r) for r in niced_runs]):.0f}% of the machine; "
               "they yield to the benchmark but share its caches and cores.\n")
if noisy:
    out.append(f"Warning: other processes took more than 10% of the machine during {len(noisy)} "
               f"of {len(runs)} runs ({', '.join(noisy[:6])}{', ...' if len(noisy) > 6 else ''}); "
               "treat those points with caution.\n")
out.append("Durability is not the same everywhere: the hub fsyncs every acknowledged write "
           "(RocksDB WAL fsynced before the reply, group commit); RabbitMQ quorum queues fsync the Ra WAL "
           "before confirming; JetStream 2.9 acknowledges from the page cache and syncs its "
           "file store in the background (every 2 minutes by default; `sync_interval` / "
           "`sync_always` only arrive in 2.10), so its numbers are without a per-message fsync.")
block = "\n".join(out)

begin, end = "<!-- compare.sh:begin -->", "<!-- compare.sh:end -->"
try:
    text = open(results).read()
except FileNotFoundError:
    text = "# Benchmark results\n\n" + begin + "\n" + end + "\n"
if begin not in text:
    text += "\n" + begin + "\n" + end + "\n"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(results, "w").write(head + begin + "\n" + block + "\n" + end + tail)
print(block)
PYTHON
}

if [[ -n $report_only ]]; then
  write_report "$report_only"
  exit 0
fi


# --- packages and binaries -------------------------------------------------

packages=(rabbitmq-server nats-server librabbitmq-dev libnats-dev python3)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
  [[ $install == yes ]] || { echo "compare.sh: missing ${missing[*]}" >&2; exit 1; }
  [[ $(id -u) -eq 0 ]] || { echo "compare.sh: run as root to install ${missing[*]}" >&2; exit 1; }
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Debian's maintainer scripts would start the system RabbitMQ: this script
  # runs its own instances, so keep the packaged services from starting.
  policy_added=no
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    policy_added=yes
  fi
  apt-get install -y -qq "${missing[@]}" >/dev/null
  [[ $policy_added == no ]] || rm -f /usr/sbin/policy-rc.d
fi

sxbench=$build_dir/bench/sxbench
sxecho=$build_dir/bench/sxecho
sxhub=$build_dir/server/sxhub
# A build from before the client libraries were installed lacks the broker
# modes: reconfigure (pkg-config finds them now) and rebuild.
if [[ ! -x $sxbench || ! -x $sxecho || ! -x $sxhub ]] ||
   [[ $("$sxbench" --list-modes) != "hub echo rabbitmq jetstream" ]]; then
  log "building sxhub, sxecho, sxbench in $build_dir"
  cmake -S "$source_dir" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  nice -n 10 cmake --build "$build_dir" -j2 --target sxhub sxecho sxbench >/dev/null
fi

# --- a quiet machine --------------------------------------------------------------

# Percent of all CPUs busy over 3 seconds, niced processes (which yield to
# the benchmark) not counted.
busy_percent() {
  local a b
  a=$(awk '/^cpu /{print $2+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  sleep 3
  b=$(awk '/^cpu /{print $2+$4+$7+$8+$9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat)
  echo "$a $b" | awk '{d = $4 - $2; print (d > 0 ? int(100 * ($3 - $1) / d) : 0)}'
}
# Numbers taken beside a compiler are worth little: wait (up to 10 minutes)
# until the machine is nearly idle. Each point also records how much CPU
# other processes took (the "other CPU" column).
waited=0
quiet=0
[[ $wait_quiet == yes ]] || quiet=3
busy=$(busy_percent)
while ((quiet < 3 && waited < 600)); do
  busy=$(busy_percent)
  if ((busy <= 10)); then
    quiet=$((quiet + 1))
  else
    quiet=0
    log "machine $busy% busy; waiting for it to quieten"
    sleep 7
    waited=$((waited + 10))
  fi
done
log "machine $busy% busy; starting"

# --- servers -----------------------------------------------------------------

work=$(mktemp -d /tmp/sxbench-compare.XXXXXX)
# Servers this script started, by PID: our children, and RabbitMQ's Erlang VM
# (a child of its start script).
child_pids=()
hub_pid=""
rabbit_pid=""
epmd_port=""
cleanup() {
  local pid
  if [[ -n $hub_pid ]]; then kill -TERM "$hub_pid" 2>/dev/null || true; fi
  local pg_kept=$pg_dir
  pg_stop_pair
  if [[ -n $pg_kept && $keep_workdir != yes ]]; then rm -rf "$pg_kept"; fi
  # rabbitmq-server's script passes SIGTERM on to the VM and waits for it.
  for pid in "${child_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $hub_pid "${child_pids[@]}"; do
    for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [[ -n $rabbit_pid ]]; then
    for _ in $(seq 1 120); do kill -0 "$rabbit_pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL "$rabbit_pid" 2>/dev/null || true
  fi
  # Our epmd only (its own port); it refuses while a node is registered.
  if [[ -n $epmd_port ]]; then
    ERL_EPMD_PORT=$epmd_port epmd -kill >/dev/null 2>&1 || true
  fi
  if [[ $keep_workdir == yes ]]; then log "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A TCP port on 127.0.0.1 that nothing listens on.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_listening FILE PID — until FILE has "listening on HOST:PORT"; sets port.
wait_listening() {
  local file=$1 pid=$2
  for _ in $(seq 1 200); do
    if grep -q "listening on" "$file" 2>/dev/null; then
      port=$(sed -n 's/.*listening on .*:\([0-9]*\)$/\1/p' "$file" | head -1)
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "compare.sh: server did not start; see $file*" >&2
  return 1
}

# wait_port PORT SECONDS — until something accepts on 127.0.0.1:PORT.
wait_port() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

"$source_dir/deploy/dev-pki.sh" "$work/pki" >/dev/null
# Without the example's metrics endpoint, as in the runs in bench/results/.
sed -e 's/^listen_address: .*/listen_address: "127.0.0.1:0"/' \
  -e 's|^data_dir: .*|data_dir: "data"|' \
  -e '/^metrics_address:/d' \
  "$source_dir/deploy/hub.example.textproto" >"$work/hub.textproto.in"

# The same config without encryption at rest (its section ends the example),
# for the rows that show what encryption costs.
sed -e '/^encryption {/,/^}/d' "$work/hub.textproto.in" >"$work/hub-plain.textproto.in"

hub_run=0
# start_hub [plain|postgres] — a hub on a fresh data directory (or a fresh
# PostgreSQL database), with encryption at rest as in the example or
# without it; sets hub_pid and hub_port.
start_hub() {
  hub_run=$((hub_run + 1))
  local dir=$work/hub-$hub_run
  mkdir -p "$dir"
  if [[ ${1:-} == plain ]]; then
    cp "$work/hub-plain.textproto.in" "$dir/hub.textproto"
  else
    cp "$work/hub.textproto.in" "$dir/hub.textproto"
  fi
  if [[ ${1:-} == postgres* ]]; then
    printf '\nstorage { postgres { conninfo: "%s" } }\n' \
      "$(pg_new_database "sxhub_$hub_run")" >>"$dir/hub.textproto"
  fi
  ln -s "$work/pki" "$dir/pki"
  "$sxhub" --config="$dir/hub.textproto" >"$dir/out" 2>"$dir/log" &
  hub_pid=$!
  wait_listening "$dir/out" "$hub_pid"
  hub_port=$port
}
stop_hub() {
  kill -TERM "$hub_pid"
  # A hub finishes queued writes before it exits; give it 20 seconds, then
  # kill it (and say so).
  local waited=0
  while kill -0 "$hub_pid" 2>/dev/null && ((waited < 80)); do
    sleep 0.25
    waited=$((waited + 1))
  done
  if kill -0 "$hub_pid" 2>/dev/null; then
    log "sxhub (pid $hub_pid) did not stop within 20 s of SIGTERM; killed"
    kill -KILL "$hub_pid"
  fi
  wait "$hub_pid" 2>/dev/null || true
  hub_pid=""
  rm -rf "$work/hub-$hub_run/data"
}

log "starting sxecho"
"$sxecho" --pki="$work/pki" >"$work/echo.out" 2>"$work/echo.err" &
echo_pid=$!
child_pids+=("$echo_pid")
wait_listening "$work/echo.out" "$echo_pid"
echo_port=$port

log "starting nats-server (JetStream, file storage)"
nats_port=$(free_port)
mkdir -p "$work/nats"
nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$work/nats/store" \
  -l "$work/nats/nats.log" &
nats_pid=$!
child_pids+=("$nats_pid")
wait_port "$nats_port" 30 || { echo "nats-server did not start" >&2; exit 1; }

log "starting rabbitmq-server (takes a few seconds)"
rabbit=$work/rabbitmq
mkdir -p "$rabbit"
amqp_port=$(free_port)
dist_port=$(free_port)
epmd_port=$(free_port)
echo '[].' >"$rabbit/enabled_plugins"
cat >"$rabbit/rabbitmq.conf" <<EOF
listeners.tcp.1 = 127.0.0.1:$amqp_port
loopback_users.guest = true
EOF
# The packaged /usr/sbin wrapper would switch to the rabbitmq user and the
# system directories; the real script runs with ours. Distribution and epmd
# listen on loopback only, on ports of their own.
env HOME="$rabbit" \
  RABBITMQ_NODENAME="sxbench$$@localhost" \
  RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$amqp_port" \
  RABBITMQ_DIST_PORT="$dist_port" \
  ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT="$epmd_port" \
  RABBITMQ_MNESIA_BASE="$rabbit/mnesia" RABBITMQ_LOG_BASE="$rabbit/log" \
  RABBITMQ_CONFIG_FILE="$rabbit/rabbitmq" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit/enabled_plugins" \
  RABBITMQ_PID_FILE="$rabbit/pid" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
  /usr/lib/rabbitmq/bin/rabbitmq-server >"$rabbit/out" 2>&1 &
child_pids+=("$!")
wait_port "$amqp_port" 90 || { echo "rabbitmq did not start; see $rabbit/out" >&2; exit 1; }
rabbit_pid=$(cat "$rabbit/pid")

if [[ $systems == *hub-postgres* ]]; then
  log "starting PostgreSQL (a primary and its streaming standby)"
  # Its own directory: the servers' user must be able to enter it.
  pg_start_pair "$(mktemp -d /tmp/sxbench-postgres.XXXXXX)"
fi

# --- machine -------------------------------------------------------------------

data_device=$(df --output=source "$work" | tail -1)
device_name=$(basename "$data_device")
rotational=$(cat "/sys/block/$device_name/queue/rotational" 2>/dev/null || echo "?")
fs_type=$(df --output=fstype "$work" | tail -1)
# What one small synchronous write costs on this disk: the floor under the
# latency of any system that fsyncs before it acknowledges.
fsync_probe() {
  python3 - "$1" <<'PROBE'
import os, sys, time
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
block, samples = os.urandom(4096), []
for _ in range(500):
    start = time.perf_counter()
    os.write(fd, block)
    os.fdatasync(fd)
    samples.append((time.perf_counter() - start) * 1e6)
os.close(fd)
os.unlink(sys.argv[1])
samples.sort()
pick = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]
print(f"p50 {pick(0.5):.0f} µs, p90 {pick(0.9):.0f} µs, p99 {pick(0.99):.0f} µs")
PROBE
}
fsync_line=$(fsync_probe "$work/fsync.probe")
cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
rabbit_version=$(dpkg-query -W -f='${Version}' rabbitmq-server)
erlang_version=$(dpkg-query -W -f='${Version}' erlang-base 2>/dev/null || echo "?")
nats_version=$(nats-server --version | awk '{print $2}')
grpc_version=$(dpkg-query -W -f='${Version}' libgrpc++-dev)
rocksdb_version=$(dpkg-query -W -f='${Version}' librocksdb-dev)
rabbitc_version=$(dpkg-query -W -f='${Version}' librabbitmq-dev)
cnats_version=$(dpkg-query -W -f='${Version}' libnats-dev)
hub_commit=$(git -C "$source_dir" rev-parse --short HEAD 2>/dev/null || echo "?")
hub_dirty=$(git -C "$source_dir" status --porcelain 2>/dev/null | grep -qv '^??' && echo " (+ uncommitted changes)" || true)

# --- runs ------------------------------------------------------------------------

raw_dir=$script_dir/results
mkdir -p "$raw_dir"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
raw=$raw_dir/compare-$stamp.jsonl
: >"$raw"

common=(--duration="$duration" --warmup=1 --payload=4096 --json)

# signs SYSTEM — sxbench's flag for the rows whose sender signs its steps.
signs() { [[ $1 == *-signed ]] && echo --sign || true; }

# run_point SYSTEM INFLIGHT REP
run_point() {
  local system=$1 inflight=$2 rep=$3 label="$1 if=$2 rep=$3"
  local args=(--inflight="$inflight" --label="$label" "${common[@]}")
  case $system in
    hub|hub-plain|hub-signed)
      start_hub "${system#hub-}"
      "$sxbench" --mode=hub --pki="$work/pki" --hub="127.0.0.1:$hub_port" \
        --hub-pid="$hub_pid" $(signs "$system") "${args[@]}" >>"$raw" ||
        log "run failed: $label"
      stop_hub ;;
    hub-gathered|hub-gathered-plain|hub-gathered-signed)
      start_hub "${system#hub-gathered-}"
      "$sxbench" --mode=hub --submit=gathered --pki="$work/pki" \
        --hub="127.0.0.1:$hub_port" --hub-pid="$hub_pid" $(signs "$system") \
        "${args[@]}" >>"$raw" || log "run failed: $label"
      stop_hub ;;
    hub-postgres|hub-postgres-sync)
      [[ $system == *-sync ]] && pg_synchronous on || pg_synchronous off
      start_hub postgres
      local ticks_before point
      ticks_before=$(pg_cpu_ticks)
      point=$("$sxbench" --mode=hub --pki="$work/pki" --hub="127.0.0.1:$hub_port" \
        --hub-pid="$hub_pid" "${args[@]}") || log "run failed: $label"
      stop_hub
      # The database's CPU for the point, beside the hub's (whose backends
      # have ended by now, so their CPU is counted).
      [[ -z $point ]] || python3 -c '
import json, sys
point, ticks, hz = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
done = point.get("succeeded") or 0
point["database"] = {"cpu_us_per_submit": ticks * 1e6 / hz / done if done else None}
print(json.dumps(point))' "$point" "$(($(pg_cpu_ticks) - ticks_before))" \
        "$(getconf CLK_TCK)" >>"$raw" ;;
    echo)
      "$sxbench" --mode=echo --pki="$work/pki" --hub="127.0.0.1:$echo_port" \
        --hub-pid="$echo_pid" "${args[@]}" >>"$raw" || log "run failed: $label" ;;
    rabbitmq)
      "$sxbench" --mode=rabbitmq --hub="127.0.0.1:$amqp_port" \
        --hub-pid="$rabbit_pid" "${args[@]}" >>"$raw" || log "run failed: $label" ;;
    jetstream)
      "$sxbench" --mode=jetstream --hub="127.0.0.1:$nats_port" \
        --hub-pid="$nats_pid" "${args[@]}" >>"$raw" || log "run failed: $label" ;;
  esac
}

started=$SECONDS
for rep in $(seq 1 "$reps"); do
  for inflight in $inflights; do
    for system in $systems; do
      log "$system in-flight $inflight, repetition $rep/$reps"
      run_point "$system" "$inflight" "$rep"
    done
  done
  for ack in consumer batched; do
    log "full cycle ($ack acknowledgements), repetition $rep/$reps"
    start_hub
    "$sxbench" --mode=hub --pki="$work/pki" --hub="127.0.0.1:$hub_port" \
      --hub-pid="$hub_pid" --inflight=32 --consumers --ack="$ack" \
      --drain-timeout=15 --label="cycle-$ack if=32 rep=$rep" "${common[@]}" \
      >>"$raw" || log "run failed: full cycle ($ack) rep $rep"
    stop_hub
  done
done
log "runs took $((SECONDS - started)) s; raw results in $raw"
fsync_after=$(fsync_probe "$work/fsync.probe")

# --- report --------------------------------------------------------------------------

machine=$(cat <<EOF
- Machine: $(nproc) vCPU ($cpu_model), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, kernel $(uname -r).
- Disk: $data_device ($fs_type; the guest reports rotational=$rotational; a VM disk, backing
  store unknown). Appending 4 KiB + fdatasync, 500 times: before the runs
  $fsync_line; after them $fsync_after.
- Versions: hub $hub_commit$hub_dirty (RelWithDebInfo), gRPC $grpc_version, RocksDB
  $rocksdb_version; RabbitMQ $rabbit_version on Erlang $erlang_version, rabbitmq-c
  $rabbitc_version; nats-server $nats_version, cnats $cnats_version.
- Load generator and servers share the same $(nproc) cores; each point ran ${duration} s
  after a 1 s warmup; $reps repetitions; medians shown.
EOF
)

printf '%s\n' "$machine" >"${raw%.jsonl}.machine.md"
write_report "$raw"
log "tables written to $results"
