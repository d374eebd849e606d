//! Learning-rate schedules: the step size as a function of the pass (epoch) index.

use serde::Serialize;

use crate::error::invalid;
use crate::TrainError;

/// How the learning rate changes from pass to pass; `t` is the 0-based pass (epoch) index,
/// so every minibatch of a pass uses the same rate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum LrSchedule {
    /// `lr` throughout (the seed's).
    #[default]
    Constant,
    /// Inverse-time annealing: `lr / (1 + decay · t)`, `decay >= 0`.
    InverseTime {
        /// Per-pass decay rate.
        decay: f64,
    },
    /// Step decay: `lr · factor^floor(t / every)`, `factor` in (0, 1].
    Step {
        /// Multiplier applied every `every` passes.
        factor: f64,
        /// Passes between drops (>= 1).
        every: usize,
    },
    /// Exponential decay: `lr · exp(-decay · t)`, `decay >= 0`.
    Exponential {
        /// Per-pass decay rate.
        decay: f64,
    },
}

impl LrSchedule {
    /// The names the CLI accepts, in order.
    pub const NAMES: [&'static str; 4] = ["constant", "inverse-time", "step", "exponential"];

    /// The learning rate for pass `t` given the initial rate `lr`.
    ///
    /// ```
    /// use moons_train::LrSchedule;
    /// assert_eq!(LrSchedule::Constant.rate(0.1, 50), 0.1);
    /// assert_eq!(LrSchedule::InverseTime { decay: 0.5 }.rate(0.1, 2), 0.05);
    /// assert_eq!(LrSchedule::Step { factor: 0.5, every: 10 }.rate(0.1, 25), 0.025);
    /// ```
    pub fn rate(&self, lr: f64, t: usize) -> f64 {
        let t_f = t as f64;
        match *self {
            // Returned unchanged so that the seed's step is bit-identical.
            LrSchedule::Constant => lr,
            LrSchedule::InverseTime { decay } => lr / (1.0 + decay * t_f),
            LrSchedule::Step { factor, every } => {
                let drops = i32::try_from(t / every.max(1)).unwrap_or(i32::MAX);
                lr * factor.powi(drops)
            }
            LrSchedule::Exponential { decay } => lr * (-decay * t_f).exp(),
        }
    }

    /// The CLI name of this schedule.
    pub fn name(&self) -> &'static str {
        match self {
            LrSchedule::Constant => "constant",
            LrSchedule::InverseTime { .. } => "inverse-time",
            LrSchedule::Step { .. } => "step",
            LrSchedule::Exponential { .. } => "exponential",
        }
    }

    /// Checks the decay parameters, naming the flag at fault.
    pub fn validate(&self) -> Result<(), TrainError> {
        match *self {
            LrSchedule::Constant => Ok(()),
            LrSchedule::InverseTime { decay } | LrSchedule::Exponential { decay } => {
                if decay.is_finite() && decay >= 0.0 {
                    Ok(())
                } else {
                    Err(invalid(
                        "decay",
                        decay,
                        format!("a finite number >= 0 for the {} schedule", self.name()),
                    ))
                }
            }
            LrSchedule::Step { factor, every } => {
                if !(factor > 0.0 && factor <= 1.0) {
                    return Err(invalid(
                        "decay",
                        factor,
                        "a factor in (0, 1] for the step schedule",
                    ));
                }
                if every == 0 {
                    return Err(invalid("step-size", every, "an integer >= 1"));
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_decay_as_documented() {
        let lr = 0.2;
        assert_eq!(LrSchedule::InverseTime { decay: 0.1 }.rate(lr, 10), 0.1);
        assert_eq!(LrSchedule::Exponential { decay: 0.0 }.rate(lr, 10), lr);
        assert!(
            (LrSchedule::Exponential { decay: 0.1 }.rate(lr, 10) - lr * (-1.0f64).exp()).abs()
                < 1e-15
        );
        let step = LrSchedule::Step {
            factor: 0.5,
            every: 3,
        };
        let rates: Vec<f64> = (0..7).map(|t| step.rate(1.0, t)).collect();
        assert_eq!(rates, vec![1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25]);
        assert!(step.rate(1.0, usize::MAX).is_finite());
    }

    #[test]
    fn bad_decays_name_the_flag() {
        for bad in [
            LrSchedule::InverseTime { decay: -1.0 },
            LrSchedule::Exponential { decay: f64::NAN },
            LrSchedule::Step {
                factor: 0.0,
                every: 1,
            },
            LrSchedule::Step {
                factor: 1.5,
                every: 1,
            },
        ] {
            let e = bad.validate().unwrap_err().to_string();
            assert!(e.starts_with("invalid decay "), "{e}");
        }
        let e = LrSchedule::Step {
            factor: 0.5,
            every: 0,
        }
        .validate()
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("invalid step-size 0"), "{e}");
    }
}
