// Show the department and employment type choices only when the audience is "chosen".
// Without JavaScript every field simply stays visible and the form still works.
(function () {
  var radios = document.querySelectorAll('input[name="audience_all"]');
  var chosen = document.querySelectorAll("#div_id_departments, #div_id_employment_types");
  if (!radios.length || !chosen.length) return;
  function update() {
    var all = document.querySelector('input[name="audience_all"]:checked');
    var hide = all && all.value === "1";
    chosen.forEach(function (el) { el.hidden = hide; });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
