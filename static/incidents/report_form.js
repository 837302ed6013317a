// The report form: show only the parts the chosen kind asks for (each part names its kinds in
// data-report-kinds), warn at once about a file too large or too many files, before the
// form is sent, and send it only once. Without this script every part shows, and the server
// checks the same things.
(function () {
  var form = document.querySelector("form[data-report-form]");
  if (!form) return;
  var parts = form.querySelectorAll("[data-report-kinds]");
  var kinds = form.querySelectorAll('input[name="kind"]');

  function update() {
    var chosen = form.querySelector('input[name="kind"]:checked');
    var kind = chosen ? chosen.value : "";
    parts.forEach(function (part) {
      var wanted = part.getAttribute("data-report-kinds").split(" ");
      part.hidden = wanted.indexOf(kind) === -1;
    });
  }
  kinds.forEach(function (radio) { radio.addEventListener("change", update); });
  update();

  // One tap sends the report once: the button is disabled while it is sent (the server also
  // makes one report of a form sent twice). Coming back to the page (the browser's Back) gives
  // the button back.
  var send = form.querySelector("button[data-sending-text]");
  if (send) {
    var label = send.textContent;
    form.addEventListener("submit", function () {
      send.disabled = true;
      send.textContent = send.getAttribute("data-sending-text");
    });
    window.addEventListener("pageshow", function () {
      send.disabled = false;
      send.textContent = label;
    });
  }

  var files = form.querySelector('input[type="file"][data-max-bytes]');
  var warning = form.querySelector("[data-file-warning]");
  if (!files || !warning) return;
  files.addEventListener("change", function () {
    var most = parseInt(files.getAttribute("data-max-bytes"), 10);
    var count = parseInt(files.getAttribute("data-max-files"), 10);
    var problems = [];
    Array.prototype.forEach.call(files.files, function (file) {
      if (file.size > most) {
        problems.push("“" + file.name + "” is too large (" + Math.ceil(file.size / 1048576) +
          " MB): choose a smaller file.");
      }
    });
    if (files.files.length > count) {
      problems.push("Choose at most " + count + " files.");
    }
    warning.textContent = problems.join(" ");
    warning.hidden = problems.length === 0;
    warning.classList.toggle("text-danger", problems.length > 0);
  });
})();
