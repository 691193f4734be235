/* StatefulSet Playground embed (docs/embedding.md): each <div data-sts-playground="id">
   becomes a light placeholder of fixed height; the playground (an iframe) loads when it is
   clicked or scrolled into view. el.stsPlayground.send({cmd}) drives it (a Promise of the
   reply); its messages arrive as "sts-playground" events on the element. Under 5 KB. */
(() => {
  const me = document.currentScript;
  const T = {
    en: ["Start the interactive StatefulSet playground", "Runs in your browser (about 1 MB, loaded once)"],
    zh: ["启动交互式 StatefulSet 演练场", "在浏览器中运行（约 1 MB，仅加载一次）"],
  };
  const frames = new Map(); // iframe window -> widget
  const zhOf = (d) => /^zh/i.test(d.lang || "");

  function scan(root = document) {
    root.querySelectorAll("[data-sts-playground]").forEach(setup);
  }

  function setup(el) {
    if (el.stsPlayground) return;
    const d = el.dataset;
    const page = new URL(d.src || (me ? new URL("../index.html", me.src) : "index.html"), location.href);
    const [label, note] = T[zhOf(d) ? "zh" : "en"];
    const w = { el, page, frame: null, ready: false, queue: [], waiting: new Map(), n: 0 };
    // The reserved height: the page's own (markup or CSS) if it set one, else data-height.
    if (el.getBoundingClientRect().height < 200 || d.height) {
      el.style.height = (parseInt(d.height, 10) || 560) + "px";
    }
    el.style.position = "relative";
    el.style.boxSizing = "border-box";
    const b = document.createElement("button");
    b.type = "button";
    b.className = "sts-playground-start";
    b.style.cssText =
      "all:unset;box-sizing:border-box;position:absolute;inset:0;display:flex;flex-direction:column;" +
      "align-items:center;justify-content:center;gap:.4em;padding:1em;text-align:center;cursor:pointer;" +
      "border:1px solid #d0d7de;border-radius:8px;background:#f6f8fa;color:#1f2328;font:15px/1.4 system-ui,sans-serif";
    const title = (el.textContent || "").trim() || d.stsPlayground;
    const big = document.createElement("strong");
    big.textContent = "▶ " + label;
    const small = document.createElement("span");
    small.textContent = title + " — " + note;
    small.style.cssText = "color:#59636e;font-size:.85em";
    b.append(big, small);
    b.setAttribute("aria-label", label + ": " + title);
    el.replaceChildren(b);
    b.addEventListener("click", () => activate(w, true));
    if (d.activate !== "click" && "IntersectionObserver" in window) {
      const io = new IntersectionObserver((es) => {
        if (es.some((e) => e.isIntersecting)) {
          io.disconnect();
          activate(w, false);
        }
      }, { threshold: 0.25 });
      io.observe(el);
      w.io = io;
    }
    el.stsPlayground = { send: (cmd) => send(w, cmd), activate: () => activate(w, true) };
  }

  function activate(w, focus) {
    if (w.frame) return;
    if (w.io) w.io.disconnect();
    const d = w.el.dataset;
    const u = new URL(w.page);
    const q = u.searchParams;
    q.set("embed", "1");
    q.set("scenario", d.stsPlayground);
    for (const k of ["lang", "mode", "seed"]) if (d[k]) q.set(k, d[k]);
    if (location.origin !== "null") q.set("origin", location.origin);
    const f = document.createElement("iframe");
    f.src = u.href;
    f.title = (zhOf(d) ? "StatefulSet 演练场：" : "StatefulSet Playground: ") + d.stsPlayground;
    f.style.cssText = "display:block;width:100%;height:100%;border:1px solid #d0d7de;border-radius:8px;box-sizing:border-box";
    w.frame = f;
    w.el.replaceChildren(f);
    frames.set(f.contentWindow, w);
    if (focus) f.focus();
  }

  function send(w, cmd) {
    activate(w, false);
    return new Promise((resolve, reject) => {
      const msg = Object.assign({ sts: 1, id: "e" + ++w.n }, cmd);
      w.waiting.set(msg.id, { resolve, reject });
      if (w.ready) post(w, msg);
      else w.queue.push(msg);
    });
  }

  const post = (w, msg) => w.frame.contentWindow.postMessage(msg, w.page.origin);

  addEventListener("message", (e) => {
    const w = frames.get(e.source);
    // Only the playground's own frame, from the playground's origin.
    if (!w || e.origin !== w.page.origin || !e.data || e.data.sts !== 1) return;
    const m = e.data;
    if (m.type === "ready") {
      w.ready = true;
      w.queue.splice(0).forEach((q) => post(w, q));
    } else if (m.type === "reply" && w.waiting.has(m.id)) {
      const p = w.waiting.get(m.id);
      w.waiting.delete(m.id);
      if (m.ok) p.resolve(m);
      else p.reject(Object.assign(new Error(m.error && m.error.en), { reply: m }));
    } else if (m.type === "size" && w.el.dataset.height === "auto" && m.height > 0) {
      w.el.style.height = Math.min(m.height + 2, 4000) + "px";
    }
    w.el.dispatchEvent(new CustomEvent("sts-playground", { detail: m }));
  });

  window.StsPlayground = { scan };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => scan());
  else scan();
})();
