// Show every UTC time marked `data-local` in the reader's own time zone too, e.g. "(18:00 your time)",
// unless the reader's clock reads UTC at that moment: the same time twice is noise.
(function () {
  const format = new Intl.DateTimeFormat(undefined, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  for (const element of document.querySelectorAll("time[data-local]")) {
    const moment = new Date(element.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    element.title = moment.toString();
    if (moment.getTimezoneOffset() === 0) continue;
    const local = document.createElement("span");
    local.className = "local-time muted";
    local.textContent = ` (${format.format(moment)} your time)`;
    element.after(local);
  }
})();
