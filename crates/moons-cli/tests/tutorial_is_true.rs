//! docs/tutorial.md shows commands and what they print: run every such pair and check that
//! the page still tells the truth, so a newcomer reproduces every number in it.

use std::path::Path;
use std::process::Command;

/// `(commands, expected output)` for every ```sh block directly followed by a ```text block.
fn examples(markdown: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut blocks: Vec<(String, Vec<String>)> = Vec::new();
    let mut lines = markdown.lines().peekable();
    let mut since_block = 0;
    let mut adjacent = Vec::new();
    while let Some(line) = lines.next() {
        if let Some(lang) = line.strip_prefix("```") {
            let body: Vec<String> = lines
                .by_ref()
                .take_while(|l| !l.starts_with("```"))
                .map(String::from)
                .collect();
            adjacent.push(since_block == 0 && !blocks.is_empty());
            blocks.push((lang.to_owned(), body));
            since_block = 0;
        } else if !line.trim().is_empty() {
            since_block += 1;
        }
    }
    let mut pairs = Vec::new();
    for i in 1..blocks.len() {
        if blocks[i - 1].0 == "sh" && blocks[i].0 == "text" && adjacent[i] {
            let commands = blocks[i - 1].1.join("\n").replace("\\\n", " ");
            let commands = commands
                .lines()
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect();
            pairs.push((commands, blocks[i].1.clone()));
        }
    }
    pairs
}

/// Runs `moons ARGS [| head -N]` in `dir`, returning its standard output lines.
fn run(command: &str, dir: &Path) -> Vec<String> {
    let (command, head) = match command.split_once(" | head -") {
        Some((c, n)) => (c, Some(n.trim().parse::<usize>().unwrap())),
        None => (command, None),
    };
    let mut words = command.split_whitespace();
    assert_eq!(words.next(), Some("moons"), "{command}");
    let out = Command::new(env!("CARGO_BIN_EXE_moons"))
        .args(words)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect::<Vec<_>>();
    lines.into_iter().take(head.unwrap_or(usize::MAX)).collect()
}

/// `expected` may elide lines with a `...` line.
fn matches(actual: &[String], expected: &[String]) -> bool {
    match expected.iter().position(|l| l == "...") {
        None => actual == expected,
        Some(gap) => {
            let tail = &expected[gap + 1..];
            actual.len() >= gap + tail.len()
                && actual[..gap] == expected[..gap]
                && actual[actual.len() - tail.len()..] == *tail
        }
    }
}

#[test]
fn every_command_in_the_tutorial_prints_what_the_tutorial_says() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tutorial.md");
    let markdown = std::fs::read_to_string(path).unwrap();
    let pairs = examples(&markdown);
    assert!(
        pairs.len() >= 5,
        "found only {} command/output pairs",
        pairs.len()
    );
    let dir = std::env::temp_dir().join(format!("moons-tutorial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (commands, expected) in pairs {
        let actual: Vec<String> = commands.iter().flat_map(|c| run(c, &dir)).collect();
        assert!(
            matches(&actual, &expected),
            "{commands:?}\n--- the tutorial says:\n{}\n--- it prints:\n{}",
            expected.join("\n"),
            actual.join("\n")
        );
    }
    std::fs::remove_dir_all(dir).ok();
}
