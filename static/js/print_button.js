// The "Skriv ut" button of the printable case summary: the browser's own print dialog (no inline script: CSP).
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
}());
