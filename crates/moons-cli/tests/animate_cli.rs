//! `moons train --animate FILE.gif`: the boundary at every report as an animated GIF.

use std::process::Command;

const MOONS: &str = env!("CARGO_BIN_EXE_moons");

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("moons-animate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn train_animate_writes_a_gif_with_a_frame_per_report() {
    let gif = temp("run.gif");
    let out = Command::new(MOONS)
        .args([
            "train",
            "--passes",
            "3000",
            "--print-every",
            "1000",
            "--animate",
        ])
        .arg(&gif)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&gif).unwrap();
    assert!(bytes.starts_with(b"GIF89a"));
    // One image descriptor per frame: reports at 0, 1000, 2000, then the last pass 2999
    // (held for four frames).
    let frames = bytes.windows(2).filter(|w| w == b"\x21\xf9").count();
    assert_eq!(frames, 3 + 4, "graphic control blocks");
    // The loss table is unchanged by drawing.
    let plain = Command::new(MOONS)
        .args(["train", "--passes", "3000", "--print-every", "1000"])
        .output()
        .unwrap();
    assert_eq!(plain.stdout, out.stdout);
}

#[test]
fn animate_needs_a_gif_name_and_two_features() {
    let out = Command::new(MOONS)
        .args(["train", "--passes", "10", "--animate", "run.png"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".gif"));
    let csv = temp("three.csv");
    std::fs::write(&csv, "a,b,c,label\n0,0,1,0\n1,1,0,1\n0,1,1,0\n1,0,0,1\n").unwrap();
    let gif = temp("never.gif");
    let out = Command::new(MOONS)
        .args(["train", "--passes", "10", "--data"])
        .arg(&csv)
        .arg("--animate")
        .arg(&gif)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--animate"));
    assert!(!gif.exists(), "no file is left behind");
}
