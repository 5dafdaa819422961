// The check-in list at the door, quicker with JavaScript (templates/backoffice/check_in.html):
// typing in the search box hides who does not match at once, and a tap is sent in the background
// and shown in its row and the counts without reloading the page. Without this script the page
// does the same with a search form and a POST per tap.
(function () {
  "use strict";

  var list = document.getElementById("deelnemers");
  if (!list) return;
  var nobody = document.getElementById("niemand");
  var search = document.querySelector("[data-filter]");

  function folded(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  if (search) {
    search.addEventListener("input", function () {
      var wanted = folded(search.value.trim());
      var shown = 0;
      list.querySelectorAll("[data-search]").forEach(function (row) {
        var match = folded(row.getAttribute("data-search")).indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) shown += 1;
      });
      if (nobody) nobody.hidden = shown !== 0;
    });
  }

  function show(row, answer) {
    row.querySelectorAll("button[name=status]").forEach(function (button) {
      var chosen = button.value === answer.status;
      button.classList.toggle("ww-choice--chosen", chosen);
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      var mark = button.querySelector(".ww-choice__mark");
      if (mark) mark.textContent = chosen ? "✓ " : "";
    });
    var status = row.querySelector("[data-status]");
    if (status) {
      var symbol = { present: "✓", absent: "✗", excused: "–" }[answer.status] || "○";
      status.className = "utrecht-paragraph ww-check-in__status ww-check-in__status--" + answer.status;
      status.textContent = symbol + " " + answer.label;
    }
    Object.keys(answer.counts).forEach(function (name) {
      var cell = document.querySelector('[data-count="' + name + '"]');
      if (cell) cell.textContent = answer.counts[name];
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!button || button.name !== "status" || !window.fetch) return;
    event.preventDefault();
    var row = form.closest("li");
    var body = new FormData(form, button);
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (!response.ok) throw new Error(answer.message || String(response.status));
          show(row, answer);
        });
      })
      .catch(function () {
        form.submit(); // the page's own way: a POST and back to this person
      })
      .finally(function () {
        form.removeAttribute("aria-busy");
      });
  });
})();
