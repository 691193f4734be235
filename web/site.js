// Language switch for the generated pages: English or Simplified Chinese, remembered
// across pages. Without script both languages are shown.
(function () {
  var root = document.documentElement;
  var saved = null;
  try { saved = localStorage.getItem("sts-lang"); } catch (e) { /* storage may be off */ }
  var lang = saved === "en" || saved === "zh" ? saved
    : ((navigator.language || "").toLowerCase().indexOf("zh") === 0 ? "zh" : "en");
  function set(l) {
    root.setAttribute("data-lang", l);
    root.setAttribute("lang", l === "zh" ? "zh-CN" : "en");
    var buttons = document.querySelectorAll("[data-set-lang]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-set-lang") === l));
    }
  }
  set(lang);
  document.addEventListener("DOMContentLoaded", function () {
    set(lang);
    document.addEventListener("click", function (ev) {
      var b = ev.target.closest && ev.target.closest("[data-set-lang]");
      if (!b) return;
      lang = b.getAttribute("data-set-lang");
      try { localStorage.setItem("sts-lang", lang); } catch (e) { /* ignore */ }
      set(lang);
    });
  });
})();
