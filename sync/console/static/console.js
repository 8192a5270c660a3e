// 村站县级控制台: the only script. Pages work without it; it adds search
// as you type, confirmation before irreversible actions, and filters that
// apply when changed.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    // Search as you type: the server renders the result rows.
    var q = document.querySelector("input[data-live]");
    if (q) {
      var target = document.getElementById(q.getAttribute("data-live"));
      var timer = null, seq = 0;
      q.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var mine = ++seq;
          var url = q.form.action + "?" + new URLSearchParams(new FormData(q.form)).toString();
          fetch(url + "&partial=1", { credentials: "same-origin", headers: { "X-Partial": "1" } })
            .then(function (r) { if (r.status === 401) { location.href = "/login"; } return r.text(); })
            .then(function (html) {
              if (mine !== seq) return; // a later keystroke has asked again
              target.innerHTML = html;
              history.replaceState(null, "", url);
            });
        }, 150);
      });
    }
    document.querySelectorAll("form[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
    document.querySelectorAll("select.auto, input.auto").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  });
})();
