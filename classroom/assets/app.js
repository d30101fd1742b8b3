'use strict';
// The classroom page: one WebSocket to the server, which says which seat this is (hello), then
// sends the seat's view of the run as records and the clock's state as it changes. The seat's
// decisions go back as the same commands a person types at `hotline run --human`.
(() => {
  const token = new URLSearchParams(location.search).get('token') || '';
  const $ = (id) => document.getElementById(id);
  let socket = null;
  let seat = '';
  let reconnect = true;

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function showError(text) {
    $('error').textContent = text;
    $('error').hidden = !text;
  }

  function fill(selector, values) {
    for (const select of document.querySelectorAll(selector)) {
      select.replaceChildren(...values.map((value) => {
        const option = document.createElement('option');
        option.value = value;
        option.textContent = value;
        return option;
      }));
    }
  }

  function onHello(m) {
    seat = m.seat;
    document.title = `${m.case}: ${seat}`;
    $('title').textContent = m.title;
    $('seat').textContent = seat === 'instructor' ? 'Instructor (white cell)' : `Seat: ${seat}`;
    $('feed').replaceChildren();  // a reconnection replays the whole view
    $('party').hidden = seat === 'instructor';
    $('instructor').hidden = seat !== 'instructor';
    fill('.incidents', m.incidents);
    fill('.claims', m.claims);
    fill('.targets', m.targets);
    // A warning may draw no line, or name no consequence ("-"), though not neither.
    for (const select of document.querySelectorAll('.lines')) {
      const none = document.createElement('option');
      none.value = '-';
      none.textContent = 'no line';
      select.prepend(none);
      select.value = '-';
    }
    fill('.rungs', m.rungs || []);
    for (const select of document.querySelectorAll('.rungs')) {
      const none = document.createElement('option');
      none.value = '-';
      none.textContent = 'no consequence named';
      select.prepend(none);
      if ((m.rungs || []).includes('SANCTIONS')) select.value = 'SANCTIONS';
    }
    if (m.timeline) {
      $('inject-event').replaceChildren(...m.timeline.map((entry) => {
        const option = document.createElement('option');
        option.value = entry.event;
        option.textContent = `${entry.what} (scheduled ${entry.t})`;
        return option;
      }));
    }
    if (m.circuits) {
      fill('#outage-circuit', m.circuits);
      $('outage-form').hidden = m.circuits.length === 0;
    }
    document.body.dataset.seat = seat;
  }

  function onRecord(m) {
    const item = document.createElement('li');
    item.dataset.kind = m.kind;
    item.dataset.party = m.party;
    const time = document.createElement('span');
    time.className = 't';
    time.textContent = m.t;
    const actor = document.createElement('span');
    actor.className = 'actor';
    actor.textContent = m.actor || 'world';
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = m.text;
    item.append(time, actor, text);
    $('feed').append(item);
  }

  function onClock(m) {
    $('time').textContent = m.t;
    $('state').textContent = m.state;
    document.body.dataset.state = m.state;
    const speed = $('speed');
    if (document.activeElement !== speed) speed.value = m.speed;
    const decision = $('decision-time');
    if (document.activeElement !== decision) decision.value = m.decision_time;
    $('awaited').replaceChildren(...m.awaiting.map((a) => {
      const item = document.createElement('li');
      item.dataset.kind = a.kind;
      const who = seat === 'instructor' ? `${a.party}: ` : '';
      item.textContent = who + (a.kind === 'answer'
        ? `an answer on ${a.incident} (Answer, below; or let the model decide)`
        : `a warning: “${a.text}” (Refrain to heed it, or note it)`);
      return item;
    }));
    $('awaiting').hidden = m.awaiting.length === 0;
  }

  function onSeats(m) {
    $('seats').tBodies[0].replaceChildren(...m.seats.map((s) => {
      const row = document.createElement('tr');
      const name = document.createElement('td');
      name.textContent = s.seat;
      const browsers = document.createElement('td');
      browsers.textContent = s.browsers;
      const link = document.createElement('td');
      const field = document.createElement('input');
      field.readOnly = true;
      field.value = s.link;
      link.append(field);
      const revoke = document.createElement('td');
      if (s.seat !== 'instructor') {
        const button = document.createElement('button');
        button.textContent = 'Revoke link';
        button.id = `revoke-${s.seat}`;
        button.addEventListener('click', () => send({ action: 'revoke', seat: s.seat }));
        revoke.append(button);
      }
      row.append(name, browsers, link, revoke);
      return row;
    }));
  }

  function onEnded(m) {
    $('ended').hidden = false;
    $('summary').textContent = m.summary;
    if (m.report) {
      $('report').href = m.report;
      $('report').hidden = false;
    }
  }

  function onInputs(m) {
    const select = $('branch-input');
    const chosen = select.value;
    const none = document.createElement('option');
    none.value = '';
    none.textContent = m.inputs.length ? '(choose one, or type a time)' : '(nothing yet: type a time)';
    select.replaceChildren(none, ...m.inputs.map((input) => {
      const option = document.createElement('option');
      option.value = input.input;
      option.dataset.t = input.t;
      option.dataset.movable = input.movable ? 'yes' : 'no';
      option.textContent = `${input.t}: ${input.what}`;
      return option;
    }));
    if (chosen !== '') select.value = chosen;
  }

  // The exercise starts again from its beginning, played as it was up to the branch's moment.
  function onBranch(m) {
    $('feed').replaceChildren();
    $('feed-title').textContent = 'What you see';
    delete document.body.dataset.revealed;
    $('ended').hidden = true;
    $('report').hidden = true;
    showError('');
    $('branched').textContent = `The instructor branched the exercise at ${m.from}; changed: ` +
      `${m.changed}. What happened before that moment is played again.`;
    $('branched').hidden = false;
    // The inputs are the branch's own from now on, numbered afresh.
    $('branch-input').value = '';
    $('branch-from').value = '';
    $('awaited').replaceChildren();
    $('awaiting').hidden = true;
    document.body.dataset.branches = String(Number(document.body.dataset.branches || 0) + 1);
  }

  function onReveal() {
    $('feed-title').textContent = 'The whole run, revealed';
    $('feed').replaceChildren();
    document.body.dataset.revealed = 'yes';
  }

  const handlers = {
    hello: onHello,
    record: onRecord,
    clock: onClock,
    seats: onSeats,
    ended: onEnded,
    reveal: onReveal,
    inputs: onInputs,
    branch: onBranch,
    error: (m) => showError(m.error),
    revoked: () => {
      reconnect = false;
      showError('This seat\u2019s link was revoked by the instructor. Ask for the new one.');
    },
  };

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    socket = new WebSocket(`${scheme}//${location.host}/ws?token=${encodeURIComponent(token)}`);
    socket.addEventListener('open', () => {
      showError('');
      document.body.dataset.connected = 'yes';
    });
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      const handler = handlers[message.type];
      if (handler) handler(message);
    });
    socket.addEventListener('close', () => {
      document.body.dataset.connected = 'no';
      if (!reconnect || document.body.dataset.closed === 'yes') return;
      $('state').textContent = 'disconnected; reconnecting…';
      setTimeout(connect, 1000);
    });
  }

  for (const form of document.querySelectorAll('form[data-line]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const line = form.dataset.line.replace(/\{(\w+)\}/g, (_, name) => String(data.get(name) || ''));
      if (line.trim()) send({ action: 'command', line: line.trim() });
      for (const input of form.querySelectorAll('input[type=text], input:not([type])')) input.value = '';
    });
  }
  $('inject-form').addEventListener('submit', (event) => {
    event.preventDefault();
    send({ action: 'inject', event: Number($('inject-event').value) });
  });
  $('outage-form').addEventListener('submit', (event) => {
    event.preventDefault();
    send({
      action: 'outage',
      circuit: $('outage-circuit').selectedIndex,
      value: Number($('outage-hours').value),
    });
  });
  $('branch-input').addEventListener('change', () => {
    const option = $('branch-input').selectedOptions[0];
    if (option && option.value !== '') $('branch-from').value = option.dataset.t;
  });
  $('branch-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const change = $('branch-change').value;
    const request = { action: 'branch', from: $('branch-from').value.trim(), change };
    if (change === 'move') {
      if ($('branch-input').value === '') {
        showError('Choose the input to move: what someone typed.');
        return;
      }
      request.input = Number($('branch-input').value);
    }
    if (change === 'inject') request.event = Number($('inject-event').value);
    if (change === 'outage') {
      request.circuit = $('outage-circuit').selectedIndex;
      request.value = Number($('outage-hours').value);
    }
    send(request);
  });
  for (const form of document.querySelectorAll('form[data-action]')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = Number(new FormData(form).get('value'));
      send({ action: form.dataset.action, value });
    });
  }
  for (const button of document.querySelectorAll('button[data-command]')) {
    button.addEventListener('click', () => send({ action: 'command', line: button.dataset.command }));
  }
  for (const button of document.querySelectorAll('button[data-action]')) {
    button.addEventListener('click', () => {
      if (button.dataset.action === 'close') document.body.dataset.closed = 'yes';
      send({ action: button.dataset.action });
    });
  }
  connect();
})();
