#!/usr/bin/env bash
# Exercise (演练): a feedback deadline in working days (工作日) across the
# 2026 Spring Festival, and its staged warnings turning 蓝 → 黄 → 红, played
# in about half a minute. A second hub runs with an exercise clock
# (config exercise_clock) that starts on Friday 13 February 2026 and runs 40
# days per minute, in a data directory of its own (marked as an exercise, so
# it never serves real traffic). Run by deploy/quickstart.sh after the main
# scenario; exits 0 if every warning came on time.
#
#   deploy/exercise-warnings.sh --workdir=DIR [--build-dir=DIR]
# DIR holds the quickstart's dev PKI (pki/); the exercise hub listens on any
# free loopback port.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build"
work="$root/.sxhub-dev/quickstart"
for arg in "$@"; do
  case "$arg" in
    --build-dir=*) build="${arg#*=}" ;;
    --workdir=*) work="${arg#*=}" ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "exercise-warnings: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
step() { printf '\033[1m==>\033[0m %s\n' "$*"; }
fail() { printf 'exercise-warnings: FAILED: %s\n' "$*" >&2; exit 1; }
sxhub="$build/server/sxhub"
sxctl_bin="$build/client_sdk/sxctl/sxctl"
[[ -x "$sxhub" && -x "$sxctl_bin" ]] || fail "sxhub or sxctl not built in $build"
# Creates the PKI, or adds what an older one lacks (the at-rest key file).
"$root/deploy/dev-pki.sh" "$work/pki" >/dev/null

step "Exercise: a hub whose clock starts on Fri 13 Feb 2026 and runs 40 days a minute"
exercise="$work/exercise"
rm -rf "$exercise"
mkdir -p "$exercise/profiles"
ln -s ../pki "$exercise/pki"
# The example config, in its own data directory, with: feedback within 5
# working days, warnings at 3 (蓝) and 1 (黄) working days left, a check
# every second, and the exercise clock.
sed -e 's/^hub_id: .*/hub_id: "exercise"/' \
  -e 's/^data_dir: .*/data_dir: "data"/' \
  -e 's/^listen_address: .*/listen_address: "127.0.0.1:0"/' \
  -e '/^metrics_address:/d' \
  -e 's/^  feedback_within_days: 30/  feedback_within_days: 5\n  feedback_in_working_days: true\n  check_interval_seconds: 1/' \
  -e 's/warnings { blue_working_days: 5 yellow_working_days: 2 }/warnings { blue_working_days: 3 yellow_working_days: 1 }/' \
  "$root/deploy/hub.example.textproto" >"$exercise/hub.textproto"
cat >>"$exercise/hub.textproto" <<'CONFIG'
exercise_clock { start: "2026-02-13T10:00:00+08:00" days_per_minute: 40 }
CONFIG
grep -q "feedback_in_working_days: true" "$exercise/hub.textproto" &&
  grep -q "blue_working_days: 3" "$exercise/hub.textproto" ||
  fail "the example config's deadlines block changed; update this script"

"$sxhub" --config="$exercise/hub.textproto" >"$exercise/hub.out" 2>"$exercise/hub.log" &
hub_pid=$!
trap 'kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  grep -q "listening on" "$exercise/hub.out" 2>/dev/null && break
  kill -0 "$hub_pid" 2>/dev/null || fail "sxhub exited; see $exercise/hub.log"
  sleep 0.1
done
address=$(sed -n 's/^sxhub: listening on //p' "$exercise/hub.out")
[[ -n "$address" ]] || fail "sxhub did not start; see $exercise/hub.log"
grep -q "EXERCISE CLOCK" "$exercise/hub.log" || fail "the hub did not announce its exercise clock"
for identity in discipline-commission inspection-office stationed-education admin-ops; do
  printf 'hub = %s\nserver_name = localhost\ncert = ../pki/%s.crt\nkey = ../pki/%s.key\nca = ../pki/ca.crt\n' \
    "$address" "$identity" "$identity" >"$exercise/profiles/$identity"
done
as() { local who="$1"; shift; "$sxctl_bin" --profile="$exercise/profiles/$who" "$@"; }
field() { grep -o "\"$1\": *\"[^\"]*\"" | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/'; }
# China Standard Time without tzdata (POSIX TZ: CST is 8 hours ahead of UTC).
cst() { TZ=CST-8 date -d "$1" '+%a %d %b %H:%M'; }

step "驻教育局纪检监察组 sends a lead to 巡察办, which signs for it (签收) the same day"
lead=$(as stationed-education send --json --to inspection-office --kind lead \
  --subject "某中学" --subject-org "市教育局" --category "一般类" \
  --summary "学校食堂采购未按规定公开招标" --source "信访举报" \
  --sensitivity ordinary --urgency normal | field referral_id)
[[ -n "$lead" ]] || fail "the lead was not sent"
as inspection-office accept "$lead" >/dev/null
shown=$(as inspection-office show "$lead" --json)
due=$(field feedback_due_at <<<"$shown")
echo "    $lead sent $(cst "$(field created_at <<<"$shown")") (北京时间), feedback due $(cst "$due"):"
echo "    5 working days are Sat 14 Feb (调休, worked) and 24-27 Feb after the holiday."
echo "    蓝 when 3 working days are left: $(cst "$(field blue_warning_at <<<"$shown")"); 黄 at 1: $(cst "$(field yellow_warning_at <<<"$shown")")"
[[ "$due" == 2026-02-27T16:00:00Z ]] ||
  fail "feedback due $due, expected 2026-02-28 00:00 China Standard Time (2026-02-27T16:00:00Z)"

step "The hub's clock runs on; the warnings come as the deadline nears and passes"
seen=none
for _ in $(seq 120); do
  shown=$(as inspection-office show "$lead" --json)
  level=$(field warning_level <<<"$shown")
  if [[ "$level" != "$seen" ]]; then
    echo "    $(cst "$(field updated_at <<<"$shown")")  warning: $level"
    case "$seen→$level" in
      none→blue | blue→yellow | yellow→red) ;;
      *) fail "the warning went from $seen to $level" ;;
    esac
    seen=$level
  fi
  [[ "$level" == red ]] && break
  sleep 0.25
done
[[ "$seen" == red ]] || fail "no red warning within 30 seconds (the deadline was missed by then)"

step "The warnings reached 巡察办 and 纪委监委 (supervisor); the ledger and the counts show it"
for agency in inspection-office discipline-commission; do
  warnings=$(as "$agency" inbox list --json | grep -o '"deadline_warning"' | wc -l)
  echo "    $agency: $warnings warning entries in its inbox"
  [[ "$warnings" -ge 2 ]] || fail "$agency got $warnings warnings, expected 蓝 and 黄 at least"
done
echo "    纪委监委's supervision ledger (督办台账):"
as discipline-commission supervision ledger | sed 's/^/    /'
as discipline-commission supervision ledger --json | grep -q "$lead" ||
  fail "$lead is not on the supervision ledger"
as admin-ops admin counts | sed 's/^/    /'
echo "    The exercise hub's data stays in $exercise/data, marked EXERCISE_CLOCK."
