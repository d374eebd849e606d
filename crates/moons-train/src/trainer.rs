//! The general trainer: any optimizer, schedule, batch size and gradient convention, with
//! held-out evaluation and early stopping.

use moons_datasets::Dataset;
use moons_models::{Mlp, Workspace};
use ndarray::{ArrayView1, ArrayView2};
use serde::Serialize;

use crate::error::invalid;
use crate::history::{EarlyStop, Evaluation, TAIL_PASSES};
use crate::{History, LrSchedule, Optimizer, Report, TrainError, TrainingRun};

/// The most passes a run may ask for.
pub const MAX_PASSES: usize = 100_000_000;

/// The minibatch size of SGD and Adam when none is given (capped at the training set size).
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// What the gradient of a batch is a gradient of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GradientConvention {
    /// The gradient of the *summed* loss `N · L` (plus `λ W`): what the seed's backprop gives
    /// and what its step size 0.01 is tuned for. Default for full-batch GD.
    Sum,
    /// The gradient of the batch's mean loss: the summed gradient divided by the batch size
    /// (`Gradients::scale(1 / B)`), as scikit-learn computes it. Default for SGD and Adam, so
    /// the step size does not depend on the batch size.
    Mean,
}

impl GradientConvention {
    /// Sum for plain gradient descent (the seed), Mean for the minibatch optimizers.
    pub fn default_for(optimizer: &Optimizer) -> Self {
        match optimizer {
            Optimizer::Gd => GradientConvention::Sum,
            _ => GradientConvention::Mean,
        }
    }
}

/// Everything that defines a training run except the model and the data; validates itself.
///
/// `Trainer::default()` is the seed's run (full-batch GD, summed gradients, lr = λ = 0.01,
/// 20000 passes, a report every 1000): each pass runs forward over all data, backpropagates
/// the summed gradient plus `λ W` and steps `W -= lr · dW`, reproducing numpy bit for bit. It
/// is what [`SeedNetwork`](crate::SeedNetwork) trains with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trainer {
    /// Update rule.
    pub optimizer: Optimizer,
    /// Initial step size (`--lr`).
    pub learning_rate: f64,
    /// How the step size changes with the pass.
    pub schedule: LrSchedule,
    /// L2 strength λ (`--reg`).
    pub reg_lambda: f64,
    /// Samples per update; `None` is full batch for GD and [`DEFAULT_BATCH_SIZE`] otherwise.
    /// Capped at the training set size.
    pub batch_size: Option<usize>,
    /// Summed or mean gradients; `None` picks [`GradientConvention::default_for`] the optimizer.
    pub gradient: Option<GradientConvention>,
    /// Passes (epochs) over the training data, whatever the batch size.
    pub passes: usize,
    /// Evaluate (and report) after passes `0, k, 2k, ...`.
    pub report_every: usize,
    /// Stop after this many evaluations without a new best monitored loss, keeping the best
    /// weights. The monitored loss is the held-out loss when there is a held-out set.
    pub patience: Option<usize>,
    /// Seed of the per-pass shuffling of minibatch runs.
    pub shuffle_seed: u32,
    /// Opt-in fast mode (`--fast`): vectorised approximations of `tanh` (single precision,
    /// within 2e-7) and `exp` (see [`moons_linalg::fast`]) instead of the C library's; with two
    /// classes and up to 6 hidden units a training step runs in single precision but for its
    /// sums. About 3-4x faster than the exact path for the seed's network and ~1.3x for 100000
    /// points and 64 hidden units (see `docs/performance.md`); the losses then differ from
    /// numpy's from about the seventh significant digit. Never the default.
    pub fast: bool,
}

impl Default for Trainer {
    fn default() -> Self {
        Self {
            optimizer: Optimizer::Gd,
            learning_rate: 0.01,
            schedule: LrSchedule::Constant,
            reg_lambda: 0.01,
            batch_size: None,
            gradient: None,
            passes: 20_000,
            report_every: 1000,
            patience: None,
            shuffle_seed: 0,
            fast: false,
        }
    }
}

impl Trainer {
    /// Checks every parameter, naming the first one out of range with its allowed range.
    pub fn validate(&self) -> Result<(), TrainError> {
        if !(self.learning_rate.is_finite() && self.learning_rate > 0.0) {
            return Err(invalid("lr", self.learning_rate, "a finite number > 0"));
        }
        if !(self.reg_lambda.is_finite() && self.reg_lambda >= 0.0) {
            return Err(invalid("reg", self.reg_lambda, "a finite number >= 0"));
        }
        if self.passes == 0 || self.passes > MAX_PASSES {
            return Err(invalid(
                "passes",
                self.passes,
                format!("an integer from 1 to {MAX_PASSES}"),
            ));
        }
        if self.report_every == 0 {
            return Err(invalid("print-every", self.report_every, "an integer >= 1"));
        }
        if self.batch_size == Some(0) {
            return Err(invalid("batch-size", 0, "an integer >= 1"));
        }
        if self.patience == Some(0) {
            return Err(invalid("patience", 0, "an integer >= 1"));
        }
        self.optimizer.validate()?;
        self.schedule.validate()
    }

