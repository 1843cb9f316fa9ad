#!/usr/bin/env bash
# Dump the govhall PostgreSQL database to $GOVHALL_BACKUP_DIR (custom format, compressed) and
# keep $GOVHALL_BACKUP_KEEP_DAYS days. pg_dump takes a consistent snapshot while the hall runs.
#
#   deploy/backup.sh                      # uses GOVHALL_DATABASE_URL
#   deploy/backup.sh postgresql://...     # or the URL given
# Prints the path of the dump it wrote.
set -euo pipefail

url="${1:-${GOVHALL_DATABASE_URL:?set GOVHALL_DATABASE_URL or pass a database URL}}"
dir="${GOVHALL_BACKUP_DIR:-/var/backups/govhall}"
keep="${GOVHALL_BACKUP_KEEP_DAYS:-30}"
case "$url" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: only PostgreSQL URLs (SQLite: copy the file with sqlite3 .backup)" >&2; exit 2 ;;
esac

mkdir -p "$dir"
name="$(basename "${url%%\?*}")"
out="$dir/${name}-$(date -u +%Y%m%dT%H%M%SZ).dump"
tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$tmp" "$url"
# A dump is only a backup once it reads back.
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$out"
find "$dir" -maxdepth 1 -name "${name}-*.dump" -mtime +"$keep" -delete
echo "$out"
