// Small behaviours that need JavaScript; the pages work without it. No inline scripts (CSP).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) {
    event.preventDefault();
    window.print();
  }
});

// A link to text inside a closed <details> (a card's "i målgruppen" to the scope's reasons)
// opens it: Chromium does so itself, older browsers would scroll to nothing.
document.addEventListener("click", function (event) {
  var link = event.target.closest('a[href^="#"]');
  var target = link && document.getElementById(link.getAttribute("href").slice(1));
  var details = target && target.closest("details");
  if (details) details.open = true;
});

// htmx refreshes the error next to each field as the clinician types (out-of-band swaps); mark
// the field that such an error describes as invalid, or valid again, so screen readers say so.
document.addEventListener("htmx:afterSettle", function () {
  document.querySelectorAll("[aria-describedby]").forEach(function (field) {
    var errors = field.getAttribute("aria-describedby").split(/\s+/)
      .map(function (id) { return document.getElementById(id); })
      .filter(function (el) { return el && el.classList.contains("field-error"); });
    if (!errors.length) return;
    var invalid = errors.some(function (el) { return el.textContent.trim() !== ""; });
    if (invalid) field.setAttribute("aria-invalid", "true");
    else field.removeAttribute("aria-invalid");
  });
});

// A live update is the form's own request (its trigger: input, change), never a button's. htmx
// still sends the name of the submit button that has the focus, as if it had been clicked: a
// clinician tabbing from a dose to its "Fjern" got a result without that medication, and from
// the last STarT Back answer to "Ryd STarT Back-svarene" one without the score. Leave the
// buttons out; each of them sends its own request when it is pressed.
document.addEventListener("htmx:configRequest", function (event) {
  var form = event.detail.elt;
  var trigger = event.detail.triggeringEvent;
  if (!(form instanceof HTMLFormElement) || (trigger && trigger.type === "submit")) return;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (field.type === "submit" && field.name) delete event.detail.parameters[field.name];
  });
});

// A live update replaces the results while the clinician may be reading them: reopen the
// rationales they had opened (htmx itself puts the focus back on an element with an id).
var openedBeforeSwap = [];
document.addEventListener("htmx:beforeSwap", function (event) {
  openedBeforeSwap = Array.prototype.map.call(
    event.detail.target.querySelectorAll("details[open][id]"),
    function (details) { return details.id; }
  );
});
document.addEventListener("htmx:afterSwap", function () {
  openedBeforeSwap.forEach(function (id) {
    var details = document.getElementById(id);
    if (details) details.open = true;
  });
  openedBeforeSwap = [];
});

// A live update that fails (the server or its database is down: 503, or no answer at all) must
// not leave the results of the previous answers on screen under changed answers: a red flag
// just ticked would be missing from them. Replace them with a message. Whole-form swaps (#main:
// adding or removing a row) keep the form and what was typed.
function liveUpdateFailed(event) {
  var target = event.detail && event.detail.target;
  if (!target || target.id === "main") return;
  var message = document.createElement("p");
  message.className = "error update-failed";
  message.setAttribute("role", "alert");
  message.textContent = document.body.getAttribute("data-update-failed");
  target.replaceChildren(message);
  // On a phone the intake's result summary is what is on screen: it must not keep the old
  // result either. The same words, announced once (from the result, role="alert").
  var peek = document.getElementById("result-peek");
  if (peek && target.id === "results") {
    var notice = message.cloneNode(true);
    notice.removeAttribute("role");
    peek.replaceChildren(notice);
  }
}
document.addEventListener("htmx:responseError", liveUpdateFailed);
document.addEventListener("htmx:sendError", liveUpdateFailed);

// "Kopiér til journal": the note is a selectable block that works without JavaScript; with it,
// a button copies the note in one tap. Shown only where it can work (progressive enhancement).
function revealCopyButtons() {
  document.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
    button.hidden = false;
  });
}
revealCopyButtons();
document.addEventListener("htmx:afterSettle", revealCopyButtons);

function selectContents(element) {
  var range = document.createRange();
  range.selectNodeContents(element);
  var selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  var status = button.parentNode.querySelector(".copy-status");
  var say = function (name) { if (status) status.textContent = status.getAttribute(name); };
  if (!source) return;
  // Without the clipboard API (an insecure context), select the text so one more key copies it.
  var fallback = function () {
    selectContents(source);
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (error) { copied = false; }
    say(copied ? "data-copied" : "data-failed");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(source.textContent).then(function () { say("data-copied"); }, fallback);
  } else {
    fallback();
  }
});

// On a phone the intake's result summary (#result-peek) sticks to the top of the screen over
// the form. Keep the field the clinician is in clear of it, when a live update makes it taller
// or the keyboard moves the focus under it: scroll by the overlap only, never move the focus.
function keepFocusClearOfSummary() {
  var peek = document.getElementById("result-peek");
  var field = document.activeElement;
  if (!peek || !field || field === document.body || peek.contains(field)) return;
  if (!peek.parentNode.contains(field) || getComputedStyle(peek).position !== "sticky") return;
  var under = peek.getBoundingClientRect().bottom - field.getBoundingClientRect().top;
  if (under > 0 && field.getBoundingClientRect().bottom > 0) window.scrollBy(0, -(under + 8));
}
document.addEventListener("htmx:afterSettle", keepFocusClearOfSummary);
document.addEventListener("focusin", function () {
  window.requestAnimationFrame(keepFocusClearOfSummary);
});

// Back to a live form: the browser does not keep the page (no-store: it holds patient data), so
// it loads it anew and puts back what was typed, but not the result computed from it. A ticked
// red flag would stand without its alert. Where a field differs from the page as sent, ask for
// the result of the form as it is now.
function fieldRestored(field) {
  if (field.type === "hidden" || field.type === "submit" || field.type === "button") return false;
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.tagName === "SELECT") {
    // A list with no option marked selected shows its first.
    var sent = Array.prototype.findIndex.call(field.options, function (option) {
      return option.defaultSelected;
    });
    return field.selectedIndex !== Math.max(sent, 0);
  }
  return field.value !== field.defaultValue;
}
window.addEventListener("pageshow", function () {
  if (!window.htmx) return;
  document.querySelectorAll("form[hx-trigger]").forEach(function (form) {
    if (Array.prototype.some.call(form.elements, fieldRestored)) htmx.trigger(form, "change");
  });
});

// Live search: one history entry for what is typed, not one per pause in typing. The first
// answer is pushed (Back returns to the page searched from); later ones replace it.
document.addEventListener("htmx:afterRequest", function (event) {
  var elt = event.detail.elt;
  if (!event.detail.successful || !elt || !elt.hasAttribute("data-push-once")) return;
  elt.removeAttribute("hx-push-url");
  elt.setAttribute("hx-replace-url", "true");
});

// The language switch returns to the page as it is now: live search changes the address after
// the page was sent, and the form's "next" would take the reader back to the one it came with.
document.addEventListener("submit", function (event) {
  var next = event.target.querySelector("input[name='next']");
  if (next && event.target.classList.contains("lang")) {
    next.value = window.location.pathname + window.location.search;
  }
});
