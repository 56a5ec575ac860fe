// Live chart: one plotly.js chart per component instance, updated in place.
//
// Streamlit calls the default export on mount and again whenever the data (or
// the theme) changes. The chart's <div> is created once and kept; each new
// batch of frames is queued and drawn with Plotly.react, one frame every
// `interval_ms`, and the last frame stays on screen until the next batch.
// An optional overlay figure lives in a second chart laid over the first
// (absolutely positioned, no pointer events) and is redrawn only when its
// digest changes.
// The module is imported once per page (Streamlit caches it by content hash),
// so plotly.js is fetched and evaluated at most once per browser session.
//
// Streamlit calls the returned cleanup on unmount, and also right away for a call
// it had already superseded: it imports the module asynchronously, and when new
// data arrives before the import for the previous data resolved, the previous
// call still runs (on the same, still mounted element) and its cleanup is run at
// once, before or after the newer call. Tearing the chart down then purged it
// and left its empty <div> in place, above the chart the next call created out
// of sight: the recurrent lab's loss chart stayed empty after a change of task
// while playing. So the cleanup tears down only an element that has left the page
// (unmounted: React has removed it by the time the cleanup runs), and takes the
// chart's <div>s with it.

const PLOTLY_CACHE_NAME = "neural-playground-plotly";
const instances = new WeakMap();
let plotlyPromise = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.appendChild(script);
  });
}

