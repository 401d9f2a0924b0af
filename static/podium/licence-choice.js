// The licence's URL and name are for "other" only: they are shown (and sent) when "other" is chosen, and
// hidden and disabled otherwise. Without this script both are shown, and the server says when one is wrong.
(function () {
  "use strict";
  document.querySelectorAll("select[data-licence-choice]").forEach((select) => {
    const form = select.form;
    const others = form ? Array.from(form.querySelectorAll("[data-licence-other]")) : [];

    function showChosen() {
      const isOther = select.value === "other";
      others.forEach((input) => {
        input.disabled = !isOther;
        const field = input.closest(".field");
        if (field) field.hidden = !isOther;
      });
    }

    select.addEventListener("change", showChosen);
    showChosen();
  });
})();
