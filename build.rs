//! Embeds `providers/` (declarations and snapshots) into the binary so an installed orgcheck works
//! without its source tree.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    for (name, dir) in [("PROVIDER_FILES", "providers")] {
        let base = root.join(dir);
        println!("cargo:rerun-if-changed={}", base.display());
        let mut files = Vec::new();
        collect(&base, &mut files);
        files.sort();
        writeln!(code, "pub(crate) static {name}: &[(&str, &str)] = &[").unwrap();
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let rel = file.strip_prefix(&base).unwrap().to_string_lossy().replace('\\', "/");
            writeln!(code, "    ({rel:?}, include_str!({:?})),", file.display().to_string()).unwrap();
        }
        writeln!(code, "];").unwrap();
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled.rs");
    fs::write(out, code).expect("write bundled.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "toml" || e == "txt" || e == "md") {
            files.push(path);
        }
    }
}
