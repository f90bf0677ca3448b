// Search over the reports, where JavaScript runs. The page works without it: the list, the
// year pages and the service and organisation pages are plain links. The index is loaded
// with a <script> element (search-index.js), so search also works when the site is opened
// from the file system. Results are built with textContent: nothing from a report is ever
// parsed as HTML.
(function () {
  "use strict";
  // On every page: the search box in the header replaces the link to the index, and a
  // printed page says when it was printed.
  var headerForm = document.querySelector(".header-search");
  var headerLink = document.querySelector(".search-link");
  if (headerForm && headerLink) {
    headerForm.hidden = false;
    headerLink.hidden = true;
  }
  window.addEventListener("beforeprint", function () {
    var when = document.querySelector(".print-date");
    if (when) {
      when.textContent = " · " + when.getAttribute("data-label") + " " +
        new Date().toLocaleDateString(document.documentElement.lang, { year: "numeric", month: "long", day: "numeric" });
    }
  });
  var index = window.candorSearchIndex;
  var box = document.getElementById("search");
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-input");
  var status = document.getElementById("search-status");
  var results = document.getElementById("search-results");
  if (!index || !box || !form || !input || !status || !results) {
    return;
  }
  var fold = function (text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa");
  };
  var haystacks = index.map(function (entry) {
    return fold([entry.t, entry.s, entry.v, entry.o, entry.d, entry.c || "", entry.k || ""].join(" "));
  });
  var render = function () {
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    while (results.firstChild) {
      results.removeChild(results.firstChild);
    }
    if (words.length === 0) {
      status.textContent = "";
      return;
    }
    var found = 0;
    for (var i = 0; i < index.length && found < 50; i++) {
      var haystack = haystacks[i];
      if (words.every(function (word) { return haystack.indexOf(word) !== -1; })) {
        found++;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = index[i].u;
        link.textContent = index[i].t;
        item.appendChild(link);
        item.appendChild(document.createTextNode(" (" + index[i].d + ")"));
        results.appendChild(item);
      }
    }
    var total = 0;
    for (var j = 0; j < haystacks.length; j++) {
      var h = haystacks[j];
      if (words.every(function (word) { return h.indexOf(word) !== -1; })) {
        total++;
      }
    }
    status.textContent = total === 0
      ? input.getAttribute("data-none-text")
      : input.getAttribute(total === 1 ? "data-results-one" : "data-results-other").replace("{count}", String(total));
  };
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    render();
  });
  input.addEventListener("input", function () {
    render();
    // Keep the address shareable: ?q= holds the current search.
    if (window.history && window.history.replaceState && location.protocol !== "file:") {
      var url = new URL(location.href);
      if (input.value) { url.searchParams.set("q", input.value); } else { url.searchParams.delete("q"); }
      window.history.replaceState(null, "", url);
    }
  });
  box.hidden = false;
  var query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    render();
  }
}());
