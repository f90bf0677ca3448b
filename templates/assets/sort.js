// Sortable tables, where JavaScript runs: each column heading of a table marked `sortable`
// becomes a button that sorts the rows by that column, ascending then descending. Without
// JavaScript the table is a plain table in its published order. Cells are compared by their
// data-sort value (a number, or text for columns marked data-sort-type="text").
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    var headings = table.querySelectorAll("thead th");
    var body = table.tBodies[0];
    if (!body) {
      return;
    }
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    Array.prototype.forEach.call(headings, function (heading, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (heading.firstChild) {
        button.appendChild(heading.firstChild);
      }
      heading.appendChild(button);
      var text = heading.getAttribute("data-sort-type") === "text";
      button.addEventListener("click", function () {
        var ascending = heading.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headings, function (other) { other.removeAttribute("aria-sort"); });
        heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (row) {
          var cell = row.cells[column];
          return cell ? (cell.getAttribute("data-sort") || cell.textContent) : "";
        };
        rows.sort(function (a, b) {
          var x = key(a);
          var y = key(b);
          var order = text ? collator.compare(x, y) : (parseFloat(x) || 0) - (parseFloat(y) || 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
}());
