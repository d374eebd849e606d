//! `moons train`: the seed's network, its loss table and accuracy, or any network, optimizer
//! and data set beyond it.

use anyhow::Result;
use moons_datasets::RandomState;
use moons_models::{Activation, Estimator, Init, Mlp, SavedModel};
use moons_train::{
    accuracy, Evaluation, FittedNetwork, GradientConvention, History, LrSchedule, Optimizer,
    Trainer,
};
use serde_json::json;

use crate::args::{GradientName, OptimizerName, ScheduleName, TrainArgs};
use crate::progress::Progress;
use crate::stdout::{note, outln};
use crate::usage::usage;

/// The settings that differ between the seed's generated data and a user's CSV file.
pub struct Hyper {
    pub hidden: Vec<usize>,
    pub activation: String,
    pub optimizer: OptimizerName,
    pub passes: usize,
    pub lr: f64,
    pub reg: f64,
    pub print_every: usize,
    pub batch_size: Option<usize>,
}

impl Hyper {
    /// The flags as given, the rest from the seed's defaults (generated data) or from
    /// defaults that train well on real data (`--data`: scikit-learn's `MLPClassifier()`:
    /// 100 relu units, Adam at 0.001 on batches of 200, alpha 0.0001, 200 epochs).
    pub fn of(args: &TrainArgs, from_file: bool) -> Self {
        let csv = from_file;
        let optimizer = args.optimizer.unwrap_or(if csv {
            OptimizerName::Adam
        } else {
            OptimizerName::Gd
        });
        Self {
            hidden: args
                .hidden
                .clone()
                .unwrap_or_else(|| vec![if csv { 100 } else { 3 }]),
            activation: args
                .activation
                .clone()
                .unwrap_or_else(|| if csv { "relu" } else { "tanh" }.into()),
            optimizer,
            passes: args.passes.unwrap_or(if csv { 200 } else { 20_000 }),
            lr: args.lr.unwrap_or(if csv { 0.001 } else { 0.01 }),
            reg: args.reg.unwrap_or(if csv { 0.0001 } else { 0.01 }),
            print_every: args.print_every.unwrap_or(if csv { 20 } else { 1000 }),
            batch_size: args
                .batch_size
                .or((csv && optimizer != OptimizerName::Gd).then_some(200)),
        }
    }
}

