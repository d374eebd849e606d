//! `moons playground` as a process: one line on stdout, a warning for a non-loopback host,
//! a clear error for a busy port, and exit 0 within a second of Ctrl-C or SIGTERM.

#![cfg(unix)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MOONS: &str = env!("CARGO_BIN_EXE_moons");

fn start(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(MOONS)
        .arg("playground")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn signal_and_wait(mut child: Child, signal: &str) -> (std::process::ExitStatus, String, String) {
    let sent = Instant::now();
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(1),
            "still running 1 s after {signal}"
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (exit, out, err)
}

fn health(url: &str) -> String {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /api/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn it_prints_one_line_serves_and_exits_0_on_sigterm_and_ctrl_c() {
    for signal in ["-TERM", "-INT"] {
        let (child, line) = start(&["--port", "0"]);
        let url = line
            .strip_prefix("moons playground at ")
            .and_then(|u| u.strip_suffix('\n'))
            .unwrap_or_else(|| panic!("first line {line:?}"));
        assert!(
            url.starts_with("http://127.0.0.1:") && url.ends_with('/'),
            "{url}"
        );
        let answer = health(url);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains(r#""ok":true"#), "{answer}");
        let (status, rest, err) = signal_and_wait(child, signal);
        assert_eq!(status.code(), Some(0), "{signal}: {err}");
        assert_eq!(rest, "", "exactly one line on stdout");
        assert_eq!(err, "", "nothing on stderr for a loopback host");
    }
}

#[test]
fn a_non_loopback_host_warns_and_a_busy_port_is_a_clear_error() {
    let (child, line) = start(&["--host", "0.0.0.0", "--port", "0", "--open"]);
    assert!(
        line.starts_with("moons playground at http://0.0.0.0:"),
        "{line}"
    );
    let (status, _, err) = signal_and_wait(child, "-TERM");
    assert_eq!(status.code(), Some(0));
    assert!(
        err.contains("warning") && err.contains("anyone on your network"),
        "{err}"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port_taken = busy.local_addr().unwrap().port().to_string();
    let out = Command::new(MOONS)
        .args(["playground", "--port", &port_taken])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--port") && err.contains(&port_taken), "{err}");
    assert!(out.stdout.is_empty());

    let bad = Command::new(MOONS)
        .args(["playground", "--port", "70000"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--port"));
}
