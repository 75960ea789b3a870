// Search for the handoff site: queries the Pagefind index built with the site.
//
// Pagefind loads only the index chunks for the words typed and the fragments of the
// results shown, so a query stays small however many handoffs there are.  Results show
// the customer, type and status of each handoff and the matching passage.  Every value
// is written as text (textContent); the highlighted passage is parsed in an inert
// document and copied node by node, so nothing a handoff says can become markup here.
const FILTERS = ["status", "type", "team", "owner"];
const PAGE_SIZE = 20;

const root = document.querySelector("[data-handoffs-search]");

function text(tag, className, value) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.textContent = value;
  return element;
}

// The excerpt is text with <mark> around the matched words: keep exactly that.
function excerptNode(excerpt) {
  const paragraph = document.createElement("p");
  paragraph.className = "ho-search__excerpt";
  const parsed = new DOMParser().parseFromString(`<body>${excerpt}</body>`, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      paragraph.append(text("mark", "", node.textContent));
    } else {
      paragraph.append(document.createTextNode(node.textContent));
    }
  }
  return paragraph;
}

function resultNode(data) {
  const item = document.createElement("li");
  item.className = "ho-search__result";
  const link = text("a", "ho-search__title", data.meta.title || data.url);
  link.href = data.url;
  item.append(link);
  const facts = [data.meta.customer, data.meta.type, data.meta.status].filter(Boolean);
  item.append(text("p", "ho-search__facts", facts.join(" · ")));
  // The section that matched, when Pagefind can tell (a heading of the handoff page).
  const section = (data.sub_results || []).find((sub) => sub.title && sub.title !== data.meta.title);
  if (section) item.append(text("p", "ho-search__section", `in ${section.title}`));
  item.append(excerptNode(section ? section.excerpt : data.excerpt));
  return item;
}

async function start() {
  const bundle = new URL(root.dataset.bundle, window.location.href);
  const siteRoot = new URL(root.dataset.siteRoot, window.location.href);
  const pagefind = await import(new URL("pagefind.js", bundle).href);
  await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 30 });
  await pagefind.init();

  const form = root.querySelector("form");
  const input = root.querySelector(".ho-search__input");
  const status = root.querySelector(".ho-search__status");
  const list = root.querySelector(".ho-search__results");
  const more = root.querySelector(".ho-search__more");
  const params = new URLSearchParams(window.location.search);

  const available = await pagefind.filters();
  const selects = {};
  for (const name of FILTERS) {
    const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b));
    const label = text("label", "ho-search__filter", `${name[0].toUpperCase()}${name.slice(1)} `);
    const select = document.createElement("select");
    select.name = name;
    select.append(text("option", "", "any"));
    select.options[0].value = "";
    for (const value of values) {
      const option = text("option", "", value);
      option.value = value;
      select.append(option);
    }
    select.value = params.get(name) || "";
    label.append(select);
    root.querySelector(".ho-search__filters").append(label);
    selects[name] = select;
  }

  let results = [];
  let shown = 0;
  let generation = 0;

  async function showMore() {
    const batch = results.slice(shown, shown + PAGE_SIZE);
    const mine = generation;
    const loaded = await Promise.all(batch.map((result) => result.data()));
    if (mine !== generation) return;
    for (const data of loaded) list.append(resultNode(data));
    shown += batch.length;
    more.hidden = shown >= results.length;
  }

  async function run() {
    const query = input.value.trim();
    const filters = {};
    for (const name of FILTERS) if (selects[name].value) filters[name] = selects[name].value;
    const url = new URL(window.location.href);
    url.search = "";
    if (query) url.searchParams.set("q", query);
    for (const [name, value] of Object.entries(filters)) url.searchParams.set(name, value);
    window.history.replaceState(null, "", url);
    generation += 1;
    const mine = generation;
    if (!query && Object.keys(filters).length === 0) {
      list.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    const search = await pagefind.search(query || null, { filters });
    if (mine !== generation) return;
    results = search.results;
    shown = 0;
    list.replaceChildren();
    status.textContent = results.length === 1 ? "1 handoff" : `${results.length} handoffs`;
    await showMore();
  }

  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  for (const select of Object.values(selects)) select.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  more.addEventListener("click", showMore);
  input.value = params.get("q") || "";
  root.dataset.ready = "true";
  if (input.value || FILTERS.some((name) => params.get(name))) await run();
}

if (root) {
  start().catch((error) => {
    root.querySelector(".ho-search__status").textContent = `Search is unavailable: ${error.message}`;
  });
}
