//! `LogisticRegression(C, tol, max_iter)`: one fit at a fixed `C`.

use moons_datasets::Dataset;
use moons_models::{Classifier, LogisticRegression};
use ndarray::{Array1, Array2};
use serde::Serialize;

use super::newton::{minimise, Solution};
use super::objective::Objective;
use crate::error::invalid;
use crate::{accuracy, Fit, TrainError};

/// Hyper-parameters of one penalised logistic regression.
///
/// Minimises `C · Σ_i loss_i + ½ |W|²` (intercepts unpenalised), scikit-learn's objective
/// for `LogisticRegression(C=c, penalty="l2")`: binary (sigmoid) for two classes,
/// multinomial (softmax) for three or more.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegressionParams {
    /// Inverse regularisation strength (scikit-learn's `C`).
    pub c: f64,
    /// Stop when every entry of scikit-learn's scaled gradient `∇F / (C n)` is at most this
    /// (scikit-learn's `tol` means the same for lbfgs, with default 1e-4; Newton's method
    /// reaches far tighter values in a few steps, so ours defaults to 1e-10).
    pub tol: f64,
    /// Newton steps allowed.
    pub max_iter: usize,
}

impl Default for LogisticRegressionParams {
    /// `C = 1`, `tol = 1e-10`, 100 steps.
    fn default() -> Self {
        Self {
            c: 1.0,
            tol: DEFAULT_TOL,
            max_iter: 100,
        }
    }
}

/// Up to this many parameters the solver is Newton's method (exact Hessian, Cholesky): a
/// few steps to machine precision. Beyond it, the Hessian's `n_params²` entries per row cost
/// more than L-BFGS's whole run.
pub const NEWTON_MAX_PARAMS: usize = 200;

/// The tightest scaled-gradient tolerance L-BFGS is asked for: ten times tighter than
/// scikit-learn's default 1e-4, while the 1e-10 that Newton reaches in a few steps would take
/// L-BFGS thousands of iterations.
pub const LBFGS_MIN_TOL: f64 = 1e-5;

/// The iterations L-BFGS may take (scikit-learn's `max_iter` counts L-BFGS iterations too).
pub const LBFGS_MAX_ITER: usize = 15_000;

/// The default gradient tolerance of our solver.
pub const DEFAULT_TOL: f64 = 1e-10;

/// How the solver ended: never silent about non-convergence.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SolverReport {
    /// `Newton` (up to 200 parameters) or `L-BFGS`.
    pub solver: &'static str,
    /// Newton steps (or L-BFGS iterations) taken.
    pub iterations: usize,
    /// Whether the gradient tolerance was met.
    pub converged: bool,
    /// Largest entry of the scaled gradient `∇F / (C n)` at the solution.
    pub gradient_max: f64,
    /// scikit-learn's objective `C Σ loss + ½ |W|²` at the solution.
    pub objective: f64,
    /// Set when the solver did not converge: what happened.
    pub warning: Option<String>,
}

/// A fitted model with how it was fitted.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedLogistic {
    /// The C it was fitted with.
    pub c: f64,
    /// The model.
    pub model: LogisticRegression,
    /// The solver's record.
    pub report: SolverReport,
    /// Accuracy on the training data.
    pub train_accuracy: f64,
}

impl LogisticRegressionParams {
    /// Checks every parameter, naming the first one out of range.
    pub fn validate(&self) -> Result<(), TrainError> {
        if !(self.c.is_finite() && self.c > 0.0) {
            return Err(invalid("C", self.c, "a finite number > 0"));
        }
        if !(self.tol.is_finite() && self.tol > 0.0) {
            return Err(invalid("tol", self.tol, "a finite number > 0"));
        }
        if self.max_iter == 0 {
            return Err(invalid("max-iter", self.max_iter, "an integer >= 1"));
        }
        Ok(())
    }

    /// scikit-learn's objective `C Σ loss + ½ |W|²` of `model` on `data`, and the largest
    /// entry of its scaled gradient `∇F / (C n)` (what scikit-learn's `tol` bounds): a way to
    /// check any solution, ours or scikit-learn's, against the optimum.
    pub fn evaluate(
        &self,
        data: &Dataset,
        model: &LogisticRegression,
    ) -> Result<(f64, f64), TrainError> {
        self.validate()?;
        let rows = check_data(data)?;
        model.check_input(data.x())?;
        if model.coef().nrows() != rows {
            return Err(invalid(
                "model",
                format!("{} coefficient rows", model.coef().nrows()),
                format!("{rows} for this data's classes"),
            ));
        }
        let theta: Vec<f64> = model
            .coef()
            .rows()
            .into_iter()
            .zip(model.intercept())
            .flat_map(|(w, &b)| {
                w.iter()
                    .copied()
                    .chain(std::iter::once(b))
                    .collect::<Vec<_>>()
            })
            .collect();
        let objective = Objective::new(data.x(), data.y(), self.c, rows);
        let gradient = objective.sklearn_gradient(&theta);
        let gradient_max = gradient.iter().fold(0.0f64, |m, g| m.max(g.abs())) / objective.scale();
        Ok((objective.sklearn_value(&theta), gradient_max))
    }

