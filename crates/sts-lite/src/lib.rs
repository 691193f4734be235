//! # sts-lite
//!
//! The playground's first stage, as its own small wasm module: the page drawn from
//! frames computed at build time (`sts_web::lite`), so a first visit can step through the
//! scenario before the full app (`sts-web`, with the engine) has downloaded.
//! `web/boot.js` asks [`lite_scenario`] which frames file to fetch, calls [`lite_start`]
//! with it, loads the full app meanwhile, then hands over with [`lite_stop`].

use wasm_bindgen::prelude::*;

/// The built-in scenario whose frames (`frames/<id>.bin`) this address shows first; none
/// when the address needs the full app (a share link, a saved session, a seed).
#[wasm_bindgen]
pub fn lite_scenario() -> Option<String> {
    sts_web::lite::scenario()
}

/// Shows the first stage in `#app` from a frames file; false if the file is not usable.
#[wasm_bindgen]
pub fn lite_start(frames: &[u8]) -> bool {
    sts_web::lite::start(frames)
}

/// Removes the first stage and returns its state (bytes) for the full app's `start`.
#[wasm_bindgen]
pub fn lite_stop() -> Option<Vec<u8>> {
    sts_web::lite::stop()
}

/// The first stage's allocator: lol_alloc's free list (coalescing, O(free blocks) per
/// call) instead of the standard dlmalloc, 3.4 KB less gzipped in the first download.
/// Measured in Chromium, stepping forward and back through built-in scenarios' frames:
/// 1.0-2.4 ms per step instead of 0.8-1.9 ms, far below a frame; the first stage lives only
/// until the full app (which keeps dlmalloc) takes over. The lock (a spin lock that is never
/// contended: the page has one thread) keeps this free of `unsafe`.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> =
    lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());
