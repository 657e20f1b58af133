// The kanban: a card may be dragged into a column its reader may move it to (the server lists them on the card). The
// move posts the same action as the card's buttons, which keep working without scripts.
(function () {
  "use strict";
  var board = document.querySelector(".kanban");
  if (!board) { return; }
  var csrf = board.getAttribute("data-csrf");
  var actions = { todo: "task_reopen", doing: "task_start", blocked: "task_block", done: "task_done" };
  var flash = document.getElementById("flash");
  var dragged = null;

  function say(ok, text) {
    flash.textContent = text;
    flash.className = "flash " + (ok ? "ok" : "error");
    flash.hidden = false;
  }
  function allowed(card, column) {
    return card && (" " + card.getAttribute("data-moves") + " ").indexOf(" " + column + " ") >= 0;
  }
  function post(card, column) {
    var body = new URLSearchParams({ action: actions[column], ref: card.getAttribute("data-ref"), csrf: csrf });
    if (column === "blocked") {
      var reason = window.prompt(board.getAttribute("data-block-prompt") || "Why is it blocked?");
      if (!reason) { return; }
      body.set("reason", reason);
    }
    fetch("/actions", { method: "POST", body: body, credentials: "same-origin",
                        headers: { "Accept": "application/json", "X-CSRF-Token": csrf } })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        say(answer.ok, answer.message);
        if (answer.ok) { window.location.reload(); }
      })
      .catch(function () { say(false, board.getAttribute("data-failed") || "Not saved"); });
  }
  board.addEventListener("dragstart", function (e) {
    dragged = e.target.closest(".card");
    if (dragged) { e.dataTransfer.setData("text/plain", dragged.getAttribute("data-ref")); }
  });
  board.addEventListener("dragover", function (e) {
    var column = e.target.closest(".column");
    if (column && allowed(dragged, column.getAttribute("data-column"))) {
      e.preventDefault();
      column.classList.add("over");
    }
  });
  board.addEventListener("dragleave", function (e) {
    var column = e.target.closest(".column");
    if (column) { column.classList.remove("over"); }
  });
  board.addEventListener("drop", function (e) {
    var column = e.target.closest(".column");
    if (!column || !dragged) { return; }
    e.preventDefault();
    column.classList.remove("over");
    var target = column.getAttribute("data-column");
    if (allowed(dragged, target)) {
      column.querySelector("ul").appendChild(dragged);
      post(dragged, target);
    }
    dragged = null;
  });
})();