pub fn run(args: &TrainArgs) -> Result<()> {
    if let Some(out) = &args.out {
        usage!(
            "train saves the model with --save, not --out: try `--save {}` (--out is a flag \
             of `moons data` and `moons predict`)",
            out.display()
        );
    }
    if args.test_data.is_some() && args.test_fraction > 0.0 {
        usage!("--test-data and --test-fraction both make a test set: give one of them");
    }
    if args.write_split.is_some() && args.test_fraction == 0.0 {
        usage!(
            "--write-split writes the split that --test-fraction makes: give --test-fraction too"
        );
    }
    let hp = Hyper::of(args, args.data_file.is_some());
    let trainer = trainer(args, &hp)?;
    trainer.validate()?;
    let activation: Activation = hp.activation.parse().map_err(anyhow::Error::msg)?;
    let init = match &args.init {
        Some(name) => name.parse().map_err(anyhow::Error::msg)?,
        None => default_init(activation),
    };
    // Every output is proven writable, and distinct from the others and from the inputs,
    // before a long training run rather than after it.
    let mut outputs = crate::output::prepare_given(
        &[
            ("--save", args.save.as_deref()),
            ("--plot", args.plot.as_deref()),
            ("--animate", args.animate.as_deref()),
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
        generator: Some(&args.generator),
        test_fraction: args.test_fraction,
        write_split: args.write_split.as_deref(),
    })?;
    let (train, test) = (&prepared.train, &prepared.test);
    let source = prepared.source.clone();
    let mut model = Mlp::new(
        train.n_features(),
        &hp.hidden,
        prepared.classes.len(),
        activation,
        init,
        &mut RandomState::new(args.data.seed),
    )?;
    let test_set = (test.n_samples() > 0).then_some(test);

    let progress = Progress::passes(hp.passes as u64, "training");
    // The first failure to print a report; training goes on, and the run fails at the end.
    let mut printing: Result<()> = Ok(());
    if args.animate.is_some() && train.n_features() != 2 {
        usage!(
            "--animate draws the boundary over two features; this data has {}",
            train.n_features()
        );
    }
    let mut snapshots: Vec<(usize, Mlp)> = Vec::new();
    let history = trainer.train_watching(&mut model, train, test_set, |e, now| {
        if args.animate.is_some() {
            snapshots.push((e.pass, now.clone()));
        }
        progress.set(e.pass as u64 + 1);
        if !args.json && printing.is_ok() {
            printing = progress.println(&evaluation_line(e));
        }
    })?;
    printing?;
    drop(progress);
    let train_accuracy = accuracy(&model, train);
    let test_accuracy = test_set.map(|t| accuracy(&model, t));
    let warning = not_converging(&history, &trainer, train, train_accuracy, &prepared.scaler);

    let saved = SavedModel {
        estimator: Estimator::Mlp(model),
        scaler: prepared.scaler.clone(),
        classes: prepared.classes.clone(),
        feature_names: prepared.feature_names.clone(),
        label_name: prepared.label_name.clone(),
    };
    if let Some(path) = &args.save {
        outputs.release(path);
        saved.save(path)?;
        if !args.json && crate::progress::chatty() {
            note!("saved the model to {}", path.display());
        }
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "{source}: {} {} ({}), test accuracy {}",
            activation,
            hidden_label(&hp.hidden),
            trainer.optimizer.name(),
            test_accuracy.map_or("n/a".to_string(), |a| a.to_string())
        );
        outputs.release(path);
        // Drawn in the data's own units: the saved model scales what it is given.
        moons_viz::plot_decision_boundary(&saved, &prepared.raw, &title, path)?;
    }

    if let Some(path) = &args.animate {
        let last = history.evaluations.last().map_or(0, |e| e.pass);
        if let Some(trained) = saved.mlp() {
            if snapshots.last().is_none_or(|(pass, _)| *pass != last) {
                snapshots.push((last, trained.clone()));
            }
        }
        outputs.release(path);
        moons_viz::save_animation(&snapshots, train, path)?;
    }
    if let Some(warning) = &warning {
        note!("warning: {warning}");
    }
    if args.json {
        // The settings as run: the defaults the optimizer picked, not `null`.
        let effective = Trainer {
            gradient: Some(trainer.convention()),
            batch_size: Some(trainer.effective_batch_size(train.n_samples())),
            ..trainer.clone()
        };
        let outcome = Outcome {
            trainer: &effective,
            saved: &saved,
            history: &history,
            train_accuracy,
            test_accuracy,
            source: &source,
            warning: warning.as_deref(),
        };
        print_json(args, &hp, &outcome)?;
        return Ok(());
    }
    outln!("Training accuracy: {train_accuracy}")?;
    if let Some(acc) = test_accuracy {
        outln!("Test accuracy: {acc}")?;
    }
    if let Some(stop) = history.early_stop {
        outln!(
            "Stopped early after pass {}: the monitored loss last improved at pass {} ({:.6}); \
             the weights from that pass are kept.",
            stop.pass,
            stop.best_pass,
            stop.best_loss
        )?;
    }
    let full_batch = trainer.effective_batch_size(train.n_samples()) == train.n_samples();
    print_oscillation_of(
        &history,
        is_seed_run(args, &hp),
        full_batch && trainer.optimizer == Optimizer::Gd,
    )
}

/// The trainer the flags describe; every random stream starts from `--seed`.
fn trainer(args: &TrainArgs, hp: &Hyper) -> Result<Trainer> {
    let optimizer = match hp.optimizer {
        OptimizerName::Gd => Optimizer::Gd,
        OptimizerName::Sgd => Optimizer::Sgd {
            momentum: args.momentum,
            nesterov: args.nesterov,
        },
        OptimizerName::Adam => Optimizer::adam(),
    };
    if hp.optimizer != OptimizerName::Sgd && (args.momentum != 0.0 || args.nesterov) {
        usage!("--momentum and --nesterov apply to --optimizer sgd only");
    }
    let schedule = match args.lr_schedule {
        ScheduleName::Constant => LrSchedule::Constant,
        ScheduleName::InverseTime => LrSchedule::InverseTime {
            decay: args.decay.unwrap_or(0.01),
        },
        ScheduleName::Exponential => LrSchedule::Exponential {
            decay: args.decay.unwrap_or(0.01),
        },
        ScheduleName::Step => LrSchedule::Step {
            factor: args.decay.unwrap_or(0.5),
            every: args.step_size,
        },
    };
    Ok(Trainer {
        optimizer,
        learning_rate: hp.lr,
        schedule,
        reg_lambda: hp.reg,
        batch_size: hp.batch_size,
        gradient: args.gradient.map(|g| match g {
            GradientName::Sum => GradientConvention::Sum,
            GradientName::Mean => GradientConvention::Mean,
        }),
        passes: hp.passes,
        report_every: hp.print_every,
        patience: args.patience,
        shuffle_seed: args.data.seed,
        fast: args.fast,
    })
}

