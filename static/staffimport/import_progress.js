// The staff import's progress bar: ask the server how far the import has got every two
// seconds, and reload the page when it has finished so the result shows. A script file, not
// inline, because the CSP refuses inline scripts. Without JavaScript the page shows the same
// figures as text, with a link to check again.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress-url]");
  if (!box) return;
  var url = box.getAttribute("data-import-progress-url");
  var bar = box.querySelector("[data-progress-bar]");
  var fill = bar.querySelector(".progress-bar");
  var text = box.querySelector("[data-progress-text]");
  var stage = box.querySelector("[data-progress-stage]");
  var numbers = new Intl.NumberFormat("en-GB");

  function draw(percent) {
    // Setting the width through the DOM is allowed by the CSP; a style attribute is not.
    fill.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    bar.setAttribute("aria-valuetext", percent + "% done");
  }

  function show(data) {
    draw(data.percent);
    text.textContent = numbers.format(data.processed_rows) + " of " +
      numbers.format(data.total_rows) + " rows (" + data.percent + "%)";
    stage.textContent = data.stage || data.status_label;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.redirected) {
          // Signed out meanwhile (the session ended): let the page take them to sign in.
          window.location.reload();
          throw new Error("signed out");
        }
        if (!response.ok) throw new Error("progress " + response.status);
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 2000);
        }
      })
      .catch(function () {
        // The server did not answer (a restart, a dropped connection): try again a little later.
        window.setTimeout(poll, 5000);
      });
  }

  bar.hidden = false;
  draw(parseInt(bar.getAttribute("aria-valuenow"), 10) || 0);
  window.setTimeout(poll, 2000);
})();
