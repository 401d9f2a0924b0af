// A bundle import's page: while a worker has not finished reading and importing the bundle, reload the page
// every few seconds so its report, or every problem found, appears without a manual reload.
(function () {
  "use strict";
  const state = document.getElementById("bundle-imported");
  if (!state || state.dataset.pending !== "1") return;
  setTimeout(() => window.location.reload(), 2000);
})();
