/* Quick exit: cloak the page at once, then replace this history entry with the
   site's own exit URL, which ends the session server-side. */
(function () {
  "use strict";
  var link = null;
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.documentElement.classList.add("leaving");
    document.title = "";
    window.location.replace(link ? link.href : "/leave/");
  }
  document.addEventListener("DOMContentLoaded", function () {
    link = document.getElementById("leave");
    if (link) { link.addEventListener("click", leave); }
  });
  window.addEventListener("pageshow", function () {
    document.documentElement.classList.remove("leaving");
  });
})();
