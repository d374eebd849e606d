//! Writing a file so that a failure, a crash or a signal never leaves a partial file in place
//! of a good one: the bytes go to a hidden temporary file beside the target, which is renamed
//! over the target only when complete.
//!
//! Every temporary file is named `.moons-tmp.<pid>.<n>.<target name>`, so that
//! - a program that is interrupted can remove its own files ([`remove_in_flight`], safe to
//!   call from a signal-handling thread), and
//! - the next successful write of the same target removes the ones a killed process left
//!   behind (those whose process is gone), as well as the `.<name>.<pid>.tmp` files of earlier
//!   versions.
//!
//! ```
//! use std::io::Write;
//! let dir = std::env::temp_dir().join(format!("moons-atomic-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let target = dir.join("numbers.txt");
//! // Creating the file first proves the folder is writable before any long work starts.
//! let file = moons_datasets::AtomicFile::create(&target)?;
//! file.write_with(|w| writeln!(w, "1, 2, 3"))?;
//! assert_eq!(std::fs::read_to_string(&target)?, "1, 2, 3\n");
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The prefix of every temporary file this library writes.
pub const TEMP_PREFIX: &str = ".moons-tmp.";

/// Temporary files created and not yet renamed or removed, for [`remove_in_flight`].
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A target path and the temporary file that will replace it.
///
/// Dropping it without [`write_with`](Self::write_with) removes the temporary file and leaves
/// the target as it was.
#[derive(Debug)]
pub struct AtomicFile {
    target: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Creates the temporary file beside `target` (which proves the folder exists and is
    /// writable) without touching `target` itself.
    pub fn create(target: &Path) -> io::Result<Self> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = target.file_name().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} does not name a file", target.display()),
            )
        })?;
        if target.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} is a folder; give a file name", target.display()),
            ));
        }
        let temp = folder_of(target).join(format!(
            "{TEMP_PREFIX}{}.{}.{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            name.to_string_lossy()
        ));
        // Registered before it exists, so that a signal arriving in between still removes it.
        lock_in_flight().push(temp.clone());
        match File::create(&temp) {
            Ok(file) => Ok(Self {
                target: target.to_path_buf(),
                temp,
                file: Some(file),
            }),
            Err(e) => {
                forget(&temp);
                Err(e)
            }
        }
    }

    /// The path this file will be written to.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes the contents through `fill`, flushes them to disk and renames the temporary file
    /// over the target; then removes stale temporary files of the same target. On any error
    /// the temporary file is removed and the target is left untouched.
    pub fn write_with(
        mut self,
        fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("the temporary file was already used"))?;
        let mut writer = BufWriter::new(file);
        fill(&mut writer)?;
        writer.flush()?;
        writer
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        fs::rename(&self.temp, &self.target)?;
        forget(&self.temp);
        remove_stale(&self.target);
        Ok(())
    }

    /// [`write_with`](Self::write_with) for bytes already in memory.
    pub fn write_bytes(self, bytes: &[u8]) -> io::Result<()> {
        self.write_with(|w| w.write_all(bytes))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        // Renamed files were forgotten already; anything still listed is ours to remove.
        if lock_in_flight().contains(&self.temp) {
            self.file.take();
            let _ = fs::remove_file(&self.temp);
            forget(&self.temp);
        }
    }
}

/// Writes `target` atomically: [`AtomicFile::create`] then [`AtomicFile::write_with`].
pub fn write_atomically(
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    AtomicFile::create(target)?.write_with(fill)
}

/// Removes every temporary file this process has created and not yet renamed. Meant for a
/// program's SIGINT/SIGTERM handling thread, just before it exits.
pub fn remove_in_flight() {
    let paths = std::mem::take(&mut *lock_in_flight());
    for path in paths {
        let _ = fs::remove_file(path);
    }
}

fn lock_in_flight() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while the list was held leaves it valid: every change is a single push or retain.
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

