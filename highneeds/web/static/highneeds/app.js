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
