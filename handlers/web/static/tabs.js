/* The tab bar scrolls sideways on a phone: bring the active tab into view (horizontally only). */
(function () {
  "use strict";
  var bar = document.querySelector("nav.tabs");
  var active = bar && bar.querySelector("a.active");
  if (!active || bar.scrollWidth <= bar.clientWidth) { return; }
  bar.scrollLeft = active.offsetLeft - (bar.clientWidth - active.offsetWidth) / 2;
})();
