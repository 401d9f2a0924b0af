// The metric's explanation and parameter inputs: only the chosen metric's are shown; the others are disabled,
// so they are neither checked nor sent. Without this script every metric's are shown and the server reads the
// chosen one's.
(function () {
  "use strict";
  document.querySelectorAll("[data-metric-options]").forEach((options) => {
    const select = document.getElementById(options.dataset.for);
    if (!select) return;
    options.classList.add("one-metric");
    options.querySelectorAll("[data-without-script]").forEach((note) => { note.hidden = true; });

    function showChosen() {
      options.querySelectorAll("[data-metric]").forEach((option) => {
        const chosen = option.dataset.metric === select.value;
        option.hidden = !chosen;
        const parameters = option.querySelector("fieldset");
        if (parameters) parameters.disabled = !chosen;
        option.querySelectorAll("[data-required]").forEach((input) => { input.required = chosen; });
      });
    }

    select.addEventListener("change", showChosen);
    showChosen();
  });
})();