fn forget(temp: &Path) {
    lock_in_flight().retain(|p| p != temp);
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Removes the temporary files of `target` left by processes that no longer run.
fn remove_stale(target: &Path) {
    let Some(name) = target.file_name().and_then(OsStr::to_str) else {
        return;
    };
    let Ok(entries) = fs::read_dir(folder_of(target)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let Some(pid) = stale_owner(file_name, name) else {
            continue;
        };
        let path = entry.path();
        let abandoned = if pid == std::process::id() {
            // An unlisted file with our number is a leftover of an earlier process that had it.
            !lock_in_flight().contains(&path)
        } else {
            !process_is_running(pid)
        };
        if abandoned {
            let _ = fs::remove_file(path);
        }
    }
}

/// The process id in `file_name` if it is a temporary file of the target `name`: this
/// library's `.moons-tmp.<pid>.<n>.<name>`, or earlier versions' `.<name>.<pid>.tmp` and
/// `.<name>.<pid>.<n>.tmp`.
fn stale_owner(file_name: &str, name: &str) -> Option<u32> {
    if let Some(rest) = file_name.strip_prefix(TEMP_PREFIX) {
        let (pid, rest) = rest.split_once('.')?;
        let (counter, rest) = rest.split_once('.')?;
        counter.parse::<u64>().ok()?;
        return (rest == name).then(|| pid.parse().ok()).flatten();
    }
    let rest = file_name
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?
        .strip_suffix(".tmp")?;
    let pid = rest.split('.').next()?;
    pid.parse().ok()
}

/// Whether process `pid` exists. Where that cannot be told, every process counts as running,
/// so nothing is removed that might still be written.
fn process_is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `remove_in_flight` removes every temporary file of the process, so the tests that
    /// write take turns.
    static TURNS: Mutex<()> = Mutex::new(());

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("moons-atomic-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_fill_leaves_the_old_file_and_no_temporary() {
        let _turn = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = scratch("failed");
        let target = dir.join("model.json");
        fs::write(&target, "old").unwrap();
        let result = AtomicFile::create(&target).unwrap().write_with(|w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk on fire"))
        });
        assert!(result.is_err());
        assert_eq!(fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(listing(&dir), ["model.json"]);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn dropping_and_removing_in_flight_clean_up() {
        let _turn = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = scratch("dropped");
        let target = dir.join("a.csv");
        let file = AtomicFile::create(&target).unwrap();
        assert_eq!(listing(&dir).len(), 1);
        drop(file);
        assert!(listing(&dir).is_empty());
        let kept = AtomicFile::create(&target).unwrap();
        remove_in_flight();
        assert!(listing(&dir).is_empty());
        drop(kept);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_successful_write_removes_stale_temporaries_of_its_target_only() {
        let _turn = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = scratch("stale");
        let target = dir.join("m.json");
        // No process has a number this large on Linux (pid_max is at most 2^22).
        let dead = 4_000_000_000u32;
        for leftover in [
            format!("{TEMP_PREFIX}{dead}.0.m.json"),
            format!(".m.json.{dead}.tmp"),
            format!(".m.json.{dead}.3.tmp"),
            format!("{TEMP_PREFIX}{dead}.0.other.json"),
            format!("{TEMP_PREFIX}{}.0.m.json", 1), // init runs: not ours to remove
        ] {
            fs::write(dir.join(leftover), "x").unwrap();
        }
        write_atomically(&target, |w| w.write_all(b"new")).unwrap();
        let expected_left = if cfg!(target_os = "linux") {
            vec![
                format!("{TEMP_PREFIX}1.0.m.json"),
                format!("{TEMP_PREFIX}{dead}.0.other.json"),
                "m.json".to_string(),
            ]
        } else {
            listing(&dir)
        };
        assert_eq!(listing(&dir), expected_left);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn names_of_temporaries_are_recognised_exactly() {
        assert_eq!(stale_owner(".moons-tmp.12.0.m.json", "m.json"), Some(12));
        assert_eq!(stale_owner(".moons-tmp.12.0.m.json", "json"), None);
        assert_eq!(stale_owner(".moons-tmp.12.x.m.json", "m.json"), None);
        assert_eq!(stale_owner(".m.json.77.tmp", "m.json"), Some(77));
        assert_eq!(stale_owner(".m.json.77.2.tmp", "m.json"), Some(77));
        assert_eq!(stale_owner(".m.json.tmp", "m.json"), None);
        assert_eq!(stale_owner("m.json", "m.json"), None);
    }

    #[test]
    fn a_folder_or_a_missing_folder_is_refused_before_anything_is_written() {
        let _turn = TURNS.lock().unwrap_or_else(|e| e.into_inner());
        let dir = scratch("refused");
        assert!(AtomicFile::create(&dir)
            .unwrap_err()
            .to_string()
            .contains("is a folder"));
        assert!(AtomicFile::create(&dir.join("missing/x.json")).is_err());
        assert!(listing(&dir).is_empty());
        fs::remove_dir_all(dir).unwrap();
    }
}
