// A form marked data-confirm="question" asks before it is sent (no inline handler, so a
// Content-Security-Policy without 'unsafe-inline' allows it).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();
