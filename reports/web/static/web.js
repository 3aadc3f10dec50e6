// Progressive enhancement; every page works without it (then "Spara" saves).
(function () {
  "use strict";

  // An error summary takes the focus, so a screen reader reads it and Tab reaches its links.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  // Date fields: typed as ÅÅÅÅ-MM-DD; the button beside one opens the browser's calendar.
  function setUpDates(root) {
    root.querySelectorAll("button[data-picker-for]").forEach(function (button) {
      var text = document.getElementById(button.getAttribute("data-picker-for"));
      var picker = button.parentNode.querySelector("input.picker");
      if (!text || !picker || typeof picker.showPicker !== "function") { return; }
      button.hidden = false;
      picker.hidden = false;
      button.addEventListener("click", function () {
        picker.value = /^\d{4}-\d{2}-\d{2}$/.test(text.value) ? text.value : "";
        try { picker.showPicker(); } catch (error) { text.focus(); }
      });
      picker.addEventListener("change", function () {
        if (!picker.value) { return; }
        text.value = picker.value;
        text.dispatchEvent(new Event("change", { bubbles: true }));
        text.focus();
      });
    });
  }

  // "vet ej" switches off the value inputs of its question.
  function setUpUnknown(root) {
    root.querySelectorAll("input[data-unknown-for]").forEach(function (box) {
      var question = document.getElementById("q-" + box.getAttribute("data-unknown-for"));
      var inputs = question.querySelectorAll("input.date, input[inputmode], textarea, .date-input button");
      function sync() { inputs.forEach(function (input) { input.disabled = box.checked; }); }
      box.addEventListener("change", sync);
      sync();
    });
  }

  setUpDates(document);
  setUpUnknown(document);

  // A new case: only the role fields of the chosen template.
  var newCase = document.querySelector("form.new-case");
  if (newCase) {
    var roleFields = newCase.querySelectorAll("[data-audits]");
    var showRoles = function () {
      var chosen = newCase.querySelector("input[name=audit]:checked");
      roleFields.forEach(function (field) {
        var audits = field.getAttribute("data-audits").split(" ");
        field.hidden = !chosen || audits.indexOf(chosen.value) < 0;
      });
    };
    newCase.addEventListener("change", showRoles);
    showRoles();
  }

  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.DOMParser) { return; }
  var status = document.getElementById("autosave-status");
  var saving = false, pending = false, dirty = false;

  function say(text, failed) {
    status.textContent = text;
    status.classList.toggle("failed", !!failed);
  }

  function replaceById(page, id) {
    var fresh = page.getElementById(id), old = document.getElementById(id);
    if (fresh && old) { old.replaceWith(document.importNode(fresh, true)); }
  }

  // The questions of the saved page: keep those shown (the user may be in one), add the
  // follow-ups that now apply, drop those that no longer do, refresh those with errors.
  function mergeQuestions(page) {
    var list = form.querySelector(".question-list");
    var freshList = page.querySelector(".question-list");
    if (!list || !freshList) { return; }
    var fresh = Array.prototype.slice.call(freshList.querySelectorAll(":scope > .question"));
    var wanted = {};
    fresh.forEach(function (node) { wanted[node.id] = node; });
    Array.prototype.slice.call(list.querySelectorAll(":scope > .question")).forEach(function (node) {
      if (!wanted[node.id]) { node.remove(); }
    });
    Array.prototype.slice.call(list.children).forEach(function (node) {
      if (!node.classList.contains("question")) { node.remove(); }
    });
    var anchor = null;
    for (var index = fresh.length - 1; index >= 0; index -= 1) {
      var node = fresh[index], old = document.getElementById(node.id);
      var errorChanged = old && (old.classList.contains("has-error") || node.classList.contains("has-error"));
      if (old && !errorChanged) { anchor = old; continue; }
      var focused = old && old.contains(document.activeElement) ? document.activeElement.id : null;
      var added = document.importNode(node, true);
      if (!old) { added.classList.add("is-new"); }
      if (old) { old.replaceWith(added); } else { list.insertBefore(added, anchor); }
      setUpDates(added);
      setUpUnknown(added);
      if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
      anchor = added;
    }
    if (!fresh.length) { list.innerHTML = freshList.innerHTML; }
  }

  function apply(page, response) {
    var digest = page.querySelector("input[name=digest]");
    if (digest) { form.querySelector("input[name=digest]").value = digest.value; }
    if (response.status === 409 || !page.querySelector("form[data-autosave]")) {
      // A conflict or a broken file: show that page; the user's answers stay in it.
      document.querySelector("main").innerHTML = page.querySelector("main").innerHTML;
      form = null;
      var alert = document.querySelector("[data-error-summary], .message.error");
      if (alert) { alert.setAttribute("tabindex", "-1"); alert.focus(); }
      return;
    }
    mergeQuestions(page);
    ["progress", "verdict-panel"].forEach(function (id) { replaceById(page, id); });
    var nav = page.querySelector("nav.areas"), oldNav = document.querySelector("nav.areas");
    if (nav && oldNav) { oldNav.innerHTML = nav.innerHTML; }
    var message = document.getElementById("page-message");
    var freshMessage = page.getElementById("page-message");
    if (response.status === 422) {
      message.innerHTML = freshMessage.innerHTML;
      say(status.getAttribute("data-invalid"), true);
    } else {
      message.innerHTML = "";
      var added = form.querySelectorAll(".question.is-new").length;
      say(status.getAttribute(added ? "data-saved-follow-up" : "data-saved"));
    }
  }

  function save() {
    if (!form) { return; }
    if (saving) { pending = true; return; }
    saving = true;
    pending = false;
    form.querySelectorAll(".question.is-new").forEach(function (node) { node.classList.remove("is-new"); });
    say(status.getAttribute("data-saving"));
    var data = new FormData(form);
    data.append("next", form.querySelector("input[name=area]").value);
    fetch(form.action, { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          apply(new DOMParser().parseFromString(html, "text/html"), response);
          dirty = pending;
        });
      })
      .catch(function () { say(status.getAttribute("data-failed"), true); })
      .then(function () {
        saving = false;
        if (pending) { save(); }
      });
  }

  form.addEventListener("change", function () { dirty = true; save(); });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty && form) { event.preventDefault(); event.returnValue = form.getAttribute("data-dirty-warning"); }
  });
})();
