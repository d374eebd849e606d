//! A training run one pass at a time: what [`Trainer::train`] loops over, and what a caller
//! that trains in steps (the playground) holds between them. Stepping `k` passes `n` times
//! gives the bits of one run of `k · n` passes.

use moons_datasets::{Dataset, RandomState};
use moons_models::{Gradients, Mlp, Workspace};
use ndarray::{s, Array1, Array2};

use crate::history::Evaluation;
use crate::optimizer::OptimizerState;
use crate::trainer::{accuracy_of, checked_loss, GradientConvention};
use crate::{TrainError, Trainer};

/// The buffers, optimizer state and shuffling stream of a run in progress.
///
/// The trainer's `learning_rate` and `reg_lambda` may change between passes
/// ([`TrainingRun::set_rates`]); its shape-giving settings (optimizer, batch size) are fixed
/// when the run starts.
#[derive(Clone, Debug)]
pub struct TrainingRun {
    trainer: Trainer,
    convention: GradientConvention,
    batch: usize,
    n_samples: usize,
    passes_done: usize,
    ws: Workspace,
    eval_ws: Workspace,
    grads: Gradients,
    state: OptimizerState,
    rng: RandomState,
    order: Vec<usize>,
    xb: Array2<f64>,
    yb: Array1<usize>,
}

impl TrainingRun {
    /// Checks the trainer, the model and the data, and allocates everything the passes need.
    pub fn start(
        trainer: &Trainer,
        model: &Mlp,
        train: &Dataset,
        test: Option<&Dataset>,
    ) -> Result<Self, TrainError> {
        trainer.validate()?;
        crate::fit::check_fit(model, train)?;
        let test = test.filter(|t| t.n_samples() > 0);
        if let Some(t) = test {
            crate::fit::check_fit(model, t)?;
        }
        let n = train.n_samples();
        let batch = trainer.effective_batch_size(n);
        let minibatch = batch < n;
        let eval_rows = test.map_or(n, |t| t.n_samples().max(n));
        Workspace::check_size(model, eval_rows)?;
        let mut eval_ws = Workspace::new(model, eval_rows);
        let mut ws = Workspace::new(model, batch);
        eval_ws.set_fast(trainer.fast);
        ws.set_fast(trainer.fast);
        let staged = if minibatch { batch } else { 0 };
        Ok(Self {
            trainer: trainer.clone(),
            convention: trainer.convention(),
            batch,
            n_samples: n,
            passes_done: 0,
            ws,
            eval_ws,
            grads: Gradients::zeros_like(model),
            state: OptimizerState::new(trainer.optimizer, model),
            rng: RandomState::new(trainer.shuffle_seed),
            order: (0..n).collect(),
            xb: Array2::zeros((staged, train.n_features())),
            yb: Array1::zeros(staged),
        })
    }

    /// The settings of the run.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// Changes the step size or λ between passes; a change that would make the trainer
    /// invalid is refused and leaves it as it was.
    pub fn set_rates(&mut self, learning_rate: f64, reg_lambda: f64) -> Result<(), TrainError> {
        let changed = Trainer {
            learning_rate,
            reg_lambda,
            ..self.trainer.clone()
        };
        changed.validate()?;
        self.trainer = changed;
        Ok(())
    }

    /// Passes completed so far.
    pub fn passes_done(&self) -> usize {
        self.passes_done
    }

    /// The step size the schedule gives the next pass.
    pub fn next_learning_rate(&self) -> f64 {
        self.trainer
            .schedule
            .rate(self.trainer.learning_rate, self.passes_done)
    }

    /// One pass over `train` (the data the run started with): in data order for full-batch
    /// runs, in a fresh `RandomState::shuffle` order for minibatch runs. Does not allocate.
    ///
    /// Called from a thread outside rayon's pool, a pass large enough for its kernels to split
    /// their work runs inside the pool (`moons_linalg::in_pool_when_worth`), so that a library
    /// user's main thread pays one hop a pass, not one per parallel section.
    pub fn pass(&mut self, model: &mut Mlp, train: &Dataset) -> Result<(), TrainError> {
        let work = self.batch.min(self.n_samples) * model.n_parameters();
        moons_linalg::in_pool_when_worth(work, || self.pass_here(model, train))
    }

    fn pass_here(&mut self, model: &mut Mlp, train: &Dataset) -> Result<(), TrainError> {
        debug_assert_eq!(train.n_samples(), self.n_samples);
        let pass = self.passes_done;
        let lr = self.next_learning_rate();
        if self.batch < self.n_samples {
            self.rng.shuffle(&mut self.order);
            for start in (0..self.n_samples).step_by(self.batch) {
                let chunk = &self.order[start..(start + self.batch).min(self.n_samples)];
                let rows = chunk.len();
                for ((mut dst, label), &src) in self
                    .xb
                    .rows_mut()
                    .into_iter()
                    .zip(self.yb.iter_mut())
                    .zip(chunk)
                {
                    dst.assign(&train.features.row(src));
                    *label = train.labels[src];
                }
                let x = self.xb.slice(s![..rows, ..]);
                let y = self.yb.slice(s![..rows]);
                model.gradients(x, y, self.trainer.reg_lambda, &mut self.ws, &mut self.grads);
                self.update(model, rows, lr, pass)?;
            }
        } else {
            model.gradients(
                train.x(),
                train.y(),
                self.trainer.reg_lambda,
                &mut self.ws,
                &mut self.grads,
            );
            self.update(model, self.n_samples, lr, pass)?;
        }
        self.passes_done += 1;
        Ok(())
    }

    fn update(
        &mut self,
        model: &mut Mlp,
        rows: usize,
        lr: f64,
        pass: usize,
    ) -> Result<(), TrainError> {
        if self.convention == GradientConvention::Mean {
            self.grads.scale(1.0 / rows as f64);
        }
        if !self.grads.is_finite() {
            return Err(TrainError::NonFinite {
                pass,
                what: "gradient",
            });
        }
        self.state.step(model, &self.grads, lr);
        Ok(())
    }

    /// The seed's `calculate_loss` on the training data after the last pass (what the seed
    /// prints), without the accuracies.
    pub fn train_loss(&mut self, model: &Mlp, train: &Dataset) -> Result<f64, TrainError> {
        checked_loss(
            model,
            train.x(),
            train.y(),
            self.trainer.reg_lambda,
            &mut self.eval_ws,
            self.passes_done.saturating_sub(1),
        )
    }

    /// Losses and accuracies after the last pass, on the training data and on `test`.
    pub fn evaluate(
        &mut self,
        model: &Mlp,
        train: &Dataset,
        test: Option<&Dataset>,
    ) -> Result<Evaluation, TrainError> {
        let pass = self.passes_done.saturating_sub(1);
        let learning_rate = self.trainer.schedule.rate(self.trainer.learning_rate, pass);
        let ws = &mut self.eval_ws;
        let reg = self.trainer.reg_lambda;
        let train_loss = checked_loss(model, train.x(), train.y(), reg, ws, pass)?;
        let train_accuracy = accuracy_of(ws, train.y());
        let (test_loss, test_accuracy) = match test.filter(|t| t.n_samples() > 0) {
            Some(t) => {
                let loss = checked_loss(model, t.x(), t.y(), 0.0, ws, pass)?;
                (Some(loss), Some(accuracy_of(ws, t.y())))
            }
            None => (None, None),
        };
        Ok(Evaluation {
            pass,
            learning_rate,
            train_loss,
            train_accuracy,
            test_loss,
            test_accuracy,
        })
    }
}
