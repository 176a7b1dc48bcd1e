// Live progress of the console's reindex: the page works without it (a <noscript>
// refresh stands in), this only updates the steps every second and reloads at the end.
(function () {
  "use strict";
  var box = document.getElementById("progression");
  if (!box || box.getAttribute("data-running") !== "oui") { return; }
  var list = document.getElementById("etapes");
  var url = box.getAttribute("data-url");
  function show(lines) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    lines.forEach(function (line) {
      var item = document.createElement("li");
      item.textContent = line;  // text, never HTML
      list.appendChild(item);
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) { return answer.json(); })
      .then(function (state) {
        show(state.progress || []);
        if (state.running) { setTimeout(poll, 1000); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 700);
})();
