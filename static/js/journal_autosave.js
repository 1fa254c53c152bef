// Autosave of a journal draft (socialtjanst.journal): a pause in typing saves the form to the server, and so
// does leaving the page (hidden tab, closed tab or browser) with sendBeacon, which the browser delivers even as
// the page goes away. The form carries its CSRF token and a signed draft token, so a save after the session has
// expired is still stored for the user who opened the page. Nothing is kept in the browser itself.
(function () {
  "use strict";
  var form = document.getElementById("journal-form");
  if (!form || !window.fetch) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("journal-status");
  var DELAY_MS = 2000;
  var RETRY_MS = 5000;
  var timer = null;
  var dirty = false;

  function csrfCookie() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }

  function payload() {
    var data = new FormData(form);
    data.set("autosave", "1");
    // A log-in in another tab rotates the CSRF secret: the cookie always holds the current one.
    var token = csrfCookie();
    if (token) {
      data.set("csrfmiddlewaretoken", token);
    }
    return data;
  }

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function schedule(delay) {
    if (timer === null) {
      timer = window.setTimeout(save, delay);
    }
  }

  function save() {
    timer = null;
    if (!dirty) {
      return;
    }
    dirty = false;
    fetch(url, {method: "POST", body: payload(), credentials: "same-origin", keepalive: true,
                headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        say("Utkastet sparades " + answer.sparat + ".");
      })
      .catch(function () {
        dirty = true;
        say("Utkastet kunde inte sparas just nu. Försöker igen om en stund; stäng inte sidan.");
        schedule(RETRY_MS);
      });
  }

  function flush() {
    if (!dirty) {
      return;
    }
    if (navigator.sendBeacon && navigator.sendBeacon(url, payload())) {
      dirty = false;
      return;
    }
    save();
  }

  form.addEventListener("input", function () {
    dirty = true;
    say("Ändringar sparas …");
    schedule(DELAY_MS);
  });
  form.addEventListener("change", function () {
    dirty = true;
    schedule(DELAY_MS);
  });
  form.addEventListener("submit", function () {
    // The form itself carries the text now: no save may race the signing.
    dirty = false;
    if (timer !== null) {
      window.clearTimeout(timer);
      timer = null;
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });
  window.addEventListener("pagehide", flush);
}());
