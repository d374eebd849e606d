//! `cargo xtask bench`: our release build against the seed's numpy code (and PyTorch when it
//! is importable), the same workloads in the same run, with ratios.
//!
//! Our side runs in this process, linking the library crates built in release mode: the same
//! passes, the same loss evaluations and the same accuracy computations as the Python side
//! (`reference/bench_seed.py`). Options: `--scaling` adds the cost-per-pass table over N and H;
//! `--no-python` times our side only. `--repeat K` (default 3) runs K rounds, each one run of
//! every workload on our side and then one on the peers'; every time reported is the best of
//! its K runs. Alternating keeps both sides sampling the same stretch of time: on a shared
//! machine the speed drifts by 15-30% over minutes, and the best of several runs of one side
//! against a single run of the other flatters the first.

use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use moons_datasets::{make_moons, Dataset, RandomState};
use moons_models::{Activation, Gradients, Mlp, Workspace};
use moons_train::{hidden_size_sweep, Fit, SeedNetwork, Trainer, SEED_HIDDEN_SIZES};
use serde_json::Value;

const W3_PASSES: usize = 3;
/// The seed's step per point at N = 200 (0.01), kept at N = 100000 (the summed gradient would
/// make 0.01 diverge within a pass or two). `reference/bench_seed.py` uses the same.
const W3_LEARNING_RATE: f64 = 2e-5;

pub fn run(args: &[String]) -> Result<()> {
    let mut scaling = false;
    let mut python = true;
    let mut repeat = 3;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scaling" => scaling = true,
            "--no-python" => python = false,
            "--repeat" => {
                let k = it.next().context("--repeat needs a number of rounds")?;
                repeat = k
                    .parse()
                    .with_context(|| format!("--repeat takes a whole number, not '{k}'"))?;
            }
            "-h" | "--help" => {
                println!(
                    "usage: cargo xtask bench [--scaling] [--no-python] [--repeat K]\n\n\
                     Times our exact and fast paths and the seed's numpy code (and PyTorch when\n\
                     importable) on W1, W2 and W3 in one run, and prints the ratios.\n\
                     --scaling    also the cost per pass for N = 1k..1M and H = 1..256\n\
                     --no-python  ours only\n\
                     --repeat K   K rounds of ours then the peers, the best of each side's K\n\
                     \x20            runs per workload (default 3)"
                );
                return Ok(());
            }
            other => {
                bail!("unknown option '{other}' (expected --scaling, --no-python, --repeat K)")
            }
        }
    }
    let threads = rayon::current_num_threads();
    let repeat = repeat.max(1);
    println!(
        "ours: release build, {threads} rayon threads, FMA/AVX2: {}; {repeat} rounds of ours, \
         then the peers; every time below is the best of its {repeat} runs",
        moons_linalg::has_fma_avx2()
    );
    // Rounds that alternate the two sides, so that both sample the same stretch of time: the
    // machine's speed drifts by 15-30% over minutes, and a side timed only while it was fast
    // (or slow) would skew every ratio.
    let mut ours: Option<Ours> = None;
    let binary = walkthrough_binary()?;
    let mut walkthrough = f64::INFINITY;
    let mut peers = Value::Null;
    for round in 1..=repeat {
        println!("round {round} of {repeat}: ours ...");
        let this = Ours::measure()?;
        ours = Some(match ours {
            Some(best) => best.faster(this),
            None => this,
        });
        walkthrough = walkthrough.min(walkthrough_seconds(&binary)?);
        if python && (round == 1 || !peers.is_null()) {
            peers = faster_peers(peers, run_python()?);
        }
    }
    let ours = ours.expect("at least one round");

    println!();
    println!("| workload | ours exact | ours fast | numpy (seed code) | PyTorch f64 | numpy / ours exact | numpy / ours fast |");
    println!("|---|---|---|---|---|---|---|");
    let numpy = &peers["numpy"];
    let torch = &peers["torch"];
    let rows = [
        (
            "W1: seed run, H=3, N=200, 20000 passes",
            "W1",
            ours.w1,
            ours.w1_fast,
            20_000.0,
            "us/pass",
            1e6,
        ),
        (
            "W2: sweep H in 1,2,3,4,5,20,50 x 20000 passes",
            "W2",
            ours.w2_parallel,
            ours.w2_fast,
            1.0,
            "s total",
            1.0,
        ),
        (
            "W3: N=100000, H=64, full batch",
            "W3",
            ours.w3,
            ours.w3_fast,
            1.0,
            "ms/pass",
            1e3,
        ),
    ];
    for (name, key, exact, fast, per, unit, scale) in rows {
        let peer = |v: &Value| -> Option<f64> {
            let s = v[key]["seconds"].as_f64()?;
            let passes = v[key]["passes"].as_f64()?;
            Some(if key == "W2" {
                s
            } else if key == "W1" {
                s / per
            } else {
                s / passes
            })
        };
        let np = peer(numpy);
        let th = peer(torch);
        let fmt =
            |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.3} {unit}", x * scale));
        let ratio =
            |a: Option<f64>, b: f64| a.map_or("-".to_string(), |a| format!("{:.1}x", a / b));
        let exact_per = if key == "W1" { exact / per } else { exact };
        let fast_per = if key == "W1" { fast / per } else { fast };
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} |",
            fmt(Some(exact_per)),
            fmt(Some(fast_per)),
            fmt(np),
            fmt(th),
            ratio(np, exact_per),
            ratio(np, fast_per)
        );
    }
    println!();
    println!("W2 ours sequential (one run after another): {:.3} s; parallel (rayon, {threads} threads): {:.3} s; results identical: {}", ours.w2_sequential, ours.w2_parallel, ours.w2_identical);
    println!(
        "W3 peak resident memory of this process: {:.0} MB (data {:.1} MB, activations {:.1} MB)",
        ours.peak_mb, ours.w3_data_mb, ours.w3_activation_mb
    );
    println!(
        "Walkthrough (`moons` with no arguments: data, logistic regression, H=3 with the loss of \
         every pass, the sweep, six figures): {walkthrough:.2} s (target < 2 s)"
    );
    if python {
        match peers["torch_skipped"].as_str() {
            Some(why) => println!("PyTorch skipped: {why}"),
            None => println!("PyTorch: {} threads", peers["torch"]["threads"]),
        }
        println!("peers: {}", peers["versions"]);
    } else {
        println!("numpy and PyTorch skipped (--no-python)");
    }
    if scaling {
        scaling_table()?;
    }
    Ok(())
}

