// Redraws the server-drawn progress chart when a submission on the page finishes scoring.
(function () {
  "use strict";
  const table = document.getElementById("submissions-table");
  if (!table || !document.getElementById("progress")) return;
  let pending = null;

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("progress");
        const current = document.getElementById("progress");
        if (fresh && current) current.replaceWith(document.importNode(fresh, true));
      })
      .catch(() => {});
  }

  const isScored = (node) => !!node.dataset && node.dataset.status === "scored";

  // submit.js puts a fresh row from the server in place of the old one when its status changes.
  new MutationObserver((changes) => {
    const scored = changes.some((change) => [...change.addedNodes].some(isScored));
    if (!scored) return;
    clearTimeout(pending);
    pending = setTimeout(refresh, 300);  // several rows finishing together redraw once
  }).observe(table, { subtree: true, childList: true });
})();
