/* srcscan serve: the explorer's one script, optional. Every page works without it (plain
   links and GET forms); it only adds
   - type-ahead on the value fields: names that start with what is typed, from /api/search
     (same origin), offered through a <datalist>;
   - keys: "/" to the search field, "j"/"k" to the next/previous step (trace, paths, source
     view, taint table, history), "t" to trace the current step or the focused identifier.
   Served as /static/serve.js under `script-src 'self'`: no inline script, no eval, no other
   site. It writes text only through textContent and attribute values, never HTML. */
(function () {
  "use strict";

  /* what j/k walk through: the first of these the page shows (the paths' steps before the trees') */
  var STEP_LISTS = ["li.step", "li.tstep", "ol.steps-here > li", "table.taint > tbody > tr", "ol.timeline > li.changed"];
  var STEPS = STEP_LISTS.join(", ");
  var current = -1;

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  function visible(el) {
    return el.offsetParent !== null || el.getClientRects().length > 0;
  }

  function steps() {
    for (var i = 0; i < STEP_LISTS.length; i += 1) {
      var got = Array.prototype.filter.call(document.querySelectorAll(STEP_LISTS[i]), visible);
      if (got.length) return got;
    }
    return [];
  }

  function move(by) {
    var list = steps();
    if (!list.length) return;
    var was = document.querySelector(".key-current");
    if (was) {
      was.classList.remove("key-current");
      var i = list.indexOf(was);
      current = i >= 0 ? i : current;
    }
    current = Math.max(0, Math.min(list.length - 1, current + by));
    var el = list[current];
    el.classList.add("key-current");
    if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({preventScroll: true});
    el.scrollIntoView({block: "center"});
  }

  function rev() {
    var field = document.querySelector("select[name=rev], input[name=rev]");
    return field && field.value ? "&rev=" + encodeURIComponent(field.value) : "";
  }

  function traceTarget() {
    var el = document.activeElement;
    if (el && el.classList && el.classList.contains("ident")) {
      return "/trace?symbol=" + encodeURIComponent(el.textContent) + rev();
    }
    var step = document.querySelector(".key-current") || (el && el.closest && el.closest(STEPS));
    var link = step && step.querySelector("a.retrace, a[href^='/trace?']");
    if (link) return link.getAttribute("href");
    link = document.querySelector("a[data-key=t]");
    return link ? link.getAttribute("href") : null;
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) return;
    if (ev.key === "/") {
      var field = document.querySelector("main input[type=search]") || document.querySelector("input[type=search]");
      if (field) {
        ev.preventDefault();
        field.focus();
        field.select();
      }
    } else if (ev.key === "j" || ev.key === "k") {
      ev.preventDefault();
      move(ev.key === "j" ? 1 : -1);
    } else if (ev.key === "t") {
      var href = traceTarget();
      if (href && href.charAt(0) === "/") {
        ev.preventDefault();
        window.location.assign(href);
      }
    }
  });

  /* the progress page: without script a <noscript> meta refresh reloads it (moving a screen
     reader back to the top every time); with it, the list is updated in place (a polite live
     region) and the page is loaded once the answer is there */
  var progress = document.querySelector("ul.progress[data-refresh]");
  if (progress) {
    var every = Math.max(1, parseInt(progress.getAttribute("data-refresh"), 10) || 1) * 1000;
    var poll = function () {
      fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
        .then(function (r) {
          if (r.status !== 202) {
            window.location.reload();
            return null;
          }
          return r.text();
        })
        .then(function (text) {
          if (text === null) return;
          var fresh = new DOMParser().parseFromString(text, "text/html").querySelector("ul.progress");
          if (fresh) {
            while (progress.firstChild) progress.removeChild(progress.firstChild);
            Array.prototype.forEach.call(fresh.childNodes, function (node) {
              progress.appendChild(document.importNode(node, true));
            });
          }
          setTimeout(poll, every);
        })
        .catch(function () { setTimeout(poll, every * 2); });
    };
    setTimeout(poll, every);
  }

  /* type-ahead: a datalist per search field, filled from the JSON search (prefix mode) */
  var n = 0;
  Array.prototype.forEach.call(document.querySelectorAll("input[type=search][name=symbol]"), function (field) {
    var list = document.createElement("datalist");
    list.id = "srcscan-names-" + (n += 1);
    document.body.appendChild(list);
    field.setAttribute("list", list.id);
    field.setAttribute("autocomplete", "off");
    var timer = null, ask = null, last = "";
    var suggest = function (text, tries) {
      if (ask) ask.abort();
      ask = new AbortController();
      fetch("/api/search?mode=prefix&symbol=" + encodeURIComponent(text) + rev(),
            {signal: ask.signal, credentials: "same-origin", headers: {"accept": "application/json"}})
        .then(function (r) {
          /* 503: the server is still reading the tree; ask again a little later */
          if (r.status === 503 && tries < 20 && field.value.trim() === text) {
            timer = setTimeout(function () { suggest(text, tries + 1); }, 500);
            return null;
          }
          return r.ok ? r.json() : null;
        })
        .then(function (got) {
          if (!got || field.value.trim() !== text) return;
          last = text;
          while (list.firstChild) list.removeChild(list.firstChild);
          (got.names || []).slice(0, 20).forEach(function (name) {
            var opt = document.createElement("option");
            opt.value = name.name;
            opt.textContent = name.name + " (" + (name.kinds || []).map(function (k) { return k[1] + " " + k[0]; }).join(", ") + ")";
            list.appendChild(opt);
          });
          field.setAttribute("data-suggested", String(list.childNodes.length));
        })
        .catch(function () { /* the form still works without suggestions */ });
    };
    field.addEventListener("input", function () {
      var text = field.value.trim();
      if (timer) clearTimeout(timer);
      if (text.length < 2 || text === last) return;
      timer = setTimeout(function () { suggest(text, 0); }, 150);
    });
  });
}());
