// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // A table's scroll box is a named region (keyboard users land on it and hear what it holds):
  // boxes without a name of their own take the table's caption.
  document.querySelectorAll(".table-scroll").forEach((box) => {
    if (!box.hasAttribute("role")) box.setAttribute("role", "region");
    if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
      const caption = box.querySelector("caption");
      if (caption) box.setAttribute("aria-label", caption.textContent.trim());
    }
  });
});
