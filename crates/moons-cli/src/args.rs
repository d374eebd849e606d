//! Command-line arguments: every flag, its default and its help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const ABOUT: &str = "Neural networks from scratch on the two-moons problem, reproducing the \
numpy/scikit-learn tutorial exactly.";

const AFTER_HELP: &str = "\
Examples:
  moons                       walk through the whole tutorial
  moons train                 the seed's H = 3 network and its loss table
  moons train --hidden 5      the same with five hidden units
  moons data --out moons.csv  the tutorial's data set as CSV
  moons --out pictures        the walk-through, figures written to ./pictures";

/// `moons`: with no subcommand, walks through the seed tutorial.
#[derive(Debug, Parser)]
#[command(name = "moons", version, about = ABOUT, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to run (default: the guided tour of the whole tutorial).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// No progress bars or notes on standard error (they only appear on a terminal anyway).
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Folder the tour writes its figures to (created if missing) [default: figures].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Train a network (default: the seed's, with its loss table and accuracy).
    #[command(after_help = TRAIN_EXAMPLES, mut_arg("seed", |a| a.help(TRAIN_SEED_HELP)))]
    Train(Box<TrainArgs>),
    /// Print a data set as CSV (`x1,...,xd,label`), or write it to a file.
    #[command(after_help = "\
Examples:
  moons data                                     the tutorial's 200 points
  moons data --samples 1000 --noise 0.1 --out moons.csv
  moons data --dataset spirals --classes 3 --samples 300
  moons data --dataset circles --factor 0.5 --noise 0.1
  moons data --dataset blobs --classes 4 --cluster-std 0.5
  moons data --dataset xor --out xor.csv")]
    Data(DataArgs),
    /// Predict the class of every point of a CSV file with a saved model.
    #[command(after_help = "\
The file has the model's feature columns, optionally followed by a label column (then the
accuracy is reported on standard error). The output is the input rows with a final
`prediction` column.

Examples:
  moons train --dataset circles --hidden 16,16 --activation relu --optimizer adam \\
      --passes 200 --print-every 50 --save circles.json
  moons data --dataset circles --seed 9 --out new.csv
  moons predict --model circles.json --data new.csv
  moons predict --model circles.json --data new.csv --out predicted.csv")]
    Predict(PredictArgs),
    /// Evaluate a saved model on a labelled CSV file: accuracy, log-loss, confusion matrix.
    #[command(after_help = "\
Examples:
  moons eval --model circles.json --data new.csv
  moons eval --model circles.json --data new.csv --json")]
    Eval(EvalArgs),
    /// Train the seed's network once per hidden-layer width, in parallel, and compare them.
    #[command(mut_arg("seed", |a| a.help(SWEEP_SEED_HELP)), after_help = "\
Examples:
  moons sweep                              the seed's widths 1, 2, 3, 4, 5, 20, 50
  moons sweep --hidden 2,3,8 --passes 5000
  moons sweep --plot sweep.png             also draw one decision boundary per width
  moons sweep --json")]
    Sweep(SweepArgs),
    /// Fit the seed's logistic-regression baseline (scikit-learn's LogisticRegressionCV()).
    #[command(after_help = "\
Examples:
  moons logreg                          the seed's baseline: C by 5-fold CV over logspace(-4, 4, 10)
  moons logreg --json                   C, coef, intercept, accuracy and the CV score table as JSON
  moons logreg --cs 0.1,1,10 --folds 3  your own grid of C and number of folds
  moons logreg --plot logreg.png        also draw its (straight) decision boundary
  moons logreg --data digits.csv --test-fraction 0.25 --save digits.json
                                        a real data set: scaled, cross-validated, saved
  moons logreg --data iris.csv --c 1 --test-data iris_test.csv
                                        one fixed C, scored on a test file
  moons eval --model digits.json --data new_digits.csv")]
    Logreg(LogregArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "\
Examples:
  moons completions bash > ~/.local/share/bash-completion/completions/moons
  moons completions zsh > ~/.zfunc/_moons
  moons completions fish > ~/.config/fish/completions/moons.fish")]
    Completions(CompletionsArgs),
    /// Serve the live playground: train and watch networks in the browser, on this engine.
    #[command(after_help = "\
The page trains on the same engine as `moons train` (same settings, same bits), and the
whole configuration lives in the URL hash, so a link restores a run. See docs/playground.md
for every control, the URL keys and the JSON API.

Examples:
  moons playground                      serve on http://127.0.0.1:7777/
  moons playground --port 0 --open      any free port, and open the browser
  moons playground --host 0.0.0.0       reachable from the network (prints a warning)
  curl -s -X POST localhost:7777/api/sessions -d '{\"hidden\": [8, 8]}'")]
    Playground(PlaygroundArgs),
}

