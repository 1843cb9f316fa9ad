/* Window terminal: keyboard shortcuts (a key clicks the enabled button marked data-key), and
 * the site's logout button also leaves the window (closes the terminal session first). */
(function () {
  "use strict";
  var terminal = document.getElementById("terminal");
  if (terminal) {
    document.querySelectorAll('form[action="' + terminal.dataset.logoutUrl + '"]').forEach(function (form) {
      form.action = terminal.dataset.closeUrl;
      var flag = document.createElement("input");
      flag.type = "hidden";
      flag.name = "logout";
      flag.value = "1";
      form.appendChild(flag);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toUpperCase();
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    var button = document.querySelector('#panel [data-key="' + event.key.toLowerCase() + '"]:not([disabled])');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
