// The reveal page's Hide button: takes the secrets out of the page (not just out of sight), so
// they are gone from the screen and from the page's text once used. Leaving the page does the
// same: a page kept in the back/forward cache would otherwise show them again on Back.
function hideRevealed() {
  document.querySelectorAll("[data-revealed]").forEach((part) => part.remove());
  const hidden = document.getElementById("revealed-hidden");
  if (hidden) {
    hidden.hidden = false;
  }
  document.querySelectorAll("[data-hide-revealed]").forEach((button) => button.remove());
}

document.querySelectorAll("[data-hide-revealed]").forEach((button) => {
  button.addEventListener("click", hideRevealed);
});
window.addEventListener("pagehide", hideRevealed);
