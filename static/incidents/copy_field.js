// The ICO report draft's "Copy" buttons: each copies one field's text to the clipboard, to
// paste into the ICO's online form. Without JavaScript the buttons stay hidden and the text
// can be selected and copied by hand. A script file, because the CSP refuses inline handlers.
(function () {
  var status = document.querySelector("[data-copy-status]");
  if (!navigator.clipboard || !status) {
    return;
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.innerText.trim()).then(
        function () {
          status.textContent = "Copied: " + button.getAttribute("data-copy-label");
        },
        function () {
          status.textContent = "Could not copy. Select the text and copy it by hand.";
        }
      );
    });
  });
})();
