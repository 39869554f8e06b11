// The reports list: drag and drop upload (one request per file, so each keeps the upload limit),
// live job status, confirmation before deleting. Sets text only, never HTML.
"use strict";
(function () {
  const form = document.getElementById("upload");
  const messages = document.getElementById("messages");

  const KEPT = "extractor-upload-messages";  // shown again after the list reloads

  function say(text) {
    const li = document.createElement("li");
    li.textContent = text;
    messages.append(li);
  }
  const kept = JSON.parse(window.sessionStorage.getItem(KEPT) || "[]");
  window.sessionStorage.removeItem(KEPT);
  if (messages) kept.forEach(say);

  async function uploadFiles(files) {
    const said = [];
    let queued = 0;
    for (const file of files) {
      const data = new FormData();
      data.set("csrf", form.elements.csrf.value);
      data.set("backend", form.elements.backend.value);
      data.append("files", file, file.name);
      try {
        const answer = await fetch(form.action, {
          method: "POST", body: data, headers: { Accept: "application/json" }, credentials: "same-origin",
        });
        if (!answer.ok) {
          said.push(file.name + ": refused (" + answer.status + ")");
          continue;
        }
        for (const outcome of (await answer.json()).uploads) {
          said.push(outcome.message);
          if (outcome.status === "queued") queued += 1;
        }
      } catch (error) {
        said.push(file.name + ": upload failed (" + error + ")");
      }
    }
    if (queued) {
      // The list is reloaded to show the new reports; the messages are shown after it.
      window.sessionStorage.setItem(KEPT, JSON.stringify(said));
      window.location.reload();
    } else {
      said.forEach(say);
    }
  }

  if (form) {
    const zone = form.querySelector(".dropzone");
    const input = form.elements.files;
    ["dragenter", "dragover"].forEach((name) => zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    }));
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("over")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      uploadFiles(Array.from(event.dataTransfer.files));
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      uploadFiles(Array.from(input.files));
    });
  }

  document.querySelectorAll("form.confirm").forEach((el) => el.addEventListener("submit", (event) => {
    if (!window.confirm(el.dataset.confirm)) event.preventDefault();
  }));

  // Live status: poll while any job is queued or running; a finished report's page is reloaded.
  const pending = document.getElementById("pending");
  async function poll() {
    const answer = await fetch("/reports/status.json", { headers: { Accept: "application/json" } });
    if (!answer.ok) return;
    let active = false;
    for (const report of (await answer.json()).reports) {
      const badge = document.querySelector('[data-status-for="' + CSS.escape(report.report_id) + '"]');
      if (badge) {
        badge.textContent = report.status;
        badge.className = "status status-" + report.status;
        badge.title = report.error || "";
      }
      if (report.status === "queued" || report.status === "running") active = true;
      if (pending && report.report_id === pending.dataset.reportId &&
          (report.status === "completed" || report.status === "failed")) {
        window.location.reload();
        return;
      }
    }
    if (active) window.setTimeout(poll, 1000);
  }
  const anyActive = document.querySelector(".status-queued, .status-running");
  if (anyActive || (pending && pending.dataset.active)) window.setTimeout(poll, 1000);
})();
