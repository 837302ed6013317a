// The type-ahead of every "who?" field (portal/forms/people_fields.py marks each input or
// textarea with data-person-lookup="one" or "many"). Beside the field it adds a search box: type
// part of a name, email or staff number, pick from the list (mouse or arrow keys and Enter),
// and the person's work email goes into the field ("one": replaces it; "many": a new line).
// The field itself is what the form reads, so a form works the same with no script.
// The list follows the ARIA combobox pattern; a live region says how many matched, or that
// nobody did, so a screen reader user hears what a sighted user sees.
(function () {
  var script = document.currentScript;
  var url = script && script.getAttribute("data-lookup-url");
  var fields = document.querySelectorAll("[data-person-lookup]");
  if (!url || !fields.length) return;
  var MIN = 2;
  var WAIT_MS = 200;

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) node.textContent = text;
    return node;
  }

  function enhance(field, index) {
    var many = field.getAttribute("data-person-lookup") === "many";
    var id = "person-lookup-" + index;
    var box = element("div", { class: "person-lookup mt-2" });
    var label = element(
      "label",
      { for: id + "-q", class: "form-label small mb-1" },
      many ? "Find someone to add, by name" : "Find them by name"
    );
    var input = element("input", {
      type: "text",
      id: id + "-q",
      class: "form-control form-control-sm",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": id + "-list",
      autocomplete: "off",
      spellcheck: "false",
    });
    var list = element("ul", {
      id: id + "-list",
      role: "listbox",
      class: "list-group person-lookup-list",
      "aria-label": "People who match",
      hidden: "",
    });
    var status = element("div", {
      class: "form-text person-lookup-status",
      role: "status",
      "aria-live": "polite",
    });
    box.append(label, input, list, status);
    // After the field's help text when it has one, so the label reads in order.
    var help = field.parentNode.querySelector(".form-text");
    (help || field).insertAdjacentElement("afterend", box);

    var matches = [];
    var active = -1;
    var timer = null;
    var asked = 0;

    function close() {
      list.hidden = true;
      list.textContent = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      matches = [];
      active = -1;
    }

    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, n) {
        option.setAttribute("aria-selected", n === i ? "true" : "false");
        option.classList.toggle("active", n === i);
      });
      active = i;
      if (i >= 0 && options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(person) {
      if (many) {
        var lines = field.value.split(/[\s,;]+/).filter(Boolean);
        var known = lines.some(function (line) {
          return line.toLowerCase() === person.email.toLowerCase();
        });
        if (!known) {
          var text = field.value.replace(/\s+$/, "");
          field.value = (text ? text + "\n" : "") + person.email;
        }
        status.textContent = known
          ? person.full_name + " is already on the list."
          : "Added " + person.full_name + " (" + person.email + ").";
        input.value = "";
      } else {
        field.value = person.email;
        status.textContent = "Chose " + person.full_name + " (" + person.email + ").";
        input.value = "";
      }
      field.dispatchEvent(new Event("change", { bubbles: true }));
      close();
      input.focus();
    }

    function show(found, query) {
      close();
      matches = found;
      if (!found.length) {
        status.textContent = "Nobody matches “" + query + "”.";
        return;
      }
      found.forEach(function (person, n) {
        var option = element("li", {
          id: id + "-option-" + n,
          role: "option",
          "aria-selected": "false",
          class: "list-group-item list-group-item-action",
        });
        var name = element("span", { class: "fw-semibold" }, person.full_name);
        var about = [person.job_title, person.department, person.email].filter(Boolean);
        var detail = element("span", { class: "d-block small" }, about.join(" · "));
        option.append(name, detail);
        // mousedown, not click: it comes before the search box loses focus.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(person);
        });
        list.appendChild(option);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent =
        (found.length === 1 ? "1 person matches" : found.length + " people match") +
        ". Use the up and down arrows, then Enter, to choose.";
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN) {
        // An answer still on its way is for a query no longer typed: it must not open the list.
        asked++;
        close();
        status.textContent = query ? "Type at least " + MIN + " letters." : "";
        return;
      }
      var ask = ++asked;
      fetch(url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (found) {
          // An older answer arriving after a newer one is dropped.
          if (ask === asked) show(found, query);
        })
        .catch(function () {
          if (ask === asked) {
            close();
            status.textContent =
              "The search is not working just now: type their email or staff number instead.";
          }
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, WAIT_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" && matches.length) {
        event.preventDefault();
        highlight(Math.min(active + 1, matches.length - 1));
      } else if (event.key === "ArrowUp" && matches.length) {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter") {
        // Enter in the search box never sends the form.
        event.preventDefault();
        if (active >= 0 && matches[active]) choose(matches[active]);
        else if (matches.length === 1) choose(matches[0]);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  fields.forEach(enhance);
})();
