// Small conveniences only; every page works without scripts.
(function () {
  // Filters apply as soon as a list choice changes.
  document.querySelectorAll("form.filters select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // Print buttons (the overview).
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  // Tick every report waiting for review at once.
  document.querySelectorAll("[data-check-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll("input[name=" + box.getAttribute("data-check-all") + "]").forEach(function (c) { c.checked = box.checked; });
    });
  });
  // Phones: the menu button opens the navigation; the link of this page is marked.
  var nav = document.getElementById("nav");
  document.querySelectorAll("header .menu").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      b.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
  if (nav) {
    nav.querySelectorAll("a").forEach(function (a) {
      if (a.getAttribute("href") === location.pathname) { a.setAttribute("aria-current", "page"); }
    });
  }
  // Remember the language chosen with ?lang= for later pages.
  var m = location.search.match(/[?&]lang=(en|zh)/);
  if (m) { document.cookie = "gongjian_lang=" + m[1] + "; path=/; max-age=31536000; samesite=lax"; }
  // Warn before leaving a form with unsaved edits.
  var form = document.querySelector("form.project-form");
  if (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (e) { if (dirty) { e.preventDefault(); e.returnValue = ""; } });
  }
})();