/// Flags of `moons playground`.
#[derive(Debug, Args)]
pub struct PlaygroundArgs {
    /// Address to listen on; anything but a loopback address lets the network in.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub host: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 7777, value_name = "PORT")]
    pub port: u16,
    /// Open the page in the system browser, when there is one.
    #[arg(long)]
    pub open: bool,
    /// Most live sessions (browser tabs) at once; more get 429 until one ends or expires.
    #[arg(long, default_value_t = 32, value_name = "N", value_parser = crate::values::at_least_one, allow_negative_numbers = true)]
    pub max_sessions: usize,
}

const TRAIN_SEED_HELP: &str = "Seed of numpy's generator, set before the data is drawn and \
again before the weights are initialised (the tutorial uses 0 for both); it also seeds the \
train/test split and the minibatch shuffling";

const SWEEP_SEED_HELP: &str = "Seed of numpy's generator, set before the data is drawn and \
again before each network's weights are initialised (the tutorial uses 0 for both)";

/// Flags of `moons completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// How the two-moons data set is generated.
#[derive(Debug, Clone, Args)]
pub struct DataSource {
    /// Number of points, split as evenly as possible between the classes.
    #[arg(long, default_value_t = 200, value_name = "N", value_parser = crate::values::samples, allow_negative_numbers = true)]
    pub samples: usize,
    /// Standard deviation of the Gaussian noise added to every coordinate (at most 1e6).
    #[arg(long, default_value_t = 0.2, value_name = "SD", value_parser = crate::values::noise, allow_negative_numbers = true)]
    pub noise: f64,
    /// Seed of numpy's generator, set before the data is drawn (the tutorial uses 0).
    #[arg(
        long,
        default_value_t = 0,
        value_name = "SEED",
        allow_negative_numbers = true
    )]
    pub seed: u32,
}

