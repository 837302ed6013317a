// The report form: show only the parts the chosen kind asks for (each part names its kinds in
// data-report-kinds). On any form with a file field carrying data-max-bytes (the report, adding
// to it): say at once, next to the field, when a file is too large or too many are chosen, and
// do not send the form while that is so, so nobody waits for an upload the portal will refuse.
// The report is sent once per tap. Without this script every part shows, and the server
// checks the same things.
(function () {
  var form = document.querySelector("form[data-report-form]");
  if (form) {
    var parts = form.querySelectorAll("[data-report-kinds]");
    var kinds = form.querySelectorAll('input[name="kind"]');
    var update = function () {
      var chosen = form.querySelector('input[name="kind"]:checked');
      var kind = chosen ? chosen.value : "";
      parts.forEach(function (part) {
        var wanted = part.getAttribute("data-report-kinds").split(" ");
        part.hidden = wanted.indexOf(kind) === -1;
      });
    };
    kinds.forEach(function (radio) { radio.addEventListener("change", update); });
    update();
  }

  function megabytes(bytes) {
    return Math.max(1, Math.ceil(bytes / 1048576)) + " MB";
  }

  document.querySelectorAll('input[type="file"][data-max-bytes]').forEach(function (files) {
    var owner = files.form;
    var warning = owner && owner.querySelector("[data-file-warning]");
    if (!warning) return;

    function problems() {
      var most = parseInt(files.getAttribute("data-max-bytes"), 10);
      var count = parseInt(files.getAttribute("data-max-files"), 10);
      var found = [];
      Array.prototype.forEach.call(files.files, function (file) {
        if (file.size > most) {
          found.push("“" + file.name + "” is too large (" + megabytes(file.size) +
            "; the largest is " + megabytes(most) + "): choose a smaller file, or send " +
            "without it and add it later.");
        }
      });
      if (files.files.length > count && count === 0) {
        found.push("As many files as can be sent at once are attached already: send the " +
          "form, then add more from the report's page.");
      } else if (files.files.length > count) {
        found.push("Choose at most " + count + " files now; you can add more later.");
      }
      return found;
    }

    function show() {
      var found = problems();
      warning.textContent = found.join(" ");
      warning.hidden = found.length === 0;
      warning.classList.toggle("text-danger", found.length > 0);
      return found.length === 0;
    }

    files.addEventListener("change", show);
    owner.addEventListener("submit", function (event) {
      if (!show()) {
        event.preventDefault();
        files.focus();
      }
    });
  });

  // One tap sends the report once: the button is disabled while it is sent (the server also
  // makes one report of a form sent twice), unless a check above kept the form from being
  // sent. Coming back to the page (the browser's Back) gives the button back.
  var send = form && form.querySelector("button[data-sending-text]");
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
})();