    /// The gradient convention this run uses.
    pub fn convention(&self) -> GradientConvention {
        self.gradient
            .unwrap_or_else(|| GradientConvention::default_for(&self.optimizer))
    }

    /// The batch size used on a training set of `n` samples.
    pub fn effective_batch_size(&self, n: usize) -> usize {
        let wanted = match (self.batch_size, self.optimizer) {
            (Some(b), _) => b,
            (None, Optimizer::Gd) => n,
            (None, _) => DEFAULT_BATCH_SIZE,
        };
        wanted.clamp(1, n.max(1))
    }

    /// Trains `model` in place on `train`, evaluating on `train` and `test` after every
    /// `report_every`-th pass and calling `on_eval` with each evaluation as it happens. The
    /// last pass is evaluated too (into [`History::evaluations`] only, without `on_eval`).
    ///
    /// A pass visits every training sample once: in data order for full-batch runs, in a
    /// fresh `RandomState::shuffle` order for minibatch runs. All buffers are allocated
    /// before the first pass; the passes themselves do not allocate (bar the history).
    pub fn train(
        &self,
        model: &mut Mlp,
        train: &Dataset,
        test: Option<&Dataset>,
        mut on_eval: impl FnMut(&Evaluation),
    ) -> Result<History, TrainError> {
        self.train_watching(model, train, test, |e, _| on_eval(e))
    }

    /// [`Trainer::train`], with the network as it is at each report (for snapshots such as
    /// `moons train --animate`).
    pub fn train_watching(
        &self,
        model: &mut Mlp,
        train: &Dataset,
        test: Option<&Dataset>,
        mut on_eval: impl FnMut(&Evaluation, &Mlp),
    ) -> Result<History, TrainError> {
        let test = test.filter(|t| t.n_samples() > 0);
        let mut run = TrainingRun::start(self, model, train, test)?;
        let mut best: Option<(Mlp, usize, f64)> = None;
        let mut since_best = 0;
        let mut history = History::default();

        for pass in 0..self.passes {
            run.pass(model, train)?;
            let reported = pass % self.report_every == 0;
            if pass + TAIL_PASSES >= self.passes && !reported {
                let loss = run.train_loss(model, train)?;
                history.tail.push(Report { pass, loss });
            }
            if !reported {
                if pass + 1 == self.passes {
                    // The final state is always evaluated, but not reported: the seed's table
                    // prints multiples of `report_every` only.
                    history.evaluations.push(run.evaluate(model, train, test)?);
                }
                continue;
            }
            let eval = run.evaluate(model, train, test)?;
            on_eval(&eval, model);
            let report = Report {
                pass,
                loss: eval.train_loss,
            };
            history.reports.push(report);
            if pass + TAIL_PASSES >= self.passes {
                history.tail.push(report);
            }
            history.evaluations.push(eval);

            if let Some(patience) = self.patience {
                let monitored = eval.test_loss.unwrap_or(eval.train_loss);
                match &mut best {
                    Some((_, _, best_loss)) if monitored >= *best_loss => since_best += 1,
                    Some((weights, best_pass, best_loss)) => {
                        copy_weights(model, weights);
                        (*best_pass, *best_loss, since_best) = (pass, monitored, 0);
                    }
                    None => best = Some((model.clone(), pass, monitored)),
                }
                if since_best >= patience {
                    if let Some((weights, best_pass, best_loss)) = &best {
                        copy_weights(weights, model);
                        history.early_stop = Some(EarlyStop {
                            pass,
                            best_pass: *best_pass,
                            best_loss: *best_loss,
                        });
                    }
                    break;
                }
            }
        }
        Ok(history)
    }
}

pub(crate) fn checked_loss(
    model: &Mlp,
    x: ArrayView2<'_, f64>,
    y: ArrayView1<'_, usize>,
    reg: f64,
    ws: &mut Workspace,
    pass: usize,
) -> Result<f64, TrainError> {
    let loss = model.loss(x, y, reg, ws);
    if loss.is_finite() {
        Ok(loss)
    } else {
        Err(TrainError::NonFinite { pass, what: "loss" })
    }
}

/// Accuracy of the probabilities left in `ws` by the last forward pass over `y.len()` rows,
/// without allocating (first maximum wins, as `np.argmax`).
pub(crate) fn accuracy_of(ws: &Workspace, y: ArrayView1<'_, usize>) -> f64 {
    let probs = ws.probs_rows(y.len());
    let correct = probs
        .rows()
        .into_iter()
        .zip(y)
        .filter(|(row, &label)| {
            let mut best = 0;
            for (j, &p) in row.iter().enumerate() {
                if p > row[best] {
                    best = j;
                }
            }
            best == label
        })
        .count();
    correct as f64 / y.len().max(1) as f64
}

/// Copies weights between two networks of the same shape without allocating.
fn copy_weights(from: &Mlp, to: &mut Mlp) {
    for (src, dst) in from.layers.iter().zip(&mut to.layers) {
        dst.weights.assign(&src.weights);
        dst.bias.assign(&src.bias);
    }
}
