//! `moons eval`: accuracy, log-loss, per-class precision, recall, F1 and support (scikit-learn's
//! classification_report) and the confusion matrix of a saved model on labelled points.

use anyhow::{bail, Result};
use moons_models::{ClassificationReport, Classifier, Estimator, SavedModel, Workspace};
use serde_json::json;

use crate::args::EvalArgs;
use crate::stdout::outln;

pub fn run(args: &EvalArgs) -> Result<()> {
    let model = SavedModel::load(&args.model)?;
    let (name, points) = super::read_points_for(&model, &args.data)?;
    let Some(labels) = &points.labels else {
        bail!(
            "{name} has no label column (the model has {} features, so eval needs {} columns); \
             use `moons predict` for unlabelled points",
            model.n_features(),
            model.n_features() + 1
        );
    };
    let n = labels.len();
    let scaled = model.scaler.transform(points.features.view());
    let log_loss = match &model.estimator {
        // The seed's loss without its L2 term: the mean cross-entropy, as training reports it.
        Estimator::Mlp(mlp) => mlp.loss(
            scaled.view(),
            labels.view(),
            0.0,
            &mut Workspace::new(mlp, n),
        ),
        Estimator::Logistic(_) => {
            let p = model.predict_proba(points.features.view());
            let total: f64 = labels
                .iter()
                .enumerate()
                .map(|(i, &y)| -p[[i, y]].max(f64::EPSILON).ln())
                .sum();
            total / n as f64
        }
    };
    let predictions = model.predict(points.features.view());
    let report = ClassificationReport::new(
        labels.as_slice().unwrap_or(&labels.to_vec()),
        predictions.as_slice().unwrap_or(&predictions.to_vec()),
        &model.classes,
    );
    let correct: usize = (0..model.classes.len())
        .map(|c| report.confusion_matrix[c][c])
        .sum();

    if args.json {
        let value = json!({
            "samples": n,
            "accuracy": report.accuracy,
            "log_loss": log_loss,
            "confusion_matrix": report.confusion_matrix,
            "classes": model.classes,
            "report": report.classes,
            "macro_avg": report.macro_avg,
            "weighted_avg": report.weighted_avg,
        });
        outln!("{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    outln!("samples:  {n}")?;
    outln!("accuracy: {} ({correct} of {n})", report.accuracy)?;
    outln!("log-loss: {log_loss:.6}")?;
    let width = model
        .classes
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max("weighted avg".len());
    outln!()?;
    outln!("{:>width$}  precision    recall  f1-score   support", "")?;
    for line in report
        .classes
        .iter()
        .chain([&report.macro_avg, &report.weighted_avg])
    {
        if line.class == "macro avg" {
            outln!()?;
        }
        outln!(
            "{:>width$}  {:>9.4} {:>9.4} {:>9.4} {:>9}",
            line.class,
            line.precision,
            line.recall,
            line.f1,
            line.support
        )?;
    }
    outln!()?;
    outln!("confusion matrix (rows: true class, columns: predicted class):")?;
    let cell = n
        .to_string()
        .len()
        .max(model.classes.iter().map(String::len).max().unwrap_or(1))
        .max(4);
    let header: String = model
        .classes
        .iter()
        .map(|c| format!(" {c:>cell$}"))
        .collect();
    outln!("{:>width$}{header}", "")?;
    for (c, row) in report.confusion_matrix.iter().enumerate() {
        let cells: String = row.iter().map(|v| format!(" {v:>cell$}")).collect();
        outln!("{:>width$}{cells}", model.classes[c])?;
    }
    Ok(())
}