struct Ours {
    w1: f64,
    w1_fast: f64,
    w2_sequential: f64,
    w2_parallel: f64,
    w2_fast: f64,
    w2_identical: bool,
    w3: f64,
    w3_fast: f64,
    peak_mb: f64,
    w3_data_mb: f64,
    w3_activation_mb: f64,
}

fn seed_data(n: usize) -> Result<Dataset> {
    Ok(make_moons(n, 0.2, true, &mut RandomState::new(0))?)
}

impl Ours {
    /// Each workload's faster time of the two.
    fn faster(self, other: Self) -> Self {
        Self {
            w1: self.w1.min(other.w1),
            w1_fast: self.w1_fast.min(other.w1_fast),
            w2_sequential: self.w2_sequential.min(other.w2_sequential),
            w2_parallel: self.w2_parallel.min(other.w2_parallel),
            w2_fast: self.w2_fast.min(other.w2_fast),
            w2_identical: self.w2_identical && other.w2_identical,
            w3: self.w3.min(other.w3),
            w3_fast: self.w3_fast.min(other.w3_fast),
            peak_mb: self.peak_mb.max(other.peak_mb),
            ..other
        }
    }
}

/// `best` with every peer's time replaced by `run`'s where that is faster (`best` as it is
/// when `run` is empty; `run` when `best` is).
fn faster_peers(mut best: Value, run: Value) -> Value {
    if best.is_null() {
        return run;
    }
    for peer in ["numpy", "torch"] {
        for key in ["W1", "W2", "W3"] {
            // `pointer_mut`, not `[]`: indexing a missing peer mutably would create it.
            let at = format!("/{peer}/{key}/seconds");
            let (Some(new), Some(old)) =
                (run[peer][key]["seconds"].as_f64(), best.pointer_mut(&at))
            else {
                continue;
            };
            if old.as_f64().is_some_and(|was| new < was) {
                *old = new.into();
            }
        }
    }
    best
}

/// Seconds `f` takes.
fn timed(f: impl FnOnce() -> Result<()>) -> Result<f64> {
    let t = Instant::now();
    f()?;
    Ok(t.elapsed().as_secs_f64())
}

