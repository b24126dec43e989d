// What-if on the results page, in place: the form posts the changed answers as it does
// without script, and the server, scoring them with the same functions as a submit, sends
// back the results' body, which replaces the one shown. Nothing is saved either way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-what-if]");
  var body = document.getElementById("results-body");
  if (!form || !body || !window.fetch) {
    return;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var buttons = document.querySelectorAll('button[form="what-if"]');
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.text().then(function (text) {
          if (!response.ok) {
            throw new Error(text || "The result could not be worked out (" + response.status + ").");
          }
          return text;
        });
      })
      .then(function (html) {
        body.innerHTML = html;
        var notice = body.querySelector(".what-if-notice");
        if (notice) {
          notice.setAttribute("tabindex", "-1");
          notice.focus();
        }
      })
      .catch(function (error) {
        var alert = document.createElement("p");
        alert.className = "alert alert-danger";
        alert.setAttribute("role", "alert");
        alert.textContent = error.message;
        body.prepend(alert);
      })
      .finally(function () {
        document.querySelectorAll('button[form="what-if"]').forEach(function (button) {
          button.disabled = false;
        });
      });
  });
})();