/// Why the run did not train, and the flag that fixes it: a loss that rose or swung over the
/// last reports, or a training accuracy no better than always answering the commonest class.
fn not_converging(
    history: &History,
    trainer: &Trainer,
    train: &moons_datasets::Dataset,
    train_accuracy: f64,
    scaler: &moons_models::Scaler,
) -> Option<String> {
    let n = train.n_samples();
    let losses: Vec<f64> = history
        .evaluations
        .iter()
        .rev()
        .take(5)
        .rev()
        .map(|e| e.train_loss)
        .collect();
    let majority = train.class_counts().into_iter().max().unwrap_or(0) as f64 / n.max(1) as f64;
    let cause = if let [first, .., last] = losses.as_slice() {
        let swings = losses
            .windows(3)
            .filter(|w| {
                (w[1] - w[0]) * (w[2] - w[1]) < 0.0 && (w[1] - w[0]).abs() > 0.01 * w[1].abs()
            })
            .count();
        if *last > first * 1.01 {
            Some("the training loss rose over the last reports")
        } else if swings >= 2 {
            Some("the training loss swung up and down over the last reports")
        } else {
            None
        }
    } else {
        None
    };
    let chance = train_accuracy <= majority + 0.01 && majority < 1.0;
    let cause = match (cause, chance) {
        (Some(c), _) => c.to_string(),
        (None, true) => format!(
            "the training accuracy {train_accuracy} is no better than always predicting the \
             commonest class ({majority})"
        ),
        (None, false) => return None,
    };
    let ranges: Vec<f64> = train
        .features
        .columns()
        .into_iter()
        .map(|c| {
            c.fold(f64::NEG_INFINITY, |m, &v| m.max(v)) - c.fold(f64::INFINITY, |m, &v| m.min(v))
        })
        .collect();
    let unequal = ranges.iter().cloned().fold(0.0, f64::max)
        > 100.0 * ranges.iter().cloned().fold(f64::INFINITY, f64::min);
    let mut fix = if trainer.convention() == GradientConvention::Sum
        && trainer.effective_batch_size(n) > 200
    {
        format!(
            "with --gradient sum the step grows with the batch ({} rows here; the seed's step is \
             tuned for 200): use --gradient mean, a smaller --lr, or --optimizer adam",
            trainer.effective_batch_size(n)
        )
    } else if chance && history.evaluations.last().is_some_and(|e| e.pass < 100) {
        format!(
            "train longer (--passes, now {}) or change --lr (now {})",
            trainer.passes, trainer.learning_rate
        )
    } else {
        format!(
            "try a smaller --lr (now {}) or more --passes",
            trainer.learning_rate
        )
    };
    if unequal && matches!(scaler, moons_models::Scaler::None) {
        fix.push_str(
            "; the features' ranges differ a hundredfold: --scale standard puts them on one scale",
        );
    }
    Some(format!("the network is not converging: {cause}; {fix}"))
}

/// The seed's initialisation for its own activation, He's for the rectifiers, Glorot's otherwise.
fn default_init(activation: Activation) -> Init {
    match activation {
        Activation::Tanh => Init::Seed,
        Activation::Relu | Activation::LeakyRelu => Init::He,
        Activation::Sigmoid | Activation::Identity => Init::Xavier,
    }
}

/// The seed's line: `Loss after iteration {pass}: {loss:.6}`.
pub fn loss_line(pass: usize, loss: f64) -> String {
    format!("Loss after iteration {pass}: {loss:.6}")
}

