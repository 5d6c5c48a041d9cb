// The web page over the HTTP/JSON API (same origin). Offsets are asked for in UTF-16 code
// units, the unit of JavaScript string indices, so text.slice(start, end) is exactly each
// mention's surface, emoji and other astral characters included. Text reaches the page only
// through textContent, never as HTML.
"use strict";

const TYPE_NAMES = {
  ENTITY_TYPE_PERSON: "person",
  ENTITY_TYPE_PLACE: "place",
  ENTITY_TYPE_ORGANIZATION: "organization",
};
const WIKIDATA = "https://www.wikidata.org/wiki/";

const $ = (id) => document.getElementById(id);
const textBox = $("text");
const output = $("output");
const card = $("card");
const message = $("message");

let mentions = [];
let hideTimer = 0;
let linkTimer = 0;
let linkGeneration = 0;

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function typeName(type) {
  return TYPE_NAMES[type] || "entity";
}

function score(value) {
  return (value || 0).toFixed(2);
}

function qidLink(qid) {
  return el("a", { href: WIKIDATA + encodeURIComponent(qid), target: "_blank", rel: "noopener" }, qid);
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json();
  if (!response.ok) {
    const error = data.error || {};
    throw new Error(`${error.status || response.status}: ${error.message || "request failed"}`);
  }
  return data;
}

function say(text, isError = false) {
  message.textContent = text;
  message.classList.toggle("error", isError);
}

// ---- linking -------------------------------------------------------------------------

async function link() {
  const text = textBox.value;
  const generation = ++linkGeneration;
  hideCard();
  if (!text.trim()) {
    render("", { mentions: [], entities: [] });
    say("");
    return;
  }
  output.dataset.state = "loading";
  say("Linking…");
  const candidates = Math.max(0, Math.min(10, Number($("candidates").value) || 0));
  try {
    const answer = await call("POST", "/v1/link", {
      text,
      maxCandidates: candidates,
      offsetEncoding: "OFFSET_ENCODING_UTF16_CODE_UNITS",
    });
    if (generation !== linkGeneration) return; // a newer request is on its way
    render(text, answer);
    const names = answer.mentions.length === 1 ? "mention" : "mentions";
    say(`${answer.mentions.length} ${names} of ${answer.entities.length} entities.`);
  } catch (error) {
    if (generation !== linkGeneration) return;
    output.dataset.state = "error";
    say(error.message, true);
  }
}

function render(text, answer) {
  mentions = answer.mentions;
  const fragment = document.createDocumentFragment();
  let at = 0;
  mentions.forEach((mention, index) => {
    if (mention.start < at || mention.end > text.length) return; // never expected: spans are ordered and disjoint
    fragment.append(text.slice(at, mention.start));
    const mark = el(
      "mark",
      {
        class: `mention type-${typeName(mention.entity.type)}`,
        tabindex: "0",
        role: "button",
        "aria-haspopup": "dialog",
        "data-index": String(index),
        "data-qid": mention.entity.qid,
        title: `${mention.entity.labelEn || mention.entity.labelAr} (${mention.entity.qid})`,
      },
      text.slice(mention.start, mention.end),
    );
    fragment.append(mark);
    at = mention.end;
  });
  fragment.append(text.slice(at));
  output.replaceChildren(fragment);
  renderEntities(answer.entities);
  output.dataset.state = "done";
}

function renderEntities(entities) {
  const list = $("entities");
  list.replaceChildren(
    ...entities.map((item) => {
      const entity = item.entity;
      const row = el(
        "li",
        { "data-qid": entity.qid, tabindex: "0" },
        el("span", { class: `mention type-${typeName(entity.type)}`, lang: "ar", dir: "rtl" }, entity.labelAr),
        " ",
        entity.labelEn,
        " · ",
        qidLink(entity.qid),
        " ",
        el("span", { class: "count" }, `× ${item.mentionCount}`),
        entity.descriptionEn ? el("div", { class: "description" }, entity.descriptionEn) : null,
      );
      const emphasise = (on) => {
        for (const mark of output.querySelectorAll(`mark[data-qid="${entity.qid}"]`)) {
          mark.classList.toggle("emphasised", on);
        }
      };
      row.addEventListener("mouseenter", () => emphasise(true));
      row.addEventListener("mouseleave", () => emphasise(false));
      row.addEventListener("focus", () => emphasise(true));
      row.addEventListener("blur", () => emphasise(false));
      return row;
    }),
  );
}

// ---- the entity card -------------------------------------------------------------------

function entityDetails(entity, extra) {
  const rows = [
    ["Type", typeName(entity.type)],
    ["QID", qidLink(entity.qid)],
    ...extra,
  ];
  if (entity.countryQid) rows.push(["Country", qidLink(entity.countryQid)]);
  const list = el("dl");
  for (const [name, value] of rows) list.append(el("dt", {}, name), el("dd", {}, value));
  return list;
}

