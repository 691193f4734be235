// Starts the web app: loads the wasm-bindgen glue and the module; the module's
// #[wasm_bindgen(start)] function mounts the app into #app, replacing the loading text.
// A file rather than an inline script, so the Content-Security-Policy can forbid inline
// scripts. If loading fails (old browser, missing file, blocked WebAssembly), #app says
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

// A dynamic import, so that a missing or broken glue file is caught here too.
import("../pkg/sts_web.js")
  .then((glue) => glue.default({ module_or_path: new URL("../pkg/sts_web_bg.wasm", import.meta.url) }))
  .catch((e) => {
    console.error("StatefulSet Playground failed to start:", e);
    showError(e);
  });
