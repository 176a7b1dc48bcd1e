// The counter booking's « Avec » list follows the chosen services: only the stylists who
// do all of them stay offered. The page works without it (the server filters the list
// on « Voir les horaires libres » and refuses a stylist who does not do the visit).
(function () {
  "use strict";
  var who = document.getElementById("coiffeur");
  var services = [document.getElementById("prestation"), document.getElementById("prestation2")];
  if (!who || !services[0] || !services[1]) { return; }
  function doers(select) {
    var option = select.options[select.selectedIndex];
    if (!option || !option.value) { return null; }
    return (option.getAttribute("data-coiffeurs") || "").split(" ");
  }
  function update() {
    var allowed = null;
    services.forEach(function (select) {
      var ids = doers(select);
      if (ids === null) { return; }
      allowed = allowed === null ? ids : allowed.filter(function (id) { return ids.indexOf(id) >= 0; });
    });
    Array.prototype.forEach.call(who.options, function (option) {
      var off = option.value !== "" && allowed !== null && allowed.indexOf(option.value) < 0;
      option.hidden = off;
      option.disabled = off;
    });
    if (who.selectedIndex < 0 || who.options[who.selectedIndex].disabled) { who.value = ""; }
  }
  services.forEach(function (select) { select.addEventListener("change", update); });
})();
