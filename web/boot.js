// Starts the web app in two stages. First the small first-stage module (crates/sts-lite)
// draws the page from frames the real engine computed at build time (frames/<id>.bin), so
// a first visit can step through the scenario at once. Then the full app (crates/sts-web,
// with the engine) loads and takes over from the same step, with the focus where it was.
// An address the first stage cannot serve (a share link, a saved session, a seed) goes
// straight to the full app. A file rather than an inline script, so the
// Content-Security-Policy can forbid inline scripts. If loading fails (old browser, missing file, blocked WebAssembly), #app says
// so in both languages instead of staying a blank or forever-loading page.

function showError(error) {
  const app = document.getElementById("app");
  if (!app) return;
  const box = document.createElement("div");
  box.id = "app-error";
  box.className = "boot boot-error";
  box.setAttribute("role", "alert");
  const line = (tag, text, lang) => {
    const el = document.createElement(tag);
    el.textContent = text; // never markup: the error text comes from outside
    if (lang) el.lang = lang;
    box.append(el);
  };
  line("h1", "The playground could not start", null);
  line("p", "StatefulSet 演练场无法启动", "zh-CN");
  line("p", "Your browser may not support WebAssembly, or a file failed to load. " +
    "Reload the page; if that does not help, try a current Chrome, Firefox, Safari or Edge.", null);
  line("p", "你的浏览器可能不支持 WebAssembly，或者某个文件加载失败。" +
    "请重新加载页面；如果仍然不行，请换用最新版的 Chrome、Firefox、Safari 或 Edge。", "zh-CN");
  line("pre", String(error && error.stack ? error.stack : error), null);
  app.replaceChildren(box);
}

const here = (p) => new URL(p, import.meta.url);

// The first stage, if it can serve this address; null otherwise (the full app then
// starts from its own reading of the address). Dynamic imports, so that a missing or
// broken file is caught here too.
async function firstStage() {
  try {
    const lite = await import("../pkg/sts_lite.js");
    await lite.default({ module_or_path: here("../pkg/sts_lite_bg.wasm") });
    const id = lite.lite_scenario();
    if (!id) return null;
    const frames = await fetch(here(`../frames/${id}.bin`));
    if (!frames.ok) return null;
    return lite.lite_start(new Uint8Array(await frames.arrayBuffer())) ? lite : null;
  } catch (e) {
    console.warn("StatefulSet Playground: starting without the first stage:", e);
    return null;
  }
}

async function boot() {
  const lite = await firstStage();
  // Fetched after the first stage is up, so that the two downloads do not compete.
  const app = await import("../pkg/sts_web.js");
  await app.default({ module_or_path: here("../pkg/sts_web_bg.wasm") });
  const focused = document.activeElement && document.activeElement.id;
  // Same task (Yew renders in microtasks of it): the browser never paints the page
  // without an app in it. The focus moves in the next frame, once the new page exists.
  app.start(lite ? lite.lite_stop() : undefined);
  if (focused) requestAnimationFrame(() => document.getElementById(focused)?.focus());
}

boot().catch((e) => {
  console.error("StatefulSet Playground failed to start:", e);
  showError(e);
});
