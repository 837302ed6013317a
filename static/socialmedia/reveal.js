// The reveal page's Hide button: takes the secrets out of the page (not just out of sight), so
// they are gone from the screen and from the page's text once used.
document.querySelectorAll("[data-hide-revealed]").forEach((button) => {
  button.addEventListener("click", () => {
    document.querySelectorAll("[data-revealed]").forEach((part) => part.remove());
    const hidden = document.getElementById("revealed-hidden");
    if (hidden) {
      hidden.hidden = false;
    }
    button.remove();
  });
});
