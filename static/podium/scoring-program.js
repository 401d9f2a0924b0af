// The Host tab's scoring program page: while the dry run waits or runs, reload the page every few seconds so
// its scores or its failure and logs appear without a manual reload.
(function () {
  "use strict";
  const result = document.getElementById("dry-run-result");
  if (!result || result.dataset.pending !== "1") return;
  setTimeout(() => window.location.reload(), 2000);
})();
