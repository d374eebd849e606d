//! `moons logreg`: the seed's first model, `LogisticRegressionCV()`, and why it is not enough.

use anyhow::Result;
use moons_train::{Fit, FittedLogisticCv, LogisticRegressionCv};
use serde::Serialize;

use crate::args::LogregArgs;
use crate::stdout::{note, outln};

/// What `--json` prints; the first five keys are the ones the issue fixes.
#[derive(Debug, Serialize)]
struct LogregJson<'a> {
    #[serde(rename = "C")]
    c: f64,
    coef: Vec<Vec<f64>>,
    intercept: Vec<f64>,
    accuracy: f64,
    scores: Vec<Vec<f64>>,
    #[serde(rename = "Cs")]
    cs: &'a [f64],
    mean_scores: &'a [f64],
    folds: usize,
    iterations: usize,
    converged: bool,
    gradient_max: f64,
    objective: f64,
    warnings: &'a [String],
}

pub fn run(args: &LogregArgs) -> Result<()> {
    let mut outputs = crate::output::prepare(
        &args
            .plot
            .iter()
            .map(|p| ("--plot", p.as_path()))
            .collect::<Vec<_>>(),
        &args
            .data_file
            .iter()
            .map(|p| ("--data", p.as_path()))
            .collect::<Vec<_>>(),
    )?;
    let data = super::load_file_or_moons(args.data_file.as_deref(), &args.data)?;
    let params = LogisticRegressionCv {
        cs: args.cs.clone(),
        folds: args.folds,
        ..LogisticRegressionCv::default()
    };
    let fitted = params.fit(&data)?;
    for warning in &fitted.warnings {
        note!("warning: {warning}");
    }
    if args.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(&to_json(&fitted, args.folds))?
        )?;
    } else {
        print_text(&fitted, args.folds)?;
    }
    if let Some(path) = &args.plot {
        outputs.release(path);
        moons_viz::plot_decision_boundary(&fitted.refit.model, &data, "Logistic Regression", path)?;
        note!("wrote {}", path.display());
    }
    Ok(())
}

fn rows(a: &ndarray::Array2<f64>) -> Vec<Vec<f64>> {
    a.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn to_json(fitted: &FittedLogisticCv, folds: usize) -> LogregJson<'_> {
    let refit = &fitted.refit;
    LogregJson {
        c: fitted.c,
        coef: rows(refit.model.coef()),
        intercept: refit.model.intercept().to_vec(),
        accuracy: refit.train_accuracy,
        scores: rows(&fitted.scores),
        cs: &fitted.cs,
        mean_scores: &fitted.mean_scores,
        folds,
        iterations: refit.report.iterations,
        converged: refit.report.converged,
        gradient_max: refit.report.gradient_max,
        objective: refit.report.objective,
        warnings: &fitted.warnings,
    }
}

fn print_text(fitted: &FittedLogisticCv, folds: usize) -> Result<()> {
    let refit = &fitted.refit;
    outln!(
        "Cross-validation: {folds}-fold stratified, accuracy, {} value{} of C",
        fitted.cs.len(),
        if fitted.cs.len() == 1 { "" } else { "s" }
    )?;
    for (j, (c, mean)) in fitted.cs.iter().zip(&fitted.mean_scores).enumerate() {
        let mark = if j == fitted.best_index {
            "  <- best"
        } else {
            ""
        };
        outln!(
            "  C = {:<22} mean accuracy {mean:.4}{mark}",
            moons_train::logreg::display_c(*c)
        )?;
    }
    outln!("C = {}", moons_train::logreg::display_c(fitted.c))?;
    outln!("coef = {:?}", rows(refit.model.coef()))?;
    outln!("intercept = {:?}", refit.model.intercept().to_vec())?;
    outln!("Training accuracy: {}", refit.train_accuracy)?;
    let status = if refit.report.converged {
        "converged"
    } else {
        "NOT converged"
    };
    outln!(
        "Solver: Newton, {} iterations, {status} (largest scaled gradient {:.1e})",
        refit.report.iterations,
        refit.report.gradient_max
    )?;
    Ok(())
}
