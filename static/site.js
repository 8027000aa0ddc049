/* site-gen: the index's filters (?venue= ?author=, undone by Back), search (?q=), the copy button.
   Without it, all papers show; venues and co-authors link to their pages. */
(function () {
  var UNDECOMPOSED = { "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i", "ħ": "h", "ŋ": "n", "ĸ": "k", "ſ": "s" };
  var MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g; /* \p{M} is slower */
  function all(css, root) { return Array.from((root || document).querySelectorAll(css)); }
  function one(css) { return document.querySelector(css); }

  /* Łódź -> lodz: lowercase, no accents, letters Unicode does not decompose spelled out. */
  function fold(text) {
    return text.toLowerCase().replace(/[øłßæœđðþıħŋĸſ]/g, function (c) { return UNDECOMPOSED[c]; })
      .normalize("NFKD").replace(MARKS, "");
  }

  function setUpList(list) {
    var entries = all("[data-paper]", list);
    var sections = all("section", list);
    var total = entries.length;
    var papers = JSON.parse((one("#coauthor-papers") || {}).textContent || "{}");
    var venues = entries.map(function (e) { return e.getAttribute("data-venue"); });
    var authors = entries.map(function () { return []; });
    var sectionOf = entries.map(function (e) { return sections.indexOf(e.closest("section")); });
    var years = sections.map(function (s) { return all('a[href="#' + s.id + '"], [data-year="' + s.id.slice(1) + '"]'); });
    var controls = all("[data-filter-all],[data-filter-venue],[data-filter-author]").map(function (el) {
      var kind = el.hasAttribute("data-filter-author") ? "author" : "venue";
      var count = el.querySelector(".count"); /* as built: only changes are written */
      return { el: el, kind: kind, key: el.getAttribute("data-filter-" + kind) || "", count: count, shown: +count.textContent };
    });
    var selected = one('[data-section="selected"]');
    var search = one('input[type="search"]');
    var clear = one("[data-clear]");
    var status = one("[data-status]");
    var haystacks = [];
    var state = { venue: "", author: "", q: "" };
    var settling = 0;
    function chosen() { return state.venue || state.author; }
    Object.keys(papers).forEach(function (key) { papers[key].forEach(function (i) { authors[i].push(key); }); });

    /* Folding 10,000 entries takes 100 ms: done while the reader reads. */
    function fill(count) {
      while (count-- > 0 && haystacks.length < total) { haystacks.push(fold(entries[haystacks.length].textContent)); }
    }
    function fillWhenIdle() { fill(400); if (haystacks.length < total) { (window.requestIdleCallback || setTimeout)(fillWhenIdle); } }

    /* A long list lays out only the papers on screen (site.css): each laid out once, 100 a frame, when the
       reader pauses, the page knows its height while one scrolls. */
    function settle(i, run) {
      var batch = entries.slice(i, i + 100);
      function mark(on) { batch.forEach(function (e) { e.classList.toggle("settle", on); }); }
      if (run !== settling || !list.classList.contains("long")) { return; }
      if (!batch.length) { list.setAttribute("data-settled", run); return; }
      mark(true);
      requestAnimationFrame(function () { requestAnimationFrame(function () { mark(false); settle(i + 100, run); }); });
    }

    function readAddress() {
      var params = new URLSearchParams(location.search);
      Object.keys(state).forEach(function (key) { state[key] = params.get(key) || ""; });
      if (search) { search.value = state.q; }
    }

    function remember(push) {
      var url = new URL(location.href);
      Object.keys(state).forEach(function (key) {
        var value = state[key].trim();
        if (value) { url.searchParams.set(key, value); } else { url.searchParams.delete(key); }
      });
      try { history[push ? "pushState" : "replaceState"](null, "", url.href); } catch (e) { /* refused on file:// */ }
    }

    function apply() {
      var words = fold(state.q).split(/\s+/).filter(Boolean);
      var counts = { venue: {}, author: {} };
      var perSection = sections.map(function () { return 0; });
      var shown = 0;
      var every = 0; /* for "All" */
      if (words.length) { fill(total); }
      /* a control counts what it would show, the other choices kept: byVenue, all but the venue pass */
      for (var i = 0; i < total; i += 1) {
        var text = haystacks[i];
        var found = words.every(function (word) { return text.includes(word); });
        var byVenue = found && (!state.author || authors[i].includes(state.author));
        var byAuthor = found && (!state.venue || venues[i] === state.venue);
        if (entries[i].hidden === (byVenue && byAuthor)) { entries[i].hidden = !entries[i].hidden; }
        if (byVenue) { every += 1; counts.venue[venues[i]] = (counts.venue[venues[i]] || 0) + 1; }
        if (byAuthor) { authors[i].forEach(function (a) { counts.author[a] = (counts.author[a] || 0) + 1; }); }
        if (byVenue && byAuthor) { shown += 1; perSection[sectionOf[i]] += 1; }
      }
      sections.forEach(function (section, i) {
        section.hidden = !perSection[i];
        years[i].forEach(function (el) { el.classList.toggle("empty", !perSection[i]); });
      });
      controls.forEach(function (c) {
        var count = c.key ? counts[c.kind][c.key] || 0 : every;
        var on = c.key === state[c.kind];
        var hide = !!c.key && !count && !on;
        if (c.on !== on) {
          c.on = on;
          c.el.setAttribute("aria-pressed", String(on));
          if (on && c.el.closest("details")) { c.el.closest("details").open = true; }
        }
        if (c.shown !== count) { c.shown = c.count.textContent = count; }
        if (!c.hide !== !hide) { c.hide = c.el.parentNode.hidden = hide; }
      });
      if (selected) { selected.hidden = chosen() || !!words.length; }
      if (clear) { clear.hidden = !chosen() && !words.length; }
      if (status) { status.textContent = (shown < total ? shown + " of " : "") + total + " paper" + (total === 1 ? "" : "s"); }
      setTimeout(settle, 1000, 0, ++settling);
    }

    controls.forEach(function (c) {
      c.el.setAttribute("role", "button");
      c.el.addEventListener("click", function (e) {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; } /* a new tab */
        e.preventDefault();
        state[c.kind] = c.key === state[c.kind] ? "" : c.key;
        remember(true);
        apply();
      });
      c.el.addEventListener("keydown", function (e) {
        if (e.key === " ") { e.preventDefault(); c.el.click(); }
      });
    });
    if (search) {
      search.addEventListener("input", function () { state.q = search.value; remember(false); apply(); });
    }
    if (clear) {
      clear.addEventListener("click", function () {
        var push = chosen();
        Object.keys(state).forEach(function (key) { state[key] = ""; });
        if (search) { search.value = ""; search.focus(); }
        remember(push);
        apply();
      });
    }
    addEventListener("popstate", function () { readAddress(); apply(); });
    readAddress();
    apply();
    fillWhenIdle();
  }

  /* Without the clipboard (plain http) the text is selected for Ctrl+C. */
  function setUpCopy(button) {
    var source = one("#" + button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    function done(text) { if (status) { status.textContent = text; } }
    function select() { getSelection().selectAllChildren(source); done("Selected: press Ctrl+C to copy"); }
    button.addEventListener("click", function () {
      if (!navigator.clipboard) { return select(); }
      navigator.clipboard.writeText(source.textContent).then(function () { done("Copied"); }, select);
    });
  }

  var list = one("[data-papers]");
  if (list) { setUpList(list); }
  all("[data-copy]").forEach(setUpCopy);
}());
