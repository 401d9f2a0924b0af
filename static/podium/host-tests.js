// The Host tab's test submissions: while one waits or scores, ask the API and reload the section's page
// once every listed test has finished, so its scores or its error appear without a manual reload.
(function () {
  "use strict";
  const PENDING = new Set(["queued", "scoring"]);
  const POLL_MS = 1000;
  const table = document.getElementById("host-tests-table");
  if (!table || table.dataset.pending !== "1") return;
  const waiting = new Set(
    Array.from(table.querySelectorAll("tr[data-id]"))
      .filter((row) => PENDING.has(row.dataset.status))
      .map((row) => Number(row.dataset.id))
  );

  function poll() {
    fetch(table.dataset.api + "?limit=50", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((page) => {
        const stillWaiting = page.results.some((test) => waiting.has(test.id) && PENDING.has(test.status));
        if (stillWaiting) setTimeout(poll, POLL_MS);
        else window.location.reload();
      })
      .catch(() => setTimeout(poll, POLL_MS * 3));
  }
  setTimeout(poll, POLL_MS);
})();
