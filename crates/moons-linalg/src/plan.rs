//! Which kernel runs each part of a training pass: every threshold as a named row of one
//! table ([`THRESHOLDS`]), and one choice ([`select`]) per network shape and mode, made once
//! when a caller sets up its buffers (`moons_models::Workspace` holds the [`Plan`]).
//!
//! | network, mode | forward | gradients | whole step |
//! |---|---|---|---|
//! | any other network | layered | layered | forward then backward |
//! | one tanh layer of `< fused_min_hidden` units, exact | layered | layered | forward then backward |
//! | one tanh layer of `fused_min_hidden..=max_hidden` units, exact | fused | fused | forward then backward |
//! | one tanh layer of up to `max_hidden` units, fast | fast | fast | forward then backward |
//! | the same, two classes and up to `two_class_max_hidden` units, fast | fast | fast | fast two-class |
//!
//! "One tanh layer" is `D → H (tanh) → C (softmax)` with `D ≤ max_inputs` and
//! `2 ≤ C ≤ max_classes`. Inside the fast kernels, `lanes_max_hidden` picks rows or units in
//! SIMD lanes (see `one_hidden/fast.rs`).
//!
//! What a plan cannot know is the batch: a fused or fast kernel still returns `false` for a
//! batch it does not take (a non-contiguous view; in exact mode also a single row or a shape
//! whose products numpy routes through `dgemv`, and, on threads, gradients of fewer than
//! `fused_split_min_hidden` units), and the caller then runs the layered reference. In exact
//! mode that gives the same bits as the fused kernel would; in fast mode it is deterministic
//! too, the same bits for the same batch. How many threads a kernel uses is its own choice,
//! by the work thresholds below, and never changes a bit.

/// The thresholds of the kernel choice and of the thread split, one row each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// The most inputs the one-hidden-layer kernels take.
    pub max_inputs: usize,
    /// The most hidden units they take.
    pub max_hidden: usize,
    /// The most classes they take.
    pub max_classes: usize,
    /// Exact mode: the narrowest hidden layer for which the fused kernels are worth calling.
    /// They compute any width from 2 exactly, but below this the layered kernels, whose loops
    /// for the seed's tiny shapes have compile-time bounds, were as fast or faster (W1, H = 3:
    /// ~17 us/pass layered against ~20-25 fused with the C library's `tanh`; 8.5 against 8.0
    /// with the vectorised one, H = 2 7.5 against 7.0 the other way); from H = 20 up the fused
    /// ones win by ~2x.
    pub fused_min_hidden: usize,
    /// Exact mode, a batch large enough for threads: the narrowest layer whose fused
    /// gradients split across two threads (half of the units each); narrower ones are left to
    /// the layered kernels, which split rows.
    pub fused_split_min_hidden: usize,
    /// Fast mode: the widest hidden layer run with rows in SIMD lanes (forward and gradients).
    /// Measured with N = 200: rows in lanes win up to about six units, whose rows fill no
    /// vector; beyond, units in lanes win the forward pass, by 1.5x at H = 50, and the exact
    /// kernel's one sweep over the rows the gradients.
    pub lanes_max_hidden: usize,
    /// Fast mode: the widest two-class network whose training step runs as one
    /// single-precision sweep (`one_hidden_fast_two_class_gradients_into`).
    pub two_class_max_hidden: usize,
    /// Multiply-adds (or activations weighted alike) below which a kernel stays on the calling
    /// thread: waking a second core costs more than the work. (At 2^16 the seed's H = 20 run,
    /// whose forward pass then split its 200 rows, took 41 us a pass against 23 us on one
    /// thread; at 2^18 only H = 50 splits, which still helps the sweep's last run.)
    pub parallel_min_work: usize,
    /// The same for the fast kernels, higher: handing a pass of a few tens of microseconds to
    /// rayon costs more than it saves (N = 200, H = 50 ran at ~70 us/pass split across
    /// threads, ~43 on one).
    pub fast_parallel_min_work: usize,
    /// Work below which a parallel section started from a thread outside rayon's pool (a
    /// library user's main thread) runs on that thread: the hop into the pool and back costs
    /// ~25 us on 2 cores, against ~2 us from a pool thread, and below ~2^21 multiply-adds
    /// (~150 us of work) it would eat most of what the second core saves.
    pub outside_pool_min_work: usize,
}

/// The table.
pub const THRESHOLDS: Thresholds = Thresholds {
    max_inputs: 4,
    max_hidden: 64,
    max_classes: 4,
    fused_min_hidden: 5,
    fused_split_min_hidden: 8,
    lanes_max_hidden: 6,
    two_class_max_hidden: 6,
    parallel_min_work: 1 << 18,
    fast_parallel_min_work: 1 << 20,
    outside_pool_min_work: 1 << 21,
};

/// The arithmetic a pass follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    /// numpy's bits: the C library's `tanh` and `exp`, numpy's summation orders.
    #[default]
    Exact,
    /// The vectorised approximations of [`crate::fast`] and sums in any fixed order:
    /// deterministic, not numpy's bits.
    Fast,
}

/// The shape of a network, as far as the kernel choice cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NetworkShape {
    /// `inputs → hidden (tanh) → classes (softmax)`.
    OneHiddenTanh {
        /// `D`.
        inputs: usize,
        /// `H`.
        hidden: usize,
        /// `C`.
        classes: usize,
    },
    /// Any other network: more layers, or another activation.
    Other,
}

