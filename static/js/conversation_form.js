/* The conversation log form, progressively enhanced: account type-ahead, the chosen account's
   contacts and deals, extra inline rows, and the stated reason only for win/loss interviews.
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