/// The seed's line, with the held-out figures after it when there is a test set.
fn evaluation_line(e: &Evaluation) -> String {
    let line = loss_line(e.pass, e.train_loss);
    match (e.test_loss, e.test_accuracy) {
        (Some(loss), Some(acc)) => format!(
            "{line} (test loss {loss:.6}, train accuracy {}, test accuracy {acc})",
            e.train_accuracy
        ),
        _ => line,
    }
}

fn hidden_label(hidden: &[usize]) -> String {
    let widths: Vec<String> = hidden.iter().map(ToString::to_string).collect();
    widths.join(",")
}

/// What a finished run reports: the settings as run, the model, its history and scores.
struct Outcome<'a> {
    trainer: &'a Trainer,
    saved: &'a SavedModel,
    history: &'a History,
    train_accuracy: f64,
    test_accuracy: Option<f64>,
    source: &'a str,
    warning: Option<&'a str>,
}

fn print_json(args: &TrainArgs, hp: &Hyper, outcome: &Outcome<'_>) -> Result<()> {
    let &Outcome {
        trainer,
        saved,
        history,
        train_accuracy,
        test_accuracy,
        source,
        warning,
    } = outcome;
    let mut losses: Vec<(usize, f64)> = history.reports.iter().map(|r| (r.pass, r.loss)).collect();
    // The last pass is in `history` (and is what a caller comparing runs wants) even when it
    // is not a multiple of --print-every.
    if let Some(last) = history.tail.last() {
        if losses.last().is_none_or(|&(pass, _)| pass < last.pass) {
            losses.push((last.pass, last.loss));
        }
    }
    let test_losses: Vec<(usize, f64)> = history
        .evaluations
        .iter()
        .filter_map(|e| e.test_loss.map(|l| (e.pass, l)))
        .collect();
    let value = json!({
        "train_accuracy": train_accuracy,
        "test_accuracy": test_accuracy,
        "losses": losses,
        "test_losses": test_losses,
        "history": history.evaluations,
        "early_stop": history.early_stop,
        "data": source,
        "test_fraction": args.test_fraction,
        "model": {
            "activation": hp.activation,
            "hidden": hp.hidden,
            "parameters": saved.mlp().map_or(0, Mlp::n_parameters),
            "classes": saved.classes,
            "features": saved.feature_names,
            "scale": saved.scaler.kind(),
        },
        "trainer": trainer,
        "gradient": trainer.convention(),
        "kernels": saved.mlp().map(|mlp| {
            let plan = mlp.plan(trainer.fast);
            json!({
                "mode": plan.mode.name(),
                "forward": plan.forward.name(),
                "gradients": plan.gradients.name(),
                "step": plan.step.name(),
            })
        }),
        "warning": warning,
    });
    outln!("{}", serde_json::to_string_pretty(&value)?)?;
    Ok(())
}

/// True for the tutorial's own settings, whose published table we can compare with.
fn is_seed_run(args: &TrainArgs, hp: &Hyper) -> bool {
    let d = &args.data;
    d.samples == 200
        && d.noise == 0.2
        && d.seed == 0
        && hp.hidden == [3]
        && hp.lr == 0.01
        && hp.reg == 0.01
        && args.data_file.is_none()
        && args.generator.dataset == crate::args::DatasetName::Moons
        && hp.activation == "tanh"
        && hp.optimizer == OptimizerName::Gd
        && args.test_fraction == 0.0
}

/// Says so when the run ends in a period-2 oscillation, with both branches.
pub fn print_oscillation(fitted: &FittedNetwork, seed_run: bool) -> Result<()> {
    print_oscillation_of(&fitted.history, seed_run, true)
}

fn print_oscillation_of(history: &History, seed_run: bool, full_batch_gd: bool) -> Result<()> {
    let Some((even, odd)) = history.period_two() else {
        return Ok(());
    };
    let kind = if full_batch_gd {
        "full-batch gradient descent"
    } else {
        "the optimizer"
    };
    outln!(
        "The loss now alternates between {:.6} (even passes) and {:.6} (odd passes): \
         a period-2 oscillation of {kind}.",
        even.loss,
        odd.loss
    )?;
    if seed_run {
        outln!(
            "The tutorial's printed table shows the other branch of the same oscillation; \
             see docs/oscillation.md."
        )?;
    }
    Ok(())
}
