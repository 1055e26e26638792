#!/usr/bin/env sh
# Re-runs the generator tests and rewrites every snapshot that differs (Snapshots/*.verified.cs).
# Review the result with `git diff` before committing. Refuses under CI.
set -eu
if [ "${CI:-}" = "true" ]; then
  echo "accept-snapshots.sh: refusing to accept snapshots under CI" >&2
  exit 1
fi
cd "$(dirname "$0")"
HOPSPLIT_ACCEPT_SNAPSHOTS=1 dotnet test "$@"
