/* Display board voice: each call announced once, in order, never two at once (zh-CN speech).
 * The feed fragment carries today's last calls as JSON (#board-calls); ids only grow, so a call
 * is new when its id is above the highest one seen. Calls already on screen when the page opens
 * are not announced again. Muting is remembered per screen (localStorage) and toggled with the
 * M key: the screen carries no buttons. The clock follows the server's time sent with the feed. */
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
    var note = document.getElementById("voice-state");
    if (note) { note.textContent = muted() ? note.dataset.off : note.dataset.on; }
  }

  function toggleMute() {
    window.localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
    if (muted() && "speechSynthesis" in window) { window.speechSynthesis.cancel(); }
    showToggle();
  }

  var clock = { offset: 0, zone: 0 };
  function syncClock() {
    var feed = document.getElementById("board-feed");
    if (!feed || !feed.dataset.now) { return; }
    var server = Date.parse(feed.dataset.now);
    var zone = /([+-])(\d\d):?(\d\d)$/.exec(feed.dataset.now);
    if (isNaN(server)) { return; }
    clock.offset = server - Date.now();
    clock.zone = zone ? (zone[1] === "-" ? -1 : 1) * (zone[2] * 60 + zone[3] * 1) * 60000 : 0;
    var date = document.getElementById("board-date");
    if (date && feed.dataset.date) { date.textContent = feed.dataset.date; }
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    var el = document.getElementById("board-time");
    if (!el) { return; }
    // The hall's local time (the server's zone, sent with the feed), whatever the screen's.
    var t = new Date(Date.now() + clock.offset + clock.zone);
    el.textContent = two(t.getUTCHours()) + ":" + two(t.getUTCMinutes()) + ":" + two(t.getUTCSeconds());
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
    syncClock();
    var calls = readCalls().filter(function (c) { return c.id > state.lastId; });
    calls.sort(function (a, b) { return a.id - b.id; });
    calls.forEach(function (c) { state.queue.push(c); state.lastId = Math.max(state.lastId, c.id); });
    pump();
  }

  document.addEventListener("DOMContentLoaded", function () {
    readCalls().forEach(function (c) { state.lastId = Math.max(state.lastId, c.id); });
    showToggle();
    syncClock();
    tick();
    window.setInterval(tick, 1000);
    // Chromium speaks only after a first touch or click on the page: any one will do.
    document.addEventListener("pointerdown", function () {
      if ("speechSynthesis" in window) { window.speechSynthesis.speak(new SpeechSynthesisUtterance("")); }
    }, { once: true });
    document.addEventListener("keydown", function (event) {
      if (event.key === "m" || event.key === "M") { toggleMute(); }
    });
  });
  document.body.addEventListener("htmx:afterSwap", takeNew);
})();
