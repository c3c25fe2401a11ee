// The "Udskriv" button on the printable plans (record/print.html). Without JavaScript the
// button stays hidden and the page tells the user to press Ctrl+P.
(function () {
  "use strict";
  function ready() {
    var button = document.getElementById("print-button");
    if (!button) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
