// The review page: select a finding (its locations in the text get aria-current="true" and
// are scrolled to), filter and search the list, record decisions without reloading.
// Report text reaches the page only as escaped text; this script sets text, never HTML.
"use strict";
(function () {
  const panes = document.getElementById("review");
  if (!panes) return;
  const source = document.getElementById("source-pane");  // the text, and a PDF's pages
  const findings = Array.from(document.querySelectorAll("[data-finding-id]"));

  // Scroll inside a pane only (scrollIntoView would move the whole window too).
  function reveal(pane, el) {
    const top = el.getBoundingClientRect().top - pane.getBoundingClientRect().top;
    pane.scrollTop += top - pane.clientHeight / 2;
  }
  const list = document.querySelector(".findings");

  function select(id, scroll) {
    source.querySelectorAll('[aria-current="true"]').forEach((el) => el.removeAttribute("aria-current"));
    findings.forEach((el) => {
      const on = el.dataset.findingId === id;
      el.classList.toggle("selected", on);
      const button = el.querySelector("button.select");
      if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    const marks = source.querySelectorAll('[data-location-for="' + CSS.escape(id) + '"]');
    marks.forEach((el) => el.setAttribute("aria-current", "true"));
    // Scroll to the first location shown in the current view (pages or text).
    const shown = Array.from(marks).find((el) => el.getClientRects().length > 0);
    if (scroll && shown) reveal(source, shown);
    const url = new URL(window.location.href);
    url.searchParams.set("selected", id);
    url.hash = "";
    history.replaceState(null, "", url);
  }

  findings.forEach((el) => {
    const button = el.querySelector("button.select");
    if (button) button.addEventListener("click", () => select(el.dataset.findingId, true));
    el.querySelectorAll("a[data-goto]").forEach((a) =>
      a.addEventListener("click", () => select(el.dataset.findingId, false)));
  });

  // A click on a marked place in the text selects its finding and shows it in the list.
  source.addEventListener("click", (event) => {
    const mark = event.target.closest("[data-location-for]");
    if (!mark) return;
    const id = mark.getAttribute("data-location-for");
    select(id, false);
    const item = document.getElementById("f-" + id);
    if (item) reveal(list, item);
  });

  const search = document.getElementById("search");
  const statusFilter = document.getElementById("status-filter");
  const severities = Array.from(document.querySelectorAll('input[name="severity"]'));
  const shown = document.getElementById("shown");
  function applyFilters() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const allowed = new Set(severities.filter((box) => box.checked).map((box) => box.value));
    const status = statusFilter.value;
    let count = 0;
    findings.forEach((el) => {
      const visible = allowed.has(el.dataset.severity) &&
        (!status || el.dataset.status === status) &&
        words.every((word) => el.dataset.search.includes(word));
      el.hidden = !visible;
      if (visible) count += 1;
    });
    document.querySelectorAll(".group").forEach((group) => {
      group.hidden = !group.querySelector("[data-finding-id]:not([hidden])");
    });
    shown.textContent = count + " of " + findings.length + " shown";
  }
  [search, statusFilter, ...severities].forEach((el) => el.addEventListener("input", applyFilters));
  applyFilters();

  // Decisions: posted with fetch (the form's CSRF token goes with it); without script the form posts.
  document.querySelectorAll("form.decide").forEach((form) => {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      if (event.submitter) data.set("decision", event.submitter.value);
      const answer = await fetch(form.action, {
        method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin",
      });
      const item = form.closest("[data-finding-id]");
      const line = item.querySelector("[data-decision-for]");
      if (!answer.ok) {
        line.textContent = "could not save the decision (" + answer.status + "); reload the page";
        return;
      }
      const saved = await answer.json();
      item.dataset.status = saved.decision;
      item.className = item.className.replace(/status-\w+/, "status-" + saved.decision);
      line.textContent = "";
      if (saved.decision !== "open") {
        const strong = document.createElement("strong");
        strong.textContent = saved.decision;
        line.append(strong, " by " + saved.decided_by + " at " + saved.decided_at.replace("T", " ") +
          (saved.note ? ": " + saved.note : ""));
      }
      source.querySelectorAll('[data-location-for="' + CSS.escape(saved.finding_id) + '"]').forEach((mark) => {
        mark.classList.remove("accepted", "dismissed");
        if (saved.decision !== "open") mark.classList.add(saved.decision);
      });
      applyFilters();
    });
  });

  // PDF reports: switch between the page images and the text.
  const switches = Array.from(document.querySelectorAll(".view-switch button"));
  function showView(name) {
    switches.forEach((button) => {
      const on = button.dataset.view === name;
      button.setAttribute("aria-pressed", on ? "true" : "false");
      document.getElementById(button.dataset.view).hidden = !on;
    });
  }
  switches.forEach((button) => button.addEventListener("click", () => showView(button.dataset.view)));
  // A link to a line (#L12) or a page (#P3) shows the view that holds it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest('a[href^="#L"], a[href^="#P"]');
    if (link && switches.length) showView(link.getAttribute("href").startsWith("#L") ? "source" : "pages");
  });
  // Arriving with #L12 (a value's link on the data page): show that line in the text pane.
  if (window.location.hash.startsWith("#L")) {
    if (switches.length) showView("source");
    const line = document.getElementById(window.location.hash.slice(1));
    if (line) {
      window.scrollTo(0, 0);
      reveal(source, line);
    }
  }

  // Keyboard: j / k select the next / previous finding shown (outside text fields).
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key !== "j" && event.key !== "k") return;
    const shownItems = findings.filter((el) => !el.hidden && !el.closest(".group").hidden);
    if (!shownItems.length) return;
    const at = shownItems.findIndex((el) => el.classList.contains("selected"));
    const next = event.key === "j" ? Math.min(at + 1, shownItems.length - 1) : Math.max(at - 1, 0);
    const item = shownItems[at === -1 ? 0 : next];
    select(item.dataset.findingId, true);
    reveal(list, item);
    item.querySelector("button.select").focus({ preventScroll: true });
  });

  if (panes.dataset.selected) select(panes.dataset.selected, true);
})();
