/* Quick exit and history hygiene for every portal page (SPEC 4).
 *
 * - The "Leave this site" link works without JavaScript (a plain link to the
 *   site's own exit URL, which ends the session and redirects somewhere neutral).
 * - With JavaScript, activating it cloaks the page at once (content hidden,
 *   title blanked) and replaces this history entry with the exit URL.
 * - Keyboard: Shift pressed 3 times within 5 seconds (left or right Shift; a
 *   Shift held for a capital letter does not count), or Esc pressed twice
 *   within 1 second (not while typing in a field or inside a dialog). Progress
 *   is announced to screen readers, as in GOV.UK's "Exit this page", in her
 *   language: the words come from the page (data-* attributes of the link).
 * - A page restored from the back/forward cache is uncloaked on `pageshow`.
 * - Links and form posts inside the portal replace the current history entry,
 *   so a visit leaves at most one entry of this site in the history.
 * - After a form post, focus is on its result and the next Tab reaches the
 *   skip link, then quick exit, as on a page load.
 */
(function () {
  "use strict";

  var SHIFT_WINDOW_MS = 5000;
  var ESC_WINDOW_MS = 1000;
  var EXIT_PATH = "/leave/";

  var shiftCount = 0;
  var shiftTimer = null;
  var clearMessageTimer = null;
  var lastKeyWasModified = false;
  var lastEsc = 0;
  var leaving = false;
  var savedTitle = document.title;
  var busy = false;

  function exitLink() { return document.getElementById("leave"); }
  function statusRegion() { return document.getElementById("leave-status"); }
  function exitUrl() {
    var link = exitLink();
    return link ? link.href : EXIT_PATH;
  }

  /* Her language's words for an announcement, from the link's data attributes
     (read each time: a form post can swap in a page in another language). */
  function words(name, fallback) {
    var link = exitLink();
    var text = link ? link.getAttribute("data-" + name) : null;
    return text || fallback;
  }

  function announce(text) {
    var region = statusRegion();
    if (region) { region.textContent = text; }
  }

  function lights(count) {
    var link = exitLink();
    if (!link) { return; }
    var box = link.querySelector(".leave-lights");
    if (!box) {
      box = document.createElement("span");
      box.className = "leave-lights";
      box.setAttribute("aria-hidden", "true");
      for (var i = 0; i < 3; i++) { box.appendChild(document.createElement("span")); }
      link.appendChild(box);
    }
    box.classList.toggle("on", count > 0);
    var dots = box.querySelectorAll("span");
    for (var j = 0; j < dots.length; j++) { dots[j].classList.toggle("lit", j < count); }
  }

  function leave(event) {
    if (event) { event.preventDefault(); }
    if (leaving) { return; }
    leaving = true;
    savedTitle = document.title || savedTitle;
    document.documentElement.classList.add("leaving");
    document.title = "";
    announce("");
    var overlay = document.createElement("div");
    overlay.className = "exit-overlay";
    overlay.setAttribute("role", "alert");
    document.body.appendChild(overlay);
    overlay.textContent = words("leaving", "Loading.");
    window.location.replace(exitUrl());
  }

  function resetShift(announceExpiry) {
    if (shiftTimer) { window.clearTimeout(shiftTimer); shiftTimer = null; }
    var had = shiftCount > 0;
    shiftCount = 0;
    lights(0);
    if (announceExpiry && had) {
      announce(words("shift-expired", "Leave this site expired."));
      clearMessageTimer = window.setTimeout(function () { announce(""); }, SHIFT_WINDOW_MS);
    }
  }

  function isTyping(target) {
    if (!target || target === document.body) { return false; }
    if (target.isContentEditable) { return true; }
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select";
  }

  function inDialog(target) {
    if (document.querySelector("dialog[open]")) { return true; }
    return !!(target && target.closest &&
      target.closest("dialog, [role=dialog], [role=alertdialog], [aria-modal=true]"));
  }

  function onKeyUp(event) {
    if (leaving) { return; }
    if (event.key === "Shift") {
      if (!lastKeyWasModified) {
        shiftCount += 1;
        lights(shiftCount);
        if (clearMessageTimer) { window.clearTimeout(clearMessageTimer); clearMessageTimer = null; }
        if (shiftCount >= 3) {
          resetShift(false);
          leave();
          return;
        }
        announce(shiftCount === 1
          ? words("shift-two", "Shift, press 2 more times to leave this site.")
          : words("shift-one", "Shift, press 1 more time to leave this site."));
        if (shiftTimer) { window.clearTimeout(shiftTimer); }
        shiftTimer = window.setTimeout(function () { resetShift(true); }, SHIFT_WINDOW_MS);
      }
      lastKeyWasModified = false;
      return;
    }
    // Any other key ends a Shift sequence; a key typed with Shift held
    // (a capital letter) means the next Shift release does not count.
    if (shiftCount > 0) { resetShift(true); }
    lastKeyWasModified = event.shiftKey;
  }

  function onKeyDown(event) {
    if (leaving) { return; }
    if (event.key !== "Shift" && event.shiftKey) { lastKeyWasModified = true; }
    if (event.key !== "Escape" && event.key !== "Esc") { return; }
    if (event.repeat || isTyping(event.target) || inDialog(event.target)) { lastEsc = 0; return; }
    var now = Date.now();
    if (lastEsc && now - lastEsc <= ESC_WINDOW_MS) {
      lastEsc = 0;
      leave();
      return;
    }
    lastEsc = now;
    announce(words("esc-one", "Esc, press 1 more time to leave this site."));
    window.setTimeout(function () {
      if (lastEsc === now) { lastEsc = 0; announce(""); }
    }, ESC_WINDOW_MS);
  }

  function sameOrigin(url) {
    try { return new URL(url, window.location.href).origin === window.location.origin; }
    catch (e) { return false; }
  }

  /* In-portal links: replace this history entry instead of adding one. */
  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 ||
        event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var target = event.target;
    var link = target && target.closest ? target.closest("a[href]") : null;
    if (!link) { return; }
    if (link.id === "leave") { leave(event); return; }
    if (link.target && link.target !== "_self") { return; }
    if (link.hasAttribute("download")) { return; }
    var href = link.getAttribute("href");
    if (!href || href.charAt(0) === "#") { return; }
    if (!/^https?:$/.test(link.protocol) || !sameOrigin(link.href)) { return; }
    if (link.pathname === window.location.pathname && link.search === window.location.search &&
        link.hash) { return; }
    event.preventDefault();
    window.location.replace(link.href);
  }

  /* Swap in the page a form post led to, and give it this history entry. */
  function showDocument(html, url) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    /* The page may be in another language now (the language switch). */
    document.documentElement.lang = doc.documentElement.lang;
    document.documentElement.dir = doc.documentElement.dir;
    document.body.className = doc.body.className;
    document.body.innerHTML = doc.body.innerHTML;
    if (url && sameOrigin(url)) { window.history.replaceState(null, "", url); }
    focusAfterPost();
    window.scrollTo(0, 0);
  }

  /* A page swapped in after a form post keeps no focus of its own, as a page
     load would. Focus goes to what the post produced (the error summary, else
     the confirmation, else the heading) so a screen reader reads it; the next
     Tab then starts again from the top of the page, as after a page load, so
     quick exit stays the first stop after the skip link (SPEC 4) instead of
     being passed over. */
  var tabRestartsFrom = null;

  function focusAfterPost() {
    var focus = document.querySelector(".error-summary, [role=alert]") ||
      document.querySelector("#main .notices") ||
      document.querySelector("#main h1") ||
      document.getElementById("main");
    if (!focus) { return; }
    if (!focus.hasAttribute("tabindex")) { focus.setAttribute("tabindex", "-1"); }
    focus.focus();
    tabRestartsFrom = focus;
  }

  function onTabAfterPost(event) {
    if (event.key !== "Tab" || !tabRestartsFrom) { return; }
    var from = tabRestartsFrom;
    tabRestartsFrom = null;
    if (event.shiftKey || document.activeElement !== from) { return; }
    var first = document.querySelector(".skip-link") || document.getElementById("leave");
    if (first) {
      event.preventDefault();
      first.focus();
    }
  }

  /* In-portal form posts: sent with fetch so the post and its result do not
     add history entries; the page we end up on replaces this entry. */
  function onSubmit(event) {
    var form = event.target;
    if (event.defaultPrevented || !form || form.tagName !== "FORM") { return; }
    if (!window.fetch || !window.FormData || !window.URL) { return; }
    var action = form.action || window.location.href;
    if (!sameOrigin(action)) { return; }
    var method = (form.getAttribute("method") || "get").toLowerCase();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) {
      data.append(event.submitter.name, event.submitter.value);
    }
    event.preventDefault();
    if (method !== "post") {
      var url = new URL(action, window.location.href);
      url.search = new URLSearchParams(data).toString();
      window.location.replace(url.href);
      return;
    }
    if (busy) { return; }
    busy = true;
    window.fetch(action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "follow",
      headers: { "X-Requested-With": "history-replace" }
    }).then(function (response) {
      if (!sameOrigin(response.url)) {
        window.location.replace(response.url);
        return null;
      }
      /* The page the post led to (after its redirect, or the form again with
         errors) replaces this one in place: no new history entry. */
      return response.text().then(function (html) {
        busy = false;
        showDocument(html, response.url);
      });
    }).catch(function () {
      busy = false;
      form.submit();  /* fall back to an ordinary post */
    });
  }

  document.addEventListener("keyup", onKeyUp, true);
  document.addEventListener("keydown", onKeyDown, true);
  document.addEventListener("keydown", onTabAfterPost);
  document.addEventListener("click", onClick);
  document.addEventListener("submit", onSubmit);

  window.addEventListener("pageshow", function () {
    leaving = false;
    busy = false;
    document.documentElement.classList.remove("leaving");
    var overlays = document.querySelectorAll(".exit-overlay");
    for (var i = 0; i < overlays.length; i++) { overlays[i].parentNode.removeChild(overlays[i]); }
    if (!document.title && savedTitle) { document.title = savedTitle; }
    resetShift(false);
    lastEsc = 0;
    announce("");
  });
})();
