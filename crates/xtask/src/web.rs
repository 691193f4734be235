//! The web app's build: tools, the static site and its size report.
//!
//! ```text
//! cargo build -p sts-web --target wasm32-unknown-unknown --profile web
//! wasm-bindgen --target web --no-typescript --out-dir <out>/pkg …/web/sts_web.wasm
//! node_modules/.bin/wasm-opt --low-memory-unused -Oz <out>/pkg/sts_web_bg.wasm
//!                                  (npm binaryen, never Debian's; the first stage also --converge)
//! index.html and web/ copied into <out>
//! ```
//!
//! Tools a fresh machine lacks are installed on first use, one line printed per install:
//! the wasm32 target (rustup), wasm-bindgen-cli at exactly the Cargo.lock version of the
//! `wasm-bindgen` crate (`cargo install` *without* `--locked`: the CLI's own lock file pins
//! a dependency version the crate index may not offer), `npm ci` for wasm-opt and
//! playwright-core, and for the browser tests Chromium with its driver and wasm-pack.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use crate::{cargo, workspace_root, Failure, Result};

pub const WASM: &str = "wasm32-unknown-unknown";
/// The gzipped size of everything a first visit loads may not exceed this (product brief).
/// Going over is reported loudly but does not fail the build: the app's owner decides.
pub const BUDGET_GZ: u64 = 150 * 1024;
/// The docs-embed placeholder's budget, raw bytes (product.md: "≤ 5 KB"): `web/embed.js`
/// is all a docs page loads until a playground is activated.
pub const EMBED_BUDGET: u64 = 5_000;
pub const WASM_PACK_VERSION: &str = "0.15.1";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

type Res<T = ()> = std::result::Result<T, String>;

/// Runs a command with inherited output; `Err` names it when it fails or cannot start.
fn run(mut c: Command, what: &str) -> Res {
    match c.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what} exited with {s}")),
        Err(e) => Err(format!("could not start {what}: {e}")),
    }
}

/// Runs an install command, printing what it does first and how long it took after.
fn install(c: Command, what: &str) -> Res {
    println!("installing: {what}");
    let started = Instant::now();
    run(c, what)?;
    println!(
        "installed in {:.1}s: {what}",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// First line of `<tool> --version`, or `None` when the tool is not on PATH.
fn version_of(tool: &str) -> Option<String> {
    let o = Command::new(tool).arg("--version").output().ok()?;
    o.status.success().then(|| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string()
    })
}

/// The version of package `name` in a Cargo.lock text (the first entry if several).
pub fn lock_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut in_package = false;
    for line in lock.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = false;
        }
        if line == wanted {
            in_package = true;
        } else if in_package {
            if let Some(v) = line
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
            {
                return Some(v.to_string());
            }
        }
    }
    None
}

/// The `wasm-bindgen` crate version the workspace is locked to: the CLI must match it.
pub fn wasm_bindgen_version() -> Res<String> {
    let path = workspace_root().join("Cargo.lock");
    let lock =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    lock_version(&lock, "wasm-bindgen")
        .ok_or_else(|| format!("no wasm-bindgen package in {}", path.display()))
}

/// The wasm32 target of the active toolchain (added with rustup when missing).
pub fn ensure_wasm_target() -> Res {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(o) if o.status.success() => {
            if !String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == WASM)
            {
                let mut add = Command::new("rustup");
                add.args(["target", "add", WASM]);
                install(add, &format!("rustup target add {WASM}"))?;
            }
        }
        // No rustup (e.g. a distribution toolchain): the build explains what is missing.
        _ => println!("rustup not found; assuming the {WASM} standard library is installed"),
    }
    Ok(())
}

/// The npm binaryen's wasm-opt (a node script; see [`node_path`]).
pub fn wasm_opt() -> PathBuf {
    workspace_root()
        .join("node_modules")
        .join(".bin")
        .join("wasm-opt")
}

/// PATH with `node_modules/.bin` first, so every tool (and wasm-pack, which takes the first
/// `wasm-opt` on PATH without checking its version) finds npm binaryen 132, never an older
/// system binaryen that cannot read current wasm-bindgen output.
pub fn node_path() -> std::ffi::OsString {
    let bin = workspace_root().join("node_modules").join(".bin");
    let mut dirs = vec![bin];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).unwrap_or_default()
}

