//! `moons predict`: a saved model's predictions (and with `--proba` its probabilities) for
//! the points of a CSV file, by class name.

use std::io::Write;

use anyhow::Result;
use moons_models::{Classifier, SavedModel};

use super::Points;
use crate::args::PredictArgs;
use crate::output::{prepare_given, write_file_or_stdout};
use crate::stdout::note;

pub fn run(args: &PredictArgs) -> Result<()> {
    let outputs = prepare_given(
        &[("--out", args.out.as_deref())],
        &[("--model", Some(&args.model)), ("--data", Some(&args.data))],
    )?;
    let model = SavedModel::load(&args.model)?;
    let (_, points) = super::read_points_for(&model, &args.data)?;
    let probabilities = model.predict_proba(points.features.view());
    let predictions = model.predict(points.features.view());
    drop(outputs);
    write_file_or_stdout(args.out.as_deref(), |w| {
        write_predictions(
            &points,
            &model.classes,
            predictions.as_slice().unwrap_or(&[]),
            args.proba.then_some(&probabilities),
            w,
        )
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

/// The input rows (features, then the label when there is one), a `prediction` column with
/// the class name and, with `--proba`, one `proba_<class>` column per class; numbers in
/// shortest round-trip form, so the features come back bit for bit.
fn write_predictions(
    points: &Points,
    classes: &[String],
    predictions: &[usize],
    probabilities: Option<&ndarray::Array2<f64>>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut header = points.feature_names.clone();
    if points.labels.is_some() {
        header.push(points.label_name.clone());
    }
    header.push("prediction".into());
    if probabilities.is_some() {
        header.extend(classes.iter().map(|c| format!("proba_{c}")));
    }
    writeln!(w, "{}", header.join(","))?;
    for (i, (row, &prediction)) in points
        .features
        .rows()
        .into_iter()
        .zip(predictions)
        .enumerate()
    {
        for x in row {
            write!(w, "{x},")?;
        }
        if let Some(label) = points.raw_labels.get(i) {
            write!(w, "{label},")?;
        }
        write!(w, "{}", classes[prediction])?;
        if let Some(p) = probabilities {
            for v in p.row(i) {
                write!(w, ",{v}")?;
            }
        }
        writeln!(w)?;
    }
    Ok(())
}
