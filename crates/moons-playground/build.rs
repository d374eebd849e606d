//! Embeds every file under `web/` in the binary: the page works offline and needs no
//! build step of its own.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("web/ is readable")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut all = Vec::new();
    files(&root, &mut all);
    let mut code = String::from("/// Every page file: its URL path and its bytes.\npub static FILES: &[(&str, &[u8])] = &[\n");
    for path in &all {
        println!("cargo:rerun-if-changed={}", path.display());
        let url = path
            .strip_prefix(&root)
            .expect("under web/")
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    (\"/{url}\", include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("web_files.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
