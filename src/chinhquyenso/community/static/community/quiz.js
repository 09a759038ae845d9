// Countdown of a quiz entry. The server keeps the real deadline: this only shows the time left
// and submits the form when it runs out (answers saved later would not count anyway).
(function () {
  "use strict";
  var el = document.getElementById("cm-countdown");
  var form = document.getElementById("cm-entry");
  if (!el || !form) { return; }
  var end = Date.now() + parseInt(el.getAttribute("data-seconds") || "0", 10) * 1000;
  var sent = false;
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    el.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    if (left <= 60) { el.classList.add("cm-late"); }
    if (left === 0 && !sent) { sent = true; form.submit(); return; }
    window.setTimeout(tick, 500);
  }
  tick();
})();
