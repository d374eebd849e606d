//! What a training run records.

use serde::Serialize;

/// The loss after one pass, as the seed prints it (`Loss after iteration {pass}: {loss}`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Report {
    /// 0-based pass index; the loss is measured after that pass's update.
    pub pass: usize,
    /// Loss on the training data.
    pub loss: f64,
}

/// The reports of a run, in pass order.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    /// One report every `report_every` passes.
    pub reports: Vec<Report>,
    /// The loss after each of the last [`TAIL_PASSES`] passes, to tell convergence from
    /// oscillation.
    pub tail: Vec<Report>,
    /// The evaluations of a [`Trainer`](crate::Trainer) run: one per logged pass, then the last
    /// pass's when it was not logged; with held-out scores when there is a held-out set.
    pub evaluations: Vec<Evaluation>,
    /// Set when early stopping ended the run.
    pub early_stop: Option<EarlyStop>,
}

/// Losses and accuracies after one logged pass.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Evaluation {
    /// 0-based pass (epoch) index; measured after that pass's updates.
    pub pass: usize,
    /// The learning rate the schedule used in that pass.
    pub learning_rate: f64,
    /// The training objective on the whole training set: the seed's `calculate_loss`
    /// (mean cross-entropy plus `λ/2 Σ|W|² / N`).
    pub train_loss: f64,
    /// Fraction of training samples classified correctly.
    pub train_accuracy: f64,
    /// Mean cross-entropy on the held-out set (no L2 term), when there is one.
    pub test_loss: Option<f64>,
    /// Fraction of held-out samples classified correctly, when there is a held-out set.
    pub test_accuracy: Option<f64>,
}

/// Why and where early stopping ended a run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct EarlyStop {
    /// The last pass run.
    pub pass: usize,
    /// The pass whose weights were kept (the best monitored loss).
    pub best_pass: usize,
    /// The best monitored loss (held-out when there is a held-out set, else training).
    pub best_loss: f64,
}

/// How many final passes [`History::tail`] records.
pub const TAIL_PASSES: usize = 4;

impl History {
    /// The loss of the last report.
    pub fn final_loss(&self) -> Option<f64> {
        self.reports.last().map(|r| r.loss)
    }

    /// `(even pass, odd pass)` of the last two passes when the run ends in a period-2
    /// oscillation: consecutive losses differ while every other loss repeats.
    ///
    /// The seed's run ends this way: with summed gradients its step sits at the edge of
    /// stability, and the loss alternates between two values.
    pub fn period_two(&self) -> Option<(Report, Report)> {
        let [a, b, c, d] = self.tail.as_slice() else {
            return None;
        };
        let swing = (d.loss - c.loss).abs();
        let drift = (d.loss - b.loss).abs().max((c.loss - a.loss).abs());
        if swing <= 1e-7 * d.loss.abs() || drift >= 0.1 * swing {
            return None;
        }
        Some(if c.pass % 2 == 0 { (*c, *d) } else { (*d, *c) })
    }
}
