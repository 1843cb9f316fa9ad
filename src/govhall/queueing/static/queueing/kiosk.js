/* The self-service kiosk: full screen on the first touch, the ticket printed at once, and the
 * screen back at the start after a while, so the next person never meets the last one's ticket
 * or half-filled form. Settings come from data attributes on .kiosk-screen. */
(function () {
  "use strict";
  var screen = document.querySelector(".kiosk-screen");
  if (!screen) { return; }
  var start = screen.dataset.startUrl || window.location.pathname;
  var state = { printed: 0 };
  window.govhallKiosk = state;

  function home() { window.location.replace(start); }

  document.addEventListener("pointerdown", function () {
    var root = document.documentElement;
    if (document.fullscreenEnabled && !document.fullscreenElement && root.requestFullscreen) {
      root.requestFullscreen().catch(function () { /* the browser may refuse: kiosk flag */ });
    }
  }, { once: true });

  function print() { state.printed += 1; window.print(); }
  document.querySelectorAll('[data-action="print"]').forEach(function (b) {
    b.addEventListener("click", print);
  });

  var back = parseInt(screen.dataset.backSeconds || "0", 10);
  if (back > 0) {
    // The ticket screen: print, count down, go back to the start.
    if (screen.dataset.autoprint === "1") { window.setTimeout(print, 300); }
    var left = back;
    var counter = document.querySelector("[data-countdown]");
    state.countdown = window.setInterval(function () {
      left -= 1;
      if (counter) { counter.textContent = String(Math.max(left, 0)); }
      if (left <= 0) { window.clearInterval(state.countdown); home(); }
    }, 1000);
    return;
  }

  // The start screen: whatever was typed or searched is cleared after a quiet while.
  var idle = parseInt(screen.dataset.idleSeconds || "0", 10);
  if (idle <= 0) { return; }
  var timer = null;
  function dirty() {
    if (window.location.search.indexOf("q=") !== -1 || document.querySelector(".error, .errorlist")) {
      return true;
    }
    return Array.prototype.some.call(
      document.querySelectorAll(".kiosk-screen input[type=tel], .kiosk-screen input[type=text], .kiosk-screen select"),
      function (el) { return el.value !== ""; }
    );
  }
  function rearm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { if (dirty()) { home(); } else { rearm(); } }, idle * 1000);
  }
  ["pointerdown", "keydown", "input"].forEach(function (kind) {
    document.addEventListener(kind, rearm, true);
  });
  rearm();
})();