function showCard(mark) {
  const mention = mentions[Number(mark.dataset.index)];
  if (!mention) return;
  clearTimeout(hideTimer);
  for (const other of output.querySelectorAll("mark.active")) other.classList.remove("active");
  mark.classList.add("active");
  const entity = mention.entity;
  const runnersUp = (mention.candidates || []).map((candidate) =>
    el(
      "li",
      {},
      el("span", { lang: "ar", dir: "rtl" }, candidate.entity.labelAr),
      ` ${candidate.entity.labelEn} · `,
      qidLink(candidate.entity.qid),
      ` · ${score(candidate.score)}`,
      candidate.entity.descriptionEn ? el("div", { class: "description muted" }, candidate.entity.descriptionEn) : null,
    ),
  );
  const parts = [
    el("h3", { lang: "ar", dir: "rtl" }, entity.labelAr),
    el("p", { class: "label-en" }, entity.labelEn),
    entity.descriptionEn ? el("p", {}, entity.descriptionEn) : null,
    entity.descriptionAr ? el("p", { lang: "ar", dir: "rtl" }, entity.descriptionAr) : null,
    entity.qidUnverified ? el("p", {}, el("span", { class: "badge" }, "QID unverified")) : null,
    entityDetails(entity, [["Score", score(mention.score)]]),
    runnersUp.length ? el("p", { class: "muted" }, "Runners-up") : null,
    runnersUp.length ? el("ol", { class: "runners-up" }, ...runnersUp) : null,
  ];
  card.replaceChildren(...parts.filter((part) => part !== null));
  card.setAttribute("aria-label", `${entity.labelEn || entity.labelAr} (${entity.qid})`);
  card.hidden = false;
  const box = mark.getBoundingClientRect();
  const width = card.offsetWidth;
  const left = Math.min(Math.max(8, box.right - width), document.documentElement.clientWidth - width - 8);
  card.style.left = `${left + window.scrollX}px`;
  card.style.top = `${box.bottom + window.scrollY + 6}px`;
}

function hideCard() {
  card.hidden = true;
  for (const mark of output.querySelectorAll("mark.active")) mark.classList.remove("active");
}

function hideCardSoon() {
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideCard, 250);
}

output.addEventListener("mouseover", (event) => {
  const mark = event.target.closest("mark.mention");
  if (mark) showCard(mark);
});
output.addEventListener("mouseout", (event) => {
  if (event.target.closest("mark.mention")) hideCardSoon();
});
output.addEventListener("focusin", (event) => {
  const mark = event.target.closest("mark.mention");
  if (mark) showCard(mark);
});
output.addEventListener("focusout", (event) => {
  if (!card.contains(event.relatedTarget)) hideCardSoon();
});
output.addEventListener("click", (event) => {
  const mark = event.target.closest("mark.mention");
  if (mark) showCard(mark); // a tap on a touch screen
});
output.addEventListener("keydown", (event) => {
  const mark = event.target.closest("mark.mention");
  if (!mark) return;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    showCard(mark);
    const first = card.querySelector("a");
    if (first) first.focus();
  } else if (event.key === "Escape") {
    hideCard();
  }
});
card.addEventListener("mouseenter", () => clearTimeout(hideTimer));
card.addEventListener("mouseleave", hideCardSoon);
card.addEventListener("focusout", (event) => {
  if (!card.contains(event.relatedTarget)) hideCardSoon();
});
card.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const active = output.querySelector("mark.active");
  hideCard();
  if (active) active.focus();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !card.hidden) hideCard();
});

// ---- input: typing, pasting, dropping ----------------------------------------------------

textBox.addEventListener("input", () => {
  clearTimeout(linkTimer);
  linkTimer = setTimeout(link, 500);
});
textBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    clearTimeout(linkTimer);
    link();
  }
});
$("link-button").addEventListener("click", () => {
  clearTimeout(linkTimer);
  link();
});
$("candidates").addEventListener("change", link);
textBox.addEventListener("dragover", (event) => {
  event.preventDefault();
  textBox.classList.add("dragging");
});
textBox.addEventListener("dragleave", () => textBox.classList.remove("dragging"));
textBox.addEventListener("drop", async (event) => {
  textBox.classList.remove("dragging");
  const file = event.dataTransfer && event.dataTransfer.files[0];
  if (!file) return; // dropped text: the browser inserts it and "input" links it
  event.preventDefault();
  const bytes = await file.arrayBuffer();
  try {
    textBox.value = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    say(`${file.name} is not UTF-8 text; save it as UTF-8 and drop it again.`, true);
    return;
  }
  link();
});

// ---- resolve --------------------------------------------------------------------------------

$("resolve-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const results = $("resolve-results");
  results.dataset.state = "loading";
  try {
    const answer = await call("POST", "/v1/resolve", {
      mention: $("resolve-name").value,
      context: $("resolve-context").value,
      limit: 5,
    });
    const rows = answer.candidates.map((candidate) => {
      const entity = candidate.entity;
      return el(
        "li",
        { "data-qid": entity.qid },
        el("span", { class: `mention type-${typeName(entity.type)}`, lang: "ar", dir: "rtl" }, entity.labelAr),
        ` ${entity.labelEn} · `,
        qidLink(entity.qid),
        ` · ${typeName(entity.type)} · score ${score(candidate.score)}`,
        entity.descriptionEn ? el("div", { class: "description" }, entity.descriptionEn) : null,
      );
    });
    results.replaceChildren(...(rows.length ? rows : [el("li", { class: "muted" }, "No plausible match.")]));
    results.dataset.state = "done";
  } catch (error) {
    results.replaceChildren(el("li", { class: "error" }, error.message));
    results.dataset.state = "error";
  }
});

// ---- start ------------------------------------------------------------------------------------

call("GET", "/v1/gazetteer")
  .then((info) => {
    $("gazetteer").textContent = `Gazetteer ${info.version}: ${info.entityCount} entities from ${info.sources.join(", ")}.`;
  })
  .catch((error) => {
    $("gazetteer").textContent = `Gazetteer unavailable (${error.message}).`;
  });