fn mtime(p: &Path) -> Option<SystemTime> {
    std::fs::metadata(p).and_then(|m| m.modified()).ok()
}

/// Whether `npm ci` is due: no wasm-opt installed, or the lock file changed since the
/// last install (npm records its install in `node_modules/.package-lock.json`).
fn npm_ci_due(root: &Path) -> bool {
    let modules = root.join("node_modules");
    if !wasm_opt().is_file() || !modules.join("playwright-core").is_dir() {
        return true;
    }
    let installed = mtime(&modules.join(".package-lock.json")).or_else(|| mtime(&modules));
    match (mtime(&root.join("package-lock.json")), installed) {
        (Some(lock), Some(inst)) => lock > inst,
        _ => true,
    }
}

/// Everything `build_site` needs: the wasm32 target, wasm-bindgen-cli at the Cargo.lock
/// version and the npm packages.
pub fn ensure_build_tools() -> Res {
    ensure_wasm_target()?;
    let want = wasm_bindgen_version()?;
    let have = version_of("wasm-bindgen");
    if have.as_deref() != Some(&format!("wasm-bindgen {want}")) {
        if let Some(h) = &have {
            println!("found {h}, but Cargo.lock has wasm-bindgen {want}: they must match");
        }
        // Not --locked: the CLI's lock file pins a webpki-roots release that the crate index
        // may not offer; the unlocked resolution builds the same CLI.
        let mut c = cargo();
        c.args(["install", "wasm-bindgen-cli", "--version", &want]);
        install(
            c,
            &format!("cargo install wasm-bindgen-cli --version {want}"),
        )?;
    }
    let root = workspace_root();
    if npm_ci_due(&root) {
        if version_of("npm").is_none() {
            return Err(
                "npm is not installed: install Node.js 20 or later with npm, then run `npm ci`"
                    .into(),
            );
        }
        let mut c = Command::new("npm");
        c.current_dir(&root).args(["ci", "--no-audit", "--no-fund"]);
        install(c, "npm ci (binaryen's wasm-opt, playwright-core)")?;
    }
    if !wasm_opt().is_file() {
        return Err(format!(
            "{} is missing after npm ci: is binaryen in package.json?",
            wasm_opt().display()
        ));
    }
    Ok(())
}

/// Whether this process runs as root (reads /proc; false when unknown).
/// A file of Debian's fonts-noto-cjk.
const CJK_FONT: &str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|v| v.split_whitespace().next())
            == Some("0")
    })
}

/// The build tools plus Debian's Chromium and chromedriver (same version, used by both
/// wasm-bindgen-test and Playwright) and wasm-pack.
pub fn ensure_test_tools() -> Res {
    ensure_build_tools()?;
    // fonts-noto-cjk: without a CJK font, the Chinese UI's screenshots show empty boxes.
    let apt = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver fonts-noto-cjk";
    if !Path::new(CHROMIUM).is_file()
        || !Path::new(CHROMEDRIVER).is_file()
        || !Path::new(CJK_FONT).is_file()
    {
        let has_apt = Command::new("apt-get").arg("--version").output().is_ok();
        if !(is_root() && has_apt) {
            return Err(format!(
                "the browser tests need {CHROMIUM} and {CHROMEDRIVER}; install them with:\n  sudo sh -c '{apt}'"
            ));
        }
        let mut c = Command::new("sh");
        c.args(["-c", apt]);
        install(c, "apt-get install chromium chromium-driver fonts-noto-cjk")?;
    }
    if version_of("wasm-pack").is_none() {
        let mut c = cargo();
        c.args([
            "install",
            "--locked",
            "wasm-pack",
            "--version",
            WASM_PACK_VERSION,
        ]);
        install(
            c,
            &format!("cargo install --locked wasm-pack --version {WASM_PACK_VERSION}"),
        )?;
    }
    Ok(())
}

