/* Display board voice: each call announced once, in order, never two at once (zh-CN speech).
 * The feed fragment carries today's last calls as JSON (#board-calls); ids only grow, so a call
 * is new when its id is above the highest one seen. Calls already on screen when the page opens
 * are not announced again. Muting is remembered per screen (localStorage). */
(function () {
  "use strict";
  var MUTE_KEY = "govhall.board.muted";
  var state = { lastId: 0, queue: [], speaking: false, announced: [] };
  window.govhallBoard = state;

  function muted() { return window.localStorage.getItem(MUTE_KEY) === "1"; }

  function readCalls() {
    var el = document.getElementById("board-calls");
    return el ? JSON.parse(el.textContent) : [];
  }

  function showToggle() {
    var button = document.getElementById("voice-toggle");
    if (button) { button.textContent = muted() ? button.dataset.off : button.dataset.on; }
  }

  function highlight(call) {
    var row = document.querySelector('[data-call-id="' + call.id + '"]');
    if (row) { row.classList.add("announcing"); }
  }

  function done() {
    state.speaking = false;
    window.setTimeout(pump, 500);
  }

  function pump() {
    if (state.speaking || state.queue.length === 0) { return; }
    var call = state.queue.shift();
    state.announced.push(call.text);
    highlight(call);
    if (muted() || !("speechSynthesis" in window)) { pump(); return; }
    state.speaking = true;
    var utterance = new SpeechSynthesisUtterance(call.text);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    var finished = false;
    var finish = function () { if (!finished) { finished = true; done(); } };
    utterance.onend = finish;
    utterance.onerror = finish;
    // Some engines never fire onend: give up waiting after a generous time.
    window.setTimeout(finish, 1500 + call.text.length * 450);
    window.speechSynthesis.speak(utterance);
  }

  function takeNew() {
    var calls = readCalls().filter(function (c) { return c.id > state.lastId; });
    calls.sort(function (a, b) { return a.id - b.id; });
    calls.forEach(function (c) { state.queue.push(c); state.lastId = Math.max(state.lastId, c.id); });
    pump();
  }

  document.addEventListener("DOMContentLoaded", function () {
    readCalls().forEach(function (c) { state.lastId = Math.max(state.lastId, c.id); });
    showToggle();
    var button = document.getElementById("voice-toggle");
    if (button) {
      button.addEventListener("click", function () {
        window.localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
        if (muted() && "speechSynthesis" in window) { window.speechSynthesis.cancel(); }
        showToggle();
      });
    }
  });
  document.body.addEventListener("htmx:afterSwap", takeNew);
})();
