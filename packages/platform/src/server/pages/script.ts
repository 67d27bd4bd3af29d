/**
 * The few lines of plain JavaScript of the patient pages (served as /assets/patient.js; CSP allows no
 * inline script): the page-level loading view while the order loads, the 处方明细 popup, the
 * popup-level loading while 去支付 runs, and the dialogs of 3.9. Without it every page still works
 * (plain links and form posts); with it the patient never leaves the page to see an error.
 */
export const PATIENT_JS = `
(function () {
  'use strict';
  var $ = function (sel, root) { return (root || document).querySelector(sel); };
  function open(d) { if (d && !d.open) { if (d.showModal) d.showModal(); else d.setAttribute('open', ''); } }
  function shut(d) { if (d && d.open) { if (d.close) d.close(); else d.removeAttribute('open'); } }

  // 3.9 single-button dialog: what happened, what to do, one way on (back to the institution's page).
  function alertBox(a) {
    var d = $('#alert'); if (!d) return;
    $('#alert-title').textContent = a.title || '';
    $('#alert-text').textContent = a.text || '';
    var code = $('#alert-code');
    code.textContent = a.code ? '错误代码 ' + a.code : '';
    code.hidden = !a.code;
    var back = $('#alert-back');
    if (a.backUrl) { back.setAttribute('href', a.backUrl); back.textContent = a.backText || '返回'; back.hidden = false; $('#alert-ok').hidden = true; }
    else { back.hidden = true; $('#alert-ok').hidden = false; }
    open(d);
    (back.hidden ? $('#alert-ok') : back).focus();
  }

  function pay(form) {
    var toast = $('#paying');
    var button = form.querySelector('[type=submit]');
    if (button) button.disabled = true;
    open(toast);
    var body = new URLSearchParams(new FormData(form)).toString();
    fetch(form.getAttribute('action'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: body, credentials: 'same-origin' })
      .then(function (r) { return r.json(); })
      .then(function (out) {
        if (out.redirect) { location.assign(out.redirect); return; }
        shut(toast);
        if (button) button.disabled = false;
        if (out.reload) { location.reload(); return; }
        if (out.confirm) {
          // 3.9 double-button dialog: the cash part changed since the page was shown.
          var c = $('#confirm');
          $('#confirm-title').textContent = out.confirm.title;
          $('#confirm-text').textContent = out.confirm.text;
          $('#confirm-ok').onclick = function () {
            shut(c);
            form.querySelector('[name=confirmedCashFen]').value = out.confirm.confirmedCashFen;
            var shown = $('#pay-amount'); if (shown && out.confirm.payAmount) shown.textContent = out.confirm.payAmount;
            pay(form);
          };
          open(c);
          $('#confirm-ok').focus();
          return;
        }
        alertBox(out.dialog || { title: '暂时无法支付', text: '请稍后再试。' });
      })
      .catch(function () {
        shut(toast);
        if (button) button.disabled = false;
        alertBox({ title: '网络异常', text: '没有连上支付服务，请检查网络后再点一次。' });
      });
  }

  function bind(root) {
    root.addEventListener('click', function (e) {
      var t = e.target.closest ? e.target.closest('[data-open],[data-close]') : null;
      if (!t) return;
      if (t.hasAttribute('data-open')) { e.preventDefault(); open(document.getElementById(t.getAttribute('data-open'))); }
      else { e.preventDefault(); shut(t.closest('dialog')); }
    });
    root.addEventListener('submit', function (e) {
      var form = e.target;
      if (!form.hasAttribute('data-pay')) return;
      e.preventDefault();
      pay(form);
    });
    // A click on the backdrop closes the popup (the sheet fills its own box, so a click outside it is the backdrop).
    root.addEventListener('click', function (e) { if (e.target.classList && e.target.classList.contains('sheet')) { var r = e.target.getBoundingClientRect(); if (e.clientY < r.top) shut(e.target); } });
  }

  // Page-level loading (3.8): the shell shows it while the order view is fetched.
  function load(app) {
    var url = app.getAttribute('data-load');
    fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, 'text/html');
        var next = doc.getElementById('app');
        if (!next) throw new Error('no view');
        document.title = doc.title;
        app.replaceWith(document.importNode(next, true));
        var h = $('#app h1'); if (h) { h.setAttribute('tabindex', '-1'); h.focus(); }
      })
      .catch(function () {
        alertBox({ title: '网络异常', text: '订单没有加载出来，请检查网络后刷新本页。' });
      });
  }

  bind(document);
  var app = $('#app[data-load]');
  if (app) load(app);
})();
`;
