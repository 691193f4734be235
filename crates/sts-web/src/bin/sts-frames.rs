//! Writes the first stage's frames (`<out>/<scenario>.bin`) for every built-in scenario:
//! `sts-frames <out-dir>`. Run by `cargo xtask` when it builds the site.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sts-frames <out-dir>");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("sts-frames: creating {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let mut failed = false;
    for entry in sts_web::session::catalog() {
        let result = sts_web::frames::build(&entry.id).and_then(|set| {
            let bytes = set.encode();
            let path = out.join(format!("{}.bin", entry.id));
            std::fs::write(&path, &bytes)
                .map_err(|e| format!("writing {}: {e}", path.display()))?;
            Ok((set.frames.len(), bytes.len(), set.settled))
        });
        match result {
            Ok((frames, bytes, settled)) => println!(
                "{:<24} {frames:>5} steps{} {bytes:>8} bytes",
                entry.id,
                if settled { "" } else { " (cut)" }
            ),
            Err(e) => {
                eprintln!("sts-frames: {}: {e}", entry.id);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
