/* Polls an import run's progress every second while it runs, then reloads to show its problems. */
(function () {
  "use strict";
  var box = document.getElementById("run");
  if (!box || box.dataset.active !== "1") { return; }
  var bar = document.getElementById("run-bar");
  /* This page refreshes itself: the link for reading it without JavaScript is not needed. */
  var refresh = document.getElementById("run-refresh");
  if (refresh) { refresh.hidden = true; }
  function tick() {
    fetch(box.dataset.progressUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        bar.firstElementChild.style.width = data.percent + "%";
        bar.setAttribute("aria-valuenow", data.done);
        bar.setAttribute("aria-valuemax", data.total);
        document.getElementById("run-label").textContent = data.label;
        document.getElementById("run-status").textContent = data.status_label;
        Object.keys(data.counts).forEach(function (key) {
          var cell = box.querySelector('[data-count="' + key + '"]');
          if (cell) { cell.textContent = data.counts[key].toLocaleString(document.documentElement.lang); }
        });
        if (data.is_active) { window.setTimeout(tick, 1000); } else { window.location.reload(); }
      })
      .catch(function () { window.setTimeout(tick, 3000); });
  }
  window.setTimeout(tick, 1000);
})();