/// How the site's wasm is built.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// What ships: `wasm-opt -Oz`, which drops the function names.
    Shipped,
    /// For size profiling: function names kept (`strip = false`, `wasm-opt -Oz -g`). The web
    /// profile does not strip (see the root Cargo.toml), so this reuses the shipped build.
    Named,
}

/// wasm-opt's flags for both modules. `--low-memory-unused`: Rust's wasm modules keep
/// their stack and data above 1 MiB, so the first KiB of memory is never addressed and
/// wasm-opt may fold constant offsets into loads and stores. Measured on the first
/// stage: -Oz alone 128,226 bytes gzipped, with `--low-memory-unused` 126,890.
/// (`--traps-never-happen` would save more but lets wasm-opt assume a panic cannot
/// happen, turning an abort into undefined behaviour: not used.)
pub const WASM_OPT_FLAGS: [&str; 2] = ["--low-memory-unused", "-Oz"];
/// For the first stage only (small, and on the budget): `--converge` repeats the
/// passes while they still shrink it (126,826 bytes gzipped, from 126,890).
pub const WASM_OPT_FIRST_STAGE: &str = "--converge";

/// The cargo target directory (honours `CARGO_TARGET_DIR`).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_absolute() {
                p
            } else {
                workspace_root().join(p)
            }
        })
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// Builds the site into `out` (emptied first) and writes `<out>/size-report.txt`.
/// Assumes [`ensure_build_tools`] ran.
pub fn build_site(out: &Path, flavour: Flavour) -> Res<SizeReport> {
    let root = workspace_root();
    // Two invocations: built together, cargo would unify sts-web's features and the
    // first stage would link the full app's entry point.
    for krate in ["sts-web", "sts-lite"] {
        let mut c = cargo();
        c.args(["build", "-p", krate, "--target", WASM, "--profile", "web"]);
        if flavour == Flavour::Named {
            // The profile's own setting today; kept explicit so names survive a change there.
            c.env("CARGO_PROFILE_WEB_STRIP", "false");
        }
        println!("building: cargo build -p {krate} --target {WASM} --profile web");
        run(c, &format!("cargo build -p {krate}"))?;
    }

    // A fresh site each time: nothing stale is served.
    if let Ok(entries) = std::fs::read_dir(out) {
        for e in entries.flatten() {
            let p = e.path();
            let removed = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
            removed.map_err(|e| format!("removing {}: {e}", p.display()))?;
        }
    }
    let pkg = out.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("creating {}: {e}", pkg.display()))?;
    for module in ["sts_web", "sts_lite"] {
        let wasm = target_dir()
            .join(WASM)
            .join("web")
            .join(format!("{module}.wasm"));
        let mut c = Command::new("wasm-bindgen");
        c.args(["--target", "web", "--no-typescript", "--out-dir"])
            .arg(&pkg)
            .arg(&wasm);
        println!(
            "wasm-bindgen --target web --no-typescript {module} → {}",
            pkg.display()
        );
        run(c, "wasm-bindgen")?;

        let bg = pkg.join(format!("{module}_bg.wasm"));
        let mut c = Command::new(wasm_opt());
        c.env("PATH", node_path()).args(WASM_OPT_FLAGS);
        if module == "sts_lite" {
            c.arg(WASM_OPT_FIRST_STAGE);
        }
        if flavour == Flavour::Named {
            c.arg("-g");
        }
        c.arg(&bg).arg("-o").arg(&bg);
        println!(
            "wasm-opt {}{}{} {module} (npm binaryen)",
            WASM_OPT_FLAGS.join(" "),
            if module == "sts_lite" {
                " --converge"
            } else {
                ""
            },
            if flavour == Flavour::Named { " -g" } else { "" }
        );
        run(c, "wasm-opt")?;
    }

    // The first stage's frames: every built-in scenario stepped by the real engine.
    let mut c = cargo();
    c.args(["run", "-q", "-p", "sts-web", "--bin", "sts-frames", "--"])
        .arg(out.join("frames"));
    println!(
        "frames: cargo run -p sts-web --bin sts-frames → {}/frames",
        out.display()
    );
    run(c, "sts-frames")?;

    copy_dir(&root.join("web"), &out.join("web"))?;
    let index = std::fs::read_to_string(root.join("index.html"))
        .map_err(|e| format!("reading index.html: {e}"))?;
    let (index, css) = bundle_css(&index, |href| std::fs::read_to_string(out.join(href)).ok())?;
    std::fs::write(out.join(SITE_CSS), css).map_err(|e| format!("writing {SITE_CSS}: {e}"))?;
    std::fs::write(out.join("index.html"), index)
        .map_err(|e| format!("writing index.html: {e}"))?;

    let report = SizeReport::measure(out)?;
    let mut text = report.table();
    if flavour == Flavour::Named {
        text = format!(
            "(a copy with function names kept, for twiggy: larger than what ships)\n{text}"
        );
    }
    std::fs::write(out.join("size-report.txt"), &text)
        .map_err(|e| format!("writing the size report: {e}"))?;
    print!("{text}");
    Ok(report)
}

