// Tables marked .table-stack: each cell is labelled with its column's heading, so that on a
// phone (portal.css) a row can be shown as a card, "Due (UK time): 1 Dec 2026, 23:59".
// Only once labelled is the table marked .table-stacked: with no script it keeps its columns.
document.querySelectorAll("table.table-stack").forEach(function (table) {
  var headings = Array.from(table.querySelectorAll("thead th")).map(function (th) {
    return th.textContent.trim();
  });
  table.querySelectorAll("tbody tr").forEach(function (row) {
    Array.from(row.children).forEach(function (cell, i) {
      if (headings[i] && !cell.hasAttribute("colspan")) {
        cell.setAttribute("data-label", headings[i]);
      }
    });
  });
  table.classList.add("table-stacked");
});
