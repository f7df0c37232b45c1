/* "Linked QuickBooks item": a search box suggesting the connected company's items (JSON
   endpoint in the script tag's data-url); choosing one fills the hidden id. Without JavaScript, the
   exact name typed is used. */
(function () {
  "use strict";
  var url = document.currentScript.dataset.url;
  document.querySelectorAll("[data-qbo-item-search]").forEach(function (input, index) {
    var hidden = input.form.querySelector('input[type="hidden"][name="' + input.name.replace(/_name$/, "") + '"]');
    var list = document.createElement("datalist");
    list.id = "qbo-items-" + index;
    input.setAttribute("list", list.id);
    input.after(list);
    var byName = {};
    var timer = null;
    function search() {
      fetch(url + "?q=" + encodeURIComponent(input.value), {credentials: "same-origin"})
        .then(function (response) { return response.json(); })
        .then(function (data) {
          list.replaceChildren();
          byName = {};
          data.results.forEach(function (row) {
            var option = document.createElement("option");
            option.value = row.name;
            byName[row.name] = row.id;
            list.appendChild(option);
          });
          pick();
        });
    }
    function pick() {
      if (hidden) { hidden.value = byName[input.value] || (input.value ? hidden.value : ""); }
    }
    input.addEventListener("input", function () {
      if (hidden && !(input.value in byName)) { hidden.value = ""; }
      pick();
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("focus", search, {once: true});
  });
})();
