//! `LogisticRegressionCV()`: choose `C` by stratified cross-validated accuracy, then refit.

use moons_datasets::Dataset;
use ndarray::Array2;
use rayon::prelude::*;

use super::folds::{split_indices, stratified_folds};
use super::params::{
    check_data, to_model, warning_of, FittedLogistic, LogisticRegressionParams, DEFAULT_TOL,
};
use super::Cs;
use crate::error::invalid;
use crate::{accuracy, Fit, TrainError};

/// Cross-validated choice of `C`, as scikit-learn's `LogisticRegressionCV()` with its
/// defaults: `Cs = logspace(-4, 4, 10)`, `StratifiedKFold(5)` without shuffling, accuracy
/// scoring, the best summed (equivalently mean) score with ties to the first `C`, and a refit
/// on all the data at that `C`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticRegressionCv {
    /// The candidate values of `C`.
    pub cs: Cs,
    /// Number of stratified folds.
    pub folds: usize,
    /// Gradient tolerance of every fit (see [`LogisticRegressionParams::tol`]).
    pub tol: f64,
    /// Newton steps allowed per fit.
    pub max_iter: usize,
    /// Fit the folds on rayon's thread pool; the results are bit-identical either way.
    pub parallel: bool,
}

impl Default for LogisticRegressionCv {
    fn default() -> Self {
        Self {
            cs: Cs::default(),
            folds: 5,
            tol: DEFAULT_TOL,
            max_iter: 100,
            parallel: true,
        }
    }
}

/// The outcome of cross-validation and the refit.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedLogisticCv {
    /// The chosen `C` (scikit-learn's `C_`).
    pub c: f64,
    /// Its position in [`cs`](Self::cs).
    pub best_index: usize,
    /// The candidates tried (scikit-learn's `Cs_`).
    pub cs: Vec<f64>,
    /// Test accuracy of each fold (rows) at each `C` (columns): scikit-learn's `scores_`.
    pub scores: Array2<f64>,
    /// The mean over folds of each column of [`scores`](Self::scores).
    pub mean_scores: Vec<f64>,
    /// The test fold of every sample.
    pub test_fold: Vec<usize>,
    /// Newton steps of each fold (rows) at each `C` (columns).
    pub fold_iterations: Array2<usize>,
    /// The refit on all the data at [`c`](Self::c).
    pub refit: FittedLogistic,
    /// Everything worth telling the user: small classes, fits that did not converge.
    pub warnings: Vec<String>,
}

struct FoldResult {
    scores: Vec<f64>,
    iterations: Vec<usize>,
    warnings: Vec<String>,
}

impl LogisticRegressionCv {
    /// Checks every parameter, naming the first one out of range.
    pub fn validate(&self) -> Result<(), TrainError> {
        self.cs.values()?;
        if self.folds < 2 {
            return Err(invalid("folds", self.folds, "an integer >= 2"));
        }
        self.params(1.0).validate()
    }

    fn params(&self, c: f64) -> LogisticRegressionParams {
        LogisticRegressionParams {
            c,
            tol: self.tol,
            max_iter: self.max_iter,
        }
    }

    /// Fits every `C` on one fold's training part, from the previous `C`'s solution (the
    /// warm start scikit-learn's path uses; the optimum does not depend on it), and scores
    /// each on the fold's test part.
    fn run_fold(
        &self,
        data: &Dataset,
        rows: usize,
        test_fold: &[usize],
        k: usize,
        cs: &[f64],
    ) -> Result<FoldResult, TrainError> {
        let (train_idx, test_idx) = split_indices(test_fold, k);
        let (train, test) = (data.select(&train_idx), data.select(&test_idx));
        let present = train.class_counts();
        if present.len() < data.n_classes() || present.contains(&0) {
            let missing = (0..data.n_classes())
                .find(|&c| present.get(c).is_none_or(|&n| n == 0))
                .unwrap_or(0);
            return Err(invalid(
                "folds",
                self.folds,
                format!(
                    "fewer folds: the training part of fold {k} has no sample of class {missing}"
                ),
            ));
        }
        let mut result = FoldResult {
            scores: Vec::with_capacity(cs.len()),
            iterations: Vec::with_capacity(cs.len()),
            warnings: Vec::new(),
        };
        let mut warm = None;
        for &c in cs {
            let (solution, _) = self.params(c).solve(&train, rows, warm.take());
            if let Some(w) = warning_of(&solution, c) {
                result.warnings.push(format!("fold {k}: {w}"));
            }
            let model = to_model(&solution.theta, rows, data.n_features())?;
            result.scores.push(accuracy(&model, &test));
            result.iterations.push(solution.iterations);
            warm = Some(solution.theta);
        }
        Ok(result)
    }
}

impl Fit for LogisticRegressionCv {
    type Fitted = FittedLogisticCv;
    type Error = TrainError;

    fn fit(&self, data: &Dataset) -> Result<FittedLogisticCv, TrainError> {
        self.validate()?;
        let cs = self.cs.values()?;
        let rows = check_data(data)?;
        let labels: Vec<usize> = data.labels.to_vec();
        let (test_fold, fold_warning) = stratified_folds(&labels, self.folds)?;
        let run = |k: usize| self.run_fold(data, rows, &test_fold, k, &cs);
        // Each fold is a pure function of its index and `collect` keeps fold order, so the
        // parallel results are the sequential ones bit for bit.
        let results: Vec<FoldResult> = if self.parallel {
            (0..self.folds)
                .into_par_iter()
                .map(run)
                .collect::<Result<_, _>>()?
        } else {
            (0..self.folds).map(run).collect::<Result<_, _>>()?
        };

        let mut scores = Array2::zeros((self.folds, cs.len()));
        let mut fold_iterations = Array2::zeros((self.folds, cs.len()));
        let mut warnings: Vec<String> = fold_warning.into_iter().collect();
        for (k, fold) in results.into_iter().enumerate() {
            for (j, (&s, &it)) in fold.scores.iter().zip(&fold.iterations).enumerate() {
                scores[[k, j]] = s;
                fold_iterations[[k, j]] = it;
            }
            warnings.extend(fold.warnings);
        }
        // scikit-learn takes np.argmax of the per-C sums over folds (added in fold order):
        // the first maximum wins.
        let sums: Vec<f64> = scores
            .columns()
            .into_iter()
            .map(|col| col.iter().fold(0.0, |a, &s| a + s))
            .collect();
        let mut best_index = 0;
        for (j, &s) in sums.iter().enumerate() {
            if s > sums[best_index] {
                best_index = j;
            }
        }
        let c = cs[best_index];
        let refit = self.params(c).fit(data)?;
        warnings.extend(refit.report.warning.iter().map(|w| format!("refit: {w}")));
        let mean_scores = sums.iter().map(|s| s / self.folds as f64).collect();
        Ok(FittedLogisticCv {
            c,
            best_index,
            cs,
            scores,
            mean_scores,
            test_fold,
            fold_iterations,
            refit,
            warnings,
        })
    }
}
