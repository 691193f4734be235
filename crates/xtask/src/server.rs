//! A tiny static file server for `target/site/` (the web app): loopback only, GET and HEAD only,
//! no directory listings, path traversal rejected. Good enough for local preview.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// The Content-Security-Policy of every response: only this origin's own files.
/// `'wasm-unsafe-eval'` lets the page compile its WebAssembly (without it Chromium refuses
/// `WebAssembly.instantiate`); `style-src 'unsafe-inline'` allows `style` attributes that
/// the app sets on elements and the `<noscript>` style of index.html. Scripts stay
/// file-only: the page's loader is `web/boot.js`, not an inline script. The end-to-end
/// tests' server (`tests/e2e/server.mjs`) sends the same header.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

pub fn serve(root: &Path, port: u16) -> io::Result<()> {
    let root = root.canonicalize()?;
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    println!(
        "serving {} on http://{addr}/  (Ctrl-C to stop)",
        root.display()
    );
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let root = root.clone();
        std::thread::spawn(move || {
            if let Err(e) = handle(stream, &root) {
                if e.kind() != io::ErrorKind::WouldBlock && e.kind() != io::ErrorKind::TimedOut {
                    eprintln!("request failed: {e}");
                }
            }
        });
    }
    Ok(())
}

fn handle(mut stream: TcpStream, root: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    // Read the request line and headers (bounded), ignoring the headers' contents.
    if reader.by_ref().take(8192).read_line(&mut request_line)? == 0 {
        return Ok(());
    }
    let mut header_bytes = 0usize;
    loop {
        let mut line = String::new();
        let n = reader.by_ref().take(8192).read_line(&mut line)?;
        header_bytes += n;
        if n == 0 || line == "\r\n" || line == "\n" || header_bytes > 64 * 1024 {
            break;
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let response = respond(root, method, target);
    let mut out = Vec::new();
    write!(
        out,
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\nContent-Security-Policy: {CSP}\r\nCache-Control: no-cache\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    )?;
    if response.status.starts_with("405") {
        out.extend_from_slice(b"Allow: GET, HEAD\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if method != "HEAD" {
        out.extend_from_slice(&response.body);
    }
    stream.write_all(&out)?;
    stream.flush()
}

/// A response before serialisation.
#[derive(Debug)]
pub struct Response {
    pub status: &'static str,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

fn text(status: &'static str) -> Response {
    Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: format!("{status}\n").into_bytes(),
    }
}

/// Decides the response for a request (no I/O besides reading the file).
pub fn respond(root: &Path, method: &str, target: &str) -> Response {
    if method != "GET" && method != "HEAD" {
        return text("405 Method Not Allowed");
    }
    let Some(path) = resolve(root, target) else {
        return text("400 Bad Request");
    };
    let path = if path.is_dir() {
        path.join("index.html")
    } else {
        path
    };
    // Symlinks must not lead outside the root either.
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => match std::fs::read(&real) {
            Ok(body) => Response {
                status: "200 OK",
                content_type: content_type(&real),
                body,
            },
            Err(_) => text("404 Not Found"),
        },
        _ => text("404 Not Found"),
    }
}

/// Maps a request target to a path under `root`; `None` for anything that could escape it
/// (`..`, absolute or drive prefixes, backslashes, NUL, invalid percent-encoding).
pub fn resolve(root: &Path, target: &str) -> Option<PathBuf> {
    if !target.starts_with('/') {
        return None;
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut out = root.to_path_buf();
    for c in Path::new(decoded.trim_start_matches('/')).components() {
        match c {
            Component::Normal(seg) => out.push(seg),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "jsonl" | "txt" | "yaml" | "yml" | "trace" => "text/plain; charset=utf-8",
        "wasm" => "application/wasm",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_rejected() {
        let root = Path::new("/srv/site");
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "x",
            "/%c3",
        ] {
            assert_eq!(resolve(root, bad), None, "{bad}");
        }
        assert_eq!(resolve(root, "/"), Some(root.to_path_buf()));
        assert_eq!(resolve(root, "/a.html?x=../y#z"), Some(root.join("a.html")));
        assert_eq!(resolve(root, "/./b%20c.css"), Some(root.join("b c.css")));
    }

    #[test]
    fn serves_files_with_content_types() {
        let dir = std::env::temp_dir().join(format!("xtask-server-test-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        std::fs::write(dir.join("style.css"), "p{}").unwrap();
        let root = dir.canonicalize().unwrap();
        let r = respond(&root, "GET", "/");
        assert_eq!(
            (r.status, r.content_type, r.body.as_slice()),
            ("200 OK", "text/html; charset=utf-8", &b"<p>hi</p>"[..])
        );
        assert_eq!(
            respond(&root, "HEAD", "/style.css").content_type,
            "text/css; charset=utf-8"
        );
        assert_eq!(respond(&root, "POST", "/").status, "405 Method Not Allowed");
        assert_eq!(
            respond(&root, "GET", "/missing.html").status,
            "404 Not Found"
        );
        assert_eq!(respond(&root, "GET", "/sub/").status, "404 Not Found");
        assert_eq!(
            respond(&root, "GET", "/../Cargo.toml").status,
            "400 Bad Request"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// What the web app's files need: wasm must be `application/wasm` for
    /// `WebAssembly.instantiateStreaming`, module scripts a JavaScript type.
    #[test]
    fn the_app_files_have_their_types() {
        for (file, ty) in [
            ("pkg/sts_web_bg.wasm", "application/wasm"),
            ("pkg/sts_web.js", "text/javascript; charset=utf-8"),
            ("web/boot.js", "text/javascript; charset=utf-8"),
            ("web/app.css", "text/css; charset=utf-8"),
            ("index.html", "text/html; charset=utf-8"),
            ("size-report.txt", "text/plain; charset=utf-8"),
            ("a.json", "application/json"),
            ("scenario.yaml", "text/plain; charset=utf-8"),
        ] {
            assert_eq!(content_type(Path::new(file)), ty, "{file}");
        }
    }

    /// The end-to-end tests run the app under the same policy as `cargo xtask serve`.
    #[test]
    fn the_e2e_server_sends_the_same_policy() {
        let js = std::fs::read_to_string(
            crate::workspace_root()
                .join("tests")
                .join("e2e")
                .join("server.mjs"),
        )
        .unwrap();
        assert!(js.contains(CSP), "tests/e2e/server.mjs must send {CSP:?}");
    }
}
