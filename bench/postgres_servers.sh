# postgres_servers.sh — sourced by compare.sh: a PostgreSQL 15 primary and a
# streaming standby of it on loopback ports, in a directory of the run's
# own, for the rows of the hub on PostgreSQL. Initdb, the servers and
# pg_basebackup run as the `postgres` user when the script runs as root
# (PostgreSQL refuses root).
#
#   pg_start_pair DIR          # sets pg_primary_port, pg_standby_port
#   pg_synchronous on|off      # the standby confirms each commit, or not
#   conninfo=$(pg_new_database NAME)
#   ticks=$(pg_cpu_ticks)      # CPU of both servers' processes so far
#   pg_stop_pair

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
pg_dir=""
pg_primary_port=""
pg_standby_port=""

pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_psql() {
  "$pg_bin/psql" -X -q -t -A -v ON_ERROR_STOP=1 -h 127.0.0.1 \
    -p "$pg_primary_port" -U sxbench -d postgres -c "$1"
}

# pg_wait PORT — until the server on PORT accepts connections (30 s).
pg_wait() {
  for _ in $(seq 1 120); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$1" && return 0
    sleep 0.25
  done
  echo "postgres_servers.sh: no server on port $1; see $pg_dir/*.log" >&2
  return 1
}

pg_start_pair() {
  pg_dir=$1
  mkdir -p "$pg_dir"
  [[ $(id -u) -ne 0 ]] || chown postgres "$pg_dir"
  pg_primary_port=$(free_port)
  pg_standby_port=$(free_port)
  # Settings of a small dedicated server: fsync on (the rows measure durable
  # commits), replication to one standby.
  pg_as_owner "$pg_bin/initdb" -D "$pg_dir/primary" -U sxbench --auth=trust \
    --data-checksums --encoding=UTF8 --locale=C >"$pg_dir/initdb.log"
  cat >>"$pg_dir/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_dir'
shared_buffers = 256MB
max_connections = 100
wal_level = replica
max_wal_senders = 4
EOF
  pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/primary" -l "$pg_dir/primary.log" \
    -o "-p $pg_primary_port" -w start >/dev/null
  pg_wait "$pg_primary_port"
  pg_as_owner "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$pg_primary_port" \
    -U sxbench -D "$pg_dir/standby" -R -X stream >"$pg_dir/basebackup.log" 2>&1
  pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/standby" -l "$pg_dir/standby.log" \
    -o "-p $pg_standby_port" -w start >/dev/null
  pg_wait "$pg_standby_port"
  for _ in $(seq 1 120); do
    [[ $(pg_psql "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") == 1 ]] &&
      return 0
    sleep 0.25
  done
  echo "postgres_servers.sh: the standby does not stream; see $pg_dir/standby.log" >&2
  return 1
}

pg_synchronous() {
  local names=""
  [[ $1 == on ]] && names="*"
  pg_psql "ALTER SYSTEM SET synchronous_standby_names = '$names'" >/dev/null
  pg_psql "SELECT pg_reload_conf()" >/dev/null
  # The reload reaches the backends a moment later; a new session sees it.
  for _ in $(seq 1 40); do
    [[ $(pg_psql "SHOW synchronous_standby_names") == "$names" ]] && return 0
    sleep 0.1
  done
}

pg_new_database() {
  pg_psql "CREATE DATABASE $1" >/dev/null
  echo "host=127.0.0.1 port=$pg_primary_port dbname=$1 user=sxbench"
}

# Clock ticks of user and system CPU of every process of both servers so
# far: each postmaster's own, its reaped children's (backends that ended),
# and its living children's.
pg_cpu_ticks() {
  local total=0 pid
  for data in "$pg_dir/primary" "$pg_dir/standby"; do
    pid=$(head -1 "$data/postmaster.pid" 2>/dev/null) || continue
    total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat")))
    for child in $(pgrep -P "$pid"); do
      total=$((total + $(awk '{print $14 + $15}' "/proc/$child/stat" 2>/dev/null || echo 0)))
    done
  done
  echo "$total"
}

pg_stop_pair() {
  [[ -n $pg_dir ]] || return 0
  for data in "$pg_dir/standby" "$pg_dir/primary"; do
    [[ -f $data/postmaster.pid ]] &&
      pg_as_owner "$pg_bin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
  done
  pg_dir=""
}
