//! Stage timings, printed to stderr when `DOSSIER_TIMINGS` is set: the benchmark reads them.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DOSSIER_TIMINGS").is_some())
}

/// Measures from creation to each `lap`.
pub struct Timer(Instant);

impl Timer {
    pub fn start() -> Timer {
        Timer(Instant::now())
    }

    pub fn lap(&mut self, stage: &str) {
        if enabled() {
            eprintln!("timing: {stage:<14} {:>8.1} ms", self.0.elapsed().as_secs_f64() * 1000.0);
        }
        self.0 = Instant::now();
    }
}

/// Reports one slow item (over 100 ms) when timings are on.
pub fn slow(what: &str, started: Instant) {
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if enabled() && ms > 100.0 {
        eprintln!("timing: slow {what} {ms:.1} ms");
    }
}