/// Flags of `moons train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataSource,
    #[command(flatten)]
    pub generator: GeneratorArgs,
    /// Train on a CSV file (`x1,...,xd,label`, header optional; `-` reads standard input) instead of generated data.
    #[arg(
        long = "data",
        id = "data_file",
        value_name = "FILE",
        conflicts_with = "dataset"
    )]
    pub data_file: Option<PathBuf>,
    /// Hidden-layer widths, input side first, comma-separated (`16,16` is two layers)
    /// [default: 3; 100 with --data].
    #[arg(long, value_delimiter = ',', num_args = 1.., value_name = "H,...", value_parser = crate::values::width, allow_negative_numbers = true)]
    pub hidden: Option<Vec<usize>>,
    /// Nonlinearity of the hidden layers [default: tanh; relu with --data].
    #[arg(long, value_parser = ["tanh", "sigmoid", "relu", "leaky-relu", "identity"])]
    pub activation: Option<String>,
    /// Weight initialisation [default: seed for tanh, he for relu and leaky-relu, xavier
    /// otherwise].
    #[arg(long, value_parser = ["seed", "xavier", "glorot", "he"])]
    pub init: Option<String>,
    /// Update rule: full-batch gradient descent (the seed's), minibatch SGD, or Adam
    /// [default: gd; adam with --data].
    #[arg(long, value_enum)]
    pub optimizer: Option<OptimizerName>,
    /// Momentum of `--optimizer sgd` (scikit-learn's formula), in [0, 1).
    #[arg(long, default_value_t = 0.0, value_name = "M", value_parser = crate::values::fraction, allow_negative_numbers = true)]
    pub momentum: f64,
    /// Nesterov momentum for `--optimizer sgd`.
    #[arg(long)]
    pub nesterov: bool,
    /// Passes (epochs) over the training data, whatever the batch size [default: 20000; 200
    /// with --data].
    #[arg(long, value_name = "P", value_parser = crate::values::passes, allow_negative_numbers = true)]
    pub passes: Option<usize>,
    /// Learning rate (the seed's epsilon) [default: 0.01; 0.001 with --data].
    #[arg(long, value_name = "LR", value_parser = crate::values::positive, allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// How the learning rate decays with the pass t.
    #[arg(long, value_enum, default_value_t = ScheduleName::Constant)]
    pub lr_schedule: ScheduleName,
    /// Decay of the schedule: rate R of lr/(1+R t) and lr exp(-R t) [default 0.01], or the
    /// factor of the step schedule lr R^floor(t/S) [default 0.5].
    #[arg(long, value_name = "R", value_parser = crate::values::non_negative, allow_negative_numbers = true)]
    pub decay: Option<f64>,
    /// Passes S between drops of `--lr-schedule step`.
    #[arg(long, default_value_t = 100, value_name = "S", value_parser = crate::values::at_least_one, allow_negative_numbers = true)]
    pub step_size: usize,
    /// Samples per update [default: all for gd, 32 for sgd and adam; 200 with --data].
    #[arg(long, value_name = "B", value_parser = crate::values::at_least_one, allow_negative_numbers = true)]
    pub batch_size: Option<usize>,
    /// Gradient of the summed loss (the seed's) or of the batch mean [default: sum for gd,
    /// mean for sgd and adam].
    #[arg(long, value_enum)]
    pub gradient: Option<GradientName>,
    /// L2 regularisation strength (the seed's reg_lambda) [default: 0.01; 0.0001 with --data,
    /// scikit-learn's alpha].
    #[arg(long, value_name = "LAMBDA", value_parser = crate::values::non_negative, allow_negative_numbers = true)]
    pub reg: Option<f64>,
    /// Print the loss (and evaluate on the held-out set) every this many passes [default:
    /// 1000; 20 with --data].
    #[arg(long, alias = "eval-every", value_name = "K", value_parser = crate::values::at_least_one, allow_negative_numbers = true)]
    pub print_every: Option<usize>,
    /// Fraction of every class held out for testing (stratified, seeded by --seed).
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = crate::values::fraction, allow_negative_numbers = true)]
    pub test_fraction: f64,
    /// Stop after N evaluations without a better held-out loss (training loss without a
    /// held-out set), keeping the best weights.
    #[arg(long, value_name = "N", value_parser = crate::values::at_least_one, allow_negative_numbers = true)]
    pub patience: Option<usize>,
    /// A separate labelled CSV file to test on (read like --data), instead of or besides
    /// --test-fraction.
    #[arg(long, value_name = "FILE", requires = "data_file")]
    pub test_data: Option<PathBuf>,
    /// Write the train and test rows of the --test-fraction split to DIR/train.csv and
    /// DIR/test.csv (created if missing).
    #[arg(long, value_name = "DIR")]
    pub write_split: Option<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Save the trained model (JSON, format moons-model version 2: the network, its scaler
    /// and its class names).
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Draw the decision boundary over the data (.png or .svg, by the file name).
    #[arg(long, value_name = "FILE", value_parser = crate::values::figure_path)]
    pub plot: Option<PathBuf>,
    /// Draw the decision boundary at every report (--print-every) as an animated GIF
    /// (two-feature data only).
    #[arg(long, value_name = "FILE.gif", value_parser = crate::values::gif_path)]
    pub animate: Option<PathBuf>,
    /// Not a flag of `train`, which saves with --save; here only to say so.
    #[arg(long, hide = true, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the result as JSON instead of the loss table.
    #[arg(long)]
    pub json: bool,
    /// Fast mode: vectorised approximations of tanh (single precision, absolute error < 2e-7
    /// per activation) and exp (relative error < 5e-16) instead of the C library's, and for
    /// one tanh hidden layer fused kernels that sum in whatever order vectorises (with two
    /// classes and up to 6 units, a training step entirely in single precision but its sums).
    /// About 3-4x faster than the exact path for the seed's network, ~1.3x with 100000 points
    /// and 64 units; the loss no longer equals numpy's (it differs from about the seventh
    /// significant digit).
    #[arg(long)]
    pub fast: bool,
}

