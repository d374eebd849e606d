//! Ctrl-C and SIGTERM during a run: the temporary files of outputs in flight are removed,
//! then the program exits with 130 or 143 as a shell reports a signal (128 + its number).

use std::sync::OnceLock;

/// What a long-running command (the playground) does on Ctrl-C or SIGTERM instead of exiting
/// at once; set with [`on_interrupt`].
static HOOK: OnceLock<Box<dyn Fn(i32) + Send + Sync>> = OnceLock::new();

/// Hands Ctrl-C and SIGTERM to `hook` (with the signal number) instead of ending the process,
/// for a command that shuts down by itself. The first hook set stays.
pub fn on_interrupt(hook: impl Fn(i32) + Send + Sync + 'static) {
    let _ = HOOK.set(Box::new(hook));
}

/// Blocks SIGINT and SIGTERM in this thread and every thread started after it, and starts the
/// one thread that waits for them. Call first in `main`, before any other thread exists.
#[cfg(unix)]
pub fn remove_temporaries_on_interrupt() {
    // SAFETY: plain libc calls on a sigset_t we own; run before any other thread exists, so
    // every later thread inherits the mask and only the waiting thread sees the signals.
    let set = unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::sigaddset(&mut set, libc::SIGTERM);
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        set
    };
    let waiter = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || loop {
            let mut signal = 0;
            // SAFETY: `set` is a valid, initialised signal set; `signal` is a valid out-pointer.
            if unsafe { libc::sigwait(&set, &mut signal) } == 0 {
                if let Some(hook) = HOOK.get() {
                    hook(signal);
                    continue;
                }
                moons_datasets::atomic::remove_in_flight();
                // SAFETY: ends the process at once, as the default action of the signal would.
                unsafe { libc::_exit(128 + signal) };
            }
        });
    if waiter.is_err() {
        // Without the waiting thread the signals must keep their default effect.
        // SAFETY: as above; unblocking restores the state before this function.
        unsafe {
            libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut());
        }
    }
}

#[cfg(not(unix))]
pub fn remove_temporaries_on_interrupt() {}
