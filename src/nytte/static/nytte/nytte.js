// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Close the programme menu when focus or a click leaves it.
  document.addEventListener("click", (event) => {
    document.querySelectorAll("details.site-menu[open]").forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
});
