// Upload with a progress bar, the server's check of the file's header before sending it, and live status of
// submissions.
(function () {
  "use strict";
  const FINISHED = new Set(["scored", "failed", "cancelled"]);
  const POLL_MS = 1000;
  const form = document.getElementById("submit-form");
  const table = document.getElementById("submissions-table");
  const tableBody = table ? table.querySelector("tbody") : null;

  function csrfToken() {
    const field = document.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Every row comes from the server's submissions/_row.html, live or on reload, so the two cannot differ.
  function fetchRow(id) {
    return fetch(table.dataset.rows + id + "/row/", { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const holder = document.createElement("template");
        holder.innerHTML = html.trim();
        return holder.content.firstElementChild;
      });
  }

  function showRow(row) {
    const current = tableBody.querySelector('tr[data-id="' + row.dataset.id + '"]');
    if (current) {
      if (current.dataset.status === row.dataset.status) return current;  // nothing to show yet
      current.replaceWith(row);
      return row;
    }
    const empty = tableBody.querySelector(".empty-row");
    if (empty) empty.remove();
    tableBody.prepend(row);
    return row;
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

  function announceResult(row) {
    const line = document.getElementById("upload-status");
    if (!line || row.dataset.id !== String(lastUploadId)) return;
    const error = row.querySelector(".sub-error");
    if (row.dataset.status === "scored") {
      line.textContent = "Scored: " + row.querySelector(".sub-score").textContent.trim() + " on the public rows.";
      line.className = "upload-ok";
    } else if (row.dataset.status === "failed") {
      line.textContent = "Failed: " + (error ? error.firstChild.textContent.trim() : "");
      line.className = "upload-error";
    }
    refreshQuota();
  }

  function poll(id) {
    fetchRow(id)
      .then((fresh) => {
        const row = showRow(fresh);
        if (FINISHED.has(row.dataset.status)) announceResult(row);
        else setTimeout(() => poll(id), POLL_MS);
      })
      .catch(() => setTimeout(() => poll(id), POLL_MS * 3));
  }

  document.querySelectorAll("#submissions-table tr[data-id]").forEach((row) => {
    if (!FINISHED.has(row.dataset.status)) poll(row.dataset.id);
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
    const track = form.querySelector("input[name=track]");
    if (track) data.append("track", track.value);
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
        poll(body.id);
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
    if (!file) return say("Choose a file first.", "error");
    say("Checking " + file.name + "…");
    // A code zip is checked whole by the upload itself (its entry point, its paths), in the same words.
    const problem = file.name.toLowerCase().endsWith(".zip") ? null : await fileProblem(file);
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