fn copy_file(from: &Path, to: &Path) -> Res {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// Copies a directory tree (regular files and directories).
fn copy_dir(from: &Path, to: &Path) -> Res {
    std::fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for e in entries.flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_dir(&p, &dest)?;
        } else if p.is_file() && p.extension().is_some_and(|x| x == "css") {
            let text =
                std::fs::read_to_string(&p).map_err(|e| format!("reading {}: {e}", p.display()))?;
            std::fs::write(&dest, minify_css(&text))
                .map_err(|e| format!("writing {}: {e}", dest.display()))?;
        } else if p.is_file() {
            copy_file(&p, &dest)?;
        }
    }
    Ok(())
}

/// The one style sheet the built page links: the sources' sheets, in order, minified.
pub const SITE_CSS: &str = "web/site.css";

/// Replaces the page's `<link rel="stylesheet" href="web/….css">` lines by one link to
/// [`SITE_CSS`] and returns (the page, that sheet): one request and one gzip stream
/// instead of three (about 0.9 KiB less on a first visit). `read` gives a linked file's
/// text (already minified in the site).
pub fn bundle_css(
    index_html: &str,
    read: impl Fn(&str) -> Option<String>,
) -> Res<(String, String)> {
    const OPEN: &str = "<link rel=\"stylesheet\" href=\"";
    let mut html = String::with_capacity(index_html.len());
    let mut css = String::new();
    let mut linked = false;
    for line in index_html.split_inclusive('\n') {
        let href = line
            .trim()
            .strip_prefix(OPEN)
            .and_then(|r| r.strip_suffix("\">"))
            .filter(|h| h.starts_with("web/") && h.ends_with(".css"));
        match href {
            Some(h) => {
                let text = read(h)
                    .ok_or_else(|| format!("index.html links {h}, which the site does not have"))?;
                css.push_str(&text);
                css.push('\n');
                if !linked {
                    html.push_str(&format!("{OPEN}{SITE_CSS}\">\n"));
                    linked = true;
                }
            }
            None => html.push_str(line),
        }
    }
    Ok((html, css))
}

/// The site's CSS without comments and needless spaces (2 KiB less gzipped on a first
/// visit than the commented sources). Enough for the project's own style sheets, not a
/// general minifier: strings are kept as they are, comments go, runs of white space
/// become one space, and the spaces next to `{`, `}`, `;` and after `,` go, as does a `;`
/// before `}`. Spaces elsewhere (`a :hover`, `a > b`, values) stay: they can matter.
pub fn minify_css(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut chars = css.chars().peekable();
    let mut space = false;
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
                while let Some(s) = chars.next() {
                    out.push(s);
                    if s == '\\' {
                        if let Some(escaped) = chars.next() {
                            out.push(escaped);
                        }
                    } else if s == c {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for s in chars.by_ref() {
                    if last == '*' && s == '/' {
                        break;
                    }
                    last = s;
                }
                space = true;
            }
            c if c.is_whitespace() => space = true,
            '{' | '}' | ';' | ',' => {
                if c == '}' && out.ends_with(';') {
                    out.pop();
                }
                out.push(c);
                space = false;
            }
            c => {
                let after_tight = matches!(out.chars().last(), None | Some('{' | '}' | ';' | ','));
                if space && !after_tight {
                    out.push(' ');
                }
                space = false;
                out.push(c);
            }
        }
    }
    out
}

