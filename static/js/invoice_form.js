// Invoice line editor: add and remove lines without a page reload, fill a line from the
// chosen catalog item, keep the due date in step with the terms, and preview the subtotal.
// The server recomputes everything on save; nothing here is trusted.
(function () {
  "use strict";
  var form = document.getElementById("invoice-form");
  if (!form) { return; }
  var body = form.querySelector("[data-lines]");
  var template = document.getElementById("empty-line");
  var totalForms = form.querySelector("input[name='lines-TOTAL_FORMS']");
  var termsDays = JSON.parse(document.getElementById("invoice-terms").textContent);
  var language = document.documentElement.lang || "fr-ca";
  var money = new Intl.NumberFormat(language, {
    style: "currency", currency: form.getAttribute("data-currency") || "CAD", currencyDisplay: "narrowSymbol"
  });

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function parseNumber(value) {
    var number = parseFloat(String(value || "").replace(",", "."));
    return isFinite(number) ? number : 0;
  }

  function refreshTotals() {
    var subtotal = 0;
    body.querySelectorAll("[data-line]").forEach(function (row) {
      if (row.hidden) { return; }
      var amount = Math.round(parseNumber(field(row, "quantity").value) *
                              parseNumber(field(row, "unit_price").value) * 100) / 100;
      // The line's own discount, as invoicing/totals.py takes it off (rule 1b).
      var kind = field(row, "discount_kind");
      var value = parseNumber((field(row, "discount_value") || {}).value);
      if (kind && kind.value === "percent") {
        amount -= Math.round(amount * value) / 100;
      } else if (kind && kind.value === "amount") {
        amount -= Math.min(value, amount);
      }
      amount = Math.round(amount * 100) / 100;
      subtotal += amount;
      row.querySelector("[data-line-amount]").textContent = money.format(amount);
    });
    form.querySelector("[data-subtotal]").textContent = money.format(subtotal);
  }

  function fillFromItem(row, data) {
    if (!data) { return; }
    field(row, "description").value = data.description;
    field(row, "unit_price").value = data.unit_price;
    field(row, "is_taxable").checked = data.is_taxable;
    var group = field(row, "tax_group");
    if (group) {
      var wanted = data.tax_group === null ? "" : String(data.tax_group);
      var exists = Array.prototype.some.call(group.options, function (option) {
        return option.value === wanted;
      });
      group.value = exists ? wanted : "";
    }
    refreshTotals();
  }

  function addLine() {
    var index = parseInt(totalForms.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(index + 1);
    var row = body.lastElementChild;
    var first = field(row, "item_search");
    if (first) { first.focus(); }
    refreshTotals();
  }

  function removeLine(row) {
    // The row stays in the form, marked for deletion, so the form indexes stay contiguous.
    field(row, "DELETE").checked = true;
    row.hidden = true;
    refreshTotals();
  }

  form.querySelector("[data-add-line]").addEventListener("click", addLine);
  body.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-line]");
    if (button) { removeLine(button.closest("[data-line]")); }
  });
  // The item picker (picker.js) sends what the line takes from the chosen item.
  body.addEventListener("picker:change", function (event) {
    var row = event.target.closest("[data-line]");
    if (row && event.target.querySelector("[name$='-item_search']")) {
      fillFromItem(row, event.detail.data);
    }
  });
  body.addEventListener("input", refreshTotals);

  // Due date: follows the issue date and the terms until the person types a date of their own.
  var issueDate = form.querySelector("input[name='issue_date']");
  var terms = form.querySelector("select[name='terms']");
  var dueDate = form.querySelector("input[name='due_date']");
  var dueDateIsOwn = dueDate && dueDate.value !== "";
  function refreshDueDate() {
    if (!issueDate || !terms || !dueDate || dueDateIsOwn || !issueDate.value) { return; }
    var days = termsDays[terms.value];
    if (days === undefined) { return; }
    var date = new Date(issueDate.value + "T12:00:00Z");
    if (isNaN(date.getTime())) { return; }
    date.setUTCDate(date.getUTCDate() + days);
    dueDate.value = date.toISOString().slice(0, 10);
  }
  if (dueDate) {
    dueDate.addEventListener("input", function () { dueDateIsOwn = dueDate.value !== ""; });
  }
  if (issueDate) { issueDate.addEventListener("change", refreshDueDate); }
  if (terms) { terms.addEventListener("change", refreshDueDate); }

  body.querySelectorAll("[data-line]").forEach(function (row) {
    if (field(row, "DELETE") && field(row, "DELETE").checked) { row.hidden = true; }
  });
  refreshDueDate();
  refreshTotals();
})();
