//! `moons predict`: a saved model's predictions for the points of a CSV file.

use std::io::Write;

use anyhow::Result;
use moons_datasets::{parse_points, Points};
use moons_models::{Classifier, Mlp};

use crate::args::PredictArgs;
use crate::output::{prepare, read_input, write_file_or_stdout};
use crate::stdout::note;

pub fn run(args: &PredictArgs) -> Result<()> {
    let outputs = prepare(
        &args
            .out
            .iter()
            .map(|p| ("--out", p.as_path()))
            .collect::<Vec<_>>(),
        &[
            ("--model", args.model.as_path()),
            ("--data", args.data.as_path()),
        ],
    )?;
    let model = Mlp::load_json(&args.model)?;
    let (name, bytes) = read_input(&args.data)?;
    let points = parse_points(&name, &bytes, model.n_features())?;
    if let Some(labels) = &points.labels {
        super::check_known_labels(&name, labels, model.n_classes())?;
    }
    let predictions = model.predict(points.features.view());
    drop(outputs);
    write_file_or_stdout(args.out.as_deref(), |w| {
        write_predictions(&points, predictions.as_slice(), w)
    })?;
    if let Some(labels) = &points.labels {
        let correct = labels
            .iter()
            .zip(&predictions)
            .filter(|(y, p)| y == p)
            .count();
        let n = labels.len();
        note!(
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
) -> std::io::Result<()> {
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
