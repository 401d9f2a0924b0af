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

  new MutationObserver((changes) => {
    const scored = changes.some((change) => change.target.dataset && change.target.dataset.status === "scored");
    if (!scored) return;
    clearTimeout(pending);
    pending = setTimeout(refresh, 300);  // several rows finishing together redraw once
  }).observe(table, { subtree: true, attributes: true, attributeFilter: ["data-status"] });
})();
