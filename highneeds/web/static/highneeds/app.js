// Progressive enhancement only: every page works without this.
import { initAll } from "./govuk-frontend.min.js";

initAll();

// A page following background work (data-poll-url) checks every few seconds and reloads once the work has
// finished. Without JavaScript it offers a "Refresh this page" link (a timed meta refresh fails WCAG 2.2.1).
for (const region of document.querySelectorAll("[data-poll-url]")) {
  const poll = async () => {
    try {
      // Read as text, not parsed: a parsed page's inline styles would trip the Content-Security-Policy.
      const response = await fetch(region.dataset.pollUrl, { credentials: "same-origin" });
      if (response.ok && !(await response.text()).includes("data-poll-url")) {
        window.location.reload();
        return;
      }
    } catch {
      // the link still works; try again
    }
    setTimeout(poll, 3000);
  };
  setTimeout(poll, 3000);
}

// Wide tables scroll inside their own region (app.scss, "Tables on narrow screens"). The region is named by the
// table's caption and is focusable, so keyboard users can scroll it, but only while it overflows.
let tables = 0;
for (const table of document.querySelectorAll("table.govuk-table")) {
  const region = document.createElement("div");
  region.className = "hn-table-scroll";
  table.before(region);
  region.append(table);
  const caption = table.querySelector("caption");
  if (caption && !caption.id) caption.id = `hn-table-caption-${++tables}`;
  const fit = () => {
    if (region.scrollWidth > region.clientWidth + 1) {
      region.setAttribute("role", "region");
      region.setAttribute("tabindex", "0");
      if (caption) region.setAttribute("aria-labelledby", caption.id);
      else region.setAttribute("aria-label", "Table");
    } else {
      for (const name of ["role", "tabindex", "aria-labelledby", "aria-label"]) region.removeAttribute(name);
    }
  };
  fit();
  if ("ResizeObserver" in window) new ResizeObserver(fit).observe(region);
}
