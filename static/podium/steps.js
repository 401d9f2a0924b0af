// Creating a competition one step at a time. Without this script the form is one page of fieldsets.
// Next checks the step's fields with the browser's own constraint validation, and the dates as the server does;
// the step list leads back (and forward, through the same checks); when the server answers with errors, the
// step of the first one opens with that field focused, and the step list marks each step holding one.
(function () {
  "use strict";
  const form = document.querySelector("form[data-steps]");
  if (!form) return;
  const steps = Array.from(form.querySelectorAll("fieldset.step"));
  if (steps.length < 2) return;
  const indicator = document.querySelector("[data-step-indicator]");
  const links = indicator
    ? steps.map((step) => indicator.querySelector('a[href="#' + step.id + '"]'))
    : [];
  let current = 0;

  // Hidden steps' fields are checked here, step by step: the browser's own check on submit would point at a
  // field the host cannot see.
  form.noValidate = true;
  form.classList.add("one-step");
  form.querySelectorAll("[data-step-back], [data-step-next]").forEach((button) => { button.hidden = false; });

  function stepOf(element) {
    return steps.indexOf(element.closest("fieldset.step"));
  }

  // Dates checked as the server checks them, with its messages, which the form puts on the inputs
  // (data-after-message, data-between-message): the end after the start, a deadline between the two.
  function dateProblem(input) {
    const value = input.value;
    if (!value) return "";
    const other = (name) => (form.elements[name] ? form.elements[name].value : "");
    if (input.dataset.after) {
      const start = other(input.dataset.after);
      if (start && value <= start) return input.dataset.afterMessage;
    }
    if (input.dataset.between) {
      const [start, end] = input.dataset.between.split(" ").map(other);
      if ((start && value < start) || (end && value > end)) return input.dataset.betweenMessage;
    }
    return "";
  }

  const dateInputs = Array.from(form.querySelectorAll("[data-after], [data-between]"));

  function checkDates() {
    dateInputs.forEach((input) => {
      const problem = dateProblem(input);
      input.setCustomValidity(problem);
      if (!problem) showFieldError(input, "");
    });
  }

  // A message the browser found, shown under the field as the server shows its own.
  function showFieldError(input, message) {
    const field = input.closest(".field");
    if (!field) return;
    let line = field.querySelector("[data-browser-error]");
    if (!message) {
      if (line) {
        line.remove();
        if (!field.querySelector(".field-error")) field.classList.remove("has-error");
        input.removeAttribute("aria-invalid");
      }
      return;
    }
    if (!line) {
      line = document.createElement("p");
      line.className = "field-error";
      line.id = input.id + "_browser_error";
      line.setAttribute("data-browser-error", "");
      field.appendChild(line);
    }
    line.textContent = message;
    field.classList.add("has-error");
    input.setAttribute("aria-invalid", "true");
    const described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    if (!described.includes(line.id)) input.setAttribute("aria-describedby", [...described, line.id].join(" "));
  }

  function report(invalid) {
    if (invalid.validity.customError) showFieldError(invalid, invalid.validationMessage);
    else invalid.reportValidity();
  }

  dateInputs.forEach((input) => input.addEventListener("change", checkDates));

  function firstInvalid(step) {
    checkDates();
    return Array.from(step.elements).find((element) => element.willValidate && !element.checkValidity());
  }

  function show(index, focus) {
    current = index;
    steps.forEach((step, i) => { step.hidden = i !== index; });
    links.forEach((link, i) => {
      if (!link) return;
      const item = link.closest("li");
      item.classList.toggle("current", i === index);
      item.classList.toggle("done", i < index);
      if (i === index) link.setAttribute("aria-current", "step");
      else link.removeAttribute("aria-current");
    });
    if (focus === false) return;
    const target = focus || steps[index].querySelector(".step-heading");
    target.focus();
    if (target.classList.contains("step-heading")) {
      (indicator || target).scrollIntoView({ block: "start" });
    }
  }

  // Moves to `index`, stopping at the first step before it with a field the browser finds wrong.
  function goTo(index) {
    for (let i = current; i < index; i++) {
      const invalid = firstInvalid(steps[i]);
      if (invalid) {
        if (i !== current) show(i, invalid);
        report(invalid);
        invalid.focus();
        return;
      }
    }
    show(index);
  }

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-step-back], [data-step-next]");
    if (!button) return;
    if (button.hasAttribute("data-step-back")) show(current - 1);
    else goTo(current + 1);
  });

  links.forEach((link, i) => {
    if (!link) return;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      if (i < current) show(i);
      else if (i > current) goTo(i);
    });
  });

  // Enter in a field of an earlier step means Next; on the last step every step is checked before sending.
  form.addEventListener("submit", (event) => {
    if (current < steps.length - 1) {
      event.preventDefault();
      goTo(current + 1);
      return;
    }
    const wrong = steps.findIndex((step) => firstInvalid(step));
    if (wrong < 0) return;
    event.preventDefault();
    const invalid = firstInvalid(steps[wrong]);
    show(wrong, invalid);
    report(invalid);
  });

  // The error summary's links open the step holding the field.
  const summary = form.querySelector("#error-summary");
  if (summary) {
    summary.addEventListener("click", (event) => {
      const link = event.target.closest("a[href^='#']");
      const target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target || stepOf(target) < 0) return;
      event.preventDefault();
      show(stepOf(target), target);
    });
  }

  const firstError = form.querySelector(".field.has-error");
  if (firstError && stepOf(firstError) >= 0) {
    show(stepOf(firstError), firstError.querySelector("input, select, textarea") || undefined);
  } else if (summary) {
    show(0, summary);
  } else {
    show(0, false);
  }
})();
