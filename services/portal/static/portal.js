// The portal's little script: every page works without it; it only helps.
// - /#token=...: the fragment (never sent to a server) is removed from the address at once;
//   where the portal takes such links, the token is posted with the page's CSRF token and
//   the portal asks the person, naming whom it would sign in, before it signs anyone in;
// - a form posts once: its buttons are disabled while it posts (a second click, or Enter,
//   sends nothing; the form's idempotency key makes a second post harmless anyway);
// - the pending and chasing lists: "select all", and how many are selected;
// - the registration form: empty extra target rows hidden behind "Add a target";
// - the printable report: a print button;
// - a form shown again with errors: focus on its summary.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') : '';
  }

  function signInWithFragment() {
    var hash = window.location.hash;
    if (hash.indexOf('#token=') !== 0) return;
    var token = '';
    try { token = decodeURIComponent(hash.slice('#token='.length)); } catch (e) { token = ''; }
    history.replaceState(null, '', window.location.pathname + window.location.search);
    if (!token || !document.body || !document.body.hasAttribute('data-token-links')) return;
    var params = new URLSearchParams(window.location.search);
    var next = window.location.pathname.indexOf('/sign-in') === 0
      ? (params.get('next') || '') : window.location.pathname + window.location.search;
    var form = document.createElement('form');
    form.method = 'post';
    form.action = '/sign-in/token';
    [['csrf_token', csrf()], ['token', token], ['next', next], ['via', 'link']].forEach(function (pair) {
      var input = document.createElement('input');
      input.type = 'hidden';
      input.name = pair[0];
      input.value = pair[1];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function pickAll() {
    // each list with a "select all" (the pending list, each chasing list): its own form's boxes
    Array.prototype.forEach.call(document.querySelectorAll('[data-pick-all]'), function (all) {
      var form = all.closest('form') || document;
      var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name^="pick."]'));
      var count = form.querySelector('[data-picked-count]');
      function update() {
        var picked = boxes.filter(function (box) { return box.checked; }).length;
        all.checked = picked === boxes.length && picked > 0;
        all.indeterminate = picked > 0 && picked < boxes.length;
        if (count) {
          count.textContent = count.getAttribute('data-text')
            .replace('{n}', String(picked)).replace('{total}', String(boxes.length));
        }
      }
      all.addEventListener('change', function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        update();
      });
      boxes.forEach(function (box) { box.addEventListener('change', update); });
      update();
    });
  }

  function targetRows() {
    var button = document.querySelector('[data-add-target]');
    if (!button) return;
    var rows = Array.prototype.slice.call(document.querySelectorAll('[data-target-row]'));
    function empty(row) {
      return Array.prototype.every.call(row.querySelectorAll('input'), function (input) {
        return !input.value.trim();
      });
    }
    rows.forEach(function (row) {
      if (row.classList.contains('extra') && empty(row) && !row.querySelector('[aria-invalid]')) {
        row.hidden = true;
      }
    });
    function refresh() { button.hidden = !rows.some(function (row) { return row.hidden; }); }
    button.addEventListener('click', function () {
      var next = rows.filter(function (row) { return row.hidden; })[0];
      if (!next) return;
      next.hidden = false;
      var first = next.querySelector('input');
      if (first) first.focus();
      refresh();
    });
    refresh();
  }

  function printButton() {
    var button = document.querySelector('[data-print]');
    if (button) button.addEventListener('click', function () { window.print(); });
  }

  function postOnce() {
    var meta = document.querySelector('meta[name="posting-text"]');
    var text = meta ? meta.getAttribute('content') : '';
    function buttonsOf(form) {
      return Array.prototype.slice.call(
        form.querySelectorAll('button:not([type="button"]), input[type="submit"]'));
    }
    function release(form) {
      form.removeAttribute('data-posting');
      buttonsOf(form).forEach(function (button) {
        button.disabled = false;
        button.removeAttribute('aria-disabled');
        button.classList.remove('is-posting');
        var before = button.getAttribute('data-text');
        if (before !== null) { button.textContent = before; button.removeAttribute('data-text'); }
      });
    }
    document.addEventListener('submit', function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || (form.method || '').toLowerCase() !== 'post') return;
      if (form.hasAttribute('data-posting')) { event.preventDefault(); return; }
      form.setAttribute('data-posting', '');
      var pressed = event.submitter;
      buttonsOf(form).forEach(function (button) {
        button.setAttribute('aria-disabled', 'true');
        button.classList.add('is-posting');
        if (button === pressed && text && button.tagName === 'BUTTON') {
          button.setAttribute('data-text', button.textContent);
          button.textContent = text;
        }
      });
      // disabled once the form's values have gone (a disabled button sends no value)
      setTimeout(function () {
        buttonsOf(form).forEach(function (button) { button.disabled = true; });
      }, 0);
      // a post that never answers (the network went away): the form can be sent again,
      // with the same idempotency key
      setTimeout(function () { release(form); }, 20000);
    });
    window.addEventListener('pageshow', function (event) {
      if (!event.persisted) return;
      Array.prototype.forEach.call(document.querySelectorAll('form[data-posting]'), release);
    });
  }

  function focusErrors() {
    var summary = document.querySelector('.error-summary[role="alert"]');
    if (summary) summary.focus();
  }

  signInWithFragment();
  // a link to the page already open changes only its fragment: no page load
  window.addEventListener('hashchange', signInWithFragment);
  postOnce();
  document.addEventListener('DOMContentLoaded', function () {
    pickAll();
    targetRows();
    printButton();
    focusErrors();
  });
})();
