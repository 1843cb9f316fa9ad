#!/usr/bin/env bash
# Restore a dump made by deploy/backup.sh into a NEW, empty database, then migrate it.
#
#   deploy/restore.sh DUMP postgresql://postgres@127.0.0.1:5432/govhall_restored
# Refuses to write into a database that already has tables: restore next to the live one,
# check it (govhall check, a report), then switch GOVHALL_DATABASE_URL.
set -euo pipefail

dump="${1:?usage: restore.sh DUMP DATABASE_URL}"
url="${2:?usage: restore.sh DUMP DATABASE_URL}"
[ -r "$dump" ] || { echo "restore.sh: cannot read $dump" >&2; exit 2; }

base="${url%%\?*}"
name="$(basename "$base")"
admin="${base%/*}/postgres"
if psql "$admin" -Atqc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
  tables="$(psql "$url" -Atqc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
  if [ "$tables" != "0" ]; then
    echo "restore.sh: database $name already has $tables tables; restore into a new one" >&2
    exit 3
  fi
else
  psql "$admin" -qc "CREATE DATABASE \"$name\""
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$dump"
# A dump from an older release is brought up to this one's schema.
GOVHALL_DATABASE_URL="$url" "${GOVHALL_PYTHON:-python}" -m govhall migrate --noinput
echo "restored $dump into $name"