impl Ours {
    /// One run of every workload.
    fn measure() -> Result<Self> {
        let data = seed_data(200)?;
        // W1 as the seed runs it: 20000 passes, the loss every 1000, then the accuracy.
        let w1_run = |fast: bool| {
            let data = &data;
            move || -> Result<()> {
                let fitted = SeedNetwork {
                    trainer: Trainer {
                        fast,
                        ..Trainer::default()
                    },
                    ..SeedNetwork::default()
                }
                .fit(data)?;
                std::hint::black_box(fitted.train_accuracy);
                Ok(())
            }
        };
        let w1 = timed(w1_run(false))?;
        let w1_fast = timed(w1_run(true))?;

        // W2: the seed's sweep (no loss lines, accuracy per width).
        let base = SeedNetwork {
            trainer: Trainer {
                report_every: 20_000,
                ..Trainer::default()
            },
            ..SeedNetwork::default()
        };
        let mut sequential = Vec::new();
        let w2_sequential = timed(|| {
            sequential = SEED_HIDDEN_SIZES
                .iter()
                .map(|&hidden| {
                    SeedNetwork {
                        hidden,
                        ..base.clone()
                    }
                    .fit(&data)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(())
        })?;
        let mut parallel = Vec::new();
        let w2_parallel = timed(|| {
            parallel = hidden_size_sweep(&data, &SEED_HIDDEN_SIZES, &base)?;
            Ok(())
        })?;
        let w2_identical = sequential.len() == parallel.len()
            && sequential
                .iter()
                .zip(&parallel)
                .all(|(a, b)| a.model == b.model && a.train_accuracy == b.train_accuracy);
        let mut fast_base = base.clone();
        fast_base.trainer.fast = true;
        let w2_fast = timed(|| {
            std::hint::black_box(hidden_size_sweep(&data, &SEED_HIDDEN_SIZES, &fast_base)?);
            Ok(())
        })?;

        // W3: full-batch passes on 100000 points, H = 64 (setup excluded, as on the Python side
        // the data generation is outside the timer).
        let big = seed_data(100_000)?;
        let w3 = per_pass(&big, 64, W3_PASSES, false, 1);
        let w3_fast = per_pass(&big, 64, W3_PASSES, true, 1);
        if !w3.1 || !w3_fast.1 {
            bail!("W3 diverged: the timing would be of inf/NaN arithmetic");
        }
        let (w3, w3_fast) = (w3.0, w3_fast.0);
        let n = big.n_samples() as f64;
        Ok(Self {
            w1,
            w1_fast,
            w2_sequential,
            w2_parallel,
            w2_fast,
            w2_identical,
            w3,
            w3_fast,
            peak_mb: peak_rss_mb(),
            w3_data_mb: n * (2.0 * 8.0 + 8.0) / 1e6,
            w3_activation_mb: n * (64.0 + 2.0 + 2.0) * 8.0 / 1e6,
        })
    }
}

/// Seconds per full-batch pass (forward, backward, update), the best of `timings` timings of
/// `passes` passes each after one untimed pass, and whether the weights stayed finite.
fn per_pass(
    data: &Dataset,
    hidden: usize,
    passes: usize,
    fast: bool,
    timings: usize,
) -> (f64, bool) {
    let lr = W3_LEARNING_RATE * 100_000.0 / data.n_samples() as f64;
    let mut model = Mlp::seed_init(2, &[hidden], 2, Activation::Tanh, &mut RandomState::new(0));
    let mut ws = Workspace::new(&model, data.n_samples());
    ws.set_fast(fast);
    let mut grads = Gradients::zeros_like(&model);
    let mut step = |model: &mut Mlp| {
        model.gradients(data.x(), data.y(), 0.01, &mut ws, &mut grads);
        model.apply_gradients(&grads, lr);
    };
    step(&mut model); // first touch of the buffers
    let mut seconds = f64::INFINITY;
    for _ in 0..timings {
        let t = Instant::now();
        for _ in 0..passes {
            step(&mut model);
        }
        seconds = seconds.min(t.elapsed().as_secs_f64() / passes as f64);
    }
    let finite = model
        .layers
        .iter()
        .all(|l| l.weights.iter().all(|w| w.is_finite()));
    (seconds, finite)
}

/// Builds the release binary; returns its path.
fn walkthrough_binary() -> Result<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "-p", "moons-cli"])
        .current_dir(root)
        .status()
        .context("cannot run cargo to build the moons binary")?;
    if !status.success() {
        bail!("building the moons binary failed");
    }
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| format!("{root}/target"));
    Ok(format!("{target}/release/moons"))
}

