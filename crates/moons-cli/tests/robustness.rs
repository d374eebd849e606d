//! The failures a careful user can still meet, each run through the real binary: a full or
//! closed standard output, outputs that collide with each other or with an input, folders
//! that cannot be written, signals during a save, leftovers of killed runs, and the messages,
//! JSON fields and help texts that used to mislead.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod scratch;
use scratch::Scratch;

fn moons() -> Command {
    Command::new(env!("CARGO_BIN_EXE_moons"))
}

fn run(args: &[&str]) -> Output {
    moons().args(args).output().unwrap()
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exit `code`, one `error: ` line on stderr containing every needle, and no panic.
fn assert_fails(out: &Output, code: i32, needles: &[&str]) {
    let stderr = stderr_of(out);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect()
}

/// A saved model and a labelled CSV file of the seed's data, for predict and eval.
fn model_and_data(dir: &Scratch) -> (String, String) {
    let model = dir.path("m.json");
    let data = dir.path("d.csv");
    assert!(run(&["train", "--passes", "50", "--save", &model])
        .status
        .success());
    assert!(run(&["data", "--out", &data]).status.success());
    (model, data)
}

#[test]
fn a_full_standard_output_is_an_error_in_every_command_not_a_panic() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full on this system");
        return;
    }
    let dir = Scratch::new("full");
    let (model, data) = model_and_data(&dir);
    let tour_out = dir.path("figures");
    let cases: Vec<Vec<&str>> = vec![
        vec!["train", "--passes", "10"],
        vec!["train", "--passes", "10", "--json"],
        vec!["logreg"],
        vec!["logreg", "--json"],
        vec!["sweep", "--hidden", "1,2", "--passes", "10"],
        vec!["eval", "--model", &model, "--data", &data],
        vec!["predict", "--model", &model, "--data", &data],
        vec!["data"],
        vec!["completions", "bash"],
        vec!["--out", &tour_out],
    ];
    for args in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = moons().args(&args).stdout(full).output().unwrap();
        assert_fails(&out, 1, &["cannot write to standard output"]);
        assert_eq!(stderr_of(&out).lines().count(), 1, "moons {args:?}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let mut child = moons()
        .args(["data", "--samples", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "x1,x2,label\n");
    let out = child.wait_with_output().unwrap();
    assert!(stderr_of(&out).is_empty(), "{}", stderr_of(&out));
}

#[test]
fn outputs_that_name_one_file_or_an_input_are_usage_errors() {
    let dir = Scratch::new("collide");
    let (model, data) = model_and_data(&dir);
    let same = dir.path("same.png");
    let out = run(&["train", "--passes", "10", "--save", &same, "--plot", &same]);
    assert_fails(&out, 2, &["--save and --plot both name", "same.png"]);
    assert!(!Path::new(&same).exists());

    let before = std::fs::read(&model).unwrap();
    for (flag, target) in [("--model", &model), ("--data", &data)] {
        let out = run(&[
            "predict", "--model", &model, "--data", &data, "--out", target,
        ]);
        assert_fails(&out, 2, &["--out", &format!("the file {flag} reads")]);
    }
    assert_eq!(std::fs::read(&model).unwrap(), before);

    // The same file under another name is still the same file.
    #[cfg(unix)]
    {
        let link = dir.path("link.csv");
        std::os::unix::fs::symlink(&data, &link).unwrap();
        let out = run(&["train", "--data", &link, "--passes", "10", "--save", &data]);
        assert_fails(&out, 2, &["--save", "the file --data reads"]);
        let dotted = format!("{}/./d.csv", dir.0.display());
        let out = run(&[
            "train", "--data", &data, "--passes", "10", "--save", &dotted,
        ]);
        assert_fails(&out, 2, &["the file --data reads"]);
    }
}

#[test]
fn an_unwritable_output_folder_fails_before_training() {
    // /proc takes no new files, even for root; 10^8 passes would take hours if training ran.
    if !Path::new("/proc/self").exists() {
        return;
    }
    let started = Instant::now();
    let out = run(&[
        "train",
        "--passes",
        "100000000",
        "--save",
        "/proc/moons-model.json",
    ]);
    assert_fails(
        &out,
        1,
        &["cannot write --save /proc/moons-model.json", "not writable"],
    );
    assert!(started.elapsed() < Duration::from_secs(30));
    let out = run(&["train", "--plot", "/no/such/folder/b.png"]);
    assert_fails(
        &out,
        1,
        &["--plot", "the folder /no/such/folder does not exist"],
    );
}

#[cfg(unix)]
fn interrupt_a_save(signal: i32, expected_code: i32) {
    let dir = Scratch::new(&format!("signal-{signal}"));
    let model = dir.path("m.json");
    let mut child = moons()
        .args(["train", "--passes", "100000000", "--save", &model])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The temporary file exists from the start: it proves the folder writable.
    let deadline = Instant::now() + Duration::from_secs(30);
    while temporaries(&dir.0).is_empty() {
        assert!(Instant::now() < deadline, "no temporary file appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(temporaries(&dir.0)[0].starts_with(".moons-tmp."));
    // SAFETY: sends a signal to the child we started.
    unsafe { libc::kill(child.id() as i32, signal) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(expected_code));
    assert!(temporaries(&dir.0).is_empty(), "{:?}", temporaries(&dir.0));
    assert!(!Path::new(&model).exists());
}

#[cfg(unix)]
#[test]
fn sigterm_and_sigint_remove_the_temporary_files_and_exit_143_and_130() {
    interrupt_a_save(libc::SIGTERM, 143);
    interrupt_a_save(libc::SIGINT, 130);
}

#[test]
fn a_successful_save_removes_temporaries_that_killed_runs_left() {
    let dir = Scratch::new("stale");
    // No process has this number (Linux's pid_max is at most 2^22).
    let leftovers = [".moons-tmp.4000000000.0.m.json", ".m.json.4000000000.tmp"];
    for name in leftovers {
        dir.file(name, b"half a model");
    }
    dir.file(".moons-tmp.4000000000.0.other.json", b"another target's");
    let out = run(&["train", "--passes", "10", "--save", &dir.path("m.json")]);
    assert!(out.status.success(), "{}", stderr_of(&out));
    let mut left = temporaries(&dir.0);
    left.sort();
    if cfg!(target_os = "linux") {
        assert_eq!(left, [".moons-tmp.4000000000.0.other.json"]);
    }
}

#[test]
fn predict_and_eval_refuse_labels_the_model_does_not_know_alike() {
    let dir = Scratch::new("labels");
    let (model, _) = model_and_data(&dir);
    let three = dir.file("three.csv", b"x1,x2,label\n0.1,0.2,0\n0.3,0.4,2\n");
    let mut messages = Vec::new();
    for command in ["predict", "eval"] {
        let out = run(&[command, "--model", &model, "--data", &three]);
        assert_fails(&out, 1, &["label 2", "classes are 0, 1"]);
        assert!(out.stdout.is_empty());
        messages.push(stderr_of(&out));
    }
    assert_eq!(messages[0], messages[1]);
}

#[test]
fn messages_that_used_to_mislead() {
    let dir = Scratch::new("messages");
    let garbage = dir.file(
        "garbage.csv",
        b"PK\x03\x04\x14\x00\x06\x00garbage without newlines",
    );
    assert_fails(
        &run(&["train", "--data", &garbage]),
        1,
        &["is not text", "binary"],
    );

    let out = run(&["train", "--noise", "1e308"]);
    assert_fails(&out, 2, &["--noise", "from 0 to 1e6"]);
    assert!(!stderr_of(&out).contains("learning rate"));

    let out = run(&["logreg", "--cs", "1e308"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 value of C"), "{stdout}");
    assert!(stdout.contains("C = 1e308"), "{stdout}");
    assert!(!stdout.contains("0000000000") && !stderr_of(&out).contains("0000000000"));

    assert_fails(&run(&["logreg", "--cs", "-1,1"]), 2, &["C = -1", "> 0"]);
    assert_fails(
        &run(&["train", "--out", "m.json"]),
        2,
        &["--save m.json", "not --out"],
    );
    for plot in ["x.jpg", "x"] {
        assert_fails(&run(&["train", "--plot", plot]), 2, &[".png or .svg"]);
    }
}

#[test]
fn train_json_states_the_settings_as_run_and_the_last_pass() {
    let out = run(&["train", "--passes", "1000", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["gradient"], "sum");
    assert_eq!(json["trainer"]["gradient"], "sum");
    assert_eq!(json["trainer"]["batch_size"], 200);
    let losses = json["losses"].as_array().unwrap();
    let last = losses.last().unwrap();
    let history_last = json["history"].as_array().unwrap().last().unwrap();
    assert_eq!(last[0], 999);
    assert_eq!(last[0], history_last["pass"]);
    assert_eq!(last[1], history_last["train_loss"]);
}

#[test]
fn help_texts_describe_their_own_command() {
    // With the wrapped lines joined.
    let help = |command: &str| {
        let text = String::from_utf8(run(&[command, "--help"]).stdout).unwrap();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for command in ["data", "train", "logreg", "sweep"] {
        assert!(!help(command).contains("two moons"), "{command}");
    }
    for command in ["data", "logreg"] {
        assert!(!help(command).contains("weights"), "moons {command} --help");
    }
    assert!(help("train").contains("weights are initialised"));
    assert!(help("sweep").contains("each network's weights"));
}

#[test]
fn a_dash_is_standard_input_and_output() {
    let dir = Scratch::new("dash");
    let (model, data) = model_and_data(&dir);
    let csv = std::fs::read(&data).unwrap();
    let with_stdin = |args: &[&str]| {
        let mut child = moons()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(&csv).unwrap();
        child.wait_with_output().unwrap()
    };
    let from_file = run(&["predict", "--model", &model, "--data", &data, "--out", "-"]);
    let from_stdin = with_stdin(&["predict", "--model", &model, "--data", "-"]);
    assert!(from_stdin.status.success(), "{}", stderr_of(&from_stdin));
    assert_eq!(from_file.stdout, from_stdin.stdout);

    let eval = with_stdin(&["eval", "--model", &model, "--data", "-"]);
    assert!(eval.status.success(), "{}", stderr_of(&eval));
    let train = with_stdin(&["train", "--data", "-", "--passes", "10"]);
    assert!(train.status.success(), "{}", stderr_of(&train));
    let data_out = run(&["data", "--out", "-"]);
    assert_eq!(data_out.stdout, csv);
}

#[test]
fn the_piped_tour_starts_with_its_first_heading() {
    let dir = Scratch::new("tour");
    let mut child = moons()
        .args(["--out", &dir.path("figures")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(first, "== 1. The data ==\n");
}
