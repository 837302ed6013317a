// The ICO report draft's "Copy" buttons: each copies one field's text to the clipboard, to
// paste into the ICO's online form. Without JavaScript the buttons stay hidden and the text
// can be selected and copied by hand. A script file, because the CSP refuses inline handlers.
// The outcome is said twice: in the live region for screen readers, and on the button itself
// for a moment ("Copied"), so sighted users see the click worked.
(function () {
  var status = document.querySelector("[data-copy-status]");
  if (!navigator.clipboard || !status) {
    return;
  }
  var SHOWN_FOR = 2000; // milliseconds
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    // The button's visible word: its first text node ("Copy"), before the hidden label.
    var word = button.firstChild;
    if (!source || !word || word.nodeType !== Node.TEXT_NODE) {
      return;
    }
    var original = word.nodeValue;
    var timer = null;
    function show(text) {
      word.nodeValue = text;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        word.nodeValue = original;
      }, SHOWN_FOR);
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.innerText.trim()).then(
        function () {
          status.textContent = "Copied: " + button.getAttribute("data-copy-label");
          show("Copied");
        },
        function () {
          status.textContent = "Could not copy. Select the text and copy it by hand.";
          show("Not copied");
        }
      );
    });
  });
})();
