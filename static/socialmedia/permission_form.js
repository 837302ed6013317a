// The permission request form: offer only the "What is it?" choices of the kind chosen (each
// group of the list is labelled with its kind). Without this script every group shows, and the
// server checks that the choice goes with the kind.
(function () {
  var form = document.querySelector("form[data-permission-form]");
  if (!form) return;

  // One click sends the request once: the button is disabled while it is sent (the server
  // also makes one request of a form sent twice). Coming back to the page (the browser's
  // Back) gives the button back.
  var send = form.querySelector("button[data-sending-text]");
  if (send) {
    var label = send.textContent;
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      send.disabled = true;
      send.textContent = send.getAttribute("data-sending-text");
    });
    window.addEventListener("pageshow", function () {
      send.disabled = false;
      send.textContent = label;
    });
  }

  var select = form.querySelector('select[name="subkind"]');
  var radios = form.querySelectorAll('input[name="kind"]');
  if (!select) return;
  var labels = {};
  radios.forEach(function (radio) {
    var label = form.querySelector('label[for="' + radio.id + '"]');
    if (label) labels[radio.value] = label.textContent.trim();
  });
  function update() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var wanted = chosen ? labels[chosen.value] : null;
    select.querySelectorAll("optgroup").forEach(function (group) {
      var show = !wanted || group.label === wanted;
      group.hidden = !show;
      group.disabled = !show;
      if (!show && group.contains(select.options[select.selectedIndex])) {
        select.value = "";
      }
    });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
