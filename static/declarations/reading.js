// Evidence of reading: how long each policy's text is on screen while the signing page is open.
// Counts only while the tab is visible, the policy is in view and the person has done something
// (scrolled, typed, moved the pointer) in the last two minutes, then posts the seconds to the
// portal, which caps each beat; and when "I have read" is ticked. Without this script the page
// works, the time is "not measured" and the tick counts from the signature.
(function () {
  "use strict";
  var root = document.querySelector("[data-reading-url]");
  if (!root || !window.FormData) { return; }
  var url = root.getAttribute("data-reading-url");
  var token = root.getAttribute("data-reading-token");
  var every = (parseInt(root.getAttribute("data-reading-every"), 10) || 15) * 1000;
  var IDLE_MS = 120000;
  var inView = {};
  var pending = {};
  var lastActivity = Date.now();
  var lastTick = Date.now();

  var sections = root.querySelectorAll("[data-reading-version]");
  function markActive() { lastActivity = Date.now(); }
  ["scroll", "keydown", "pointermove", "pointerdown", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, markActive, { passive: true });
  });

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        inView[entry.target.getAttribute("data-reading-version")] = entry.isIntersecting;
      });
    });
    sections.forEach(function (section) { observer.observe(section); });
  } else {
    sections.forEach(function (section) { inView[section.getAttribute("data-reading-version")] = true; });
  }

  function tick() {
    var now = Date.now();
    // A throttled or suspended timer must not count the time it slept.
    var seconds = Math.min(now - lastTick, 2000) / 1000;
    lastTick = now;
    if (document.visibilityState !== "visible" || now - lastActivity > IDLE_MS) { return; }
    Object.keys(inView).forEach(function (version) {
      if (inView[version]) { pending[version] = (pending[version] || 0) + seconds; }
    });
  }

  function body() {
    var data = new FormData();
    var any = false;
    Object.keys(pending).forEach(function (version) {
      var whole = Math.floor(pending[version]);
      if (whole > 0) {
        data.append("v" + version, String(whole));
        pending[version] -= whole;
        any = true;
      }
    });
    if (!any) { return null; }
    data.append("csrfmiddlewaretoken", token);
    return data;
  }

  function send() {
    var data = body();
    if (data) {
      fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
        .catch(function () { /* a lost beat only loses its seconds */ });
    }
  }

  function sendNow() {
    tick();
    var data = body();
    if (data && navigator.sendBeacon) { navigator.sendBeacon(url, data); }
  }

  // "I have read": when it was first ticked is part of the evidence, so it is sent at once.
  document.querySelectorAll("[data-read-tick]").forEach(function (box) {
    box.addEventListener("change", function () {
      if (!box.checked) { return; }
      var data = new FormData();
      data.append("t" + box.getAttribute("data-read-tick"), "1");
      data.append("csrfmiddlewaretoken", token);
      fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
        .catch(function () { /* without it, the signature's time stands for the tick */ });
    });
  });

  setInterval(tick, 1000);
  setInterval(send, every);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { sendNow(); } else { lastTick = Date.now(); markActive(); }
  });
  window.addEventListener("pagehide", sendNow);
})();
