// The portal's little script: every page works without it; it only helps.
// - /#token=... signs in with that token: the fragment (never sent to a server) is removed
//   from the address at once and the token posted with the page's CSRF token.
// - the pending list: "select all", and how many are selected;
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
    var token = decodeURIComponent(hash.slice('#token='.length));
    history.replaceState(null, '', window.location.pathname + window.location.search);
    if (!token) return;
    var params = new URLSearchParams(window.location.search);
    var next = window.location.pathname.indexOf('/sign-in') === 0
      ? (params.get('next') || '') : window.location.pathname + window.location.search;
    var form = document.createElement('form');
    form.method = 'post';
    form.action = '/sign-in/token';
    [['csrf_token', csrf()], ['token', token], ['next', next]].forEach(function (pair) {
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
    var all = document.querySelector('[data-pick-all]');
    if (!all) return;
    var boxes = Array.prototype.slice.call(document.querySelectorAll('input[name^="pick."]'));
    var count = document.querySelector('[data-picked-count]');
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

  function focusErrors() {
    var summary = document.querySelector('.error-summary[role="alert"]');
    if (summary) summary.focus();
  }

  signInWithFragment();
  document.addEventListener('DOMContentLoaded', function () {
    pickAll();
    targetRows();
    printButton();
    focusErrors();
  });
})();