/// Who computes the forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forward {
    /// Layer by layer ([`crate::affine_into`], [`crate::softmax_rows_into`]): the reference.
    Layered,
    /// [`crate::one_hidden_forward_into`]: one sweep, the layered bits.
    Fused,
    /// [`crate::one_hidden_fast_forward_into`].
    Fast,
}

/// Who computes the gradients after a forward pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gradients {
    /// Layer by layer ([`crate::softmax_delta_into`], [`crate::weight_gradients_into`],
    /// [`crate::backprop_deltas_into`]): the reference.
    Layered,
    /// [`crate::one_hidden_gradients_into`]: one sweep, the layered bits.
    Fused,
    /// [`crate::one_hidden_fast_gradients_into`].
    Fast,
}

/// Who computes a training step's gradients from the inputs alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The planned forward pass, then the planned gradients.
    ForwardThenGradients,
    /// [`crate::one_hidden_fast_two_class_gradients_into`]: both passes in one sweep,
    /// writing nothing but the gradients.
    FastTwoClass,
}

/// The kernels one network runs in one mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// The arithmetic.
    pub mode: Mode,
    /// The forward pass.
    pub forward: Forward,
    /// The gradients after a forward pass.
    pub gradients: Gradients,
    /// A training step.
    pub step: Step,
}

impl Mode {
    /// `"exact"` or `"fast"`.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Exact => "exact",
            Mode::Fast => "fast",
        }
    }
}

impl Forward {
    /// `"layered"`, `"fused"` or `"fast"`.
    pub fn name(self) -> &'static str {
        match self {
            Forward::Layered => "layered",
            Forward::Fused => "fused",
            Forward::Fast => "fast",
        }
    }
}

impl Gradients {
    /// `"layered"`, `"fused"` or `"fast"`.
    pub fn name(self) -> &'static str {
        match self {
            Gradients::Layered => "layered",
            Gradients::Fused => "fused",
            Gradients::Fast => "fast",
        }
    }
}

impl Step {
    /// `"forward_then_gradients"` or `"fast_two_class"`.
    pub fn name(self) -> &'static str {
        match self {
            Step::ForwardThenGradients => "forward_then_gradients",
            Step::FastTwoClass => "fast_two_class",
        }
    }
}

/// The plan for `shape` in `mode`, by [`THRESHOLDS`] (see the module's table).
pub fn select(shape: NetworkShape, mode: Mode) -> Plan {
    let t = THRESHOLDS;
    let layered = Plan {
        mode,
        forward: Forward::Layered,
        gradients: Gradients::Layered,
        step: Step::ForwardThenGradients,
    };
    let NetworkShape::OneHiddenTanh {
        inputs,
        hidden,
        classes,
    } = shape
    else {
        return layered;
    };
    let fits = (1..=t.max_inputs).contains(&inputs)
        && (1..=t.max_hidden).contains(&hidden)
        && (2..=t.max_classes).contains(&classes);
    match mode {
        _ if !fits => layered,
        Mode::Exact if hidden < t.fused_min_hidden => layered,
        Mode::Exact => Plan {
            forward: Forward::Fused,
            gradients: Gradients::Fused,
            ..layered
        },
        Mode::Fast => Plan {
            forward: Forward::Fast,
            gradients: Gradients::Fast,
            step: if classes == 2 && hidden <= t.two_class_max_hidden {
                Step::FastTwoClass
            } else {
                Step::ForwardThenGradients
            },
            ..layered
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_of_the_table() {
        use Forward::{Fast as FF, Fused as FU, Layered as FL};
        use Gradients::{Fast as GF, Fused as GU, Layered as GL};
        use Mode::{Exact as E, Fast as X};
        use Step::{FastTwoClass as TWO, ForwardThenGradients as FG};
        // (inputs, hidden, classes), or None for another network.
        let other = None;
        let one = |d, h, c| Some((d, h, c));
        let rows = [
            (other, E, FL, GL, FG),
            (other, X, FL, GL, FG),
            (one(2, 3, 2), E, FL, GL, FG),
            (one(2, 4, 2), E, FL, GL, FG),
            (one(2, 5, 2), E, FU, GU, FG),
            (one(4, 64, 4), E, FU, GU, FG),
            (one(2, 65, 2), E, FL, GL, FG),
            (one(2, 8, 1), E, FL, GL, FG),
            (one(5, 8, 2), X, FL, GL, FG),
            (one(2, 8, 5), X, FL, GL, FG),
            (one(2, 1, 2), X, FF, GF, TWO),
            (one(2, 3, 2), X, FF, GF, TWO),
            (one(4, 6, 2), X, FF, GF, TWO),
            (one(2, 7, 2), X, FF, GF, FG),
            (one(2, 3, 3), X, FF, GF, FG),
            (one(4, 64, 4), X, FF, GF, FG),
        ];
        for (dims, mode, forward, gradients, step) in rows {
            let shape = match dims {
                Some((inputs, hidden, classes)) => NetworkShape::OneHiddenTanh {
                    inputs,
                    hidden,
                    classes,
                },
                None => NetworkShape::Other,
            };
            let want = Plan {
                mode,
                forward,
                gradients,
                step,
            };
            assert_eq!(select(shape, mode), want, "{shape:?} {mode:?}");
        }
    }
}