// The server sends the 4.8 MB bundle without max-age, so the HTTP cache does not
// keep it between page loads; Cache Storage does (secure contexts only: https or
// localhost). The URL carries plotly's version, so an upgrade fetches the new file.
async function loadPlotlyFromCacheStorage(url) {
  const absolute = new URL(url, window.location.href).href;
  const cache = await caches.open(PLOTLY_CACHE_NAME);
  let response = await cache.match(absolute);
  if (!response) {
    response = await fetch(absolute);
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${absolute}`);
    for (const request of await cache.keys()) {
      if (request.url !== absolute) await cache.delete(request);
    }
    await cache.put(absolute, response.clone());
  }
  const blobUrl = URL.createObjectURL(
    new Blob([await response.text()], { type: "text/javascript" }),
  );
  try {
    await loadScript(blobUrl);
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
}

function loadPlotly(url) {
  if (window.Plotly && typeof window.Plotly.react === "function") {
    return Promise.resolve(window.Plotly);
  }
  if (plotlyPromise === null) {
    const cached =
      window.isSecureContext && typeof caches !== "undefined"
        ? loadPlotlyFromCacheStorage(url)
        : Promise.reject(new Error("no Cache Storage"));
    plotlyPromise = cached
      .catch(() => (window.Plotly ? undefined : loadScript(url)))
      .then(() => window.Plotly);
    plotlyPromise.catch(() => {
      plotlyPromise = null;
    });
  }
  return plotlyPromise;
}

function decodePayload(data) {
  if (data instanceof Uint8Array) return JSON.parse(new TextDecoder().decode(data));
  if (typeof data === "string") return JSON.parse(data);
  return data || { frames: [] };
}

// The page theme's colours and font, read from Streamlit's CSS variables. Read once per
// rerun, not per frame: getComputedStyle after the previous frame's DOM changes would
// force a style recalculation in every frame.
function readTheme(element) {
  const css = getComputedStyle(element);
  const cssVar = (name) => css.getPropertyValue(name).trim();
  return {
    text: cssVar("--st-text-color"),
    font: cssVar("--st-font"),
    grid: cssVar("--st-border-color-light") || cssVar("--st-border-color"),
    colorway: cssVar("--st-chart-categorical-colors"),
  };
}

// The page theme, as st.plotly_chart(theme="streamlit") does it: transparent
// backgrounds, theme text colour and font, theme grid colour, theme colourway.
// Whatever the figure sets itself wins.
function themedLayout(layout, { text, font, grid, colorway }) {
  const out = { ...layout };
  if (out.paper_bgcolor === undefined) out.paper_bgcolor = "rgba(0,0,0,0)";
  if (out.plot_bgcolor === undefined) out.plot_bgcolor = "rgba(0,0,0,0)";
  out.font = { ...(out.font || {}) };
  if (out.font.color === undefined && text) out.font.color = text;
  if (out.font.family === undefined && font) out.font.family = font;
  if (out.colorway === undefined && colorway) out.colorway = colorway.split(",");
  const axes = new Set(["xaxis", "yaxis", ...Object.keys(out).filter((k) => /^[xy]axis\d*$/.test(k))]);
  for (const name of axes) {
    const axis = { ...(out[name] || {}) };
    for (const prop of ["gridcolor", "zerolinecolor", "linecolor"]) {
      if (axis[prop] === undefined && grid) axis[prop] = grid;
    }
    out[name] = axis;
  }
  return out;
}

async function drawFrame(state, frame) {
  const layout = themedFrameLayout(state, frame);
  // Frames are paced from the start of one draw to the start of the next.
  state.lastDrawAt = performance.now();
  await window.Plotly.react(state.div, frame.data || [], layout, state.config);
  hookClicks(state);
  state.current = frame;
  state.framesDrawn += 1;
  state.div.dataset.framesDrawn = String(state.framesDrawn);
}

// A click on the chart (a point, a heatmap cell, a node of the diagram) is sent to Python
// as the trigger value "click": its coordinates and the point's customdata, if any.
function hookClicks(state) {
  if (state.clicksHooked || typeof state.div.on !== "function") return;
  state.clicksHooked = true;
  state.div.on("plotly_click", (event) => {
    const point = event && event.points && event.points[0];
    if (!point || !state.clickable || state.setTrigger === null) return;
    const value = { x: point.x ?? null, y: point.y ?? null, customdata: point.customdata ?? null,
                    pointer_x: null, pointer_y: null };
    // Where the pointer was, in the axes' units (a heatmap's point is the centre of its cell).
    const layout = state.div._fullLayout;
    const mouse = event.event;
    if (layout && layout.xaxis && layout.yaxis && mouse && typeof layout.xaxis.p2d === "function") {
      const box = state.div.getBoundingClientRect();
      value.pointer_x = layout.xaxis.p2d(mouse.clientX - box.left - layout.xaxis._offset);
      value.pointer_y = layout.yaxis.p2d(mouse.clientY - box.top - layout.yaxis._offset);
    }
    state.setTrigger("click", value);
  });
}

async function playNext(state) {
  state.timer = null;
  const frame = state.queue.shift();
  if (frame === undefined || state.closed) return; // hold the last frame
  state.drawing = true;
  try {
    await drawFrame(state, frame);
  } catch (error) {
    console.error("live_chart: Plotly.react failed", error);
  } finally {
    state.drawing = false;
  }
  schedule(state);
}

function schedule(state) {
  if (state.timer !== null || state.drawing || state.queue.length === 0 || state.closed) return;
  const wait = Math.max(0, state.interval - (performance.now() - state.lastDrawAt));
  state.timer = setTimeout(() => playNext(state), wait);
}

function themedFrameLayout(state, frame) {
  const layout = state.theme === "streamlit" ? themedLayout(frame.layout || {}, state.themeVars) : { ...(frame.layout || {}) };
  if (layout.height === undefined) layout.height = state.height;
  return layout;
}

// Draw, replace or remove the overlay chart to match state.overlay.
async function drawOverlay(state) {
  if (state.overlay === null) {
    if (state.overlayDiv !== null) {
      window.Plotly.purge(state.overlayDiv);
      state.overlayDiv.remove();
      state.overlayDiv = null;
    }
    return;
  }
  if (state.overlayDiv === null) {
    const overlay = document.createElement("div");
    overlay.className = "np-live-chart-overlay";
    Object.assign(overlay.style, { position: "absolute", left: "0", top: "0", width: "100%",
                                   zIndex: "1", pointerEvents: "none" });
    state.stack.appendChild(overlay);
    state.overlayDiv = overlay;
  }
  state.overlayDiv.style.height = `${state.height}px`;
  const config = { ...state.config, staticPlot: true };
  await window.Plotly.react(state.overlayDiv, state.overlay.data || [], themedFrameLayout(state, state.overlay), config);
}

function createState(parentElement) {
  // The chart and its overlay share a positioned box, so the overlay lies exactly on the chart.
  const stack = document.createElement("div");
  stack.style.position = "relative";
  parentElement.appendChild(stack);
  const div = document.createElement("div");
  div.className = "np-live-chart";
  stack.appendChild(div);
  const state = {
    stack,
    div,
    overlay: null,
    overlayDiv: null,
    overlayDigest: null,
    queue: [],
    timer: null,
    drawing: false,
    closed: false,
    current: null,
    batch: null,
    lastDrawAt: -Infinity,
    framesDrawn: 0,
    batchesReceived: 0,
    interval: 66,
    height: 400,
    theme: "streamlit",
    config: {},
    themeKey: "",
    themeVars: {},
    clickable: false,
    clicksHooked: false,
    setTrigger: null,
  };
  // Plotly.Plots.resize rejects for a chart that is not displayed: one the page has just
  // removed or hidden (a rerun, a page switch) can still get this callback. Nothing needs
  // resizing then, so such charts are skipped and a late rejection is ignored.
  state.resizeObserver = new ResizeObserver(() => {
    if (!window.Plotly || state.closed) return;
    const charts = [state.current !== null ? div : null, state.overlayDiv];
    for (const chart of charts) {
      if (chart !== null && chart.isConnected && chart.getClientRects().length > 0) {
        window.Plotly.Plots.resize(chart).catch(() => {});
      }
    }
  });
  state.resizeObserver.observe(div);
  return state;
}

export default function liveChart(component) {
  const { data, parentElement, setTriggerValue } = component;
  const payload = decodePayload(data);
  let state = instances.get(parentElement);
  if (state === undefined) {
    state = createState(parentElement);
    instances.set(parentElement, state);
  }
  state.div.setAttribute("role", "img");
  state.div.setAttribute("aria-label", payload.alt || "chart");
  state.div.style.height = `${payload.height}px`;
  state.interval = payload.interval_ms;
  state.height = payload.height;
  state.theme = payload.theme;
  state.config = payload.config || {};
  state.clickable = Boolean(payload.clickable);
  state.setTrigger = setTriggerValue || null;

  state.themeVars = readTheme(parentElement);
  const themeKey = JSON.stringify(state.themeVars);
  const themeChanged = themeKey !== state.themeKey;
  state.themeKey = themeKey;

  // The same batch again (a rerun that changed nothing here, or a theme switch):
  // do not replay it; only redraw the frame on screen if the theme changed.
  const isNewBatch = payload.batch !== state.batch;
  if (isNewBatch) {
    state.batch = payload.batch;
    state.batchesReceived += 1;
    state.div.dataset.batchesReceived = String(state.batchesReceived);
    const frames = payload.frames || [];
    // Keep at most two batches queued so the chart never lags far behind training.
    const backlog = Math.max(2 * frames.length, 2);
    state.queue = state.queue.concat(frames).slice(-backlog);
  }

  const overlayDigest = payload.overlay_digest || null;
  const overlayChanged = overlayDigest !== state.overlayDigest;
  if (overlayChanged) {
    state.overlayDigest = overlayDigest;
    state.overlay = payload.overlay || null;
  }

  loadPlotly(payload.plotly_url)
    .then(() => {
      if (!isNewBatch && themeChanged && state.current !== null && !state.drawing) {
        drawFrame(state, state.current).catch((e) => console.error("live_chart", e));
      }
      if (overlayChanged || themeChanged) {
        drawOverlay(state).catch((e) => console.error("live_chart: overlay", e));
      }
      schedule(state);
    })
    .catch((error) => {
      state.div.textContent = `Could not load plotly.js: ${error.message}`;
    });

  return () => {
    if (state.closed || parentElement.isConnected) return; // superseded: a newer call draws here
    state.closed = true;
    if (state.timer !== null) clearTimeout(state.timer);
    state.resizeObserver.disconnect();
    if (window.Plotly) {
      window.Plotly.purge(state.div);
      if (state.overlayDiv !== null) window.Plotly.purge(state.overlayDiv);
    }
    state.stack.remove();
    instances.delete(parentElement);
  };
}
