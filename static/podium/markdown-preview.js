// A Preview button under every Markdown field (textarea[data-markdown]): the server renders the text as
// the site will show it (sanitised), so the preview and the page never differ.
(function () {
  "use strict";
  const PREVIEW_URL = "/api/v1/markdown/preview/";

  function csrfToken(field) {
    const form = field.closest("form");
    const input = form && form.querySelector("[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const cookie = document.cookie.split("; ").find((part) => part.startsWith("csrftoken="));
    return cookie ? cookie.slice("csrftoken=".length) : "";
  }

  function attach(field) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button markdown-preview-toggle";
    button.textContent = "Preview";
    button.setAttribute("aria-controls", field.id);
    const preview = document.createElement("div");
    preview.className = "prose markdown-preview";
    preview.hidden = true;
    preview.setAttribute("aria-live", "polite");
    field.after(button, preview);

    button.addEventListener("click", () => {
      if (!preview.hidden) {
        preview.hidden = true;
        button.textContent = "Preview";
        return;
      }
      button.disabled = true;
      fetch(PREVIEW_URL, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(field) },
        body: JSON.stringify({ text: field.value }),
      })
        .then((response) => response.json().then((body) => ({ ok: response.ok, body })))
        .then(({ ok, body }) => {
          if (ok) {
            preview.innerHTML = body.html || "<p class=\"muted\">Nothing to preview.</p>";  // sanitised by the server
          } else {
            preview.textContent = body.message || "The preview could not be made.";
          }
          preview.hidden = false;
          button.textContent = "Hide preview";
        })
        .catch(() => {
          preview.textContent = "The preview could not be made: the server did not answer.";
          preview.hidden = false;
        })
        .finally(() => { button.disabled = false; });
    });
  }

  document.querySelectorAll("textarea[data-markdown]").forEach(attach);
})();
