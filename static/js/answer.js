// Answer pages: warn before leaving with unsaved changes, and show the reason field only
// when "not applicable" is chosen. The page works without this script.
(function () {
  "use strict";
  var form = document.getElementById("answer-form");
  if (!form) {
    return;
  }
  var dirty = false;
  // Only a pointer's choice of "not applicable" moves focus to the reason box: with the
  // arrow keys, focus stays in the radio group.
  var pointer = false;
  form.addEventListener("pointerdown", function () { pointer = true; });
  form.addEventListener("keydown", function () { pointer = false; });
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function (event) {
    dirty = true;
    var target = event.target;
    if (target.type === "radio") {
      var fieldset = target.closest("fieldset");
      var reason = fieldset && fieldset.querySelector(".na-reason");
      if (reason) {
        reason.classList.toggle("na-reason-open", target.value === "na");
        if (target.value === "na" && pointer) {
          reason.querySelector("input").focus();
        }
      }
    }
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // On a phone the step pills scroll sideways in one line: show the current step.
  var current = document.querySelector(".step-list .step-current");
  var steps = current && current.closest(".step-list");
  if (steps && steps.scrollWidth > steps.clientWidth) {
    steps.scrollLeft += current.getBoundingClientRect().left - steps.getBoundingClientRect().left - 24;
  }
  document.documentElement.classList.add("js");
})();
