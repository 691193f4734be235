//! With the `builtin-scenarios` feature, embeds the built-in scenarios
//! (`scenarios/*.yaml` at the workspace root) so a wasm build needs no fetch to offer
//! them: `SCENARIOS: &[(id, text)]`, sorted by id (see `builtin.rs`). Without the
//! feature the list is empty and no scenario file is read.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let mut out = String::from(
        "/// Built-in scenarios: (id, file text), sorted by id.\npub const SCENARIOS: &[(&str, &str)] = &[\n",
    );
    if std::env::var_os("CARGO_FEATURE_BUILTIN_SCENARIOS").is_some() {
        // Read at run time: `env!` would bake in the path the build script was compiled
        // at, which a shared target directory may reuse for another checkout.
        let manifest_dir =
            std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
        let dir = Path::new(&manifest_dir).join("../../scenarios");
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        for f in &files {
            println!("cargo:rerun-if-changed={}", f.display());
            let id = f.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let path = f.canonicalize().unwrap_or_else(|_| f.clone());
            let _ = writeln!(
                out,
                "    ({id:?}, include_str!({:?})),",
                path.display().to_string()
            );
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("scenarios.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}
