// A little progressive enhancement; every page works without it.
(function () {
  "use strict";
  // "vet ej" switches off the value inputs of its question.
  document.querySelectorAll("input[data-unknown-for]").forEach(function (box) {
    var question = document.getElementById("q-" + box.getAttribute("data-unknown-for"));
    var inputs = question.querySelectorAll("input[type=date], input[type=number], input[inputmode], textarea");
    function sync() { inputs.forEach(function (input) { input.disabled = box.checked; }); }
    box.addEventListener("change", sync);
    sync();
  });
  // Warn before leaving a questionnaire page with answers that are not saved.
  var form = document.querySelector("form[data-dirty-warning]");
  if (!form) { return; }
  var dirty = false;
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = form.getAttribute("data-dirty-warning"); }
  });
})();
