//! `cargo xtask figures`: regenerates every figure under `docs/figures/` from the seed's
//! experiments, and `cargo xtask figures --check` verifies the committed ones are current.
//!
//! Figures are deterministic byte for byte (numpy-exact data and training, single-threaded
//! runs, an embedded font, a PNG encoder without timestamps), so a check is a plain byte
//! comparison.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use moons_datasets::{make_moons, Dataset, RandomState};
use moons_models::Classifier;
use moons_train::{
    hidden_size_sweep, with_separate_run, Fit, FittedNetwork, LogisticRegressionCv, SeedNetwork,
    Trainer, SEED_HIDDEN_SIZES,
};
use moons_viz::tutorial;

/// Where the committed figures live, relative to the workspace root.
pub const FIGURES_DIR: &str = "docs/figures";

/// Every figure file `cargo xtask figures` writes, in the order of the tutorial.
pub const FIGURE_FILES: [&str; 6] = tutorial::FILES;

/// The hidden width of the seed's main run.
const SEED_HIDDEN: usize = 3;

/// `cargo xtask figures [--check] [--out DIR]`.
pub fn run(args: &[String]) -> Result<()> {
    let mut check = false;
    let mut out = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--out" => match rest.next() {
                Some(dir) => out = Some(PathBuf::from(dir)),
                None => bail!("--out needs a folder"),
            },
            "-h" | "--help" => {
                println!(
                    "usage: cargo xtask figures [--check] [--out DIR]\n\n\
                     Regenerates every figure under {FIGURES_DIR}/ (or DIR).\n\
                     --check  regenerate into a temporary folder and fail if {FIGURES_DIR}/ differs"
                );
                return Ok(());
            }
            other => bail!("unknown argument '{other}' (try `cargo xtask figures --help`)"),
        }
    }
    let committed = workspace_root().join(FIGURES_DIR);
    if check {
        let stale = check_against(&committed)?;
        if !stale.is_empty() {
            bail!(
                "{} figure(s) in {FIGURES_DIR}/ are out of date: {}; run `cargo xtask figures`",
                stale.len(),
                stale.join(", ")
            );
        }
        println!(
            "all {} figures in {FIGURES_DIR}/ are up to date",
            FIGURE_FILES.len()
        );
        return Ok(());
    }
    let out = out.unwrap_or(committed);
    for path in generate(&out)? {
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The workspace root (this crate's parent folder).
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Regenerates the figures into a temporary folder and names those that differ from (or are
/// missing in) `committed`.
pub fn check_against(committed: &Path) -> Result<Vec<String>> {
    let scratch = std::env::temp_dir().join(format!("moons-figures-check-{}", std::process::id()));
    fs::create_dir_all(&scratch).with_context(|| format!("cannot create {}", scratch.display()))?;
    let result = generate(&scratch).map(|_| {
        FIGURE_FILES
            .iter()
            .filter(|name| fs::read(scratch.join(name)).ok() != fs::read(committed.join(name)).ok())
            .map(|name| name.to_string())
            .collect()
    });
    let _ = fs::remove_dir_all(&scratch);
    result
}

/// Everything the figures show: the seed's data and the models trained on it.
struct SeedRuns {
    data: Dataset,
    logistic: moons_models::LogisticRegression,
    /// The H = 3 run with the loss recorded after every pass.
    seed_run: FittedNetwork,
    /// One run per width of [`SEED_HIDDEN_SIZES`], in that order.
    sweep: Vec<FittedNetwork>,
}

impl SeedRuns {
    fn train() -> Result<Self> {
        let data = make_moons(200, 0.20, true, &mut RandomState::new(0))?;
        // Recording the loss every pass only adds loss evaluations, so this run's model is the
        // sweep's H = 3 model bit for bit and the sweep need not train it again.
        let per_pass = SeedNetwork {
            trainer: Trainer {
                report_every: 1,
                ..Trainer::default()
            },
            ..SeedNetwork::default()
        };
        let others: Vec<usize> = SEED_HIDDEN_SIZES
            .into_iter()
            .filter(|&h| h != SEED_HIDDEN)
            .collect();
        let (seed_run, (logistic, others)) = rayon::join(
            || per_pass.fit(&data),
            || {
                rayon::join(
                    || LogisticRegressionCv::default().fit(&data),
                    || hidden_size_sweep(&data, &others, &SeedNetwork::default()),
                )
            },
        );
        let seed_run = seed_run?;
        let sweep = with_separate_run(&SEED_HIDDEN_SIZES, SEED_HIDDEN, &seed_run, others?)
            .context("the sweep returned fewer runs than widths")?;
        Ok(Self {
            logistic: logistic?.refit.model,
            data,
            seed_run,
            sweep,
        })
    }
}

/// Trains the seed's models and writes every figure of [`FIGURE_FILES`] into `out`.
pub fn generate(out: &Path) -> Result<Vec<PathBuf>> {
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let runs = SeedRuns::train()?;
    let data = &runs.data;
    let path = |name: &str| out.join(name);
    let seed_model = &runs.seed_run.model;
    let losses: Vec<(usize, f64)> = runs
        .seed_run
        .history
        .reports
        .iter()
        .map(|r| (r.pass, r.loss))
        .collect();
    let sweep: Vec<(usize, &dyn Classifier)> = SEED_HIDDEN_SIZES
        .iter()
        .zip(&runs.sweep)
        .map(|(&h, run)| (h, &run.model as &dyn Classifier))
        .collect();

    tutorial::data(data, &path(tutorial::DATA))?;
    tutorial::logistic_regression(&runs.logistic, data, &path(tutorial::LOGISTIC_REGRESSION))?;
    tutorial::hidden_3(seed_model, data, &path(tutorial::HIDDEN_3))?;
    tutorial::hidden_3_probability(seed_model, data, &path(tutorial::HIDDEN_3_PROBABILITY))?;
    tutorial::hidden_sizes(&sweep, data, &path(tutorial::HIDDEN_SIZES))?;
    tutorial::loss_curve(&losses, &path(tutorial::LOSS_CURVE))?;
    Ok(FIGURE_FILES.iter().map(|name| path(name)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The commit guard: the committed figures are exactly what `cargo xtask figures` makes.
    #[test]
    fn committed_figures_are_up_to_date() {
        let committed = workspace_root().join(FIGURES_DIR);
        let stale = check_against(&committed).unwrap();
        assert!(
            stale.is_empty(),
            "stale figures {stale:?}: run `cargo xtask figures`"
        );
    }
}
