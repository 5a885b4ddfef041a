#!/usr/bin/env bash
# Restores the hub's data directory from a backup (a checkpoint written by
# SIGUSR1 or `sxhub --checkpoint`) and records the restore in the event log:
#
#   deploy/restore-backup.sh --config=/etc/sxhub/hub.textproto \
#       --backup=/var/lib/sxhub/data-backups/checkpoint-20261206T220000Z \
#       [--sxhub=/usr/local/bin/sxhub]
#
# Stop the hub first (sxhub refuses while a hub holds the database). sxhub
# --restore-from keeps the config's data_dir beside it as
# <data_dir>.replaced-<UTC time>, copies the backup in (the backup stays as
# it was), records the restore (event log_restored) and moves referral ids
# and inbox sequences past anything issued before. Start the hub afterwards
# as usual. What the restore loses, and how agencies re-send it, is in
# deploy/README.md ("Restore").
set -euo pipefail

config=""
backup=""
sxhub="$(command -v sxhub || true)"
for arg in "$@"; do
  case "$arg" in
    --config=*) config="${arg#--config=}" ;;
    --backup=*) backup="${arg#--backup=}" ;;
    --sxhub=*) sxhub="${arg#--sxhub=}" ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restore-backup: unknown argument $arg" >&2; exit 2 ;;
  esac
done
fail() { echo "restore-backup: $*" >&2; exit 1; }
[[ -n "$config" && -n "$backup" ]] || fail "--config and --backup are required"
[[ -n "$sxhub" && -x "$sxhub" ]] || fail "no sxhub binary (give --sxhub=PATH)"

# sxhub resolves data_dir as the hub does (relative to the config file) and
# checks the database lock, so this script does no path or process guessing.
"$sxhub" --config="$config" --restore-from="$backup"
cat <<TEXT
restore-backup: done. Start the hub as usual. Everything acknowledged after
the backup was taken is gone: tell agencies to re-send (with the same request
ids) what they sent or did after the backup's time, and auditors that the log
continues from the backup (sxctl audit events --type log_restored).
TEXT
