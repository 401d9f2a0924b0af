// Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy can forbid inline
// scripts: a "Go back" link, and forms that ask before they do something that cannot be undone.
(function () {
  "use strict";
  document.addEventListener("click", (event) => {
    const back = event.target.closest("[data-go-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("submit", (event) => {
    const question = event.target.dataset ? event.target.dataset.confirm : undefined;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
