// A search box marked data-filter-boxes="<id>" hides the tick boxes inside #<id> whose label
// does not contain what is typed. Ticked boxes stay visible, so nothing chosen is hidden.
// Without the script every box shows, and the form works the same.
document.querySelectorAll("input[data-filter-boxes]").forEach(function (box) {
  var list = document.getElementById(box.getAttribute("data-filter-boxes"));
  if (!list) return;
  box.addEventListener("input", function () {
    var typed = box.value.trim().toLowerCase();
    list.querySelectorAll(".form-check").forEach(function (item) {
      var input = item.querySelector("input");
      var text = item.textContent.toLowerCase();
      item.hidden = Boolean(typed) && !(input && input.checked) && text.indexOf(typed) === -1;
    });
  });
});
