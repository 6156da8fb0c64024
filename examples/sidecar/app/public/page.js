// The page. It has no token code at all: the browser sends the app's session cookie with the
// WebSocket upgrade (and with SSE and the polls) to this same origin, nginx passes it to the
// gateway, and the gateway asks the app's connect hook who this is (docs/hooks.md).
import { Realtime } from '/rtgw.js';

const $ = (sel) => document.querySelector(sel);
const me = await fetch('/me').then((r) => (r.ok ? r.json() : null));
if (!me) {
  location.replace('/login');
  throw new Error('not signed in');
}

$('#who').textContent = me.name;
const rt = new Realtime();
window.rt = rt; // for a look from the console (and the browser test)
rt.on('state', (s) => {
  $('#state').textContent = s === 'closed' ? `closed (${rt.closeReason?.reason})` : s;
  $('#state').dataset.state = s;
});

const subs = new Map();
const row = (channel) => $(`#channels li[data-channel="${channel}"]`);
function status(channel, cls, text) {
  const s = row(channel).querySelector('.status');
  s.className = 'status ' + cls;
  s.textContent = text;
  row(channel).querySelector('button').textContent = cls === 'subscribed' || cls === 'pending' ? 'Leave' : 'Join';
}

function join(channel) {
  status(channel, 'pending', 'subscribing…');
  const sub = rt.subscribe(channel, (m) => {
    const li = document.createElement('li');
    li.textContent = `${m.channel} · ${m.data.from}: ${m.data.text}`;
    $('#log').append(li);
  });
  subs.set(channel, sub);
  sub.on('subscribed', () => status(channel, 'subscribed', 'subscribed'));
  // Refused for good (the subscribe hook said no): `error` then `end {reason: 'error'}`.
  sub.on('error', (e) => status(channel, 'refused', `refused (${e.code})`));
  // Ended by the app (`/api/unsubscribe` after a revoke): reason 'server'.
  sub.on('end', ({ reason }) => {
    subs.delete(channel);
    if (reason !== 'error') status(channel, 'ended', `ended (${reason})`);
  });
}

function leave(channel) {
  subs.get(channel)?.unsubscribe();
  subs.delete(channel);
  status(channel, 'left', 'not subscribed');
}

for (const channel of me.channels) {
  const li = document.createElement('li');
  li.dataset.channel = channel;
  li.innerHTML = '<code></code><span class="status">not subscribed</span><button>Join</button>';
  li.querySelector('code').textContent = channel;
  li.querySelector('button').onclick = () => (subs.has(channel) ? leave(channel) : join(channel));
  $('#channels').append(li);
  $('#publish select').append(new Option(channel, channel));
}
for (const channel of me.permitted) join(channel);

$('#publish').onsubmit = async (e) => {
  e.preventDefault();
  const form = e.target;
  const res = await fetch('/publish', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel: form.channel.value, text: form.text.value }),
  });
  form.querySelector('.result').textContent = res.ok ? 'sent' : (await res.json()).error;
  if (res.ok) form.text.value = '';
};

$('#logout').onclick = async () => {
  // The app ends the session and asks the gateway to end this user's connections (4410): the
  // client stops, state 'closed'. Nothing is sent here beyond the app's own logout.
  await fetch('/logout', { method: 'POST' });
  $('#logout').replaceWith(Object.assign(document.createElement('a'), { href: '/login', textContent: 'Signed out — sign in again' }));
};

if (me.admin) {
  $('#admin').hidden = false;
  const users = ['alice', 'bob'];
  const draw = (table) => {
    const t = $('#permissions');
    t.innerHTML = '<tr><th></th>' + users.map((u) => `<th>${u}</th>`).join('') + '</tr>';
    for (const channel of me.channels.filter((c) => !c.startsWith('news:'))) {
      const tr = document.createElement('tr');
      tr.innerHTML = `<td><code>${channel}</code></td>`;
      for (const user of users) {
        const allowed = (table[user] ?? []).includes(channel);
        const b = Object.assign(document.createElement('button'), { textContent: allowed ? 'revoke' : 'grant' });
        b.dataset.user = user;
        b.dataset.channel = channel;
        b.onclick = async () => draw(await fetch('/permissions', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user, channel, allow: !allowed }),
        }).then((r) => r.json()));
        const td = document.createElement('td');
        td.append(b);
        tr.append(td);
      }
      t.append(tr);
    }
  };
  draw(await fetch('/permissions').then((r) => r.json()));
}
