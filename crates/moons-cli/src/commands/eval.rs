//! `moons eval`: accuracy, log-loss and confusion matrix of a saved model on labelled points.

use anyhow::{bail, Result};
use moons_datasets::parse_points;
use moons_models::{Classifier, Mlp, Workspace};
use serde_json::json;

use crate::args::EvalArgs;
use crate::stdout::outln;

pub fn run(args: &EvalArgs) -> Result<()> {
    let model = Mlp::load_json(&args.model)?;
    let (name, bytes) = crate::output::read_input(&args.data)?;
    let points = parse_points(&name, &bytes, model.n_features())?;
    let Some(labels) = &points.labels else {
        bail!(
            "{} has no label column (the model has {} features, so eval needs {} columns); \
             use `moons predict` for unlabelled points",
            name,
            model.n_features(),
            model.n_features() + 1
        );
    };
    let classes = model.n_classes();
    super::check_known_labels(&name, labels, classes)?;
    let x = points.features.view();
    let n = labels.len();
    // The seed's loss without its L2 term: the mean cross-entropy (log-loss).
    let log_loss = model.loss(x, labels.view(), 0.0, &mut Workspace::new(&model, n));
    let predictions = model.predict(x);
    let mut confusion = vec![vec![0usize; classes]; classes];
    for (&y, &p) in labels.iter().zip(&predictions) {
        if let Some(cell) = confusion.get_mut(y).and_then(|row| row.get_mut(p)) {
            *cell += 1;
        }
    }
    let correct: usize = (0..classes)
        .filter_map(|c| confusion.get(c).and_then(|r| r.get(c)))
        .sum();
    let accuracy = correct as f64 / n as f64;

    if args.json {
        let value = json!({
            "samples": n,
            "accuracy": accuracy,
            "log_loss": log_loss,
            "confusion_matrix": confusion,
        });
        outln!("{}", serde_json::to_string_pretty(&value)?)?;
        return Ok(());
    }
    outln!("samples:  {n}")?;
    outln!("accuracy: {accuracy} ({correct} of {n})")?;
    outln!("log-loss: {log_loss:.6}")?;
    outln!("confusion matrix (rows: true class, columns: predicted class):")?;
    let width = n.to_string().len().max(4);
    let header: String = (0..classes)
        .map(|c| format!(" {:>width$}", format!("p{c}")))
        .collect();
    outln!("{:>6}{header}", "")?;
    for (c, row) in confusion.iter().enumerate() {
        let cells: String = row.iter().map(|v| format!(" {v:>width$}")).collect();
        outln!("{:>6}{cells}", format!("true {c}"))?;
    }
    Ok(())
}