    /// Fits from `init` (a warm start in the layout of [`Objective`]) without re-validating.
    pub(crate) fn solve(
        &self,
        data: &Dataset,
        rows: usize,
        init: Option<Vec<f64>>,
    ) -> (Solution, f64) {
        let objective = Objective::new(data.x(), data.y(), self.c, rows);
        let theta = init.unwrap_or_else(|| vec![0.0; objective.n_params()]);
        let solution = if objective.n_params() <= NEWTON_MAX_PARAMS {
            minimise(&objective, theta, self.tol, self.max_iter)
        } else {
            // L-BFGS needs many more (cheap) steps than Newton's few (dear) ones.
            super::lbfgs::minimise(
                &objective,
                theta,
                self.tol.max(LBFGS_MIN_TOL),
                self.max_iter.max(LBFGS_MAX_ITER),
            )
        };
        let value = objective.sklearn_value(&solution.theta);
        (solution, value)
    }
}

impl Fit for LogisticRegressionParams {
    type Fitted = FittedLogistic;
    type Error = TrainError;

    fn fit(&self, data: &Dataset) -> Result<FittedLogistic, TrainError> {
        self.validate()?;
        let rows = check_data(data)?;
        let (solution, objective) = self.solve(data, rows, None);
        let report = SolverReport {
            solver: solution.solver,
            iterations: solution.iterations,
            converged: solution.converged,
            gradient_max: solution.gradient_max,
            objective,
            warning: warning_of(&solution, self.c),
        };
        let model = to_model(&solution.theta, rows, data.n_features())?;
        let train_accuracy = accuracy(&model, data);
        Ok(FittedLogistic {
            c: self.c,
            model,
            report,
            train_accuracy,
        })
    }
}

/// The sentence a user sees when a fit did not converge.
pub(crate) fn warning_of(solution: &Solution, c: f64) -> Option<String> {
    (!solution.converged).then(|| {
        format!(
            "the solver did not converge at C = {} after {} Newton steps: {} (largest scaled gradient {:.3e})",
            super::cs::display_c(c),
            solution.iterations,
            solution.stop_reason.as_deref().unwrap_or("tolerance not met"),
            solution.gradient_max
        )
    })
}

/// Checks the data and returns the number of coefficient rows (1 for two classes).
pub(crate) fn check_data(data: &Dataset) -> Result<usize, TrainError> {
    if data.n_samples() == 0 {
        return Err(invalid("samples", 0, "at least one training sample"));
    }
    if data.n_features() == 0 {
        return Err(invalid("features", 0, "at least one feature column"));
    }
    if data.features.iter().any(|v| !v.is_finite()) {
        return Err(invalid(
            "features",
            "a non-finite value",
            "finite numbers only",
        ));
    }
    let counts = data.class_counts();
    if counts.len() < 2 {
        return Err(invalid(
            "labels",
            "a single class",
            "samples of at least 2 classes",
        ));
    }
    if let Some(empty) = counts.iter().position(|&c| c == 0) {
        return Err(invalid(
            "labels",
            format!("no sample of class {empty}"),
            format!("every class 0..{} to occur", counts.len()),
        ));
    }
    Ok(if counts.len() == 2 { 1 } else { counts.len() })
}

/// Splits `θ` (rows of `[w, b]`) into scikit-learn's `coef_` and `intercept_`.
pub(crate) fn to_model(
    theta: &[f64],
    rows: usize,
    n_features: usize,
) -> Result<LogisticRegression, TrainError> {
    let block = n_features + 1;
    let mut coef = Array2::zeros((rows, n_features));
    let mut intercept = Array1::zeros(rows);
    for (k, chunk) in theta.chunks(block).take(rows).enumerate() {
        for (j, &w) in chunk.iter().take(n_features).enumerate() {
            coef[[k, j]] = w;
        }
        intercept[k] = chunk.get(n_features).copied().unwrap_or(0.0);
    }
    Ok(LogisticRegression::new(coef, intercept)?)
}
