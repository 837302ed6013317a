// The error summary (templates/_error_summary.html): focused on load, so a screen reader reads it
// first and a keyboard user starts from it. A link to a field focuses that field and shows its
// label and question above it, not just the input at the very top of the screen.
// Without JavaScript the links still jump to their fields.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var input = document.getElementById(link.getAttribute("href").slice(1));
    if (!input) return;
    event.preventDefault();
    var legend = input.closest("fieldset") && input.closest("fieldset").querySelector("legend");
    var label = legend || document.querySelector("label[for='" + input.id + "']") || input;
    label.scrollIntoView();
    input.focus({ preventScroll: true });
  });
})();
