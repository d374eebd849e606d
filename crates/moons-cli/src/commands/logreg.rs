//! `moons logreg`: the seed's first model, `LogisticRegressionCV()`, and why it is not enough;
//! on a user's data, a first-class model that is scaled, scored on held-out rows and saved.

use anyhow::Result;
use moons_models::{Estimator, SavedModel};
use moons_train::{
    accuracy, Fit, FittedLogistic, FittedLogisticCv, LogisticRegressionCv, LogisticRegressionParams,
};
use serde::Serialize;

use crate::args::LogregArgs;
use crate::stdout::{note, outln};

/// What `--json` prints; the first five keys are the ones the seed's issue fixed.
#[derive(Debug, Serialize)]
struct LogregJson<'a> {
    #[serde(rename = "C")]
    c: f64,
    coef: Vec<Vec<f64>>,
    intercept: Vec<f64>,
    accuracy: f64,
    scores: Option<Vec<Vec<f64>>>,
    #[serde(rename = "Cs")]
    cs: &'a [f64],
    mean_scores: &'a [f64],
    folds: Option<usize>,
    iterations: usize,
    converged: bool,
    gradient_max: f64,
    objective: f64,
    warnings: &'a [String],
    test_accuracy: Option<f64>,
    classes: &'a [String],
    scale: moons_models::ScalerKind,
}

/// One fit at a fixed C, or the cross-validated one.
enum Fitted {
    Fixed(FittedLogistic),
    Cv(Box<FittedLogisticCv>),
}

impl Fitted {
    fn refit(&self) -> &FittedLogistic {
        match self {
            Fitted::Fixed(f) => f,
            Fitted::Cv(f) => &f.refit,
        }
    }
}

pub fn run(args: &LogregArgs) -> Result<()> {
    let mut outputs = crate::output::prepare_given(
        &[
            ("--save", args.save.as_deref()),
            ("--plot", args.plot.as_deref()),
        ],
        &[
            ("--data", args.data_file.as_deref()),
            ("--test-data", args.test_data.as_deref()),
        ],
    )?;
    let prepared = super::prepare::prepare(&super::prepare::Source {
        file: args.data_file.as_deref(),
        test_file: args.test_data.as_deref(),
        csv: &args.csv,
        data: &args.data,
        generator: None,
        test_fraction: args.test_fraction,
        write_split: None,
    })?;
    let fitted = match args.c {
        Some(c) => Fitted::Fixed(
            LogisticRegressionParams {
                c,
                ..LogisticRegressionParams::default()
            }
            .fit(&prepared.train)?,
        ),
        None => Fitted::Cv(Box::new(
            LogisticRegressionCv {
                cs: args.cs.clone(),
                folds: args.folds,
                ..LogisticRegressionCv::default()
            }
            .fit(&prepared.train)?,
        )),
    };
    let warnings: Vec<String> = match &fitted {
        Fitted::Fixed(f) => f.report.warning.iter().cloned().collect(),
        Fitted::Cv(f) => f.warnings.clone(),
    };
    for warning in &warnings {
        note!("warning: {warning}");
    }
    let model = &fitted.refit().model;
    let test_accuracy = (prepared.test.n_samples() > 0).then(|| accuracy(model, &prepared.test));
    let saved = SavedModel {
        estimator: Estimator::Logistic(model.clone()),
        scaler: prepared.scaler.clone(),
        classes: prepared.classes.clone(),
        feature_names: prepared.feature_names.clone(),
        label_name: prepared.label_name.clone(),
    };
    if args.json {
        let json = to_json(&fitted, &warnings, test_accuracy, &saved);
        outln!("{}", serde_json::to_string_pretty(&json)?)?;
    } else {
        print_text(&fitted, test_accuracy)?;
    }
    if let Some(path) = &args.save {
        outputs.release(path);
        saved.save(path)?;
        note!("saved the model to {}", path.display());
    }
    if let Some(path) = &args.plot {
        outputs.release(path);
        moons_viz::plot_decision_boundary(&saved, &prepared.raw, "Logistic Regression", path)?;
        note!("wrote {}", path.display());
    }
    Ok(())
}

fn rows(a: &ndarray::Array2<f64>) -> Vec<Vec<f64>> {
    a.rows().into_iter().map(|r| r.to_vec()).collect()
}

fn to_json<'a>(
    fitted: &'a Fitted,
    warnings: &'a [String],
    test_accuracy: Option<f64>,
    saved: &'a SavedModel,
) -> LogregJson<'a> {
    let refit = fitted.refit();
    let (scores, cs, mean_scores, folds): (_, &[f64], &[f64], _) = match fitted {
        Fitted::Fixed(_) => (None, &[], &[], None),
        Fitted::Cv(f) => (
            Some(rows(&f.scores)),
            &f.cs,
            &f.mean_scores,
            Some(f.scores.nrows()),
        ),
    };
    LogregJson {
        c: refit.c,
        coef: rows(refit.model.coef()),
        intercept: refit.model.intercept().to_vec(),
        accuracy: refit.train_accuracy,
        scores,
        cs,
        mean_scores,
        folds,
        iterations: refit.report.iterations,
        converged: refit.report.converged,
        gradient_max: refit.report.gradient_max,
        objective: refit.report.objective,
        warnings,
        test_accuracy,
        classes: &saved.classes,
        scale: saved.scaler.kind(),
    }
}

fn print_text(fitted: &Fitted, test_accuracy: Option<f64>) -> Result<()> {
    let refit = fitted.refit();
    if let Fitted::Cv(cv) = fitted {
        outln!(
            "Cross-validation: {}-fold stratified, accuracy, {} value{} of C",
            cv.scores.nrows(),
            cv.cs.len(),
            if cv.cs.len() == 1 { "" } else { "s" }
        )?;
        for (j, (c, mean)) in cv.cs.iter().zip(&cv.mean_scores).enumerate() {
            let mark = if j == cv.best_index { "  <- best" } else { "" };
            outln!(
                "  C = {:<22} mean accuracy {mean:.4}{mark}",
                moons_train::logreg::display_c(*c)
            )?;
        }
    }
    outln!("C = {}", moons_train::logreg::display_c(refit.c))?;
    if refit.model.coef().len() <= 12 {
        outln!("coef = {:?}", rows(refit.model.coef()))?;
        outln!("intercept = {:?}", refit.model.intercept().to_vec())?;
    } else {
        let coef = refit.model.coef();
        outln!(
            "coef: {} x {} (see --json or --save for the numbers)",
            coef.nrows(),
            coef.ncols()
        )?;
    }
    outln!("Training accuracy: {}", refit.train_accuracy)?;
    if let Some(acc) = test_accuracy {
        outln!("Test accuracy: {acc}")?;
    }
    let status = if refit.report.converged {
        "converged"
    } else {
        "NOT converged"
    };
    outln!(
        "Solver: {}, {} iterations, {status} (largest scaled gradient {:.1e})",
        refit.report.solver,
        refit.report.iterations,
        refit.report.gradient_max
    )?;
    Ok(())
}
