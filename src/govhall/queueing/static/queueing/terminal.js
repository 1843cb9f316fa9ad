/* Window terminal keyboard shortcuts: a key clicks the enabled button marked data-key. */
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = (event.target.tagName || "").toUpperCase();
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    var button = document.querySelector('#panel [data-key="' + event.key.toLowerCase() + '"]:not([disabled])');
    if (button) { event.preventDefault(); button.click(); }
  });
})();
