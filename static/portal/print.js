// The "Print this record" button: a script file, because the CSP refuses inline handlers.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