/// What `web/boot.js` loads before the page can be used: the first stage's glue and wasm
/// and the default scenario's frames.
pub const FIRST_STAGE: [&str; 3] = [
    "pkg/sts_lite.js",
    "pkg/sts_lite_bg.wasm",
    "frames/ordered-creation.bin",
];
/// What `web/boot.js` loads once the first stage is in use: the full app.
pub const SECOND_STAGE: [&str; 2] = ["pkg/sts_web.js", "pkg/sts_web_bg.wasm"];

/// The files a first visit needs before its first interaction: the page, what it links
/// (`href`/`src` to local files) and the first stage (see [`FIRST_STAGE`]).
pub fn first_visit_files(index_html: &str) -> Vec<String> {
    let mut files = vec!["index.html".to_string()];
    for attr in ["href=\"", "src=\""] {
        let mut rest = index_html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let v = rest[..end].trim_start_matches("./");
            if !v.is_empty() && !v.contains(':') && !v.starts_with('#') && !v.starts_with('/') {
                files.push(v.to_string());
            }
        }
    }
    for f in FIRST_STAGE {
        files.push(f.to_string());
    }
    let mut seen = std::collections::BTreeSet::new();
    files.retain(|f| seen.insert(f.clone()));
    files
}

/// Raw and gzipped sizes of the first-visit files.
pub struct SizeReport {
    /// (path relative to the site, raw bytes, gzip -9 bytes)
    pub files: Vec<(String, u64, u64)>,
    /// Files index.html links that the site does not have (a 404 on every visit).
    pub missing: Vec<String>,
    /// The second stage (the full app), loaded after the first interaction is possible.
    pub later: Vec<(String, u64, u64)>,
    /// `web/embed.js`: (raw, gzip -9) bytes.
    pub embed: Option<(u64, u64)>,
}

/// gzip -9 size. The flate2 crate (pure Rust, miniz_oxide backend) instead of a `gzip`
/// binary: same DEFLATE at the same level everywhere, no dependence on what the machine has
/// installed or on its command-line flags, and no temporary files.
pub fn gzip_size(data: &[u8]) -> u64 {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    if enc.write_all(data).is_err() {
        return 0;
    }
    enc.finish().map(|v| v.len() as u64).unwrap_or(0)
}

impl SizeReport {
    fn measure(site: &Path) -> Res<SizeReport> {
        let index = std::fs::read_to_string(site.join("index.html"))
            .map_err(|e| format!("reading the built index.html: {e}"))?;
        let mut files = Vec::new();
        let mut missing = Vec::new();
        for f in first_visit_files(&index) {
            match std::fs::read(site.join(&f)) {
                Ok(data) => files.push((f, data.len() as u64, gzip_size(&data))),
                Err(_) => missing.push(f),
            }
        }
        let mut later = Vec::new();
        for f in SECOND_STAGE {
            match std::fs::read(site.join(f)) {
                Ok(data) => later.push((f.to_string(), data.len() as u64, gzip_size(&data))),
                Err(_) => missing.push(f.to_string()),
            }
        }
        let embed = std::fs::read(site.join("web/embed.js"))
            .ok()
            .map(|d| (d.len() as u64, gzip_size(&d)));
        Ok(SizeReport {
            files,
            missing,
            later,
            embed,
        })
    }

    pub fn total_gz(&self) -> u64 {
        self.files.iter().map(|f| f.2).sum()
    }

