/* Suggest existing tags while an editor types in a comma-separated tag input.
 *
 * Works on every <input class="tag-suggest" data-suggest-url="..."> on the page, including
 * inline rows the admin adds later (events are delegated from the document). The list is an
 * ARIA listbox: arrow keys move, Enter or a click takes a suggestion, Escape closes.
 */
(function () {
  "use strict";

  var DELAY_MS = 120;
  var state = { input: null, list: null, items: [], active: -1, timer: null, request: 0 };

  function lastTerm(value) {
    var parts = value.split(",");
    return parts[parts.length - 1].trim();
  }

  function ensureList(input) {
    var id = input.id + "_suggestions";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "tag-suggest-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Existing tags");
      list.hidden = true;
      input.insertAdjacentElement("afterend", list);
      input.setAttribute("role", "combobox");
      input.setAttribute("aria-autocomplete", "list");
      input.setAttribute("aria-controls", id);
      input.setAttribute("aria-expanded", "false");
    }
    return list;
  }

  function close() {
    if (state.list) {
      state.list.hidden = true;
      state.list.replaceChildren();
    }
    if (state.input) {
      state.input.setAttribute("aria-expanded", "false");
      state.input.removeAttribute("aria-activedescendant");
    }
    state.items = [];
    state.active = -1;
  }

  function highlight(index) {
    state.active = index;
    state.items.forEach(function (item, i) {
      var option = state.list.children[i];
      option.setAttribute("aria-selected", i === index ? "true" : "false");
      if (i === index) {
        state.input.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function choose(index) {
    var input = state.input;
    var name = state.items[index].name;
    var parts = input.value.split(",");
    parts[parts.length - 1] = " " + name;
    var kept = parts.map(function (p) { return p.trim(); }).filter(Boolean);
    input.value = kept.join(", ") + ", ";
    close();
    input.focus();
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(input, results) {
    state.input = input;
    state.list = ensureList(input);
    state.items = results;
    state.list.replaceChildren();
    var taken = input.value.split(",").slice(0, -1).map(function (p) {
      return p.trim().toLowerCase();
    });
    state.items = results.filter(function (r) { return taken.indexOf(r.name.toLowerCase()) < 0; });
    if (!state.items.length) {
      close();
      return;
    }
    state.items.forEach(function (result, i) {
      var option = document.createElement("li");
      option.id = state.list.id + "_" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.index = String(i);
      var label = document.createElement("span");
      label.textContent = result.name;
      var count = document.createElement("span");
      count.className = "tag-suggest-count";
      count.textContent = result.count === 1 ? "1 use" : result.count + " uses";
      option.append(label, count);
      state.list.append(option);
    });
    state.list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    state.active = -1;
  }

  function lookup(input) {
    var term = lastTerm(input.value);
    if (!term) {
      close();
      return;
    }
    var url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(term);
    var ticket = ++state.request;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (ticket === state.request && document.activeElement === input) {
          show(input, data.results || []);
        }
      })
      .catch(close);
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("tag-suggest")) return;
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { lookup(input); }, DELAY_MS);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (input !== state.input || !state.items.length) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((state.active + 1) % state.items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((state.active - 1 + state.items.length) % state.items.length);
    } else if (event.key === "Enter" && state.active >= 0) {
      event.preventDefault();
      choose(state.active);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("mousedown", function (event) {
    var option = event.target.closest && event.target.closest(".tag-suggest-list [role=option]");
    if (option && state.list && state.list.contains(option)) {
      event.preventDefault();
      choose(Number(option.dataset.index));
    }
  });

  document.addEventListener("focusout", function (event) {
    if (event.target === state.input) close();
  });
})();
