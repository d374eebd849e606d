//! `moons train`: the seed's network, its loss table and accuracy, or any network, optimizer
//! and data set beyond it.

use anyhow::Result;
use moons_datasets::{parse_csv, stratified_split, RandomState};
use moons_models::{Activation, Init, Mlp};
use moons_train::{
    accuracy, Evaluation, FittedNetwork, GradientConvention, History, LrSchedule, Optimizer,
    Trainer,
};
use serde_json::json;

use crate::args::{GradientName, OptimizerName, ScheduleName, TrainArgs};
use crate::progress::Progress;
use crate::stdout::{note, outln};
use crate::usage::usage;

pub fn run(args: &TrainArgs) -> Result<()> {
    let trainer = trainer(args)?;
    trainer.validate()?;
    let activation: Activation = args.activation.parse().map_err(anyhow::Error::msg)?;
    let init = match &args.init {
        Some(name) => name.parse().map_err(anyhow::Error::msg)?,
        None => default_init(activation),
    };
    if let Some(out) = &args.out {
        usage!(
            "train saves the model with --save, not --out: try `--save {}` (--out is a flag \
             of `moons data` and `moons predict`)",
            out.display()
        );
    }
    // Every output is proven writable, and distinct from the others and from the input,
    // before a long training run rather than after it.
    let mut outputs = crate::output::prepare(
        &[
            ("--save", args.save.as_deref()),
            ("--plot", args.plot.as_deref()),
        ]
        .into_iter()
        .filter_map(|(flag, path)| Some((flag, path?)))
        .collect::<Vec<_>>(),
        &args
            .data_file
            .iter()
            .map(|p| ("--data", p.as_path()))
            .collect::<Vec<_>>(),
    )?;

    let (data, source) = match &args.data_file {
        Some(path) => {
            let (name, bytes) = crate::output::read_input(path)?;
            (parse_csv(&name, &bytes)?, name)
        }
        None => (
            super::data::generate(&args.data, &args.generator)?,
            format!("{:?}", args.generator.dataset).to_lowercase(),
        ),
    };
    let (train, test) = stratified_split(
        &data,
        args.test_fraction,
        &mut RandomState::new(args.data.seed),
    )?;
    let n_classes = data.n_classes().max(2);
    let mut model = Mlp::new(
        data.n_features(),
        &args.hidden,
        n_classes,
        activation,
        init,
        &mut RandomState::new(args.data.seed),
    )?;
    let test_set = (test.n_samples() > 0).then_some(&test);

    let progress = Progress::passes(args.passes as u64, "training");
    // The first failure to print a report; training goes on, and the run fails at the end.
    let mut printing: Result<()> = Ok(());
    let history = trainer.train(&mut model, &train, test_set, |e| {
        progress.set(e.pass as u64 + 1);
        if !args.json && printing.is_ok() {
            printing = progress.println(&evaluation_line(e));
        }
    })?;
    printing?;
    drop(progress);
    let train_accuracy = accuracy(&model, &train);
    let test_accuracy = test_set.map(|t| accuracy(&model, t));

    if let Some(path) = &args.save {
        outputs.release(path);
        model.save(path)?;
        if !args.json && crate::progress::chatty() {
            note!("saved the model to {}", path.display());
        }
    }
    if let Some(path) = &args.plot {
        let title = format!(
            "{source}: {} {} ({}), test accuracy {}",
            activation,
            hidden_label(&args.hidden),
            trainer.optimizer.name(),
            test_accuracy.map_or("n/a".to_string(), |a| a.to_string())
        );
        outputs.release(path);
        moons_viz::plot_decision_boundary(&model, &data, &title, path)?;
    }

    if args.json {
        // The settings as run: the defaults the optimizer picked, not `null`.
        let effective = Trainer {
            gradient: Some(trainer.convention()),
            batch_size: Some(trainer.effective_batch_size(train.n_samples())),
            ..trainer.clone()
        };
        print_json(
            args,
            &effective,
            &model,
            &history,
            train_accuracy,
            test_accuracy,
            &source,
        )?;
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
        is_seed_run(args),
        full_batch && trainer.optimizer == Optimizer::Gd,
    )
}

/// The trainer the flags describe; every random stream starts from `--seed`.
fn trainer(args: &TrainArgs) -> Result<Trainer> {
    let optimizer = match args.optimizer {
        OptimizerName::Gd => Optimizer::Gd,
        OptimizerName::Sgd => Optimizer::Sgd {
            momentum: args.momentum,
            nesterov: args.nesterov,
        },
        OptimizerName::Adam => Optimizer::adam(),
    };
    if args.optimizer != OptimizerName::Sgd && (args.momentum != 0.0 || args.nesterov) {
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
        learning_rate: args.lr,
        schedule,
        reg_lambda: args.reg,
        batch_size: args.batch_size,
        gradient: args.gradient.map(|g| match g {
            GradientName::Sum => GradientConvention::Sum,
            GradientName::Mean => GradientConvention::Mean,
        }),
        passes: args.passes,
        report_every: args.print_every,
        patience: args.patience,
        shuffle_seed: args.data.seed,
        fast: args.fast,
    })
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

#[allow(clippy::too_many_arguments)]
fn print_json(
    args: &TrainArgs,
    trainer: &Trainer,
    model: &Mlp,
    history: &History,
    train_accuracy: f64,
    test_accuracy: Option<f64>,
    source: &str,
) -> Result<()> {
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
            "activation": model.activation,
            "hidden": args.hidden,
            "parameters": model.n_parameters(),
        },
        "trainer": trainer,
        "gradient": trainer.convention(),
    });
    outln!("{}", serde_json::to_string_pretty(&value)?)?;
    Ok(())
}

/// True for the tutorial's own settings, whose published table we can compare with.
fn is_seed_run(args: &TrainArgs) -> bool {
    let d = &args.data;
    d.samples == 200
        && d.noise == 0.2
        && d.seed == 0
        && args.hidden == [3]
        && args.lr == 0.01
        && args.reg == 0.01
        && args.data_file.is_none()
        && args.generator.dataset == crate::args::DatasetName::Moons
        && args.activation == "tanh"
        && args.optimizer == OptimizerName::Gd
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
