#!/usr/bin/env bash
# Restores the hub's data directory from a backup (a checkpoint written by
# SIGUSR1 or `sxhub --checkpoint`) and records the restore in the event log:
#
#   deploy/restore-backup.sh --config=/etc/sxhub/hub.textproto \
#       --backup=/var/lib/sxhub/data-backups/checkpoint-20261206T220000Z \
#       [--sxhub=/usr/local/bin/sxhub]
#
# Stop the hub first. The current data directory (the config's data_dir) is
# kept beside it as <data_dir>.replaced-<UTC time>; the backup is copied, not
# moved, so it stays a backup. Then `sxhub --confirm-restore` records the
# restore (event LOG_RESTORED) and gives new referral ids a new generation,
# so that no id confirmed after the backup is issued again. Start the hub
# afterwards as usual. What the restore loses, and how agencies re-send it,
# is in deploy/README.md ("Restore").
set -euo pipefail

config=""
backup=""
sxhub="$(command -v sxhub || true)"
for arg in "$@"; do
  case "$arg" in
    --config=*) config="${arg#--config=}" ;;
    --backup=*) backup="${arg#--backup=}" ;;
    --sxhub=*) sxhub="${arg#--sxhub=}" ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restore-backup: unknown argument $arg" >&2; exit 2 ;;
  esac
done
fail() { echo "restore-backup: $*" >&2; exit 1; }
[[ -n "$config" && -n "$backup" ]] || fail "--config and --backup are required"
[[ -r "$config" ]] || fail "cannot read the config $config"
[[ -n "$sxhub" && -x "$sxhub" ]] || fail "no sxhub binary (give --sxhub=PATH)"
[[ -f "$backup/SXHUB-BACKUP" ]] ||
  fail "$backup is not a hub backup (it has no SXHUB-BACKUP file)"

# The config's data_dir (text format: data_dir: "PATH").
data_dir="$(sed -n 's/^[[:space:]]*data_dir[[:space:]]*:[[:space:]]*"\(.*\)".*/\1/p' "$config" | tail -n 1)"
[[ -n "$data_dir" ]] || fail "no data_dir in $config"
for pid in $(pgrep -x sxhub || true); do
  if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--config=$config"; then
    fail "sxhub (pid $pid) is running with $config: stop it first"
  fi
done

if [[ -e "$data_dir" ]]; then
  aside="$data_dir.replaced-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$data_dir" "$aside"
  echo "restore-backup: the data directory was kept as $aside"
fi
cp -a "$backup" "$data_dir"
chmod 700 "$data_dir"
"$sxhub" --config="$config" --confirm-restore
cat <<TEXT
restore-backup: done. Start the hub as usual. Everything acknowledged after
the backup was taken is gone: tell agencies to re-send (with the same request
ids) what they sent or did after the backup's time, and auditors that the log
continues from the backup (sxctl audit events --type log_restored).
TEXT
