// The sample page's own script: drives the first embedded playground through the
// postMessage API that web/embed.js exposes (docs/embedding.md), the way a docs site would.
const box = document.getElementById("demo-ordered");
const state = document.getElementById("demo-state");
const out = document.getElementById("demo-output");

box.addEventListener("sts-playground", (e) => {
  const m = e.detail;
  const s = m.state;
  if (s) state.textContent = `position ${s.position} of ${s.length} · ${s.clock} · ${s.pods} pods`;
});

document.querySelectorAll(".drive button").forEach((b) => {
  b.addEventListener("click", async () => {
    const cmd = { cmd: b.dataset.cmd };
    if (b.dataset.arg) cmd.command = b.dataset.arg;
    try {
      const reply = await box.stsPlayground.send(cmd);
      if (reply.output !== undefined) {
        out.hidden = false;
        out.textContent = reply.output;
      }
    } catch (err) {
      out.hidden = false;
      out.textContent = String(err.message);
    }
  });
});