    /// The table printed after a build and saved as `size-report.txt`.
    pub fn table(&self) -> String {
        let kib = |b: u64| format!("{:.1} KiB", b as f64 / 1024.0);
        let w = self
            .files
            .iter()
            .chain(&self.later)
            .map(|f| f.0.len())
            .max()
            .unwrap_or(0)
            .max(5);
        let mut s = format!(
            "first visit: what the browser downloads before the page can be used\n{:<w$}  {:>12}  {:>12}\n",
            "file", "raw", "gzip -9"
        );
        for (f, raw, gz) in &self.files {
            s += &format!("{f:<w$}  {:>12}  {:>12}\n", kib(*raw), kib(*gz));
        }
        let raw: u64 = self.files.iter().map(|f| f.1).sum();
        let gz = self.total_gz();
        s += &format!("{:<w$}  {:>12}  {:>12}\n", "total", kib(raw), kib(gz));
        if gz > BUDGET_GZ {
            s += &format!(
                "OVER BUDGET: {} gzipped is {} over the {} budget\n",
                kib(gz),
                kib(gz - BUDGET_GZ),
                kib(BUDGET_GZ)
            );
        } else {
            s += &format!(
                "within budget: {} of {} gzipped ({}%)\n",
                kib(gz),
                kib(BUDGET_GZ),
                gz * 100 / BUDGET_GZ
            );
        }
        if !self.later.is_empty() {
            s += "then, while the page is in use: the full app (engine, console, editor)\n";
            for (f, raw, gz) in &self.later {
                s += &format!("{f:<w$}  {:>12}  {:>12}\n", kib(*raw), kib(*gz));
            }
        }
        for f in &self.missing {
            s += &format!("MISSING: {f} is not in the site\n");
        }
        match self.embed {
            Some((raw, gz)) => {
                s += &format!(
                    "docs embed placeholder web/embed.js: {raw} bytes ({gz} gzipped), budget {EMBED_BUDGET} bytes{}\n",
                    if raw > EMBED_BUDGET { ": OVER BUDGET" } else { "" }
                );
            }
            None => s += "MISSING: web/embed.js is not in the site\n",
        }
        s
    }
}

/// `cargo xtask size`: the site built with function names kept, then twiggy's view of
/// what takes the space.
pub fn size(args: &[String]) -> Result {
    if let Some(a) = args.first() {
        return Err(Failure::Usage(format!(
            "size takes no arguments (got {a:?})"
        )));
    }
    ensure_build_tools().map_err(Failure::Failed)?;
    let out = workspace_root().join("target").join("size");
    build_site(&out, Flavour::Named).map_err(Failure::Failed)?;
    if version_of("twiggy").is_none() {
        println!(
            "\ntwiggy is not installed: `cargo install twiggy`, then run `cargo xtask size` again\n\
             (the wasm modules with names kept are in {})",
            out.join("pkg").display()
        );
        return Ok(());
    }
    for module in ["sts_lite_bg.wasm", "sts_web_bg.wasm"] {
        let wasm = out.join("pkg").join(module);
        println!("\n######## {module}");
        match Command::new("twiggy")
            .args(["top", "-n", "1000000", "-f", "csv"])
            .arg(&wasm)
            .output()
        {
            Ok(o) if o.status.success() => {
                print!("{}", by_crate(&String::from_utf8_lossy(&o.stdout)));
            }
            _ => println!("(twiggy top -f csv failed: no per-crate summary)"),
        }
        println!("\n==> twiggy top -n 30 (the largest items, by their own size)");
        let mut c = Command::new("twiggy");
        c.args(["top", "-n", "30"]).arg(&wasm);
        run(c, "twiggy top").map_err(Failure::Failed)?;
        // Depth 4: Yew calls components through the function table, so the first two
        // levels are only `table[0]` and `elem[0]`; the entry points come below them.
        println!("\n==> twiggy dominators -d 4 -r 40 (what each item keeps alive)");
        let mut c = Command::new("twiggy");
        c.args(["dominators", "-d", "4", "-r", "40"]).arg(&wasm);
        run(c, "twiggy dominators").map_err(Failure::Failed)?;
    }
    Ok(())
}

/// The crate an item of `twiggy top` belongs to: the first path segment of its name
/// (`<yew::html::X as Y>::f` is yew's, `<T as core::fmt::Debug>::fmt` core's); `None` for
/// data segments, tables and the like.
pub fn crate_of(item: &str) -> Option<&str> {
    let mut name = item;
    loop {
        let trimmed = name
            .trim_start_matches(['<', '&', '*', '('])
            .trim_start_matches("impl ")
            .trim_start_matches("dyn ")
            .trim_start_matches("mut ")
            .trim_start_matches("const ");
        if trimmed == name {
            break;
        }
        name = trimmed;
    }
    let (mut first, _) = name.split_once("::")?;
    // `<T as core::fmt::Display>::fmt`: a generic self type; the trait's crate owns it.
    if let Some((_, tr)) = first.rsplit_once(" as ") {
        first = tr.trim_start_matches(['<', '&']);
    }
    let ok = !first.is_empty() && first.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(first)
}

