// The console's pages: fetch the JSON endpoints and fill the tables. Text
// goes in through textContent only, never as HTML.
'use strict';

const sx = {session: null, names: {}};

async function api(path, options) {
  const response = await fetch(path, Object.assign({credentials: 'same-origin'}, options || {}));
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error || response.statusText);
    error.status = response.status;
    throw error;
  }
  return body;
}

function cell(row, text, numeric) {
  const td = row.insertCell();
  td.textContent = text === undefined || text === null ? '' : String(text);
  if (numeric) td.className = 'text-end';
  return td;
}

function unitName(id) {
  const name = sx.names[id];
  return name ? `${name} (${id})` : id;
}

// The states as the agencies name the steps (referral.proto), then as sxctl
// prints them.
const kStateLabels = {
  submitted: '已移送', delivered: '已送达', accepted: '已签收', disposing: '处置中',
  feedback_sent: '已反馈', closed: '已销号', returned: '已退回', rerouted: '已转办',
  withdrawn: '已撤回', kept_pending: '暂存待查',
};

function stateName(state) {
  const name = String(state).replace(/^REFERRAL_STATE_/, '').toLowerCase();
  return kStateLabels[name] ? `${kStateLabels[name]} ${name}` : name;
}

function refuse(error) {
  const box = document.getElementById('refused');
  box.textContent = error.status === 403
      ? `无权查看此页 Not for your certificate: ${error.message}`
      : `出错 Error: ${error.message}`;
  box.classList.remove('d-none');
}

function fillBody(tableId, rows, fill) {
  const body = document.querySelector(`#${tableId} tbody`);
  body.replaceChildren();
  for (const item of rows) fill(body.insertRow(), item);
}

async function showOverview() {
  const {counts, status} = await api('/api/overview');
  document.getElementById('open-count').textContent = status.referrals;
  document.getElementById('overdue-count').textContent = counts.overdue_open;
  document.getElementById('storage').textContent = status.storage;
  document.getElementById('events').textContent = status.events;
  document.getElementById('hub').textContent =
      `hub ${status.hub_id} · ${status.version} · 启动于 started ${status.started_at}` +
      ` · 单位 agencies ${status.agencies}`;
  fillBody('by-state', counts.by_state, (row, entry) => {
    cell(row, stateName(entry.state));
    cell(row, entry.count, true);
  });
  fillBody('by-route', counts.by_route, (row, entry) => {
    cell(row, entry.sender_type);
    cell(row, entry.recipient_type);
    cell(row, entry.count, true);
  });
  fillBody('by-recipient', counts.by_recipient, (row, entry) => {
    cell(row, unitName(entry.agency_id));
    for (const field of ['overdue', 'blue_warnings', 'yellow_warnings',
                         'red_warnings', 'supervised', 'listed']) {
      cell(row, entry[field], true);
    }
  });
  if (window.Chart) {
    new Chart(document.getElementById('by-state-chart'), {
      type: 'bar',
      data: {
        labels: counts.by_state.map(entry => stateName(entry.state)),
        datasets: [{label: '数量 Count', backgroundColor: '#0d6efd',
                    data: counts.by_state.map(entry => Number(entry.count))}],
      },
      options: {animation: false, plugins: {legend: {display: false}}},
    });
  }
}

async function showLetters(agencyId) {
  const letters = await api(`/api/dead-letters?agency_id=${encodeURIComponent(agencyId)}`);
  document.getElementById('letters-agency').textContent = unitName(agencyId);
  fillBody('letters', letters.dead_letters, (row, letter) => {
    cell(row, letter.sequence, true);
    cell(row, String(letter.event.type).replace(/^EVENT_TYPE_/, '').toLowerCase());
    cell(row, letter.event.referral_id);
    cell(row, letter.delivery_attempts, true);
    cell(row, letter.dead_lettered_at);
  });
  const card = document.getElementById('letters-card');
  card.classList.remove('d-none');
  const button = document.getElementById('redrive');
  button.disabled = letters.dead_letters.length === 0;
  button.onclick = () => redrive(agencyId, letters.dead_letters.length);
}

