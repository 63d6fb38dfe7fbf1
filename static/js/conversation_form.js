/* The conversation log form, progressively enhanced: account type-ahead, the chosen account's
   contacts and deals, extra inline rows, the stated reason only for win/loss interviews, tag
   suggestions for each comma-separated name, and the keyboard: Enter in a row moves to the next
   field and, from a row's last field, to the next row (added when there is none);
   Ctrl/Cmd+Enter saves from anywhere.
   The form works without this file (the "Load contacts" button does the look-up server-side). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  ready(function () {
    var form = document.querySelector("[data-testid=conversation-form]");
    if (!form) return;
    var accountInput = form.querySelector("[name=account]");
    var datalist = document.getElementById("account-options");
    var status = form.querySelector("[data-account-status]");
    var participants = form.querySelector("[data-participants]");
    var dealSelect = form.querySelector("[name=deal]");
    var loadedFor = null;
    var timer = null;
    var lastResults = [];

    function setStatus(text) { if (status) status.textContent = text; }

    function renderPeople(data) {
      var checked = {};
      participants.querySelectorAll("input[name=participants]:checked").forEach(function (box) {
        checked[box.value] = true;
      });
      participants.textContent = "";
      if (!data.contacts.length) {
        participants.appendChild(el("p", { "class": "field-help" }, "No contacts at this account yet: add one below."));
      }
      data.contacts.forEach(function (c, i) {
        var id = "id_participants_" + i;
        var label = el("label", { "class": "check", "for": id });
        var box = el("input", { type: "checkbox", name: "participants", value: String(c.id), id: id });
        if (checked[String(c.id)]) box.checked = true;
        label.appendChild(box);
        label.appendChild(document.createTextNode(" " + c.name + (c.title ? " — " + c.title : "")));
        participants.appendChild(label);
      });
      var current = dealSelect.value;
      dealSelect.textContent = "";
      dealSelect.appendChild(el("option", { value: "" }, "No deal"));
      data.deals.forEach(function (d) {
        var option = el("option", { value: String(d.id) }, d.name);
        if (String(d.id) === current) option.selected = true;
        dealSelect.appendChild(option);
      });
      setStatus(data.account.name + ": " + data.contacts.length + " contact" +
        (data.contacts.length === 1 ? "" : "s") + ", " + data.deals.length + " deal" +
        (data.deals.length === 1 ? "" : "s") + ".");
    }

    function loadPeople(key) {
      if (!key || key === loadedFor) return;
      var url = form.dataset.lookupPeople + "?account=" + encodeURIComponent(key);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.account) { setStatus("No single account matches “" + key + "” yet: keep typing or pick from the list."); return; }
          loadedFor = key;
          renderPeople(data);
        })
        .catch(function () { setStatus("Could not load the account's contacts."); });
    }

    function exactMatch(value) {
      var v = value.trim().toLowerCase();
      var hits = lastResults.filter(function (a) { return a.name.toLowerCase() === v; });
      return hits.length === 1 ? hits[0] : null;
    }

    function search() {
      var q = accountInput.value.trim();
      if (!q) return;
      if (/^#?\d+$/.test(q)) { loadPeople(q.replace("#", "")); return; }
      fetch(form.dataset.lookupAccounts + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          lastResults = data.results;
          var names = {};
          data.results.forEach(function (a) { names[a.name.toLowerCase()] = (names[a.name.toLowerCase()] || 0) + 1; });
          datalist.textContent = "";
          data.results.forEach(function (a) {
            var dup = names[a.name.toLowerCase()] > 1;
            var option = el("option", { value: dup ? "#" + a.id : a.name });
            option.textContent = dup ? a.name + " (" + (a.domain || "no domain") + ")" : (a.domain || "");
            datalist.appendChild(option);
          });
          var hit = exactMatch(accountInput.value);
          if (hit) loadPeople(String(hit.id));
        });
    }

    accountInput.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 150);
    });
    accountInput.addEventListener("change", search);
    if (accountInput.value.trim()) search();

    // Stated reason: only for win/loss interviews.
    var kind = form.querySelector("[name=kind]");
    var reason = form.querySelector("[data-field=stated_reason]");
    function toggleReason() { if (reason) reason.hidden = kind.value !== "win_loss"; }
    kind.addEventListener("change", toggleReason);
    toggleReason();

    // Tag suggestions: the datalist offers the workspace's tags for the name being typed after
    // the last comma (a datalist alone would only complete the first one).
    form.querySelectorAll("input[list^=tag-options-]").forEach(function (input) {
      var list = document.getElementById(input.getAttribute("list"));
      if (!list) return;
      var names = Array.prototype.map.call(list.options, function (o) { return o.value; });
      var shown = null;
      function suggest() {
        var value = input.value;
        var cut = value.lastIndexOf(",");
        var head = cut < 0 ? "" : value.slice(0, cut + 1).replace(/\s*$/, " ");
        if (head === shown) return;
        shown = head;
        var taken = {};
        head.split(",").forEach(function (n) { taken[n.trim().toLowerCase()] = true; });
        list.textContent = "";
        names.forEach(function (name) {
          if (!taken[name.toLowerCase()]) list.appendChild(el("option", { value: head + name }));
        });
      }
      input.addEventListener("input", suggest);
      input.addEventListener("focus", suggest);
    });

    // Keyboard: Ctrl/Cmd+Enter saves; Enter in an inline row moves on, and adds a row at its end.
    var save = form.querySelector("[data-testid=save-conversation]");
    function rowFields(row) {
      return Array.prototype.filter.call(
        row.querySelectorAll("input, select, textarea"),
        function (f) { return f.type !== "hidden" && !f.disabled && !/-DELETE$/.test(f.name); }
      );
    }
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || event.isComposing) return;
      if (event.ctrlKey || event.metaKey) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit(save); else save.click();
        return;
      }
      if (event.shiftKey || event.altKey) return;
      var target = event.target;
      var row = target.closest && target.closest(".row-form");
      if (!row || target.tagName === "TEXTAREA" || target.tagName === "BUTTON") return;
      event.preventDefault();  // no half-filled submit from a row
      var fields = rowFields(row);
      var at = fields.indexOf(target);
      if (at >= 0 && at < fields.length - 1) { fields[at + 1].focus(); return; }
      var next = row.nextElementSibling;  // an empty row already there, else a new one
      var nextFields = next ? rowFields(next) : [];
      if (nextFields.length) { nextFields[0].focus(); return; }
      var add = row.closest("fieldset").querySelector("[data-add-row]");
      if (add) add.click();
    });
    form.querySelectorAll(".js-only[hidden]").forEach(function (node) {
      if (!node.hasAttribute("data-add-row")) node.hidden = false;
    });

    // Extra inline rows.
    form.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var prefix = button.dataset.addRow;
        var total = form.querySelector("[name=" + prefix + "-TOTAL_FORMS]");
        var template = form.querySelector("template[data-empty-row=" + prefix + "]");
        var html = template.innerHTML.replace(/__prefix__/g, total.value);
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var row = holder.firstElementChild;
        form.querySelector("[data-rows=" + prefix + "]").appendChild(row);
        total.value = String(Number(total.value) + 1);
        var first = row.querySelector("input, select, textarea");
        if (first) first.focus();
      });
    });
  });
})();
