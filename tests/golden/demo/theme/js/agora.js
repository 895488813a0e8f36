// Agora theme: the light/dark toggle. Everything else works without JavaScript; without it the button
// stays hidden and the page follows the system's colour scheme.
(() => {
  const button = document.getElementById("theme-toggle");
  if (!button) return;
  const root = document.documentElement;
  const system = window.matchMedia("(prefers-color-scheme: dark)");
  const current = () => root.dataset.theme || (system.matches ? "dark" : "light");
  const show = () => button.setAttribute("aria-pressed", String(current() === "dark"));
  button.addEventListener("click", () => {
    const next = current() === "dark" ? "light" : "dark";
    root.dataset.theme = next;
    try { localStorage.setItem("agora-theme", next); } catch (error) { /* private mode: this page only */ }
    show();
  });
  system.addEventListener("change", show);
  show();
  button.hidden = false;
})();