/// Shallow bytes per crate from `twiggy top -f csv` (the name section left out: it is not
/// shipped), the largest first.
pub fn by_crate(csv: &str) -> String {
    let mut sizes: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
    for line in csv.lines().skip(1) {
        // Name,ShallowSize,...: the name is quoted ("" inside) when it holds a comma or quote.
        let (name, rest) = if let Some(q) = line.strip_prefix('"') {
            let mut end = None;
            let b = q.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'"' {
                    if b.get(i + 1) == Some(&b'"') {
                        i += 2;
                        continue;
                    }
                    end = Some(i);
                    break;
                }
                i += 1;
            }
            let Some(end) = end else { continue };
            (
                q[..end].replace("\"\"", "\""),
                q[end + 1..].trim_start_matches(','),
            )
        } else {
            match line.split_once(',') {
                Some((n, r)) => (n.to_string(), r),
                None => continue,
            }
        };
        let Some(bytes) = rest.split(',').next().and_then(|v| v.parse::<u64>().ok()) else {
            continue;
        };
        if name.contains("function names") || name.starts_with('Σ') || name.starts_with("...") {
            continue;
        }
        let key = crate_of(&name)
            .unwrap_or("(data, tables, glue)")
            .to_string();
        *sizes.entry(key).or_default() += bytes;
    }
    let total: u64 = sizes.values().sum();
    let mut rows: Vec<_> = sizes.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut out = String::from("\n==> bytes per crate (shallow, before gzip; names excluded)\n");
    for (name, bytes) in rows.iter().take(20) {
        out += &format!(
            "{:>10.1} KiB  {:>5.1}%  {name}\n",
            *bytes as f64 / 1024.0,
            *bytes as f64 * 100.0 / total.max(1) as f64
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_locked_version() {
        let lock = r#"
[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "wasm-bindgen"
version = "0.2.131"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(
            lock_version(lock, "wasm-bindgen").as_deref(),
            Some("0.2.131")
        );
        assert_eq!(lock_version(lock, "yew"), None);
    }

    #[test]
    fn the_workspace_locks_wasm_bindgen() {
        assert!(wasm_bindgen_version().is_ok_and(|v| v.starts_with("0.")));
    }

    #[test]
    fn first_visit_is_the_page_its_local_links_and_the_app() {
        let html = r##"<link rel="icon" href="data:,"><link rel="stylesheet" href="web/app.css">
<link rel="stylesheet" href="./web/app.css"><a href="https://example.com/">x</a><a href="#top">t</a>
<script type="module" src="web/boot.js"></script>"##;
        assert_eq!(
            first_visit_files(html),
            [
                "index.html",
                "web/app.css",
                "web/boot.js",
                "pkg/sts_lite.js",
                "pkg/sts_lite_bg.wasm",
                "frames/ordered-creation.bin"
            ]
        );
    }

    #[test]
    fn the_page_links_one_bundled_style_sheet() {
        let html = "<head>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"web/a.css\">\n<link rel=\"stylesheet\" href=\"web/b.css\">\n<script src=\"web/boot.js\"></script>\n";
        let (page, css) = bundle_css(html, |h| Some(format!("/*{h}*/"))).expect("bundled");
        assert_eq!(page, "<head>\n<link rel=\"icon\" href=\"data:,\">\n<link rel=\"stylesheet\" href=\"web/site.css\">\n<script src=\"web/boot.js\"></script>\n");
        assert_eq!(css, "/*web/a.css*/\n/*web/b.css*/\n");
        let missing = bundle_css(html, |_| None).expect_err("a missing sheet");
        assert!(missing.contains("web/a.css"), "{missing}");
    }

    #[test]
    fn css_is_minified_without_changing_its_meaning() {
        let css = "/* head */\n:root {\n  --x: 1px;  /* note */\n}\n\n.a, .b > .c :hover {\n  color: red;\n  font-family: \"Segoe  UI\", sans-serif;\n}\n.d::before { content: \"✖ \"; }\n.e { content: 'a;b'; }\n@media (max-width: 600px) {\n  .f { margin: 0 auto; }\n}\n";
        assert_eq!(
            minify_css(css),
            ":root{--x: 1px}.a,.b > .c :hover{color: red;font-family: \"Segoe  UI\",sans-serif}.d::before{content: \"✖ \"}.e{content: 'a;b'}@media (max-width: 600px){.f{margin: 0 auto}}"
        );
        // The project's own sheets keep every rule (same number of braces and strings).
        for f in ["app.css", "cluster.css", "editor.css"] {
            let src =
                std::fs::read_to_string(workspace_root().join("web").join(f)).unwrap_or_default();
            let min = minify_css(&src);
            assert!(min.len() < src.len(), "{f}");
            for ch in ['{', '}', '"'] {
                assert_eq!(
                    min.matches(ch).count(),
                    src.matches(ch).count() - in_comments(&src, ch),
                    "{f}: {ch}"
                );
            }
        }
    }

    /// How often `ch` occurs inside comments (which the minifier drops).
    fn in_comments(css: &str, ch: char) -> usize {
        css.split("/*")
            .skip(1)
            .map(|c| c.split("*/").next().unwrap_or("").matches(ch).count())
            .sum()
    }

    #[test]
    fn the_table_flags_a_blown_budget() {
        let ok = SizeReport {
            files: vec![("index.html".into(), 2048, 1024)],
            missing: vec!["web/editor.css".into()],
            later: vec![("pkg/sts_web_bg.wasm".into(), 900_000, 300_000)],
            embed: Some((4_900, 2_000)),
        };
        assert!(ok
            .table()
            .contains("web/embed.js: 4900 bytes (2000 gzipped), budget 5000 bytes\n"));
        assert!(ok.table().contains("within budget: 1.0 KiB of 150.0 KiB"));
        assert!(ok
            .table()
            .contains("MISSING: web/editor.css is not in the site"));
        assert!(ok.table().contains("then, while the page is in use"));
        let over = SizeReport {
            files: vec![
                ("pkg/sts_web_bg.wasm".into(), 400_000, 150 * 1024),
                ("index.html".into(), 3000, 1024),
            ],
            missing: vec![],
            later: vec![],
            embed: Some((5_001, 2_000)),
        };
        assert!(over.table().contains("budget 5000 bytes: OVER BUDGET"));
        assert!(over
            .table()
            .contains("OVER BUDGET: 151.0 KiB gzipped is 1.0 KiB over"));
    }

    #[test]
    fn items_are_grouped_by_crate() {
        assert_eq!(
            crate_of("sts_engine::timeline::Timeline::step::heb287"),
            Some("sts_engine")
        );
        assert_eq!(
            crate_of("<yew::html::X<C> as yew::html::Y>::view::h03"),
            Some("yew")
        );
        assert_eq!(crate_of("<&T as core::fmt::Display>::fmt"), Some("core"));
        assert_eq!(crate_of("data segment \".rodata\""), None);
        let csv = "Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent
\"\"\"function names\"\" subsection\",473336,18.7,,
sts_engine::timeline::Timeline::step::h1,300,2.4,,
\"<yew::A as yew::B<C, D>>::f::h2\",100,1.0,,
sts_engine::kubectl::run_argv::h3,200,2.0,,
\"data segment \"\".rodata\"\"\",400,1.4,,
";
        let table = by_crate(csv);
        let lines: Vec<&str> = table.lines().skip(2).collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(
            lines[0].ends_with("sts_engine") && lines[0].contains("50.0%"),
            "{table}"
        );
        assert!(lines[1].ends_with("(data, tables, glue)"), "{table}");
        assert!(lines[2].ends_with("yew"), "{table}");
    }

    #[test]
    fn gzip_shrinks_repetitive_text() {
        let text = "web-0 Running\n".repeat(1000);
        let gz = gzip_size(text.as_bytes());
        assert!(gz > 18 && gz < 200, "{gz}");
    }
}
