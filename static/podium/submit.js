// Upload with a progress bar, the server's check of the file's header before sending it, and live status of
// submissions.
(function () {
  "use strict";
  const FINISHED = new Set(["scored", "failed"]);
  const POLL_MS = 1000;
  const form = document.getElementById("submit-form");
  const tableBody = document.querySelector("#submissions-table tbody");
  const canSeePrivate = !!document.querySelector("#row-template .sub-private");

  function csrfToken() {
    const field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function formatScore(value) {
    return value === null || value === undefined ? "" : Number(value).toFixed(6);  // as the server renders it
  }

  function fillRow(row, submission) {
    row.dataset.status = submission.status;
    const statusCell = row.querySelector(".sub-status");
    statusCell.replaceChildren();
    const badge = document.createElement("span");
    badge.className = "status status-" + submission.status;
    badge.textContent = submission.status;
    statusCell.appendChild(badge);
    if (submission.error) {
      const message = document.createElement("div");
      message.className = "sub-error";
      message.textContent = submission.error.message;
      statusCell.appendChild(message);
    }
    row.querySelector(".sub-score").textContent = formatScore(submission.public_score);
    const privateCell = row.querySelector(".sub-private");
    if (privateCell && canSeePrivate) privateCell.textContent = formatScore(submission.private_score);
  }

  let lastUploadId = null;

  function refreshQuota() {
    const form = document.getElementById("submit-form");
    const remaining = document.getElementById("quota-remaining");
    if (!form || !remaining) return;
    fetch(form.dataset.quota, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((quota) => { remaining.textContent = quota.remaining; })
      .catch(() => {});
  }

  function announceResult(submission) {
    const line = document.getElementById("upload-status");
    if (!line || String(submission.id) !== String(lastUploadId)) return;
    if (submission.status === "scored") {
      line.textContent = "Scored: " + formatScore(submission.public_score) + " on the public rows.";
      line.className = "upload-ok";
    } else {
      line.textContent = "Failed: " + submission.error.message;
      line.className = "upload-error";
    }
    refreshQuota();
  }

  function poll(row) {
    fetch("/api/v1/submissions/" + row.dataset.id + "/", {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((submission) => {
        fillRow(row, submission);
        if (FINISHED.has(submission.status)) announceResult(submission);
        else setTimeout(() => poll(row), POLL_MS);
      })
      .catch(() => setTimeout(() => poll(row), POLL_MS * 3));
  }

  document.querySelectorAll("#submissions-table tr[data-id]").forEach((row) => {
    if (!FINISHED.has(row.dataset.status)) poll(row);
  });

  if (!form) return;
  const input = document.getElementById("submission-file");
  const progress = document.getElementById("upload-progress");
  const statusLine = document.getElementById("upload-status");
  const button = document.getElementById("submit-button");
  const dropzone = document.getElementById("dropzone");

  function say(text, kind) {
    statusLine.textContent = text;
    statusLine.className = kind ? "upload-" + kind : "";
  }

  // The server checks the file's name, size and first bytes as the upload and scoring would, so the page says
  // what the server would, in its words; when the check cannot be asked, the upload's own checks answer.
  async function fileProblem(file) {
    const data = new FormData();
    data.append("head", file.slice(0, Number(form.dataset.headBytes)), file.name);
    data.append("size", String(file.size));
    try {
      const response = await fetch(form.dataset.check, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
        body: data,
      });
      if (response.status !== 400 && response.status !== 403) return null;
      const body = await response.json();
      return body.message || null;
    } catch (error) {
      return null;
    }
  }

  function utcMinute(isoTime) {
    return new Date(isoTime).toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function addRow(submission) {
    const empty = tableBody.querySelector(".empty-row");
    if (empty) empty.remove();
    const row = document.getElementById("row-template").content.firstElementChild.cloneNode(true);
    row.dataset.id = submission.id;
    row.querySelector(".sub-id").textContent = submission.id;
    row.querySelector(".sub-time").textContent = utcMinute(submission.created_at);
    row.querySelector(".sub-file").textContent = submission.file_name;
    row.querySelector(".sub-desc").textContent = submission.description;
    const teamCell = row.querySelector(".sub-team");
    if (teamCell) teamCell.textContent = submission.team;
    fillRow(row, submission);
    tableBody.prepend(row);
    return row;
  }

  // One key per chosen file, sent again if the answer is lost: the server charges a repeat once.
  let uploadKey = null;

  function newUploadKey() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  }

  input.addEventListener("change", () => { uploadKey = null; });

  function upload(file) {
    if (!uploadKey) uploadKey = newUploadKey();
    const data = new FormData();
    data.append("file", file);
    data.append("description", document.getElementById("submission-description").value);
    const request = new XMLHttpRequest();
    request.open("POST", form.dataset.api);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("Idempotency-Key", uploadKey);
    progress.hidden = false;
    progress.value = 0;
    button.disabled = true;
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) progress.value = Math.round((100 * event.loaded) / event.total);
    };
    request.onload = () => {
      button.disabled = false;
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (error) { body = {}; }
      if (request.status === 202) {
        progress.value = 100;
        say("Uploaded. Scoring…", "ok");
        const remaining = document.getElementById("quota-remaining");
        if (remaining) remaining.textContent = body.remaining_today;
        lastUploadId = body.id;
        if (!document.querySelector('#submissions-table tr[data-id="' + body.id + '"]')) poll(addRow(body.submission));
        form.reset();
        uploadKey = null;
      } else {
        progress.hidden = true;
        say(body.message || "The upload failed (HTTP " + request.status + ").", "error");
      }
    };
    request.onerror = () => {
      button.disabled = false;
      progress.hidden = true;
      say("Network error: the upload may not have arrived. Submit again: the same file is never charged twice.", "error");
    };
    request.send(data);
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = input.files[0];
    if (!file) return say("Choose a CSV file first.", "error");
    say("Checking " + file.name + "…");
    const problem = await fileProblem(file);
    if (problem) return say(problem, "error");
    say("Uploading " + file.name + "…");
    upload(file);
  });

  ["dragenter", "dragover"].forEach((name) =>
    dropzone.addEventListener(name, (event) => { event.preventDefault(); dropzone.classList.add("dragging"); }));
  ["dragleave", "drop"].forEach((name) =>
    dropzone.addEventListener(name, () => dropzone.classList.remove("dragging")));
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      uploadKey = null;
    }
  });
})();
