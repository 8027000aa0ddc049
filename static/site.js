/* site-gen: the venue filter (?venue=SLUG, Back undoes it), search (?q=) and the BibTeX copy button.
   Without JavaScript every paper shows and each venue control is a link to its venue page. */
(function () {
  "use strict";
  var UNDECOMPOSED = { "ø": "o", "ł": "l", "ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "đ": "d",
    "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŋ": "n", "ĸ": "k", "ſ": "s" };
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

  /* Lowercase, accents dropped, letters Unicode does not decompose spelled out: Łódź -> lodz. */
  function fold(text) {
    return text.toLowerCase().replace(/[øłßẞæœđðþıħŋĸſ]/g, function (c) { return UNDECOMPOSED[c]; })
      .normalize("NFKD").replace(MARKS, "");
  }

  function setUpList(list) {
    var entries = Array.prototype.slice.call(list.querySelectorAll("[data-paper]"));
    var sections = Array.prototype.slice.call(list.querySelectorAll("section"));
    var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter-venue], [data-filter-all]"));
    var search = document.querySelector('input[type="search"]');
    var clear = document.querySelector("[data-clear]");
    var status = document.querySelector("[data-count]");
    var total = entries.length;
    var venues = entries.map(function (entry) { return entry.getAttribute("data-venue"); });
    var sectionOf = entries.map(function (entry) { return sections.indexOf(entry.closest("section")); });
    var haystacks = [];
    var state = { venue: "", query: "" };

    /* Folding every entry's text takes a few hundred ms at 10,000 papers: do it while the reader reads. */
    function fillHaystacks(count) {
      var end = Math.min(total, haystacks.length + count);
      for (var i = haystacks.length; i < end; i += 1) { haystacks.push(fold(entries[i].textContent)); }
    }
    function fillWhenIdle() {
      fillHaystacks(400);
      if (haystacks.length < total) { (window.requestIdleCallback || window.setTimeout)(fillWhenIdle); }
    }

    function readAddress() {
      var params = new URLSearchParams(window.location.search);
      state.venue = params.get("venue") || "";
      state.query = params.get("q") || "";
      if (search) { search.value = state.query; }
    }

    function address() {
      var url = new URL(window.location.href);
      var params = { venue: state.venue, q: state.query.trim() };
      Object.keys(params).forEach(function (key) {
        if (params[key]) { url.searchParams.set(key, params[key]); } else { url.searchParams.delete(key); }
      });
      return url.href;
    }

    function remember(push) {
      try {
        if (push) { window.history.pushState(null, "", address()); } else { window.history.replaceState(null, "", address()); }
      } catch (e) { /* a browser that refuses history on file:// still filters */ }
    }

    function matcher() {
      var words = fold(state.query).split(/\s+/).filter(Boolean);
      if (words.length) { fillHaystacks(total); }
      return function (i) {
        return words.every(function (word) { return haystacks[i].indexOf(word) !== -1; });
      };
    }

    function apply() {
      var matches = matcher();
      var shown = 0;
      var perSection = sections.map(function () { return 0; });
      entries.forEach(function (entry, i) {
        var visible = (!state.venue || venues[i] === state.venue) && matches(i);
        if (entry.hidden === visible) { entry.hidden = !visible; }
        if (visible) { shown += 1; perSection[sectionOf[i]] += 1; }
      });
      sections.forEach(function (section, i) {
        if (section.hidden !== !perSection[i]) { section.hidden = !perSection[i]; }
      });
      filters.forEach(function (control) {
        var slug = control.getAttribute("data-filter-venue") || "";
        control.setAttribute("aria-pressed", String(slug === state.venue));
      });
      if (clear) { clear.hidden = !state.venue && !state.query; }
      if (status) {
        status.textContent = shown === total ? total + (total === 1 ? " paper" : " papers")
          : shown + " of " + total + " papers";
      }
    }

    filters.forEach(function (control) {
      control.setAttribute("role", "button");
      control.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        var slug = control.getAttribute("data-filter-venue") || "";
        state.venue = slug === state.venue ? "" : slug;
        remember(true);
        apply();
      });
      control.addEventListener("keydown", function (event) {
        if (event.key === " ") { event.preventDefault(); control.click(); }
      });
    });
    if (search) {
      search.addEventListener("input", function () { state.query = search.value; remember(false); apply(); });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        var hadVenue = Boolean(state.venue);
        state.venue = "";
        state.query = "";
        if (search) { search.value = ""; search.focus(); }
        remember(hadVenue);
        apply();
      });
    }
    window.addEventListener("popstate", function () { readAddress(); apply(); });
    readAddress();
    apply();
    fillWhenIdle();
  }

  function setUpCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    function done(message) { if (status) { status.textContent = message; } }
    function fallback(text) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) {
        done("Copied");
      } else {
        window.getSelection().selectAllChildren(source);
        done("Selected: press Ctrl+C to copy");
      }
    }
    button.addEventListener("click", function () {
      var text = source.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done("Copied"); }, function () { fallback(text); });
      } else {
        fallback(text);
      }
    });
  }

  var list = document.querySelector("[data-papers]");
  if (list) { setUpList(list); }
  Array.prototype.slice.call(document.querySelectorAll("button[data-copy]")).forEach(setUpCopy);
}());
