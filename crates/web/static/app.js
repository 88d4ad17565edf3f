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
  // Minutes: a click on an agenda item fills the first empty decision row (a new row when none
  // is left), owner preset.
  document.querySelectorAll("[data-pick]").forEach(function (b) {
    b.addEventListener("click", function () {
      var body = document.querySelector("#decision-rows tbody");
      if (!body) { return; }
      var rows = body.querySelectorAll("tr"), row = null;
      for (var i = 0; i < rows.length; i++) {
        var t = rows[i].querySelector("textarea[name^=text_]");
        if (t && t.value.trim() === "") { row = rows[i]; break; }
      }
      if (!row) {
        var last = rows[rows.length - 1], n = rows.length;
        row = last.cloneNode(true);
        row.querySelectorAll("[name]").forEach(function (el) {
          el.name = el.name.replace(/_\d+$/, "_" + n);
          if (el.tagName !== "SELECT") { el.value = ""; }
        });
        row.classList.remove("invalid");
        row.querySelectorAll(".note").forEach(function (e) { e.remove(); });
        body.appendChild(row);
      }
      var set = function (prefix, value) {
        var el = row.querySelector("[name^=" + prefix + "_]");
        if (el) { el.value = value; }
      };
      set("text", b.getAttribute("data-text"));
      set("unit", b.getAttribute("data-unit"));
      set("problem", b.getAttribute("data-problem"));
      set("project", b.getAttribute("data-project"));
      b.disabled = true;
      var deadline = row.querySelector("[name^=deadline_]");
      if (deadline) { deadline.focus(); }
    });
  });
  // Forms that change what others rely on ask first (publishing a ranking).
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
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
