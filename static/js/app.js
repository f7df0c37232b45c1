/* Behaviour shared by every page, kept out of the templates so that the Content-Security-Policy
   can forbid inline script and inline style attributes. Without JavaScript every page still works. */
(function () {
  "use strict";

  /* <form data-confirm="Question?">: asks before submitting. */
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });

  /* <button data-print>: prints the page. */
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  /* <span data-width="42">: a progress bar's filled part, in percent. */
  document.querySelectorAll("[data-width]").forEach(function (bar) {
    bar.style.width = (parseFloat(bar.dataset.width) || 0) + "%";
  });

  /* <td data-indent="2">: indents a nested row (category tree). */
  document.querySelectorAll("[data-indent]").forEach(function (cell) {
    var depth = parseInt(cell.dataset.indent, 10) || 1;
    cell.style.paddingLeft = (depth - 0.5) + "rem";
  });

  /* <input type="checkbox" data-select-all="#form input[name=ids]">: ticks or unticks them all. */
  document.querySelectorAll("[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll(all.dataset.selectAll).forEach(function (box) {
        box.checked = all.checked;
      });
    });
  });

  /* Item form: the free-text unit is only relevant when "Other…" is chosen. */
  (function () {
    var select = document.getElementById("id_unit_choice");
    var other = document.getElementById("id_unit_other");
    if (!select || !other) { return; }
    var wrapper = other.closest(".field");
    function sync() {
      var isOther = select.value === "other";
      wrapper.hidden = !isOther;
      if (isOther && document.activeElement === select) { other.focus(); }
    }
    select.addEventListener("change", sync);
    sync();
  })();
})();