/// The default run of the release `binary` (what `cargo run --release -p moons-cli` runs,
/// without cargo's own start-up), its figures written to a scratch folder.
fn walkthrough_seconds(binary: &str) -> Result<f64> {
    let out = std::env::temp_dir().join(format!("moons-bench-figures-{}", std::process::id()));
    let seconds = timed(|| {
        let status = Command::new(binary)
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .status()
            .with_context(|| format!("cannot run {binary}"))?;
        if !status.success() {
            bail!("the walkthrough failed");
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&out);
    seconds
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1e3)
}

/// One run of `reference/bench_seed.py` (about a minute); `Null` if Python or numpy is missing.
fn run_python() -> Result<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../reference/bench_seed.py");
    println!("   ... and {script} (numpy, PyTorch if installed) ...");
    let out = match Command::new("python3")
        .arg(script)
        .arg("--w3-passes")
        .arg(W3_PASSES.to_string())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            println!("numpy skipped: cannot run python3 ({e})");
            return Ok(Value::Null);
        }
    };
    if !out.status.success() {
        println!(
            "numpy skipped: bench_seed.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        return Ok(Value::Null);
    }
    serde_json::from_slice(&out.stdout).context("bench_seed.py printed something other than JSON")
}

/// Cost per pass over N (1k to 1M) and H (1 to 256), exact path, in ns per point, and how
/// far each column is from flat.
fn scaling_table() -> Result<()> {
    let sizes = [1_000usize, 10_000, 100_000, 1_000_000];
    let widths = [1usize, 4, 16, 64, 256];
    let data = sizes
        .map(seed_data)
        .into_iter()
        .collect::<Result<Vec<_>>>()?;
    // Every cell once per round, the best of its rounds: the host's busy and quiet stretches
    // last seconds to minutes, so a cell's timings spread over the table's whole run all
    // have the same chance of a quiet one (timed back to back, one cell could land in a quiet
    // stretch and its neighbours in a busy one, which reads as a cost that is not flat).
    let mut best = [[f64::INFINITY; 5]; 4];
    for round in 1..=SCALING_ROUNDS {
        println!("scaling round {round} of {SCALING_ROUNDS} ...");
        for (data, best) in data.iter().zip(&mut best) {
            let n = data.n_samples();
            for (&h, best) in widths.iter().zip(best.iter_mut()) {
                if n * h > 64_000_000 {
                    continue;
                }
                // About a quarter of a second of work per timing, at least two passes.
                let passes = (250_000_000 / (n * h * 20).max(1)).clamp(2, 200);
                let (t, _) = per_pass(data, h, passes, false, 1);
                *best = best.min(t * 1e9 / n as f64);
            }
        }
    }
    println!();
    println!(
        "cost per pass / N (ns per point), exact path, the best of {SCALING_ROUNDS} rounds; \
         columns H"
    );
    print!("| N |");
    for h in widths {
        print!(" H={h} |");
    }
    println!();
    println!("|---|{}", "---|".repeat(widths.len()));
    for (n, row) in sizes.iter().zip(&best) {
        print!("| {n} |");
        for v in row {
            if v.is_finite() {
                print!(" {v:.1} |");
            } else {
                print!(" - |");
            }
        }
        println!();
    }
    // The flatness target: the largest cost per point of a column over its smallest.
    print!("| largest / smallest |");
    for b in 0..widths.len() {
        let column: Vec<f64> = best
            .iter()
            .map(|row| row[b])
            .filter(|v| v.is_finite())
            .collect();
        let (lo, hi) = column.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
        print!(" {:.2}x |", hi / lo);
    }
    println!();
    Ok(())
}

/// Rounds of the scaling table.
const SCALING_ROUNDS: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn peers(numpy_w1: f64, torch_w2: Option<f64>) -> Value {
        json!({
            "numpy": {"W1": {"seconds": numpy_w1, "passes": 20000}, "W2": {"seconds": 25.0}},
            "torch": torch_w2.map(|s| json!({"W2": {"seconds": s}, "threads": 2})),
            "torch_skipped": if torch_w2.is_none() { json!("not installed") } else { Value::Null },
        })
    }

    #[test]
    fn each_peer_time_is_the_best_of_the_rounds() {
        let best = faster_peers(Value::Null, peers(3.0, Some(40.0)));
        let best = faster_peers(best, peers(2.5, Some(45.0)));
        let best = faster_peers(best, peers(2.8, Some(35.0)));
        assert_eq!(best["numpy"]["W1"]["seconds"], 2.5);
        assert_eq!(best["numpy"]["W2"]["seconds"], 25.0);
        assert_eq!(best["torch"]["W2"]["seconds"], 35.0);
        // The rest of the first round stays: passes, threads.
        assert_eq!(best["numpy"]["W1"]["passes"], 20000);
        assert_eq!(best["torch"]["threads"], 2);
    }

    #[test]
    fn a_failed_round_leaves_the_best_alone() {
        let best = faster_peers(peers(3.0, None), Value::Null);
        assert_eq!(best["numpy"]["W1"]["seconds"], 3.0);
        assert!(best["torch"].is_null());
        assert_eq!(best["torch_skipped"], "not installed");
    }
}
