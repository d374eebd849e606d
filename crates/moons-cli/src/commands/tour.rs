//! The default run: a guided tour of the seed tutorial, step by step, drawing its figures.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use moons_datasets::Dataset;
use moons_models::Classifier;
use moons_train::{
    hidden_size_sweep, with_separate_run, Fit, FittedNetwork, LogisticRegressionCv, SeedNetwork,
    Trainer, SEED_HIDDEN_SIZES,
};
use moons_viz::tutorial;

use crate::args::DataSource;
use crate::stdout::outln;

/// Where figures go when `--out` is not given.
const DEFAULT_OUT: &str = "figures";

/// The hidden width of the seed's main run.
const SEED_HIDDEN: usize = 3;

pub fn run(out: Option<&Path>) -> Result<()> {
    let out = out.map_or_else(|| PathBuf::from(DEFAULT_OUT), Path::to_path_buf);
    fs::create_dir_all(&out)
        .with_context(|| format!("cannot create the figures folder {}", out.display()))?;
    let figure = |name: &str| out.join(name);

    heading("1. The data")?;
    let data = super::load_data(&DataSource {
        samples: 200,
        noise: 0.2,
        seed: 0,
    })?;
    let counts = data.class_counts();
    outln!(
        "np.random.seed(0); make_moons(200, noise=0.20): {} points, {} per class.",
        data.n_samples(),
        counts.first().copied().unwrap_or(0)
    )?;
    tutorial::data(&data, &figure(tutorial::DATA))?;
    wrote(&figure(tutorial::DATA))?;

    // Logistic regression first: its cross-validation folds run on the thread pool, which
    // the sweep below keeps busy for its whole length.
    heading("2. Logistic regression")?;
    logistic_regression(&data, &figure(tutorial::LOGISTIC_REGRESSION))?;

    // The other widths train in the background while the H = 3 run prints its table and
    // draws its figures.
    let others: Vec<usize> = SEED_HIDDEN_SIZES
        .into_iter()
        .filter(|&h| h != SEED_HIDDEN)
        .collect();
    let (seed_run, others) = std::thread::scope(|scope| {
        // On a pool of its own: on the shared one its long tasks would hold back the
        // parallel parts of the H = 3 run's figures until the sweep ends.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(rayon::current_num_threads())
            .build()
            .context("cannot start the threads for the sweep")?;
        let (data, others) = (&data, &others);
        let sweep = scope.spawn(move || {
            pool.install(|| hidden_size_sweep(data, others, &SeedNetwork::default()))
        });

        heading("3. A network with 3 hidden units (2 -> 3 tanh -> 2 softmax)")?;
        let seed_run = seed_network(data)?;
        seed_figures(&seed_run, data, &figure)?;
        let others = sweep
            .join()
            .map_err(|_| anyhow::anyhow!("the hidden-size sweep stopped unexpectedly"))??;
        Ok::<_, anyhow::Error>((seed_run, others))
    })?;

    heading("4. Varying the hidden layer size")?;
    let runs: Vec<FittedNetwork> =
        with_separate_run(&SEED_HIDDEN_SIZES, SEED_HIDDEN, &seed_run, others)
            .context("the sweep returned fewer runs than widths")?;
    super::sweep::print_table(&super::sweep::summarize(&SEED_HIDDEN_SIZES, &runs))?;
    outln!("Small layers capture the general shape; large ones start to follow single points.")?;
    super::sweep::plot(
        &SEED_HIDDEN_SIZES,
        &runs,
        &data,
        &figure(tutorial::HIDDEN_SIZES),
    )?;
    wrote(&figure(tutorial::HIDDEN_SIZES))?;

    outln!()?;
    outln!("Next steps:")?;
    outln!(
        "  moons train --hidden 5                      another width, the same exact arithmetic"
    )?;
    outln!("  moons train --dataset spirals --classes 3 --hidden 16,16 --activation relu \\")?;
    outln!(
        "      --optimizer adam --reg 0.0001 --passes 400 --print-every 100 --test-fraction 0.25"
    )?;
    outln!("  moons --help                                every command; docs/tutorial.md explains each step")?;
    Ok(())
}

/// `== title ==`, after a blank line except at the very top (a piped tour starts with text).
fn heading(title: &str) -> Result<()> {
    static FIRST: std::sync::Once = std::sync::Once::new();
    let mut first = false;
    FIRST.call_once(|| first = true);
    if !first {
        outln!()?;
    }
    outln!("== {title} ==")?;
    Ok(())
}

fn wrote(path: &Path) -> Result<()> {
    outln!("Figure: {}", path.display())?;
    Ok(())
}

fn logistic_regression(data: &Dataset, path: &Path) -> Result<()> {
    let fitted = LogisticRegressionCv::default().fit(data)?;
    let model = &fitted.refit.model;
    let coef: Vec<String> = model.coef().iter().map(|c| format!("{c:.6}")).collect();
    let intercept: Vec<String> = model
        .intercept()
        .iter()
        .map(|b| format!("{b:.6}"))
        .collect();
    outln!(
        "LogisticRegressionCV() chose C = {:.7}: coef [{}], intercept [{}].",
        fitted.c,
        coef.join(", "),
        intercept.join(", ")
    )?;
    outln!(
        "Training accuracy: {} -- a straight line cannot follow the moons.",
        fitted.refit.train_accuracy
    )?;
    tutorial::logistic_regression(model, data, path)?;
    wrote(path)?;
    Ok(())
}

/// The seed's run, with the loss recorded after every pass for the loss-curve figure; the
/// table prints every 1000 passes as the seed's does.
fn seed_network(data: &Dataset) -> Result<FittedNetwork> {
    let params = SeedNetwork {
        trainer: Trainer {
            report_every: 1,
            ..Trainer::default()
        },
        ..SeedNetwork::default()
    };
    let print_every = SeedNetwork::default().trainer.report_every;
    let mut printing = Ok(());
    let fitted = params.fit_with(data, |r| {
        if r.pass % print_every == 0 && printing.is_ok() {
            printing = outln!("{}", super::train::loss_line(r.pass, r.loss));
        }
    })?;
    printing?;
    outln!("Training accuracy: {}", fitted.train_accuracy)?;
    super::train::print_oscillation(&fitted, true)?;
    Ok(fitted)
}

fn seed_figures(
    run: &FittedNetwork,
    data: &Dataset,
    figure: &dyn Fn(&str) -> PathBuf,
) -> Result<()> {
    let model: &dyn Classifier = &run.model;
    tutorial::hidden_3(model, data, &figure(tutorial::HIDDEN_3))?;
    wrote(&figure(tutorial::HIDDEN_3))?;
    tutorial::hidden_3_probability(model, data, &figure(tutorial::HIDDEN_3_PROBABILITY))?;
    wrote(&figure(tutorial::HIDDEN_3_PROBABILITY))?;
    let losses: Vec<(usize, f64)> = run
        .history
        .reports
        .iter()
        .map(|r| (r.pass, r.loss))
        .collect();
    let path = figure(tutorial::LOSS_CURVE);
    tutorial::loss_curve(&losses, &path)?;
    outln!(
        "Figure: {} (per pass: the two interleaved branches are the oscillation)",
        path.display()
    )?;
    Ok(())
}
