// Runs first in <body>: lets the NHS.UK frontend CSS know JavaScript is available.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