/// How a user's CSV file is read and prepared (`train`, `logreg`).
#[derive(Debug, Clone, Args)]
pub struct CsvArgs {
    /// Feature scaling fitted on the training rows and stored in the model: standard
    /// (scikit-learn's StandardScaler), minmax, or none [default: standard with --data, none
    /// for generated data].
    #[arg(long, value_name = "KIND", value_parser = ["standard", "minmax", "none"])]
    pub scale: Option<String>,
    /// The label column, by header name or 1-based position [default: the last column].
    #[arg(long, value_name = "NAME|INDEX")]
    pub label_column: Option<moons_datasets::table::ColumnRef>,
    /// The feature columns, by header name or 1-based position, comma-separated [default:
    /// every other column].
    #[arg(long, value_delimiter = ',', num_args = 1.., value_name = "COLUMNS")]
    pub features: Option<Vec<moons_datasets::table::ColumnRef>>,
    /// Field separator: `,`, `;`, `tab` [default: detected from the first line].
    #[arg(long, value_name = "SEP", value_parser = crate::values::delimiter)]
    pub delimiter: Option<char>,
    /// Rows with an empty or NA cell: `error` names the first one, `drop` drops them.
    #[arg(long, value_name = "WHAT", default_value = "error", value_parser = ["error", "drop"])]
    pub missing: String,
}

/// Which generator `moons train` and `moons data` use, and its own parameters.
#[derive(Debug, Clone, Args)]
pub struct GeneratorArgs {
    /// The data set to generate.
    #[arg(long, value_enum, default_value_t = DatasetName::Moons)]
    pub dataset: DatasetName,
    /// Number of classes (spirals: arms, default 3; blobs: centres, default 3; the others
    /// have 2).
    #[arg(long, value_name = "K", value_parser = crate::values::classes, allow_negative_numbers = true)]
    pub classes: Option<usize>,
    /// Radius of the inner circle relative to the outer one (circles), in (0, 1).
    #[arg(long, default_value_t = 0.5, value_name = "F", value_parser = crate::values::open_unit, allow_negative_numbers = true)]
    pub factor: f64,
    /// Standard deviation of every blob (blobs; --noise is not used there), at most 1e6.
    #[arg(long, default_value_t = 1.0, value_name = "SD", value_parser = crate::values::spread, allow_negative_numbers = true)]
    pub cluster_std: f64,
}

/// The generated data sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DatasetName {
    /// scikit-learn's make_moons (the seed's).
    Moons,
    /// scikit-learn's make_circles.
    Circles,
    /// scikit-learn's make_blobs, centres uniform in (-10, 10).
    Blobs,
    /// Interleaved spiral arms (cs231n).
    Spirals,
    /// Uniform points in [-1, 1]², label = x1 x2 > 0.
    Xor,
}

/// `--optimizer` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OptimizerName {
    /// Plain gradient descent (full batch unless --batch-size).
    Gd,
    /// Minibatch SGD with optional --momentum / --nesterov.
    Sgd,
    /// Adam (beta1 0.9, beta2 0.999, eps 1e-8).
    Adam,
}

/// `--lr-schedule` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScheduleName {
    /// lr throughout.
    Constant,
    /// lr / (1 + R t).
    InverseTime,
    /// lr R^floor(t / S).
    Step,
    /// lr exp(-R t).
    Exponential,
}

/// `--gradient` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GradientName {
    /// Sum over the batch (the seed's).
    Sum,
    /// Mean over the batch.
    Mean,
}

const TRAIN_EXAMPLES: &str = "\
Examples:
  moons train                          the seed's run: H = 3, 20000 passes
  moons train --hidden 20 --passes 5000
  moons train --samples 500 --noise 0.3 --seed 7
  moons train --dataset circles --noise 0.1 --hidden 16,16 --activation relu \\
      --optimizer adam --passes 200 --print-every 20 --test-fraction 0.25
  moons train --dataset spirals --classes 3 --hidden 16,16 --activation relu \\
      --optimizer adam --passes 400 --print-every 50 --test-fraction 0.25 --save spirals.json
  moons train --activation sigmoid --optimizer sgd --momentum 0.9 --nesterov --lr 1 \\
      --samples 1000 --passes 300 --print-every 50 --test-fraction 0.25 --json
  moons train --optimizer adam --lr 0.05 --lr-schedule inverse-time --decay 0.01 \\
      --test-fraction 0.25 --patience 5 --passes 2000 --print-every 10
  moons train --data points.csv --hidden 8 --plot boundary.png

Every random stream (data, split, initialisation, shuffling) starts from --seed.";

