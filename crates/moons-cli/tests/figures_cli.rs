//! `moons sweep` and the default run (the tour): their output, their figures, their errors.

use std::path::Path;
use std::process::{Command, Output};

fn moons(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the moons binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn is_png(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.starts_with(b"\x89PNG\r\n\x1a\n"))
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("moons-figures-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sweep_prints_one_line_per_width_and_draws_them() {
    let dir = scratch("sweep");
    let out = moons(
        &[
            "sweep", "--hidden", "3,1", "--passes", "300", "--plot", "s.png",
        ],
        &dir,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("H = 3") && lines[1].starts_with("H = 1"),
        "{text}"
    );
    assert!(lines[0].contains("training accuracy"), "{text}");
    assert!(is_png(&dir.join("s.png")));

    let json = moons(
        &["sweep", "--hidden", "2", "--passes", "100", "--json"],
        &dir,
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value[0]["hidden"], 2);
    assert!(value[0]["final_loss"].as_f64().unwrap() > 0.0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sweep_errors_are_one_line_with_the_right_exit_code() {
    let dir = scratch("errors");
    // An out-of-range width is a usage error, refused by the argument parser.
    let bad_width = moons(&["sweep", "--hidden", "0"], &dir);
    assert_eq!(bad_width.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_width.stderr).starts_with("error: invalid value '0'"));
    let missing_folder = moons(
        &["sweep", "--hidden", "1", "--plot", "no/such/dir/s.png"],
        &dir,
    );
    assert_eq!(missing_folder.status.code(), Some(1));
    assert_eq!(
        moons(&["sweep", "--hidden", "x"], &dir).status.code(),
        Some(2)
    );
    assert_eq!(moons(&["--out", "f", "train"], &dir).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_tour_walks_through_the_seed_and_writes_every_figure() {
    let dir = scratch("tour");
    let out = moons(&["--out", "pictures"], &dir);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for heading in [
        "1. The data",
        "2. Logistic regression",
        "3. A network",
        "4. Varying",
    ] {
        assert!(text.contains(heading), "missing '{heading}' in\n{text}");
    }
    assert!(text.contains("Loss after iteration 19000:"), "{text}");
    assert!(text.contains("Training accuracy: 0.975"), "{text}");
    for name in [
        "moons.png",
        "logistic_regression.png",
        "hidden_3.png",
        "hidden_3_probability.png",
        "hidden_sizes.png",
        "loss_curve.png",
    ] {
        let path = dir.join("pictures").join(name);
        assert!(is_png(&path), "{} missing", path.display());
        assert!(
            text.contains(&format!("pictures/{name}")),
            "the tour does not say where {name} went"
        );
    }
    assert!(text.contains("Next steps:"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
