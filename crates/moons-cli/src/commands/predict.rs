//! `moons predict`: a saved model's predictions for the points of a CSV file.

use std::io::Write;

use anyhow::Result;
use moons_datasets::{read_points, Points};
use moons_models::{Classifier, Mlp};

use crate::args::PredictArgs;
use crate::output::write_atomically;

pub fn run(args: &PredictArgs) -> Result<()> {
    let model = Mlp::load_json(&args.model)?;
    let points = read_points(&args.data, model.n_features())?;
    let predictions = model.predict(points.features.view());
    match &args.out {
        Some(path) => write_atomically(path, |w| {
            write_predictions(&points, predictions.as_slice(), w)
        })?,
        None => write_predictions(
            &points,
            predictions.as_slice(),
            &mut std::io::stdout().lock(),
        )?,
    }
    if let Some(labels) = &points.labels {
        let correct = labels
            .iter()
            .zip(&predictions)
            .filter(|(y, p)| y == p)
            .count();
        let n = labels.len();
        eprintln!(
            "accuracy: {} ({correct} of {n} points)",
            correct as f64 / n as f64
        );
    }
    Ok(())
}

/// The input rows (features, then the label when there is one) and a final `prediction`
/// column; numbers in shortest round-trip form, so the features come back bit for bit.
fn write_predictions(
    points: &Points,
    predictions: Option<&[usize]>,
    w: &mut dyn Write,
) -> Result<()> {
    let d = points.features.ncols();
    let header = match &points.header {
        Some(fields) => fields.join(","),
        None => {
            let mut names: Vec<String> = (1..=d).map(|j| format!("x{j}")).collect();
            if points.labels.is_some() {
                names.push("label".into());
            }
            names.join(",")
        }
    };
    writeln!(w, "{header},prediction")?;
    let predictions = predictions.unwrap_or(&[]);
    for (i, (row, prediction)) in points
        .features
        .rows()
        .into_iter()
        .zip(predictions)
        .enumerate()
    {
        for x in row {
            write!(w, "{x},")?;
        }
        if let Some(label) = points.labels.as_ref().and_then(|l| l.get(i)) {
            write!(w, "{label},")?;
        }
        writeln!(w, "{prediction}")?;
    }
    Ok(())
}
