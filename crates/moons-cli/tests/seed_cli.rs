//! The `moons` binary against the numpy reference: the seed's loss table and data set.

mod common;

use common::fixture;
use std::process::Command;

use serde_json::Value;

fn moons(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(args)
        .output()
        .expect("the moons binary runs");
    assert!(
        out.status.success(),
        "moons {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn printed_lines(case: &Value) -> Vec<String> {
    case["ctanh"]["printed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn default_train_prints_numpys_table_then_the_oscillation() {
    let fixtures = fixture("seed_training.json");
    let case = &fixtures["cases"][0];
    assert_eq!(case["hidden"], 3);
    assert_eq!(case["passes"], 20000);

    let stdout = moons(&["train"]);
    let lines: Vec<&str> = stdout.lines().collect();
    let expected = printed_lines(case);
    assert_eq!(
        lines[..expected.len()],
        expected.iter().map(String::as_str).collect::<Vec<_>>()[..]
    );
    assert_eq!(lines[20], "Training accuracy: 0.975");
    assert_eq!(case["ctanh"]["train_accuracy"].as_f64(), Some(0.975));

    // Both branches of the period-2 oscillation, as numpy computes them at passes 19998/19999.
    let last = case["ctanh"]["last_losses"].as_array().unwrap();
    let even = format!("{:.6}", last[2][1].as_f64().unwrap());
    let odd = format!("{:.6}", last[3][1].as_f64().unwrap());
    assert_eq!(last[2][0], 19998);
    assert!(
        lines[21].contains(&format!(
            "alternates between {even} (even passes) and {odd} (odd passes)"
        )),
        "{}",
        lines[21]
    );
    // The seed's published table shows the other branch: its even passes print `odd`.
    let seed_branch = case["numpy_tanh"]["printed"].as_array().unwrap();
    assert!(seed_branch
        .last()
        .unwrap()
        .as_str()
        .unwrap()
        .ends_with(&odd));
    assert!(lines[22].contains("other branch"), "{}", lines[22]);
}

#[test]
fn other_settings_equal_numpy_on_every_printed_line() {
    let fixtures = fixture("seed_training.json");
    for case in fixtures["cases"].as_array().unwrap().iter().skip(1) {
        let arg = |k: &str| case[k].to_string();
        let (hidden, n, noise, seed) = (arg("hidden"), arg("n"), arg("noise"), arg("data_seed"));
        let (passes, every) = (arg("passes"), arg("print_every"));
        assert_eq!(
            case["data_seed"], case["init_seed"],
            "the CLI seeds both with --seed"
        );
        let stdout = moons(&[
            "train",
            "--hidden",
            &hidden,
            "--samples",
            &n,
            "--noise",
            &noise,
            "--seed",
            &seed,
            "--passes",
            &passes,
            "--print-every",
            &every,
        ]);
        let expected = printed_lines(case);
        let lines: Vec<&str> = stdout.lines().take(expected.len()).collect();
        assert_eq!(
            lines, expected,
            "moons train --hidden {hidden} --samples {n} --seed {seed}"
        );
        let accuracy = case["ctanh"]["train_accuracy"].as_f64().unwrap();
        assert_eq!(
            stdout.lines().nth(expected.len()),
            Some(format!("Training accuracy: {accuracy}").as_str())
        );
    }
}

#[test]
fn data_equals_make_moons_to_1e_12() {
    let fixtures = fixture("make_moons.json");
    for case in fixtures["cases"].as_array().unwrap() {
        if case["shuffle"] == false {
            continue; // the CLI always shuffles, as make_moons does by default
        }
        let stdout = moons(&[
            "data",
            "--samples",
            &case["n"].to_string(),
            "--noise",
            &case["noise"].to_string(),
            "--seed",
            &case["seed"].to_string(),
        ]);
        let mut lines = stdout.lines();
        assert_eq!(lines.next(), Some("x1,x2,label"));
        let rows: Vec<&str> = lines.collect();
        let expected = case["X"].as_array().unwrap();
        assert_eq!(rows.len(), expected.len());
        for (i, (row, want)) in rows.iter().zip(expected).enumerate() {
            let fields: Vec<f64> = row.split(',').map(|f| f.parse().unwrap()).collect();
            for j in 0..2 {
                let want = want[j].as_f64().unwrap();
                assert!(
                    (fields[j] - want).abs() <= 1e-12,
                    "row {i} col {j}: {} vs {want}",
                    fields[j]
                );
            }
            assert_eq!(fields[2], case["y"][i].as_f64().unwrap());
        }
    }
}