/// Flags of `moons predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// A model saved by `moons train --save`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// The points: the model's feature columns, optionally a label column (`-` reads standard
    /// input).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Write the CSV here instead of standard output (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write one probability column per class, `proba_<class>`.
    #[arg(long)]
    pub proba: bool,
}

/// Flags of `moons eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A model saved by `moons train --save`.
    #[arg(long, value_name = "FILE")]
    pub model: PathBuf,
    /// Labelled points: the model's feature columns, then a label column (`-` reads standard
    /// input).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `moons data`.
#[derive(Debug, Args)]
pub struct DataArgs {
    #[command(flatten)]
    pub data: DataSource,
    #[command(flatten)]
    pub generator: GeneratorArgs,
    /// Write the CSV to this file instead of standard output (`-` is standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Flags of `moons sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    #[command(flatten)]
    pub data: DataSource,
    /// Train on a CSV file (`x1,...,xd,label`, header optional; `-` reads standard input) instead of generated moons.
    #[arg(long = "data", id = "data_file", value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    /// Hidden-layer widths to train, comma-separated.
    #[arg(long, value_delimiter = ',', num_args = 1.., default_value = "1,2,3,4,5,20,50", value_name = "H,...", value_parser = crate::values::width, allow_negative_numbers = true)]
    pub hidden: Vec<usize>,
    /// Passes of full-batch gradient descent for every width.
    #[arg(long, default_value_t = 20_000, value_name = "P", value_parser = crate::values::passes, allow_negative_numbers = true)]
    pub passes: usize,
    /// Learning rate (the seed's epsilon).
    #[arg(long, default_value_t = 0.01, value_name = "LR", value_parser = crate::values::positive, allow_negative_numbers = true)]
    pub lr: f64,
    /// L2 regularisation strength (the seed's reg_lambda).
    #[arg(long, default_value_t = 0.01, value_name = "LAMBDA", value_parser = crate::values::non_negative, allow_negative_numbers = true)]
    pub reg: f64,
    /// Also draw the decision boundaries, one panel per width (.png or .svg, by the name).
    #[arg(long, value_name = "FILE", value_parser = crate::values::figure_path)]
    pub plot: Option<PathBuf>,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Flags of `moons logreg`.
#[derive(Debug, Args)]
pub struct LogregArgs {
    #[command(flatten)]
    pub data: DataSource,
    /// Fit a CSV file (header optional, labels of any kind; `-` reads standard input) instead
    /// of generated moons.
    #[arg(long = "data", id = "data_file", value_name = "FILE")]
    pub data_file: Option<PathBuf>,
    /// Values of C to try: a count N means logspace(-4, 4, N), as scikit-learn's Cs=N; or a
    /// comma-separated list such as 0.1,1,10.
    #[arg(
        long,
        default_value = "10",
        value_name = "N|C,...",
        allow_hyphen_values = true
    )]
    pub cs: moons_train::Cs,
    /// One fixed C, no cross-validation (scikit-learn's LogisticRegression(C=C)).
    #[arg(long = "c", value_name = "C", value_parser = crate::values::positive, allow_negative_numbers = true, conflicts_with_all = ["cs", "folds"])]
    pub c: Option<f64>,
    /// Number of stratified cross-validation folds.
    #[arg(long, default_value_t = 5, value_name = "K", value_parser = crate::values::folds, allow_negative_numbers = true)]
    pub folds: usize,
    /// Fraction of every class held out for testing (stratified, seeded by --seed).
    #[arg(long, default_value_t = 0.0, value_name = "F", value_parser = crate::values::fraction, allow_negative_numbers = true)]
    pub test_fraction: f64,
    /// A separate labelled CSV file to test on (read like --data).
    #[arg(
        long,
        value_name = "FILE",
        requires = "data_file",
        conflicts_with = "test_fraction"
    )]
    pub test_data: Option<PathBuf>,
    #[command(flatten)]
    pub csv: CsvArgs,
    /// Save the fitted model (moons-model version 2, kind logistic-regression), for `moons
    /// predict` and `moons eval`.
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// Print the result as JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Also draw the decision boundary (.png or .svg, by the file name).
    #[arg(long, value_name = "FILE", value_parser = crate::values::figure_path)]
    pub plot: Option<PathBuf>,
}
