//! `moons sweep`: the seed's hidden-layer-size experiment, one line per width.

use anyhow::Result;
use moons_datasets::Dataset;
use moons_models::Classifier;
use moons_train::{hidden_size_sweep_with, FittedNetwork, SeedNetwork, Trainer};
use serde::Serialize;

use crate::args::SweepArgs;
use crate::progress::Progress;
use crate::stdout::{note, outln};

/// One width's outcome, as printed and as `--json` writes it.
#[derive(Debug, Serialize)]
pub(crate) struct SweepLine {
    pub hidden: usize,
    /// Loss after the last pass.
    pub final_loss: f64,
    pub train_accuracy: f64,
}

pub fn run(args: &SweepArgs) -> Result<()> {
    let data = super::load_file_or_moons(args.data_file.as_deref(), &args.data)?;
    let base = SeedNetwork {
        init_seed: args.data.seed,
        trainer: Trainer {
            learning_rate: args.lr,
            reg_lambda: args.reg,
            passes: args.passes,
            ..Trainer::default()
        },
        ..SeedNetwork::default()
    };
    let mut outputs = crate::output::prepare_given(
        &[("--plot", args.plot.as_deref())],
        &[("--data", args.data_file.as_deref())],
    )?;
    let total = (args.passes * args.hidden.len()) as u64;
    let progress = Progress::passes(total, &format!("training {} networks", args.hidden.len()));
    let done = std::sync::Mutex::new(vec![0u64; args.hidden.len()]);
    let runs = hidden_size_sweep_with(&data, &args.hidden, &base, |width, r| {
        if let Ok(mut done) = done.lock() {
            done[width] = r.pass as u64 + 1;
            progress.set(done.iter().sum());
        }
    })?;
    drop(progress);
    let lines = summarize(&args.hidden, &runs);
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&lines)?)?;
    } else {
        print_table(&lines)?;
    }
    if let Some(path) = &args.plot {
        outputs.release(path);
        plot(&args.hidden, &runs, &data, path)?;
        if crate::progress::chatty() {
            note!("wrote {}", path.display());
        }
    }
    Ok(())
}

/// One line per width.
pub(crate) fn summarize(hidden: &[usize], runs: &[FittedNetwork]) -> Vec<SweepLine> {
    hidden
        .iter()
        .zip(runs)
        .map(|(&hidden, run)| SweepLine {
            hidden,
            final_loss: final_loss(run),
            train_accuracy: run.train_accuracy,
        })
        .collect()
}

/// The loss after the very last pass (the last report may be up to `report_every` earlier).
pub(crate) fn final_loss(run: &FittedNetwork) -> f64 {
    run.history
        .tail
        .last()
        .or(run.history.reports.last())
        .map_or(f64::NAN, |r| r.loss)
}

/// `H = 3    loss 0.070758    training accuracy 0.975`, aligned.
pub(crate) fn print_table(lines: &[SweepLine]) -> Result<()> {
    let width = lines
        .iter()
        .map(|l| l.hidden.to_string().len())
        .max()
        .unwrap_or(1);
    for line in lines {
        outln!(
            "H = {:<width$}   loss {:.6}   training accuracy {}",
            line.hidden,
            line.final_loss,
            line.train_accuracy
        )?;
    }
    Ok(())
}

/// The seed's last figure: one decision-boundary panel per width.
pub(crate) fn plot(
    hidden: &[usize],
    runs: &[FittedNetwork],
    data: &Dataset,
    path: &std::path::Path,
) -> Result<()> {
    let panels: Vec<(usize, &dyn Classifier)> = hidden
        .iter()
        .zip(runs)
        .map(|(&h, run)| (h, &run.model as &dyn Classifier))
        .collect();
    moons_viz::tutorial::hidden_sizes(&panels, data, path)?;
    Ok(())
}
