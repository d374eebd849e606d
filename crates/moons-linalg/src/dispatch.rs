//! Runtime CPU-feature dispatch and the rules for splitting work across threads.
//!
//! Every hot loop is compiled twice from one `#[inline(always)]` body: once inside a
//! `#[target_feature(enable = "fma,avx2")]` function, where `f64::mul_add` becomes the
//! hardware instruction and loops widen to 256-bit vectors, and once as plain code for any
//! other CPU. Both compute the same bits: `mul_add` rounds once wherever it runs, and no
//! loop reassociates a sum (LLVM never does so for floats without fast-math flags).

use std::sync::atomic::{AtomicU8, Ordering};

use crate::plan::THRESHOLDS;

const UNKNOWN: u8 = 0;
const PLAIN: u8 = 1;
const FMA: u8 = 2;

static FEATURES: AtomicU8 = AtomicU8::new(UNKNOWN);

/// True when the CPU has FMA and AVX2, detected once and then cached.
pub fn has_fma_avx2() -> bool {
    match FEATURES.load(Ordering::Relaxed) {
        FMA => true,
        PLAIN => false,
        _ => {
            let found = detect();
            FEATURES.store(if found { FMA } else { PLAIN }, Ordering::Relaxed);
            found
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn detect() -> bool {
    is_x86_feature_detected!("fma") && is_x86_feature_detected!("avx2")
}

#[cfg(not(target_arch = "x86_64"))]
fn detect() -> bool {
    false
}

/// Whether `dispatched!` functions take their FMA/AVX2 copies on this thread:
/// [`has_fma_avx2`], unless a test asked for the portable copies ([`portable_only`]).
#[inline(always)]
pub(crate) fn use_avx2() -> bool {
    has_fma_avx2() && !forced_portable()
}

#[cfg(test)]
thread_local! {
    static PORTABLE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[cfg(test)]
fn forced_portable() -> bool {
    PORTABLE_ONLY.with(|p| p.get())
}

#[cfg(not(test))]
#[inline(always)]
fn forced_portable() -> bool {
    false
}

/// Runs `f` with this thread's `dispatched!` functions on their portable copies, for tests
/// that compare them with the FMA/AVX2 ones.
#[cfg(test)]
pub(crate) fn portable_only<T>(f: impl FnOnce() -> T) -> T {
    PORTABLE_ONLY.with(|p| p.set(true));
    let out = f();
    PORTABLE_ONLY.with(|p| p.set(false));
    out
}

/// Defines a function whose body is compiled twice (FMA/AVX2 and plain) and picks one at run
/// time (const generic parameters allowed). The body must be safe code; the only `unsafe` is
/// the call into the feature-gated copy.
///
/// A body generic over the lane types (`fn name<S: Simd, const ..>(..)`, written on
/// [`crate::lanes::Simd`]) is compiled with `S = Avx2` in the FMA/AVX2 copy and with
/// `S = Portable` in the other. Each set of const parameters is a function of its own: a
/// kernel per shape, not one function holding every shape's.
macro_rules! dispatched {
    ($(#[$attr:meta])* $vis:vis fn $name:ident <$s:ident : Simd $(, const $g:ident : usize)* $(,)?> ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$attr])*
        $vis fn $name <$(const $g: usize),*> ($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body<$s: $crate::lanes::Simd $(, const $g: usize)*>($($arg: $ty),*) $(-> $ret)? $body

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "fma,avx2")]
            unsafe fn with_fma<$(const $g: usize),*>($($arg: $ty),*) $(-> $ret)? {
                body::<$crate::lanes::Avx2 $(, $g)*>($($arg),*)
            }

            // On x86-64 the portable copy only runs on CPUs without AVX2: cold, so that it is
            // laid out apart from the code that runs.
            #[cfg_attr(target_arch = "x86_64", cold)]
            #[inline(never)]
            fn portable<$(const $g: usize),*>($($arg: $ty),*) $(-> $ret)? {
                body::<$crate::lanes::Portable $(, $g)*>($($arg),*)
            }

            #[cfg(target_arch = "x86_64")]
            if $crate::dispatch::use_avx2() {
                // SAFETY: `with_fma` only requires the CPU features that `has_fma_avx2` has
                // just confirmed are present.
                return unsafe { with_fma::<$($g),*>($($arg),*) };
            }
            portable::<$($g),*>($($arg),*)
        }
    };
    ($(#[$attr:meta])* $vis:vis fn $name:ident $(<$(const $g:ident : usize),+>)? ($($arg:ident : $ty:ty),* $(,)?) $(-> $ret:ty)? $body:block) => {
        $(#[$attr])*
        $vis fn $name $(<$(const $g: usize),+>)? ($($arg: $ty),*) $(-> $ret)? {
            #[inline(always)]
            fn body $(<$(const $g: usize),+>)? ($($arg: $ty),*) $(-> $ret)? $body

            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "fma,avx2")]
            unsafe fn with_fma $(<$(const $g: usize),+>)? ($($arg: $ty),*) $(-> $ret)? {
                body $(::<$($g),+>)? ($($arg),*)
            }

            #[cfg(target_arch = "x86_64")]
            if $crate::dispatch::use_avx2() {
                // SAFETY: `with_fma` only requires the CPU features that `has_fma_avx2` has
                // just confirmed are present.
                return unsafe { with_fma $(::<$($g),+>)? ($($arg),*) };
            }
            body $(::<$($g),+>)? ($($arg),*)
        }
    };
}
pub(crate) use dispatched;

/// The one table from a one-hidden-layer network's run-time inputs `d` and classes `c` to
/// kernels compiled for them (`1 ≤ d ≤ 4`, `2 ≤ c ≤ 4`, [`THRESHOLDS`]), in two forms:
///
/// - `by_inputs_classes!(kernel, d, c, (args))` calls `kernel::<D, C>(args)`;
/// - `by_inputs_classes!(@ d, c, call, extra..)` expands `call!(D, C, extra..)`, for kernels
///   with more const parameters (a width, vector counts).
macro_rules! by_inputs_classes {
    ($kernel:ident, $d:expr, $c:expr, ($($arg:expr),*)) => {{
        macro_rules! inputs_classes {
            ($dd:literal, $cc:literal) => {
                $kernel::<$dd, $cc>($($arg),*)
            };
        }
        $crate::dispatch::by_inputs_classes!(@ $d, $c, inputs_classes)
    }};
    (@ $d:expr, $c:expr, $call:ident $(, $extra:tt)*) => {
        match ($d, $c) {
            (1, 2) => $call!(1, 2 $(, $extra)*),
            (1, 3) => $call!(1, 3 $(, $extra)*),
            (1, 4) => $call!(1, 4 $(, $extra)*),
            (2, 2) => $call!(2, 2 $(, $extra)*),
            (2, 3) => $call!(2, 3 $(, $extra)*),
            (2, 4) => $call!(2, 4 $(, $extra)*),
            (3, 2) => $call!(3, 2 $(, $extra)*),
            (3, 3) => $call!(3, 3 $(, $extra)*),
            (3, 4) => $call!(3, 4 $(, $extra)*),
            (4, 2) => $call!(4, 2 $(, $extra)*),
            (4, 3) => $call!(4, 3 $(, $extra)*),
            (4, 4) => $call!(4, 4 $(, $extra)*),
            _ => unreachable!("at most 4 inputs and 2 to 4 classes, checked with the shape"),
        }
    };
}
pub(crate) use by_inputs_classes;

/// Expands `call!(D, C, H)` for the run-time `(d, c)` and a width `h ≤ 6` (rows in lanes).
macro_rules! by_lanes_shape {
    ($h:expr, $d:expr, $c:expr, $call:ident) => {
        match $h {
            1 => $crate::dispatch::by_inputs_classes!(@ $d, $c, $call, 1),
            2 => $crate::dispatch::by_inputs_classes!(@ $d, $c, $call, 2),
            3 => $crate::dispatch::by_inputs_classes!(@ $d, $c, $call, 3),
            4 => $crate::dispatch::by_inputs_classes!(@ $d, $c, $call, 4),
            5 => $crate::dispatch::by_inputs_classes!(@ $d, $c, $call, 5),
            6 => $crate::dispatch::by_inputs_classes!(@ $d, $c, $call, 6),
            _ => unreachable!("at most LANES_MAX_HIDDEN units"),
        }
    };
}
pub(crate) use by_lanes_shape;

/// [`THRESHOLDS`]' `parallel_min_work`: the exact kernels' threshold.
pub(crate) const PARALLEL_MIN_WORK: usize = THRESHOLDS.parallel_min_work;

/// Whether `work` is worth splitting across threads from the calling thread: at least
/// `min_work` (a kernel's own threshold) from a pool thread, at least
/// [`THRESHOLDS`]' `outside_pool_min_work` from outside the pool, and never on one thread. Which rows or
/// units a thread gets never changes a result, so this only decides the time.
pub(crate) fn worth_splitting(work: usize, min_work: usize) -> bool {
    if work < min_work || rayon::current_num_threads() < 2 {
        return false;
    }
    let min = match rayon::current_thread_index() {
        Some(_) => min_work,
        None => min_work.max(THRESHOLDS.outside_pool_min_work),
    };
    work >= min
}

/// Runs `f`, a step whose kernels do about `work` multiply-adds, inside rayon's pool when the
/// calling thread is outside it and the work is large enough to split: one hop into the pool
/// for the whole step, after which its parallel sections start from a pool thread (~2 us each
/// instead of ~25). Elsewhere `f` runs on the calling thread. The result is the same either
/// way, bit for bit.
pub fn in_pool_when_worth<R: Send>(work: usize, f: impl FnOnce() -> R + Send) -> R {
    // The size first: small steps never touch (or start) rayon's pool.
    if work >= PARALLEL_MIN_WORK
        && rayon::current_thread_index().is_none()
        && rayon::current_num_threads() > 1
    {
        rayon::scope(|_| f())
    } else {
        f()
    }
}

/// Rows per parallel task for a row-independent kernel: enough tasks to balance the cores,
/// each large enough to amortise the hand-off. Which rows a task gets never changes a result,
/// because every output row is computed from its own input row alone.
pub(crate) fn rows_per_task(rows: usize, work_per_row: usize) -> Option<usize> {
    if !worth_splitting(rows.saturating_mul(work_per_row.max(1)), PARALLEL_MIN_WORK) {
        return None;
    }
    let threads = rayon::current_num_threads();
    let min_rows = (PARALLEL_MIN_WORK / 4 / work_per_row.max(1)).max(16);
    Some(rows.div_ceil(threads * 4).max(min_rows))
}
