//! Ctrl-C and SIGTERM during a build: the first asks the build to stop at the next file it
//! writes (its new tree is then removed and the output stays as it was); a second one exits at
//! once, as a user pressing Ctrl-C twice expects.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the user asked the build to stop. Cloned into whatever checks it; no global.
#[derive(Debug, Clone, Default)]
pub struct Interrupt(Arc<AtomicBool>);

/// The exit status of a build stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: i32 = 130;

impl Interrupt {
    /// Never set: for callers that do not listen for signals (tests, `serve`).
    pub fn none() -> Interrupt {
        Interrupt::default()
    }

    /// Listens for SIGINT and SIGTERM from now on.
    pub fn install() -> Interrupt {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
            // The order matters: the conditional exit sees the flag as the first signal left
            // it, so only a second signal exits.
            let _ = signal_hook::flag::register_conditional_shutdown(sig, EXIT_INTERRUPTED, flag.clone());
            let _ = signal_hook::flag::register(sig, flag.clone());
        }
        Interrupt(flag)
    }

    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    /// Sets the flag as a signal would (tests).
    pub fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}
