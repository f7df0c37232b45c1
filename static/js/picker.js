// Searchable pickers (core/pickers.py): the text box of a [data-picker] becomes an ARIA 1.2
// combobox whose options come, a page at a time, from the server (data-picker-url?q=...).
// Choosing an option writes its id into the hidden input and sends a "picker:change" event
// (detail: {id, label, data}). Without this file the text box is a plain search that the
// server resolves on submit. Rows added later (invoice lines) work too: set up on focus.
(function () {
  "use strict";
  var counter = 0;
  // The words come translated from the page (data-picker-none / -count / -more).
  function say(root, name, count) {
    return (root.getAttribute("data-picker-" + name) || "").replace("{count}", String(count));
  }

  function setUp(root) {
    if (root.pickerReady) { return root.picker; }
    root.pickerReady = true;
    var input = root.querySelector("[data-picker-input]");
    var url = root.getAttribute("data-picker-url");
    if (!input || !url) { return null; }
    counter += 1;
    var listId = "picker-list-" + counter;
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var labelledBy = input.id && document.querySelector("label[for='" + input.id + "']");
    if (labelledBy) {
      if (!labelledBy.id) { labelledBy.id = listId + "-label"; }
      list.setAttribute("aria-labelledby", labelledBy.id);
    } else if (input.getAttribute("aria-label")) {
      list.setAttribute("aria-label", input.getAttribute("aria-label"));
    }
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var state = { results: [], active: -1, timer: null, asked: null, chosenLabel: input.value };

    function hidden() {
      var field = root.querySelector("[data-picker-value]");
      if (!field) {
        // After a search without JavaScript the server offered radio buttons instead.
        var radio = root.querySelector("input[type=radio]");
        field = document.createElement("input");
        field.type = "hidden";
        field.name = radio ? radio.name : input.name.replace(/_search$/, "");
        field.setAttribute("data-picker-value", "");
        root.appendChild(field);
        var candidates = root.querySelector(".picker-candidates");
        if (candidates) { candidates.remove(); }
      }
      return field;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      state.active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      state.active = (index + options.length) % options.length;
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === state.active ? "true" : "false");
      });
      var current = options[state.active];
      input.setAttribute("aria-activedescendant", current.id);
      current.scrollIntoView({ block: "nearest" });
    }

    function render(body) {
      state.results = body.results;
      list.innerHTML = "";
      body.results.forEach(function (result, index) {
        var option = document.createElement("li");
        option.id = listId + "-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = result.label || result.name;
        if (result.detail || result.type) {
          var detail = document.createElement("small");
          detail.textContent = " " + (result.detail || result.type);
          option.appendChild(detail);
        }
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(index);
        });
        list.appendChild(option);
      });
      var count = body.results.length;
      status.textContent = say(root, count ? (body.more ? "more" : "count") : "none", count);
      list.hidden = !body.results.length;
      input.setAttribute("aria-expanded", body.results.length ? "true" : "false");
      state.active = -1;
      input.removeAttribute("aria-activedescendant");
    }

    function search() {
      var text = input.value.trim();
      if (text === state.asked && !list.hidden) { return; }
      state.asked = text;
      var separator = url.indexOf("?") === -1 ? "?" : "&";
      fetch(url + separator + "q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (body) { if (input.value.trim() === text) { render(body); } })
        .catch(function () { close(); });
    }

    var textOnly = root.hasAttribute("data-picker-text-only");

    function choose(index) {
      var result = state.results[index];
      if (!result) { return; }
      input.value = result.label || result.name;
      state.chosenLabel = input.value;
      if (!textOnly) { hidden().value = result.id; }
      close();
      root.dispatchEvent(new CustomEvent("picker:change", { bubbles: true, detail: result }));
    }

    input.addEventListener("input", function () {
      if (!textOnly && input.value !== state.chosenLabel) { hidden().value = ""; }
      clearTimeout(state.timer);
      state.timer = setTimeout(search, 150);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { state.asked = null; search(); } else { highlight(state.active + 1); }
      } else if (event.key === "ArrowUp") {
        if (!list.hidden) { event.preventDefault(); highlight(state.active - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && state.active >= 0) { event.preventDefault(); choose(state.active); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    root.picker = { input: input };
    return root.picker;
  }

  document.addEventListener("focusin", function (event) {
    var root = event.target.closest && event.target.closest("[data-picker]");
    if (root) { setUp(root); }
  });
  document.querySelectorAll("[data-picker]").forEach(setUp);
})();
