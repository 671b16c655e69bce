// The pipeline board: move a card by drag and drop, or by keyboard (focus a card, ← / → moves
// it one stage). Posts to the move endpoint and reverts the card if the server refuses.
// No inline scripts, no eval (CSP script-src 'self').
(function () {
  "use strict";
  function csrfToken() {
    var input = document.querySelector("#board-csrf input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function announce(text) {
    var status = document.getElementById("board-status");
    if (status) { status.textContent = text; }
  }
  function updateTotals(board) {
    board.querySelectorAll(".board-column").forEach(function (column) {
      var count = column.querySelectorAll(".board-card").length;
      var total = column.querySelector(".board-total");
      if (total) {
        var parts = total.textContent.split("·");
        total.textContent = count + " ·" + (parts[1] || "");
      }
    });
  }
  function move(board, card, column) {
    var from = card.closest(".board-column");
    if (!column || column === from) { return; }
    var body = new URLSearchParams();
    body.set("stage", column.getAttribute("data-stage"));
    body.set("version", card.getAttribute("data-version"));
    if (column.getAttribute("data-kind") === "lost") {
      var reason = window.prompt(board.getAttribute("data-lost-prompt") || "");
      if (!reason) { card.focus(); return; }
      body.set("lost_reason", reason);
      body.set("competitor", window.prompt(board.getAttribute("data-competitor-prompt") || "") || "");
    }
    var list = column.querySelector(".board-cards");
    var placeholder = card.nextSibling;
    list.appendChild(card);
    card.classList.add("moving");
    card.focus();
    var url = board.getAttribute("data-move-url").replace("{id}", card.getAttribute("data-id"));
    fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      card.classList.remove("moving");
      if (result.ok) {
        card.setAttribute("data-version", result.data.version);
        announce((board.getAttribute("data-moved-text") || "") + " " + column.getAttribute("data-name"));
      } else {
        from.querySelector(".board-cards").insertBefore(card, placeholder && placeholder.parentNode ? placeholder : null);
        if (result.data && result.data.version) { card.setAttribute("data-version", result.data.version); }
        announce((board.getAttribute("data-refused-text") || "") + " " + ((result.data && result.data.detail) || ""));
      }
      updateTotals(board);
      card.focus();
    }).catch(function () {
      card.classList.remove("moving");
      from.querySelector(".board-cards").appendChild(card);
      updateTotals(board);
    });
    updateTotals(board);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector(".board[data-move-url]");
    if (!board) { return; }
    var columns = Array.prototype.slice.call(board.querySelectorAll(".board-column"));
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      dragged = event.target.closest(".board-card");
      if (dragged && event.dataTransfer) {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.getAttribute("data-id"));
      }
    });
    columns.forEach(function (column) {
      column.addEventListener("dragover", function (event) { event.preventDefault(); column.classList.add("drop-target"); });
      column.addEventListener("dragleave", function () { column.classList.remove("drop-target"); });
      column.addEventListener("drop", function (event) {
        event.preventDefault();
        column.classList.remove("drop-target");
        if (dragged) { move(board, dragged, column); dragged = null; }
      });
    });
    board.addEventListener("keydown", function (event) {
      var card = event.target.closest && event.target.closest(".board-card");
      if (!card) { return; }
      var index = columns.indexOf(card.closest(".board-column"));
      if (event.key === "ArrowRight" && index < columns.length - 1) {
        event.preventDefault();
        move(board, card, columns[index + 1]);
      } else if (event.key === "ArrowLeft" && index > 0) {
        event.preventDefault();
        move(board, card, columns[index - 1]);
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var cards = Array.prototype.slice.call(card.parentNode.querySelectorAll(".board-card"));
        var next = cards[cards.indexOf(card) + (event.key === "ArrowDown" ? 1 : -1)];
        if (next) { event.preventDefault(); next.focus(); }
      }
    });
  });
})();
