// The small sign-in and worklist page served until the web application (a later issue) is built.
// Tokens live in this page's memory only; nothing is written to storage.
/* global document, fetch, FormData */
'use strict';
(function () {
  let token = null;
  const $ = (sel) => document.querySelector(sel);

  async function api(path, options) {
    const headers = Object.assign({ accept: 'application/json' }, options && options.body ? { 'content-type': 'application/json' } : {}, token ? { authorization: 'Bearer ' + token } : {});
    const res = await fetch('/api/v1' + path, Object.assign({}, options, { headers }));
    const body = res.status === 204 ? null : await res.json().catch(() => null);
    if (!res.ok) throw new Error(body && body.error ? body.error.message : 'HTTP ' + res.status);
    return body;
  }

  function cell(text, cls) {
    const td = document.createElement('td');
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  async function showWorklist() {
    $('#worklist-error').textContent = '';
    try {
      const { items } = await api('/worklist?limit=100');
      const tbody = $('#worklist tbody');
      tbody.replaceChildren();
      for (const it of items) {
        const d = it.decision;
        const tr = document.createElement('tr');
        tr.append(cell(d.declarationId), cell(d.office), cell(d.lane, 'lane-' + d.lane), cell(d.score === null ? '-' : d.score.toFixed(3)), cell(d.selectionType), cell(it.status + (it.claimedBy ? ' (' + it.claimedBy + ')' : '')), cell(d.decidedAt));
        tbody.append(tr);
      }
    } catch (e) {
      $('#worklist-error').textContent = e.message;
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('#login').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const form = new FormData(ev.target);
      $('#login-error').textContent = '';
      try {
        const t = await api('/auth/login', { method: 'POST', body: JSON.stringify({ user: form.get('user'), password: form.get('password') }) });
        token = t.accessToken;
        const me = await api('/me');
        $('#who').textContent = me.name + ' (' + me.roles.join(', ') + ')';
        $('#login').hidden = true;
        $('#worklist').hidden = false;
        await showWorklist();
      } catch (e) {
        $('#login-error').textContent = e.message;
      }
    });
    $('#refresh').addEventListener('click', showWorklist);
    $('#logout').addEventListener('click', async () => {
      try { await api('/auth/logout', { method: 'POST' }); } catch { /* signed out either way */ }
      token = null;
      $('#who').textContent = '';
      $('#worklist').hidden = true;
      $('#login').hidden = false;
    });
  });
})();
