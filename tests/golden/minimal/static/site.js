/* site-gen: the venue filter (?venue=SLUG, Back undoes it), search and the BibTeX copy button.
   Without JavaScript every paper shows and each venue control is a link to its venue page. */
(function () {
  "use strict";
  var UNDECOMPOSED = { "ø": "o", "ł": "l", "ß": "ss", "ẞ": "ss", "æ": "ae", "œ": "oe", "đ": "d",
    "ð": "d", "þ": "th", "ı": "i", "ħ": "h", "ŋ": "n", "ĸ": "k", "ſ": "s" };

  function fold(text) {
    return text.toLowerCase().replace(/[øłßẞæœđðþıħŋĸſ]/g, function (c) { return UNDECOMPOSED[c]; })
      .normalize("NFKD").replace(/[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g, "");
  }

  function setUpList(list) {
    var entries = Array.prototype.slice.call(list.querySelectorAll("[data-paper]"));
    var sections = Array.prototype.slice.call(list.querySelectorAll("section"));
    var filters = Array.prototype.slice.call(document.querySelectorAll("[data-filter-venue], [data-filter-all]"));
    var search = document.querySelector('input[type="search"]');
    var status = document.querySelector("[data-count]");
    var total = entries.length;
    var haystacks = null;
    var state = { venue: "", query: "" };

    function venueFromAddress() {
      return new URLSearchParams(window.location.search).get("venue") || "";
    }

    function apply() {
      var query = fold(state.query.trim());
      if (query && !haystacks) {
        haystacks = entries.map(function (e) { return fold(e.textContent); });
      }
      var shown = 0;
      entries.forEach(function (entry, i) {
        var visible = (!state.venue || entry.getAttribute("data-venue") === state.venue) &&
          (!query || haystacks[i].indexOf(query) !== -1);
        entry.hidden = !visible;
        shown += visible ? 1 : 0;
      });
      sections.forEach(function (section) {
        section.hidden = !section.querySelector("[data-paper]:not([hidden])");
      });
      filters.forEach(function (control) {
        var slug = control.getAttribute("data-filter-venue") || "";
        control.setAttribute("aria-pressed", String(slug === state.venue));
      });
      if (status) {
        status.textContent = shown === total ? total + (total === 1 ? " paper" : " papers")
          : shown + " of " + total + " papers";
      }
    }

    function choose(slug) {
      state.venue = slug;
      var url = new URL(window.location.href);
      if (slug) { url.searchParams.set("venue", slug); } else { url.searchParams.delete("venue"); }
      try { window.history.pushState({ venue: slug }, "", url.href); } catch (e) { /* some file:// setups refuse */ }
      apply();
    }

    filters.forEach(function (control) {
      control.setAttribute("role", "button");
      control.addEventListener("click", function (event) {
        if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
        event.preventDefault();
        var slug = control.getAttribute("data-filter-venue") || "";
        choose(slug === state.venue ? "" : slug);
      });
      control.addEventListener("keydown", function (event) {
        if (event.key === " ") { event.preventDefault(); control.click(); }
      });
    });
    if (search) {
      search.addEventListener("input", function () { state.query = search.value; apply(); });
    }
    window.addEventListener("popstate", function () { state.venue = venueFromAddress(); apply(); });
    state.venue = venueFromAddress();
    if (search && search.value) { state.query = search.value; }
    apply();
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
      done(ok ? "Copied" : "Press Ctrl+C to copy");
      if (!ok) { window.getSelection().selectAllChildren(source); }
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
