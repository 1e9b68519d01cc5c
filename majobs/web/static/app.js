// majobs: the few lines of script the pages need, loaded as a file (the CSP forbids
// inline script). A "select all" box for the cohort export.
document.addEventListener("change", (event) => {
  const box = event.target;
  if (!(box instanceof HTMLInputElement) || !box.matches("input[data-select-all]")) return;
  const form = box.closest("form");
  if (!form) return;
  for (const other of form.querySelectorAll('input[type="checkbox"][name="' + box.dataset.selectAll + '"]')) {
    other.checked = box.checked;
  }
});
