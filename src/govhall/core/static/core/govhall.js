/* govhall's few page behaviours, served from the project's static files (no CDN, no inline
   script, so a strict Content-Security-Policy holds):
   - select[data-autosubmit]: submit the form when the choice changes (language menu);
   - [data-print]: print the page (receipts, tickets);
   - a submit button's data-confirm: ask before submitting;
   - select[data-search]: a search box above a long list that keeps only the options whose
     text contains every word typed (name, code or department). */
(function () {
  "use strict";

  function autosubmit(select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }

  function searchable(select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.placeholder = select.dataset.search;
    box.setAttribute("aria-label", select.dataset.search);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var options = Array.prototype.slice.call(select.options);
    var count = document.createElement("small");
    count.className = "muted select-count";
    count.setAttribute("aria-live", "polite");
    select.parentNode.insertBefore(count, select.nextSibling);

    function filter() {
      var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      var first = null;
      options.forEach(function (option) {
        var text = option.text.toLowerCase();
        var match = option.value ? words.every(function (w) { return text.indexOf(w) >= 0; }) : !words.length;
        option.hidden = !match;
        option.disabled = !match;
        if (match && option.value) {
          shown += 1;
          first = first || option;
        }
      });
      select.size = words.length ? Math.min(Math.max(shown, 2), 10) : 0;
      count.textContent = words.length ? (select.dataset.countText || "").replace("%s", shown) : "";
      if (words.length && first && (select.selectedIndex < 0 || select.options[select.selectedIndex].hidden)) {
        first.selected = true;
      }
    }

    box.addEventListener("input", filter);
    box.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { select.focus(); event.preventDefault(); }
    });
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { event.preventDefault(); window.print(); }
  });

  document.addEventListener("submit", function (event) {
    var question = event.submitter && event.submitter.dataset.confirm;
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
    document.querySelectorAll("select[data-search]").forEach(searchable);
  });
})();
