/* Settings › Accounting: suggests the connected company's items for the default item (the
   JSON endpoint is in the script tag's data-url). */
(function () {
  "use strict";
  var url = document.currentScript.dataset.url;
  var input = document.querySelector("[data-qbo-item-search]");
  var list = document.getElementById("qbo-item-options");
  if (!input || !list) { return; }
  var timer = null, last = null;
  function load() {
    var q = input.value.trim();
    if (q === last) { return; }
    last = q;
    fetch(url + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) {
        list.innerHTML = "";
        data.results.forEach(function (item) {
          var option = document.createElement("option");
          option.value = item.name;
          list.appendChild(option);
        });
      });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 200); });
  input.addEventListener("focus", load);
})();
