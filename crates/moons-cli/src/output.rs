//! Files a command reads and writes, checked before any work starts: every output path is
//! distinct from the others and from every input (as canonical paths), and its folder is
//! proven writable by creating the output's temporary file there. `-` is standard input or
//! output.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use moons_datasets::AtomicFile;

use crate::usage::usage;

/// The name `-` stands for: standard input or standard output.
pub const STDIO: &str = "-";

/// True for `-`.
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == STDIO
}

/// A flag and the path it names.
pub type Named<'a> = (&'static str, &'a Path);

/// Proof that each output can be written: its temporary file, created up front. Dropping it
/// removes the temporary file; a signal removes it too.
#[must_use = "the outputs stay proven only while this is kept"]
pub struct Prepared(Vec<AtomicFile>);

impl Prepared {
    /// Gives the output at `path` back for the real write, removing its temporary file, so
    /// that the library's own atomic writer can put the file in place.
    pub fn release(&mut self, path: &Path) {
        self.0.retain(|f| f.target() != path);
    }
}

/// [`prepare`] for flags whose paths are optional: the ones given are checked.
pub fn prepare_given(
    outputs: &[(&'static str, Option<&Path>)],
    inputs: &[(&'static str, Option<&Path>)],
) -> Result<Prepared> {
    prepare(&given(outputs), &given(inputs))
}

fn given<'a>(named: &[(&'static str, Option<&'a Path>)]) -> Vec<Named<'a>> {
    named
        .iter()
        .filter_map(|&(flag, path)| Some((flag, path?)))
        .collect()
}

/// Checks `outputs` against each other and against `inputs`, then creates each output's
/// temporary file. Usage errors (two flags naming one file) exit with 2; a folder that is
/// missing or not writable is a runtime error naming the flag and the file.
pub fn prepare(outputs: &[Named<'_>], inputs: &[Named<'_>]) -> Result<Prepared> {
    let outputs: Vec<(&'static str, &Path, PathBuf)> = outputs
        .iter()
        .filter(|(_, p)| !is_stdio(p))
        .map(|&(flag, p)| (flag, p, identity(p)))
        .collect();
    for (i, (flag, path, id)) in outputs.iter().enumerate() {
        if let Some((other, ..)) = outputs[..i].iter().find(|(_, _, o)| o == id) {
            usage!(
                "{other} and {flag} both name {}: give each output a file of its own",
                path.display()
            );
        }
        if let Some((input, ..)) = inputs
            .iter()
            .filter(|(_, p)| !is_stdio(p))
            .find(|(_, p)| identity(p) == *id)
        {
            usage!(
                "{flag} {} is the file {input} reads: writing it would replace the input; \
                 choose another file name",
                path.display()
            );
        }
    }
    let mut files = Vec::with_capacity(outputs.len());
    for (flag, path, _) in &outputs {
        let file = AtomicFile::create(path)
            .map_err(|e| anyhow::anyhow!(why_unwritable(flag, path, &e)))?;
        files.push(file);
    }
    Ok(Prepared(files))
}

fn why_unwritable(flag: &str, path: &Path, e: &std::io::Error) -> String {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let reason = if e.kind() == std::io::ErrorKind::InvalidInput {
        e.to_string()
    } else if !folder.is_dir() {
        format!("the folder {} does not exist", folder.display())
    } else {
        format!("the folder {} is not writable ({e})", folder.display())
    };
    format!("cannot write {flag} {}: {reason}", path.display())
}

/// The file a path means: its canonical form, or for a file not yet there its folder's
/// canonical form joined with its name.
fn identity(path: &Path) -> PathBuf {
    if let Ok(canonical) = path.canonicalize() {
        return canonical;
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (folder.canonicalize(), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => std::env::current_dir().map_or_else(|_| path.to_path_buf(), |cwd| cwd.join(path)),
    }
}

/// The bytes of an input file, or of standard input for `-`, with the name errors use.
pub fn read_input(path: &Path) -> Result<(String, Vec<u8>)> {
    if is_stdio(path) {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(moons_datasets::MAX_CSV_BYTES + 1)
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        if bytes.len() as u64 > moons_datasets::MAX_CSV_BYTES {
            anyhow::bail!(
                "standard input: more than {} bytes; the largest CSV accepted is that size",
                moons_datasets::MAX_CSV_BYTES
            );
        }
        return Ok(("standard input".into(), bytes));
    }
    let name = path.display().to_string();
    let bytes = moons_datasets::read_file_bytes(path)?;
    Ok((name, bytes))
}

/// Writes through `fill` to `path` atomically, or to standard output for none or `-`.
pub fn write_file_or_stdout(
    path: Option<&Path>,
    fill: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    match path {
        Some(path) if !is_stdio(path) => moons_datasets::atomic::write_atomically(path, fill)
            .with_context(|| format!("cannot write {}", path.display())),
        _ => Ok(crate::stdout::write_with(fill)?),
    }
}
