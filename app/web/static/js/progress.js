// Roadmap progress: each phase's form saves all its improvements in one request, without
// reloading the page, so the phase stays open. Without JavaScript the form posts and the
// page comes back with the same phase open.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  function noteRule(item) {
    // A dropped improvement needs its reason in the note.
    var status = item.querySelector("select");
    var note = item.querySelector('input[name^="note:"]');
    note.required = status.value === "dropped";
  }

  function fieldError(note, message) {
    // The refusal said beside the note it is about, and read with it (aria-describedby), as the page
    // says the server's refusals; cleared once the note is fine.
    var id = "err-note-" + note.id.replace(/^note-/, "");
    var box = document.getElementById(id);
    if (!message) {
      if (box) { box.remove(); }
      note.removeAttribute("aria-describedby");
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.className = "invalid-feedback d-block";
      box.id = id;
      box.setAttribute("data-field-error", "");
      note.insertAdjacentElement("afterend", box);
    }
    box.textContent = message;
    note.setAttribute("aria-describedby", id);
  }

  document.querySelectorAll("form[data-progress-form]").forEach(function (form) {
    var status = form.querySelector("[data-progress-status]");
    var button = form.querySelector('button[type="submit"]');
    form.querySelectorAll("[data-item]").forEach(function (item) {
      item.querySelector("select").addEventListener("change", function () { noteRule(item); });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // Said before sending: a dropped improvement without its reason (the server refuses it too).
      var missing = null;
      form.querySelectorAll("[data-item]").forEach(function (item) {
        var note = item.querySelector('input[name^="note:"]');
        var empty = item.querySelector("select").value === "dropped" && !note.value.trim();
        note.classList.toggle("is-invalid", empty);
        note.setAttribute("aria-invalid", empty ? "true" : "false");
        fieldError(note, empty ? "Not saved: “" + item.querySelector("legend").firstChild.textContent.trim() +
          "” is dropped, so its note needs the reason. Write it, then save again." : "");
        if (empty && !missing) { missing = item; }
      });
      if (missing) {
        status.className = "small text-danger";
        status.textContent = "Not saved: a dropped improvement needs the reason in its note (marked above).";
        missing.querySelector('input[name^="note:"]').focus();
        return;
      }
      var items = [];
      form.querySelectorAll("[data-item]").forEach(function (item) {
        var id = item.getAttribute("data-item");
        function value(prefix) { return form.elements[prefix + ":" + id].value; }
        items.push({item_id: id, status: value("status"), due_on: value("due"), done_on: value("done"),
                    owner: value("owner"), note: value("note")});
      });
      var unit = form.elements.unit ? form.elements.unit.value : "";
      button.disabled = true;
      status.className = "small";
      status.textContent = "Saving…";
      fetch(form.action, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": token, "Accept": "application/json"},
        body: JSON.stringify({unit: unit, items: items})
      }).then(function (response) {
        return response.json().catch(function () { return {error: "The server answered " + response.status + "."}; })
          .then(function (body) { return {ok: response.ok, body: body}; });
      }).then(function (answer) {
        if (answer.ok) {
          status.className = "small text-success";
          status.textContent = answer.body.message;
          var done = form.querySelectorAll('select[name^="status:"]');
          var count = Array.prototype.filter.call(done, function (s) { return s.value === "done"; }).length;
          var counter = form.closest("details").querySelector("[data-done-count]");
          if (counter) { counter.textContent = count; }
        } else {
          status.className = "small text-danger";
          status.textContent = answer.body.error || "Not saved.";
        }
      }).catch(function () {
        status.className = "small text-danger";
        status.textContent = "Not saved: the server could not be reached. Your changes are still on this page; try again.";
      }).then(function () { button.disabled = false; });
    });
  });
}());
