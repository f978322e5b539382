#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz for SECONDS each (default 45), one at a time, from
# the committed corpus; what libFuzzer adds goes to a scratch folder, not into the repository.
# Needs cargo-fuzz (installed from crates.io when missing) and a compiler that takes its
# unstable flags: a nightly toolchain, or stable with RUSTC_BOOTSTRAP=1. Without either it
# prints "skipped: ..." and succeeds; a finding fails it, naming the input.
#   usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-45}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(front_matter markdown date config site_path)

skip() {
  echo "skipped: fuzzing: $*"
  exit 0
}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked -q >/dev/null 2>&1 || skip "cargo-fuzz is not installed and cannot be installed"
fi

# libFuzzer's coverage instrumentation is set through flags that only a nightly compiler (or a
# stable one told to behave like one) accepts; a one-line program shows whether they work.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'pub fn f() {}' >"$probe/p.rs"
sancov=(-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Zunstable-options --crate-type=lib --emit=obj)
if rustup run nightly rustc "${sancov[@]}" "$probe/p.rs" -o "$probe/p.o" >/dev/null 2>&1; then
  toolchain=(+nightly)
  how="nightly"
elif RUSTC_BOOTSTRAP=1 rustc "${sancov[@]}" "$probe/p.rs" -o "$probe/p.o" >/dev/null 2>&1; then
  toolchain=()
  export RUSTC_BOOTSTRAP=1
  how="stable $(rustc --version | cut -d' ' -f2) with RUSTC_BOOTSTRAP=1"
else
  skip "no nightly toolchain, and stable refuses the coverage flags even with RUSTC_BOOTSTRAP=1"
fi

# No sanitizer: the code is safe Rust, and without one each input runs about twice as fast.
flags=(--fuzz-dir tests/fuzz -s none)
echo "fuzz: building the targets with $how"
cargo "${toolchain[@]}" fuzz build "${flags[@]}" 2>&1 | tail -n 3

work=$(mktemp -d)
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "$work/artifacts/$t"
  echo "fuzz: $t for ${secs}s"
  if ! cargo "${toolchain[@]}" fuzz run "${flags[@]}" "$t" "$work/$t" "tests/fuzz/corpus/$t" -- \
    -max_total_time="$secs" -dict="tests/fuzz/dict/$t.dict" -timeout=10 -rss_limit_mb=4096 \
    -max_len=16384 -artifact_prefix="$work/artifacts/$t/" -print_final_stats=1 >"$work/$t.log" 2>&1; then
    grep -v -E '^#[0-9]+ +(NEW|REDUCE|pulse)' "$work/$t.log" | tail -n 60 || true
    for f in "$work/artifacts/$t"/*; do
      [ -e "$f" ] || continue
      echo "fuzz: $t failed on $f; base64 of the input:"
      base64 -w0 "$f" | head -c 20000
      echo
    done
    echo "fuzz: $t FAILED (reproduce: cargo +nightly fuzz run --fuzz-dir tests/fuzz $t <file>)"
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$work/$t.log" | tr '\n' ' ' || true
  echo
done
rm -rf "$work"