async function redrive(agencyId, count) {
  const result = document.getElementById('result');
  if (!window.confirm(`确认将 ${unitName(agencyId)} 的 ${count} 条死信重新投递？\n` +
                      `Put ${count} dead letters of ${unitName(agencyId)} back into its inbox?`)) {
    result.textContent = '已取消 Cancelled';
    return;
  }
  try {
    const answer = await api('/api/redrive', {
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-CSRF-Token': sx.session.csrf_token},
      body: JSON.stringify({agency_id: agencyId}),
    });
    // The tables first, so that the result appears with them.
    await showInboxes();
    await showLetters(agencyId);
    result.textContent = `已重新投递 redriven: ${answer.redriven}`;
  } catch (error) {
    result.textContent = `失败 Failed: ${error.message}`;
  }
}

async function showInboxes() {
  const stats = await api('/api/inboxes');
  fillBody('inboxes', stats.inboxes, (row, inbox) => {
    cell(row, unitName(inbox.agency_id));
    cell(row, inbox.depth, true);
    cell(row, inbox.oldest_unacknowledged_at || '—');
    cell(row, inbox.connected_streams, true);
    cell(row, inbox.dead_letters, true);
    const action = row.insertCell();
    if (Number(inbox.dead_letters) > 0) {
      const view = document.createElement('button');
      view.type = 'button';
      view.className = 'btn btn-sm btn-outline-secondary';
      view.textContent = '查看死信 View dead letters';
      view.dataset.agency = inbox.agency_id;
      view.onclick = () => showLetters(inbox.agency_id).catch(refuse);
      action.appendChild(view);
    }
  });
}

const kLevels = {
  WARNING_LEVEL_BLUE: '蓝 blue', WARNING_LEVEL_YELLOW: '黄 yellow', WARNING_LEVEL_RED: '红 red',
  SUPERVISION_LEVEL_URGE: '催办 urge', SUPERVISION_LEVEL_SUPERVISE: '督办 supervise',
  SUPERVISION_LEVEL_LISTED: '挂牌督办 listed',
};

async function showLedger(pageToken) {
  const query = pageToken ? `?page_token=${encodeURIComponent(pageToken)}` : '';
  const ledger = await api(`/api/ledger${query}`);
  const body = document.querySelector('#ledger tbody');
  if (!pageToken) body.replaceChildren();
  for (const entry of ledger.referrals) {
    const row = body.insertRow();
    const transfer = entry.transfer;
    cell(row, unitName(transfer.recipient_agency_id));
    cell(row, transfer.referral_id);
    cell(row, stateName(transfer.state));
    cell(row, entry.subject);
    cell(row, entry.subject_organization);
    cell(row, transfer.feedback_due_at || '—');
    cell(row, kLevels[transfer.warning_level] || '—');
    cell(row, kLevels[transfer.supervision_level] || '—');
    cell(row, entry.last_reminded_at ? `${entry.last_reminded_at} ${unitName(entry.last_reminded_by)}` : '—');
  }
  const more = document.getElementById('ledger-more');
  more.classList.toggle('d-none', !ledger.next_page_token);
  more.onclick = () => showLedger(ledger.next_page_token).catch(refuse);
}

// Which section each path shows to each kind of certificate ('/' is its
// home), and which links its menu has.
const kSections = {
  admin: {'/': 'overview', '/inboxes': 'inboxes-page'},
  agency: {'/': 'ledger-page', '/ledger': 'ledger-page'},
  auditor: {},
};
const kMenus = {admin: ['/', '/inboxes'], agency: ['/ledger'], auditor: []};

async function main() {
  try {
    sx.session = await api('/api/session');
    for (const agency of sx.session.agencies) sx.names[agency.id] = agency.display_name;
    document.getElementById('who').textContent = `${sx.session.kind}/${sx.session.name}`;
    const sections = kSections[sx.session.kind] || {};
    for (const link of document.querySelectorAll('.nav-link')) {
      const href = link.getAttribute('href');
      link.parentElement.classList.toggle(
          'd-none', !(kMenus[sx.session.kind] || []).includes(href));
      link.classList.toggle('active', sections[href] === sections[location.pathname]);
    }
    const section = sections[location.pathname];
    if (!section) {
      refuse({status: 403, message: '此证书暂无可用页面 nothing here for this certificate yet'});
    } else {
      if (section === 'overview') await showOverview();
      if (section === 'inboxes-page') await showInboxes();
      if (section === 'ledger-page') await showLedger();
      document.getElementById(section).classList.remove('d-none');
    }
  } catch (error) {
    refuse(error);
  }
  document.body.dataset.ready = 'true';
}

main();
