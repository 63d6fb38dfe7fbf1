// The deal list's filters apply as soon as a select or date changes (the Apply button stays
// for keyboards and for browsers without JavaScript).
//
// The pipeline board: a card dragged onto another stage column, or moved with its "Move to"
// menu, is POSTed to its form's action (deals_app.views.DealStageView) with the form's CSRF
// token; the board and the totals are then re-read from this page, so counts and sums follow.
// A move to Closed won/lost answers with the close form's address: closing needs an outcome.
// Without JavaScript the menu is a plain form POST.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form[data-autosubmit]").forEach((form) => {
    form.addEventListener("change", (event) => {
      const target = event.target;
      if (target.matches("select, input[type='date']")) {
        form.requestSubmit();
      }
    });
  });
  setUpBoard();
});

function announce(text, isError = false) {
  const status = document.querySelector("[data-board-status]");
  if (!status) return;
  status.textContent = text;
  status.classList.toggle("is-error", isError);
}

async function refreshBoard(focusDeal) {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) {
    window.location.reload();
    return;
  }
  const html = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const selector of ["[data-testid='deal-board']", "[data-testid='deal-totals']"]) {
    const fresh = html.querySelector(selector);
    const current = document.querySelector(selector);
    if (fresh && current) current.replaceWith(document.importNode(fresh, true));
  }
  setUpBoard();
  if (focusDeal) {
    const select = document.querySelector(`.board-card[data-deal='${focusDeal}'] select`);
    if (select) select.focus();
  }
}

async function moveDeal(form, stage) {
  const card = form.closest(".board-card");
  const body = new FormData(form);
  body.set("stage", stage);
  card.classList.add("is-moving");
  let answer = {};
  let ok = false;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": body.get("csrfmiddlewaretoken") },
    });
    ok = response.ok;
    answer = await response.json();
  } catch (error) {
    answer = { error: "the server could not be reached." };
  }
  if (answer.redirect) {
    window.location.assign(answer.redirect);
    return;
  }
  card.classList.remove("is-moving");
  if (!ok || answer.error) {
    announce(`The deal was not moved: ${answer.error || "try again."}`, true);
    await refreshBoard();
    return;
  }
  await refreshBoard(card.dataset.deal);
  announce(answer.message || "");
}

function setUpBoard() {
  const board = document.querySelector("[data-board-movable]");
  if (!board) return;
  board.querySelectorAll("form[data-board-move]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      moveDeal(form, form.elements.stage.value);
    });
  });
  let dragged = null;
  board.querySelectorAll(".board-card[draggable='true']").forEach((card) => {
    card.addEventListener("dragstart", (event) => {
      dragged = card;
      card.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.deal);
    });
    card.addEventListener("dragend", () => {
      card.classList.remove("is-dragging");
      board.querySelectorAll(".is-drop-target").forEach((c) => c.classList.remove("is-drop-target"));
      dragged = null;
    });
  });
  board.querySelectorAll(".board-column").forEach((column) => {
    column.addEventListener("dragover", (event) => {
      if (!dragged || dragged.closest(".board-column") === column) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      column.classList.add("is-drop-target");
    });
    column.addEventListener("dragleave", (event) => {
      if (!column.contains(event.relatedTarget)) column.classList.remove("is-drop-target");
    });
    column.addEventListener("drop", (event) => {
      event.preventDefault();
      column.classList.remove("is-drop-target");
      const card = dragged;
      if (!card || card.closest(".board-column") === column) return;
      const form = card.querySelector("form[data-board-move]");
      const list = column.querySelector(".board-cards");
      if (list) list.prepend(card); // shown at once; the refresh puts it in its place
      moveDeal(form, column.dataset.stage);
    });
  });
}
