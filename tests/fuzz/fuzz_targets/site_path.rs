//! libFuzzer entry for the `site_path` harness; what it runs and checks is in src/fuzz.rs.
#![no_main]

use dossier::fuzz::Harness;
use std::sync::LazyLock;

// libFuzzer calls a plain function per input and offers no other place for state that
// should be set up once per process.
static HARNESS: LazyLock<Harness> = LazyLock::new(Harness::default);

libfuzzer_sys::fuzz_target!(|data: &[u8]| HARNESS.site_path(data));
